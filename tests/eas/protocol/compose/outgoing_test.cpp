#include "eas/protocol/compose/outgoing.hpp"

#include "eas/core/mail_date.hpp"
#include "eas/protocol/compose/error.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace easd::compose {
namespace {

constexpr std::string_view phone_mime =
    "From: Ann Lee <ann@example.org>\r\n"
    "To: Bob <bob@example.net>, carol@Example.NET\r\n"
    "Bcc: secret@example.com,\r\n"
    "  \"Hidden Two\" <two@example.com>\r\n"
    "Cc: Bob <bob@EXAMPLE.net>, =?UTF-8?B?SsO2cmc=?= <j@x.de>\r\n"
    "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from\r\n"
    " the  phone\r\n"
    "Date: Tue, 01 Dec 2026 08:44:20 +0100\r\n"
    "Message-ID: <m1@phone.example>\r\n"
    "X-Folded: one\r\n"
    "\ttwo\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Hello\xC3\xA9\r\n"
    ".\r\n"
    "Bcc: this is body text\r\n";

submission_options options() {
  submission_options o;
  o.user_addresses = {"ann@example.org", "ann.lee@example.org"};
  o.message_id_host = "easd.example.org";
  o.now = 1796114660;  // 2026-12-01T08:44:20Z
  return o;
}

outgoing_message parsed(std::string_view mime) {
  auto r = parse_outgoing(mime);
  EXPECT_TRUE(r) << (r ? "" : r.error().message());
  return r ? *r : outgoing_message{};
}

TEST(Outgoing, ParsesTheHeaderFields) {
  const auto m = parsed(phone_mime);
  EXPECT_EQ(m.from, (std::vector<backend::mail_address>{{"Ann Lee", "ann@example.org"}}));
  ASSERT_EQ(m.to.size(), 2u);
  EXPECT_EQ(m.to[1].address, "carol@Example.NET");
  ASSERT_EQ(m.bcc.size(), 2u);
  EXPECT_EQ(m.bcc[1].name, "Hidden Two");
  EXPECT_EQ(m.cc[1].name, "Jörg");
  EXPECT_EQ(m.subject, "Grüße from the  phone");
  EXPECT_EQ(m.date, mail_date::parse_rfc5322("Tue, 01 Dec 2026 08:44:20 +0100"));
  EXPECT_EQ(m.message_id, "<m1@phone.example>");
  EXPECT_EQ(m.body, "Hello\xC3\xA9\r\n.\r\nBcc: this is body text\r\n");
  EXPECT_EQ(m.field("x-folded")->raw, "X-Folded: one\r\n\ttwo");
  EXPECT_EQ(m.mime_headers().content_type, "text/plain; charset=utf-8");
}

TEST(Outgoing, BccIsRemovedAndEverythingElseKeptByteForByte) {
  auto m = parsed(phone_mime);
  auto p = prepare_for_submission(m, options());
  ASSERT_TRUE(p) << p.error().message();
  std::string expected(phone_mime);
  const std::string bcc = "Bcc: secret@example.com,\r\n  \"Hidden Two\" <two@example.com>\r\n";
  expected.erase(expected.find(bcc), bcc.size());
  EXPECT_EQ(p->message, expected);  // Date and Message-ID were there: nothing added
  EXPECT_EQ(p->envelope_from, "ann@example.org");
  EXPECT_EQ(p->message_id, "<m1@phone.example>");
  // Bob twice (domain case differs) is one recipient; the Bcc recipients still get the message.
  EXPECT_EQ(p->recipients, (std::vector<std::string>{"bob@example.net", "carol@Example.NET", "j@x.de",
                                                     "secret@example.com", "two@example.com"}));
}

TEST(Outgoing, LocalPartsStayCaseSensitive) {
  auto m = parsed("From: ann@example.org\nTo: Bob@example.net, bob@example.net, BOB@EXAMPLE.NET\n\nx\n");
  auto p = prepare_for_submission(m, options());
  ASSERT_TRUE(p);
  EXPECT_EQ(p->recipients, (std::vector<std::string>{"Bob@example.net", "bob@example.net", "BOB@EXAMPLE.NET"}));
}

TEST(Outgoing, BareLineEndsBecomeCrlf) {
  auto m = parsed(
      "From: ann@example.org\nTo: bob@example.net\nSubject: a\n  b\nDate: Tue, 01 Dec 2026 08:44:20 +0000\n"
      "Message-ID: <x@y>\nBcc: c@d.test\n\nline1\nline2\rline3\r\n");
  auto p = prepare_for_submission(m, options());
  ASSERT_TRUE(p);
  EXPECT_EQ(p->message,
            "From: ann@example.org\r\nTo: bob@example.net\r\nSubject: a\r\n  b\r\n"
            "Date: Tue, 01 Dec 2026 08:44:20 +0000\r\nMessage-ID: <x@y>\r\n\r\nline1\r\nline2\r\nline3\r\n");
}

TEST(Outgoing, AddsDateAndMessageIdWhenMissing) {
  auto m = parsed("From: ann@example.org\r\nTo: bob@example.net\r\nSubject: hi\r\n\r\nbody\r\n");
  auto p = prepare_for_submission(m, options());
  ASSERT_TRUE(p);
  auto back = parsed(p->message);
  EXPECT_EQ(back.date, options().now);
  EXPECT_EQ(back.field("Date")->raw, "Date: Tue, 01 Dec 2026 08:44:20 +0000");
  EXPECT_TRUE(std::regex_match(back.message_id, std::regex("<[0-9a-f]{32}@easd\\.example\\.org>"))) << back.message_id;
  EXPECT_EQ(back.message_id, p->message_id);
  EXPECT_EQ(back.body, "body\r\n");
  // Two messages never share an id.
  auto m2 = parsed("From: ann@example.org\r\nTo: bob@example.net\r\n\r\nbody\r\n");
  EXPECT_NE(prepare_for_submission(m2, options())->message_id, p->message_id);
  // Without a configured host, the sender's domain.
  auto m3 = parsed("From: ann@example.org\r\nTo: bob@example.net\r\n\r\nbody\r\n");
  auto o = options();
  o.message_id_host.clear();
  EXPECT_TRUE(prepare_for_submission(m3, o)->message_id.ends_with("@example.org>"));
}

TEST(Outgoing, ForeignFromIsRejected) {
  auto m = parsed("From: Mallory <ceo@bank.example>\r\nTo: bob@example.net\r\n\r\nx\r\n");
  EXPECT_EQ(prepare_for_submission(m, options()).error(), compose_error::from_not_allowed);
  auto s = parsed("From: ann@example.org\r\nSender: ceo@bank.example\r\nTo: bob@example.net\r\n\r\nx\r\n");
  EXPECT_EQ(prepare_for_submission(s, options()).error(), compose_error::from_not_allowed);
  // No From names nobody else: it gets the user's primary address (pyactivesync sends none).
  auto none = parsed("To: bob@example.net\r\n\r\nx\r\n");
  auto filled = prepare_for_submission(none, options());
  ASSERT_TRUE(filled);
  EXPECT_TRUE(filled->message.starts_with("From: ann@example.org\r\n"));
  EXPECT_EQ(filled->envelope_from, "ann@example.org");
  auto foreign_sender = parsed("Sender: ceo@bank.example\r\nTo: bob@example.net\r\n\r\nx\r\n");
  EXPECT_EQ(prepare_for_submission(foreign_sender, options()).error(), compose_error::from_not_allowed);
  // Any of the user's addresses, in any case, is fine and becomes the envelope sender.
  auto alias = parsed("From: Ann <Ann.Lee@Example.org>\r\nTo: bob@example.net\r\n\r\nx\r\n");
  EXPECT_EQ(prepare_for_submission(alias, options())->envelope_from, "Ann.Lee@Example.org");
}

TEST(Outgoing, ForeignFromIsRewrittenKeepingTheName) {
  auto o = options();
  o.from = from_policy::rewrite;
  auto m = parsed(
      "Subject: x\r\nFrom: =?UTF-8?B?SsO2cmc=?= <joerg@other.example>\r\nSender: s@other.example\r\n"
      "To: bob@example.net\r\n\r\nx\r\n");
  auto p = prepare_for_submission(m, o);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->envelope_from, "ann@example.org");
  auto back = parsed(p->message);
  EXPECT_EQ(back.from, (std::vector<backend::mail_address>{{"Jörg", "ann@example.org"}}));
  EXPECT_TRUE(back.sender.empty());
  EXPECT_EQ(back.fields[1].name, "From");  // in place
  auto none = parsed("To: bob@example.net\r\n\r\nx\r\n");
  auto q = prepare_for_submission(none, o);
  ASSERT_TRUE(q);
  EXPECT_TRUE(q->message.starts_with("From: ann@example.org\r\n"));
}

TEST(Outgoing, RecipientChecks) {
  auto m = parsed("From: ann@example.org\r\nSubject: x\r\nTo: Undisclosed:;\r\n\r\nx\r\n");
  EXPECT_EQ(prepare_for_submission(m, options()).error(), compose_error::no_recipients);
  std::string many = "From: ann@example.org\r\nTo: ";
  for (int i = 0; i < 600; ++i) many += "r" + std::to_string(i) + "@example.net, ";
  many += "last@example.net\r\n\r\nx\r\n";
  EXPECT_EQ(parse_outgoing(many).error(), compose_error::too_many_recipients);
  auto few = parse_outgoing(many, outgoing_limits{32u << 20, {}, 1000});
  ASSERT_TRUE(few);
  EXPECT_EQ(prepare_for_submission(*few, options()).error(), compose_error::too_many_recipients);
  EXPECT_EQ(parse_outgoing("From: ann@example.org\r\nTo: not an address\r\n\r\n").error(), compose_error::bad_address);
}

TEST(Outgoing, RefusesAmbiguousOrBrokenHeaders) {
  EXPECT_EQ(parse_outgoing("From: ann@example.org\r\nFrom: ceo@bank.example\r\nTo: b@c.test\r\n\r\n").error(),
            compose_error::malformed);
  EXPECT_EQ(parse_outgoing("From: a@b.test, c@d.test\r\nTo: b@c.test\r\n\r\n").error(), compose_error::malformed);
  EXPECT_EQ(parse_outgoing("From ann@example.org Tue Dec  1\r\nTo: b@c.test\r\n\r\n").error(),
            compose_error::malformed);
  EXPECT_EQ(parse_outgoing(" folded: first\r\n\r\n").error(), compose_error::malformed);
  EXPECT_EQ(parse_outgoing(std::string("To: b@c.test\r\nX: a\0b\r\n\r\n", 25)).error(), compose_error::malformed);
  EXPECT_EQ(parse_outgoing(": empty name\r\n\r\n").error(), compose_error::malformed);
  // A bare CR would become a line end: "X-A: 1\rBcc: ..." must not turn into a second field on the wire.
  EXPECT_EQ(parse_outgoing("To: b@c.test\r\nX-A: 1\rBcc: hidden@x.test\r\n\r\n").error(), compose_error::malformed);
  // obs-optional: white space before the colon.
  EXPECT_EQ(parsed("Subject : hi\r\nTo: b@c.test\r\n\r\n").subject, "hi");
  // A header block without a body.
  auto only = parsed("From: ann@example.org\r\nTo: b@c.test");
  EXPECT_TRUE(only.body.empty());
  EXPECT_EQ(only.to.size(), 1u);
}

TEST(Outgoing, HugeInputsAreRefused) {
  EXPECT_EQ(parse_outgoing("To: b@c.test\r\n\r\n" + std::string(100, 'x'), outgoing_limits{50, {}, 10}).error(),
            compose_error::too_large);
  std::string fields;
  for (int i = 0; i < 1001; ++i) fields += "X-" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(parse_outgoing(fields + "\r\n").error(), compose_error::too_many_fields);
  EXPECT_EQ(parse_outgoing("X-Long: " + std::string(70000, 'a') + "\r\n\r\n").error(), compose_error::too_large);
  std::string folded = "X-Folded: a";
  for (int i = 0; i < 7000; ++i) folded += "\r\n continued";
  EXPECT_EQ(parse_outgoing(folded + "\r\n\r\n").error(), compose_error::too_large);
  std::string block;
  for (int i = 0; i < 900; ++i) block += "X-" + std::to_string(i) + ": " + std::string(300, 'v') + "\r\n";
  EXPECT_EQ(parse_outgoing(block + "\r\n").error(), compose_error::too_large);  // > 256 KiB
  // No empty line within the bound: refused without reading on.
  EXPECT_EQ(parse_outgoing("X: " + std::string(40000, 'a') + "\r\n" + std::string(300000, 'b')).error(),
            compose_error::malformed);
  auto m = parsed("From: ann@example.org\r\nTo: b@c.test\r\n\r\n" + std::string(1000, 'x'));
  auto o = options();
  o.max_message = 500;
  EXPECT_EQ(prepare_for_submission(m, o).error(), compose_error::too_large);
}

}  // namespace
}  // namespace easd::compose
