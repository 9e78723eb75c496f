#include "eas/protocol/compose/mime_writer.hpp"

#include "eas/core/base64.hpp"
#include "eas/core/mime_header.hpp"
#include "eas/core/transfer_encoding.hpp"
#include "eas/protocol/compose/mime_parts.hpp"

#include <gtest/gtest.h>

#include <string>

namespace easd::compose {
namespace {

std::size_t longest_line(std::string_view s) {
  std::size_t longest = 0, start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\n') continue;
    EXPECT_TRUE(i > 0 && s[i - 1] == '\r') << "bare LF";
    longest = std::max(longest, i - 1 - start);
    start = i + 1;
  }
  return std::max(longest, s.size() - start);
}

TEST(MimeWriter, EncodedWordsRoundTrip) {
  std::string cjk;
  for (int i = 0; i < 40; ++i) cjk += "日本語テキスト";
  const std::string words = encode_words(cjk);
  EXPECT_LE(longest_line(words), 76u);
  EXPECT_EQ(mime::decode_header(words), cjk);
  EXPECT_EQ(header_text("Plain subject"), "Plain subject");
  EXPECT_EQ(mime::decode_header(header_text("Grüße")), "Grüße");
  EXPECT_EQ(mime::decode_header(header_text("looks =?utf-8?q?encoded?=")), "looks =?utf-8?q?encoded?=");
  EXPECT_EQ(mime::decode_header(encode_words("line\r\nbreak")), "line  break");  // no header injection
}

TEST(MimeWriter, QuotedPrintable) {
  const std::string text = std::string(200, 'a') + " \r\ntrailing tab\t\nequals = and é\n.\nend";
  const std::string qp = encode_quoted_printable(text);
  EXPECT_LE(longest_line(qp), 76u);
  EXPECT_NE(qp.find("=20\r\n"), std::string::npos);
  EXPECT_NE(qp.find("=09\r\n"), std::string::npos);
  EXPECT_NE(qp.find("=3D"), std::string::npos);
  EXPECT_NE(qp.find("=C3=A9"), std::string::npos);
  EXPECT_NE(qp.find("\r\n=2E\r\n"), std::string::npos);
  std::string crlf = std::string(200, 'a') + " \r\ntrailing tab\t\r\nequals = and é\r\n.\r\nend\r\n";
  EXPECT_EQ(mime::decode_quoted_printable(qp), crlf);
}

TEST(MimeWriter, Base64Lines) {
  std::string bytes;
  for (int i = 0; i < 1000; ++i) bytes += static_cast<char>(i * 7);
  const std::string b64 = encode_base64_lines(bytes);
  EXPECT_EQ(longest_line(b64), 76u);
  EXPECT_EQ(mime::decode_base64_lenient(b64), bytes);
  EXPECT_EQ(encode_base64_lines(""), "");
}

TEST(MimeWriter, ParametersRoundTrip) {
  for (const std::string& value :
       {std::string("report.pdf"), std::string("my report (final).pdf"), std::string("quote\" and \\ back"),
        std::string("Übersicht 2026 – Entwurf.pdf"), std::string(200, 'x') + ".txt",
        std::string("日本語のファイル名がとても長い場合の添付ファイル.docx")}) {
    const std::string p = "attachment" + mime_param("filename", value);
    EXPECT_LE(longest_line(p), 78u) << p;
    const mime_value back = parse_mime_value(mime::unfold(p));
    EXPECT_EQ(back.token, "attachment");
    ASSERT_NE(back.param("filename"), nullptr) << p;
    EXPECT_EQ(*back.param("filename"), value) << p;
  }
}

TEST(MimeWriter, ReadsForeignParameters) {
  // RFC 2231 continuations, mixed plain and extended segments, RFC 2047 in quotes, case of names.
  auto v = parse_mime_value("Attachment; FileName*0*=UTF-8''%C3%9Cber; filename*1=\" sicht\"; filename*2*=%2Epdf");
  EXPECT_EQ(v.token, "attachment");
  EXPECT_EQ(*v.param("filename"), "Über sicht.pdf");
  v = parse_mime_value("application/pdf; name=\"=?UTF-8?B?w5xiZXJzaWNodC5wZGY=?=\"");
  EXPECT_EQ(*v.param("name"), "Übersicht.pdf");
  v = parse_mime_value("multipart/mixed; boundary=\"=?not?=encoded\"");
  EXPECT_EQ(*v.param("boundary"), "=?not?=encoded");
  v = parse_mime_value("text/plain; charset=\"unterminated");
  EXPECT_EQ(*v.param("charset"), "unterminated");
  v = parse_mime_value("text/plain; junk; x*99999999=1; =nothing");
  EXPECT_EQ(v.token, "text/plain");
}

TEST(MimeWriter, BoundariesAreFreshAndAbsentFromContent) {
  const std::string a = new_boundary({});
  EXPECT_TRUE(a.starts_with("=_easd_"));
  EXPECT_EQ(a.size(), 39u);
  EXPECT_NE(new_boundary({}), a);
  EXPECT_EQ(random_hex(16).size(), 32u);
}

TEST(MimeWriter, HtmlEscape) {
  std::string out;
  append_html_escaped(out, "<a href=\"x\">&</a>");
  EXPECT_EQ(out, "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
}

}  // namespace
}  // namespace easd::compose
