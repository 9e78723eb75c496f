#include "eas/protocol/compose/forward_compose.hpp"
#include "eas/protocol/compose/reply_compose.hpp"

#include "eas/protocol/compose/error.hpp"
#include "eas/protocol/compose/mime_parts.hpp"

#include <gtest/gtest.h>

#include <string>

namespace easd::compose {
namespace {

constexpr std::string_view plain_phone =
    "From: Ann <ann@example.org>\r\n"
    "To: Bob <bob@example.net>\r\n"
    "Subject: Re: Plans\r\n"
    "In-Reply-To: <phone-guess@x>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=\"iso-8859-1\"\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Sounds good, caf=E9 at 10.\r\n";

constexpr std::string_view html_phone_with_attachment =
    "From: ann@example.org\r\n"
    "To: bob@example.net\r\n"
    "Content-Type: multipart/mixed; boundary=outer\r\n"
    "\r\n"
    "preamble\r\n"
    "--outer\r\n"
    "Content-Type: multipart/alternative; boundary=\"inner\"\r\n"
    "\r\n"
    "--inner\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Phone text\r\n"
    "--inner\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "PGh0bWw+PGJvZHk+PHA+UGhvbmUgPGI+dGV4dDwvYj48L3A+PC9ib2R5PjwvaHRtbD4=\r\n"
    "--inner--\r\n"
    "--outer\r\n"
    "Content-Type: image/jpeg; name=photo.jpg\r\n"
    "Content-Disposition: attachment; filename=\"photo.jpg\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "/9j/4AAQ\r\n"
    "--outer--\r\n"
    "epilogue\r\n";

std::string binary(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>((seed = seed * 1103515245 + 12345) >> 16);
  return s;
}

original_message original() {
  original_message o;
  o.from = {{"Bob Builder", "bob@example.net"}};
  o.to = {{"", "ann@example.org"}};
  o.cc = {{"Jörg", "j@x.de"}};
  o.date = 1796114660;
  o.subject = "Plans für Freitag";
  o.message_id = "<orig@example.net>";
  o.references = "<root@example.net> <mid@example.net>";
  o.text_plain = "Shall we meet?\r\n> earlier quote\r\nBob";
  o.text_html = "<html><head><style>p{}</style></head><BODY class=x><p>Shall we <i>meet</i>?</p></body></html>";
  o.attachments = {{"agenda.pdf", "application/pdf", "", false, binary(5000, 1)},
                   {"Übersicht – März.xlsx", "application/vnd.ms-excel", "", false, binary(77, 2)},
                   {"logo.png", "image/png", "logo@x", true, binary(300, 3)},
                   {"weird", "not a type\r\nX-Injected: 1", "bad id\r\n", false, "abc"},
                   {"fw.eml", "message/rfc822", "", false, "Subject: attached\r\n\r\nhi\r\n"}};
  return o;
}

outgoing_message phone(std::string_view mime) {
  auto r = parse_outgoing(mime);
  EXPECT_TRUE(r) << r.error().message();
  return r ? *r : outgoing_message{};
}

struct parsed_back {
  outgoing_message msg;
  std::vector<mime_leaf> leaves;
};

parsed_back back(const result<std::string>& out) {
  EXPECT_TRUE(out) << out.error().message();
  if (!out) return {};
  for (std::size_t i = 0; i < out->size(); ++i) {
    if ((*out)[i] == '\n') {
      EXPECT_TRUE(i > 0 && (*out)[i - 1] == '\r') << "bare LF at " << i;
    }
  }
  std::size_t start = 0;
  while (start < out->size()) {
    const std::size_t end = std::min(out->find("\r\n", start), out->size());
    EXPECT_LE(end - start, 78u) << out->substr(start, end - start);
    start = end + 2;
  }
  parsed_back b{phone(*out), {}};
  auto leaves = parse_parts(b.msg.mime_headers(), b.msg.body);
  EXPECT_TRUE(leaves);
  if (leaves) b.leaves = std::move(*leaves);
  return b;
}

TEST(ComposeReply, PlainQuotesTheOriginalBelowThePhoneText) {
  const auto b = back(compose_reply(phone(plain_phone), original()));
  EXPECT_EQ(b.msg.subject, "Re: Plans");
  EXPECT_EQ(b.msg.in_reply_to, "<orig@example.net>");
  EXPECT_EQ(b.msg.references, "<root@example.net> <mid@example.net> <orig@example.net>");
  EXPECT_EQ(b.msg.to, (std::vector<backend::mail_address>{{"Bob", "bob@example.net"}}));
  EXPECT_EQ(b.msg.field("MIME-Version")->raw, "MIME-Version: 1.0");
  ASSERT_EQ(b.leaves.size(), 1u);
  EXPECT_EQ(b.leaves[0].subtype, "plain");
  EXPECT_EQ(b.leaves[0].charset, "utf-8");
  EXPECT_EQ(
      leaf_text(b.leaves[0]),
      "Sounds good, café at 10.\r\n\r\nOn Tue, 01 Dec 2026 08:44:20 +0000, Bob Builder <bob@example.net> wrote:\r\n"
      "> Shall we meet?\r\n>> earlier quote\r\n> Bob\r\n");
}

TEST(ComposeReply, HtmlGetsABlockquoteAndAttachmentsStay) {
  const auto b = back(compose_reply(phone(html_phone_with_attachment), original()));
  EXPECT_TRUE(b.msg.mime_headers().content_type.starts_with("multipart/mixed"));
  EXPECT_EQ(b.msg.subject, "Re: Plans für Freitag");
  ASSERT_EQ(b.leaves.size(), 3u);
  EXPECT_EQ(leaf_text(b.leaves[0]).substr(0, 12), "Phone text\r\n");
  EXPECT_EQ(b.leaves[1].subtype, "html");
  const std::string html = leaf_text(b.leaves[1]);
  EXPECT_EQ(html,
            "<html><body><p>Phone <b>text</b></p><div>On Tue, 01 Dec 2026 08:44:20 +0000, Bob Builder "
            "&lt;bob@example.net&gt; wrote:</div>\r\n<blockquote type=\"cite\" style=\"margin:0 0 0 .8ex;"
            "border-left:1px solid #ccc;padding-left:1ex\">\r\n<p>Shall we <i>meet</i>?</p>\r\n</blockquote>\r\n"
            "</body></html>");
  EXPECT_EQ(b.leaves[2].filename, "photo.jpg");
  EXPECT_EQ(b.leaves[2].bytes, std::string("\xff\xd8\xff\xe0\x00\x10", 6));
}

TEST(ComposeReply, WithoutMessageIdOrSubject) {
  auto o = original();
  o.message_id = "<bad\r\nX-Injected: yes>";
  o.date.reset();
  const auto b = back(compose_reply(phone("From: ann@example.org\r\nTo: bob@example.net\r\n\r\nok\r\n"), o));
  EXPECT_EQ(b.msg.field("In-Reply-To"), nullptr);
  EXPECT_EQ(b.msg.field("X-Injected"), nullptr);
  EXPECT_EQ(b.msg.subject, "Re: Plans für Freitag");
  EXPECT_EQ(leaf_text(b.leaves[0]),
            "ok\r\n\r\nBob Builder <bob@example.net> wrote:\r\n"
            "> Shall we meet?\r\n>> earlier quote\r\n> Bob\r\n");
}

TEST(ComposeForward, CarriesEveryOriginalAttachment) {
  const auto o = original();
  const auto b = back(compose_forward(phone(html_phone_with_attachment), o));
  EXPECT_TRUE(b.msg.mime_headers().content_type.starts_with("multipart/mixed"));
  EXPECT_EQ(b.msg.subject, "Fwd: Plans für Freitag");
  ASSERT_EQ(b.leaves.size(), 8u);  // plain, html, the phone's photo, five original attachments
  const std::string text = leaf_text(b.leaves[0]);
  EXPECT_EQ(text,
            "Phone text\r\n\r\n---------- Forwarded message ----------\r\nFrom: Bob Builder <bob@example.net>\r\n"
            "Date: Tue, 01 Dec 2026 08:44:20 +0000\r\nSubject: Plans für Freitag\r\nTo: ann@example.org\r\n"
            "Cc: Jörg <j@x.de>\r\n\r\nShall we meet?\r\n> earlier quote\r\nBob");
  EXPECT_NE(leaf_text(b.leaves[1]).find("<div>---------- Forwarded message ----------<br>"), std::string::npos);
  EXPECT_EQ(b.leaves[2].filename, "photo.jpg");
  for (std::size_t i = 0; i < o.attachments.size(); ++i) {
    const auto& leaf = b.leaves[3 + i];
    EXPECT_EQ(leaf.bytes, o.attachments[i].bytes) << i;
    EXPECT_EQ(leaf.filename, o.attachments[i].filename) << i;
  }
  EXPECT_EQ(b.leaves[4].type + "/" + b.leaves[4].subtype, "application/vnd.ms-excel");
  EXPECT_EQ(b.leaves[5].disposition, "inline");
  EXPECT_EQ(b.leaves[5].content_id, "logo@x");
  EXPECT_EQ(b.leaves[6].type + "/" + b.leaves[6].subtype, "application/octet-stream");
  EXPECT_EQ(b.leaves[6].content_id, "");
  // base64 is not allowed for message/rfc822 (RFC 2046 5.2.1): sent as bytes.
  EXPECT_EQ(b.leaves[7].type + "/" + b.leaves[7].subtype, "application/octet-stream");
  EXPECT_EQ(b.msg.field("X-Injected"), nullptr);
}

TEST(ComposeForward, PlainPhoneAndHtmlOnlyOriginal) {
  auto o = original();
  o.text_plain.reset();
  o.attachments.clear();
  const auto b = back(compose_forward(phone(plain_phone), o));
  ASSERT_EQ(b.leaves.size(), 1u);
  const std::string text = leaf_text(b.leaves[0]);
  EXPECT_TRUE(text.ends_with("\r\n\r\nShall we meet?")) << text;
}

TEST(Compose, ReplaceMimeSendsThePhoneMessageAsIs) {
  compose_options opt;
  opt.replace_mime = true;
  const auto p = phone(html_phone_with_attachment);
  EXPECT_EQ(*compose_reply(p, original(), opt), serialize(p));
  EXPECT_EQ(*compose_forward(p, original(), opt), std::string(html_phone_with_attachment));
}

TEST(Compose, BoundsAreEnforced) {
  compose_options opt;
  opt.max_attachments = 4;
  EXPECT_EQ(compose_forward(phone(plain_phone), original(), opt).error(), compose_error::too_many_attachments);
  opt = {};
  opt.max_output = 4000;
  EXPECT_EQ(compose_forward(phone(plain_phone), original(), opt).error(), compose_error::too_large);
  opt.max_output = 7100;  // passes the estimate (7046), fails on the real size
  auto o = original();
  o.attachments.resize(1);
  EXPECT_EQ(compose_forward(phone(plain_phone), o, opt).error(), compose_error::too_large);
  opt = {};
  opt.phone_parts.max_depth = 1;
  EXPECT_EQ(compose_reply(phone(html_phone_with_attachment), original(), opt).error(), compose_error::too_large);
  std::string deep = "From: ann@example.org\r\nTo: b@c.test\r\nContent-Type: multipart/mixed; boundary=b-1\r\n\r\n";
  for (int i = 0; i < 20; ++i) {
    deep += "--b" + std::to_string(i == 0 ? -1 : i - 1) + "\r\nContent-Type: multipart/mixed; boundary=b" +
            std::to_string(i) + "\r\n\r\n";
  }
  EXPECT_EQ(compose_reply(phone(deep), original()).error(), compose_error::too_large);
  std::string wide = "From: ann@example.org\r\nTo: b@c.test\r\nContent-Type: multipart/mixed; boundary=w\r\n\r\n";
  for (int i = 0; i < 300; ++i) wide += "--w\r\n\r\nx\r\n";
  EXPECT_EQ(compose_reply(phone(wide), original()).error(), compose_error::too_many_attachments);
  EXPECT_EQ(compose_reply(phone("From: a@b.test\r\nTo: b@c.test\r\nContent-Type: multipart/mixed\r\n\r\nx"), original())
                .error(),
            compose_error::malformed);
}

TEST(Compose, QuoteHelpers) {
  EXPECT_EQ(quote_text("a\nb\r\n>c\rd"), "> a\r\n> b\r\n>>c\r\n> d\r\n");
  EXPECT_EQ(quote_text(""), "");
  EXPECT_EQ(quote_header(original()), "On Tue, 01 Dec 2026 08:44:20 +0000, Bob Builder <bob@example.net> wrote:");
}

}  // namespace
}  // namespace easd::compose
