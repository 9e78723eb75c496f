#include "eas/core/mime_header.hpp"

#include "eas/core/utf8.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace easd::mime {
namespace {

std::string dec(std::string_view raw, std::size_t max_out = 1u << 20) {
  std::string out = decode_header(raw, max_out);
  EXPECT_TRUE(utf8::is_valid(out)) << raw;
  return out;
}

TEST(MimeHeader, PlainTextIsUnchanged) {
  EXPECT_EQ(dec("Hello world"), "Hello world");
  EXPECT_EQ(dec("  padded  "), "padded");
  EXPECT_EQ(dec(""), "");
  EXPECT_EQ(dec("a = ? b ?= c"), "a = ? b ?= c");
}

TEST(MimeHeader, Utf8Base64) {
  EXPECT_EQ(dec("=?UTF-8?B?w4TDlsOcIMOkw7bDvCDDnw==?="), "ÄÖÜ äöü ß");
  EXPECT_EQ(dec("=?utf-8?b?w4TDlsOcIMOkw7bDvCDDnw?="), "ÄÖÜ äöü ß");  // padding left out
  EXPECT_EQ(dec("Re: =?UTF-8?B?8J+YgA==?= party"), "Re: 😀 party");
}

TEST(MimeHeader, Latin1QuotedPrintable) {
  EXPECT_EQ(dec("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>"), "André Pirard <PIRARD@vm1.ulg.ac.be>");
  EXPECT_EQ(dec("=?iso-8859-1?q?caf=e9_cr=E8me?="), "café crème");
  EXPECT_EQ(dec("=?iso-8859-1?Q?=93smart=94?="), "\u201Csmart\u201D");  // read as windows-1252
}

TEST(MimeHeader, Rfc2047Section8Examples) {
  EXPECT_EQ(dec("(=?ISO-8859-1?Q?a?=)"), "(a)");
  EXPECT_EQ(dec("(=?ISO-8859-1?Q?a?= b)"), "(a b)");
  EXPECT_EQ(dec("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(dec("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(dec("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(dec("(=?ISO-8859-1?Q?a_b?=)"), "(a b)");
  EXPECT_EQ(dec("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)"), "(a b)");
}

TEST(MimeHeader, OtherCharsets) {
  EXPECT_EQ(dec("=?koi8-r?B?8NLJ18XULCDNydI=?="), "Привет, мир");
  EXPECT_EQ(dec("=?ISO-2022-JP?B?GyRCMnE1RCROJCpDTiRpJDsbKEI=?="), "会議のお知らせ");
  EXPECT_EQ(dec("=?Shift_JIS?B?k/qWe4zqg2WDWINn?="), "日本語テスト");
  EXPECT_EQ(dec("=?big5?B?pKSk5Q==?="), "中文");
  EXPECT_EQ(dec("=?ks_c_5601-1987?B?vsiz58fPvLy/5A==?="), "안녕하세요");
  EXPECT_EQ(dec("=?utf-8*en?Q?hi?="), "hi");  // RFC 2231 language suffix
}

TEST(MimeHeader, MultibyteCharacterSplitAcrossWords) {
  // "你好世界" in GB2312; the first word ends in the middle of "好".
  EXPECT_EQ(dec("=?GB2312?B?xOO6?=\r\n =?GB2312?B?w8rAvec=?="), "你好世界");
  // UTF-8 "ü" split between two Q words.
  EXPECT_EQ(dec("=?UTF-8?Q?Gr=C3?= =?UTF-8?Q?=BC=C3=9Fe?="), "Grüße");
  // ISO-2022-JP with the shift state carried from the first word into the second.
  EXPECT_EQ(dec("=?iso-2022-jp?B?GyRCRnw=?=\r\n\t=?iso-2022-jp?B?S1wbKEI=?="), "日本");
  // Different charsets are decoded separately.
  EXPECT_EQ(dec("=?UTF-8?Q?=C3=A9?= =?ISO-8859-1?Q?=E9?="), "éé");
}

TEST(MimeHeader, MixedEncodedAndPlain) {
  EXPECT_EQ(dec("[list] =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from =?UTF-8?B?TcO8bmNoZW4=?= today"),
            "[list] Grüße from München today");
  EXPECT_EQ(dec("\"=?UTF-8?Q?M=C3=BCller?=, Hans\" <h@example.com>"), "\"Müller, Hans\" <h@example.com>");
  EXPECT_EQ(dec("Re:=?UTF-8?Q?caf=C3=A9?="), "Re:café");  // no space before the word, as sent
}

TEST(MimeHeader, MalformedWordsStayLiteral) {
  EXPECT_EQ(dec("=?UTF-8?B?!!!notbase64?="), "=?UTF-8?B?!!!notbase64?=");
  EXPECT_EQ(dec("=?UTF-8?X?abc?="), "=?UTF-8?X?abc?=");
  EXPECT_EQ(dec("=??Q?abc?="), "=??Q?abc?=");
  EXPECT_EQ(dec("=?UTF-8?Q?unterminated"), "=?UTF-8?Q?unterminated");
  EXPECT_EQ(dec("=?UTF-8?B?w6k=?= =?UTF-8?B?bad!?="), "é =?UTF-8?B?bad!?=");
  EXPECT_EQ(dec("=?UTF-8?Q?a=ZZb?="), "a=ZZb");  // a broken escape is kept
  EXPECT_EQ(dec("=?x-unknown?Q?caf=E9?="), "café");   // unknown charset: guessed
  EXPECT_EQ(dec("=?UTF-8?Q?=FF?="), "\uFFFD");
  EXPECT_EQ(dec("=?UTF-8?Q?a?=?="), "a?=");
}

TEST(MimeHeader, Raw8BitOutsideWords) {
  EXPECT_EQ(dec("Gr\xC3\xBC\xC3\x9F" "e"), "Grüße");
  EXPECT_EQ(dec("caf\xE9"), "café");
  EXPECT_EQ(dec("caf\xE9 =?UTF-8?Q?=C3=A9?="), "café é");
}

TEST(MimeHeader, ControlsAndLineBreaks) {
  EXPECT_EQ(dec("a\r\n b"), "a b");
  EXPECT_EQ(dec("a\r\nb"), "a b");
  EXPECT_EQ(dec("=?UTF-8?Q?line=0D=0Abreak=00?="), "line  break");
  EXPECT_EQ(dec("tab\there"), "tab here");
}

TEST(MimeHeader, OutputIsBounded) {
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "=?UTF-8?B?w6nDqQ==?= ";
  const std::string out = dec(many, 101);
  EXPECT_LE(out.size(), 101u);
  EXPECT_GE(out.size(), 96u);
  EXPECT_EQ(out.substr(0, 4), "éé");
}

TEST(MimeHeader, PathologicalInputIsLinear) {
  // Many openers that never close, and many closers: scanned once each (a quadratic scan would time out).
  const std::string openers = [] {
    std::string s;
    for (int i = 0; i < 200000; ++i) s += "=?a?q?x";
    return s;
  }();
  EXPECT_EQ(dec(openers, 1u << 30), openers);
  std::string b_words;
  for (int i = 0; i < 200000; ++i) b_words += "=?a?b?x y";
  b_words += "?=";
  EXPECT_EQ(dec(b_words, 1u << 30).size(), b_words.size());
}

TEST(MimeHeader, Rfc2231) {
  EXPECT_EQ(decode_rfc2231("utf-8''%E2%82%AC%20rates.pdf"), "€ rates.pdf");
  EXPECT_EQ(decode_rfc2231("iso-8859-1'en'caf%E9.txt"), "café.txt");
  EXPECT_EQ(decode_rfc2231("UTF-8'de-DE'M%c3%bcller"), "Müller");
  EXPECT_EQ(decode_rfc2231("\"utf-8''quoted%20name\""), "quoted name");
  EXPECT_EQ(decode_rfc2231("''plain"), "plain");
  EXPECT_EQ(decode_rfc2231("100%25%zz%"), "100%%zz%");
  EXPECT_EQ(decode_rfc2231("no-prefix%C3%A9"), "no-prefixé");
  EXPECT_EQ(decode_rfc2231("koi8-r''%F0%D2%C9%D7%C5%D4"), "Привет");
  EXPECT_EQ(decode_rfc2231("utf-8''%FF"), "\uFFFD");
  EXPECT_EQ(decode_rfc2231("utf-8''%0D%0Aevil"), "evil");  // one line, trimmed
  EXPECT_LE(decode_rfc2231("utf-8''" + std::string(10000, 'a'), 100).size(), 100u);
}

TEST(MimeHeader, Unfold) {
  EXPECT_EQ(unfold("  Subject text\r\n continued\r\n\tagain  "), "Subject text continued\tagain");
  EXPECT_EQ(unfold("a\nb"), "a b");
  EXPECT_EQ(unfold("a\n b"), "a b");
  EXPECT_EQ(unfold(""), "");
}

}  // namespace
}  // namespace easd::mime
