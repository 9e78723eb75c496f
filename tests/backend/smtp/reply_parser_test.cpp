#include "backend/smtp/reply_parser.hpp"

#include "backend/smtp/error.hpp"
#include "backend/smtp/extensions.hpp"

#include <gtest/gtest.h>

#include <string>

namespace easd::backend::smtp {
namespace {

// Feeds everything; returns the replies and the first error (if any).
struct parsed {
  std::vector<reply> replies;
  error_code ec;
};

parsed parse_all(std::string_view in, reply_limits limits = {}, std::size_t piece = 0) {
  reply_parser p(limits);
  parsed out;
  while (!in.empty()) {
    auto chunk = piece == 0 ? in : in.substr(0, std::min(piece, in.size()));
    auto used = p.feed(chunk);
    if (!used) {
      out.ec = used.error();
      return out;
    }
    in.remove_prefix(*used);
    if (p.ready()) out.replies.push_back(p.take());
  }
  return out;
}

TEST(SmtpReplyParser, SingleAndMultiLine) {
  auto r = parse_all("220 mx.example ESMTP ready\r\n250-mx.example\r\n250-SIZE 1000\r\n250 HELP\r\n");
  ASSERT_FALSE(r.ec);
  ASSERT_EQ(r.replies.size(), 2u);
  EXPECT_EQ(r.replies[0].code, 220u);
  EXPECT_EQ(r.replies[0].lines, std::vector<std::string>{"mx.example ESMTP ready"});
  EXPECT_EQ(r.replies[1].code, 250u);
  EXPECT_EQ(r.replies[1].lines, (std::vector<std::string>{"mx.example", "SIZE 1000", "HELP"}));
  EXPECT_TRUE(r.replies[1].positive());
}

TEST(SmtpReplyParser, ByteAtATimeMatchesWhole) {
  const std::string in = "250-a\r\n250-b\r\n250 c\r\n354 go\r\n";
  auto whole = parse_all(in);
  auto bytes = parse_all(in, {}, 1);
  ASSERT_EQ(whole.replies.size(), 2u);
  ASSERT_EQ(bytes.replies.size(), 2u);
  EXPECT_EQ(whole.replies[0].lines, bytes.replies[0].lines);
  EXPECT_EQ(bytes.replies[1].code, 354u);
}

TEST(SmtpReplyParser, BareCodeAndBareLf) {
  auto r = parse_all("250\r\n421 bye\n");
  ASSERT_FALSE(r.ec);
  ASSERT_EQ(r.replies.size(), 2u);
  EXPECT_EQ(r.replies[0].lines, std::vector<std::string>{""});
  EXPECT_EQ(r.replies[1].code, 421u);
  EXPECT_TRUE(r.replies[1].transient());
}

TEST(SmtpReplyParser, StopsAtTheEndOfOneReply) {
  reply_parser p;
  const std::string in = "220 hi\r\n250 next\r\n";
  auto used = p.feed(in);
  ASSERT_TRUE(used);
  EXPECT_EQ(*used, 8u);
  EXPECT_TRUE(p.ready());
  EXPECT_EQ(p.take().code, 220u);
  EXPECT_TRUE(p.idle());
}

TEST(SmtpReplyParser, RefusesMalformedLines) {
  for (std::string bad : {"25 short\r\n", "650 bad class\r\n", "150 bad class\r\n", "2x0 x\r\n", "250x\r\n",
                          "250_x\r\n", "hello\r\n", "\r\n", "250-a\r\n251 b\r\n"}) {
    auto r = parse_all(bad);
    EXPECT_EQ(r.ec, error::malformed_reply) << bad;
  }
}

TEST(SmtpReplyParser, BoundsLineLengthAndLineCount) {
  reply_limits small;
  small.max_line_bytes = 16;
  small.max_lines = 3;
  EXPECT_EQ(parse_all("250 0123456789abcdef\r\n", small).ec, error::line_too_long);
  EXPECT_FALSE(parse_all("250 0123456789\r\n", small).ec);  // 16 bytes with CRLF
  EXPECT_EQ(parse_all("250-a\r\n250-b\r\n250-c\r\n250 d\r\n", small).ec, error::too_many_lines);
  // The default: 4 KiB lines, 100 lines.
  EXPECT_EQ(parse_all("250 " + std::string(5000, 'x') + "\r\n").ec, error::line_too_long);
  std::string many;
  for (int i = 0; i < 101; ++i) many += "250-x\r\n";
  EXPECT_EQ(parse_all(many).ec, error::too_many_lines);
}

TEST(SmtpReplyParser, StaysFailed) {
  reply_parser p;
  EXPECT_FALSE(p.feed("bogus\r\n"));
  EXPECT_FALSE(p.feed("250 ok\r\n"));
}

TEST(SmtpReplyParser, SummaryIsBoundedAndPrintable) {
  reply r;
  r.code = 550;
  r.lines = {"no \x01such\xff user", "second"};
  EXPECT_EQ(r.summary(), "550 no ?such? user / second");
  EXPECT_EQ(r.summary(8), "550 no ?");
}

TEST(SmtpExtensions, ParsesTheKeywordsWeUse) {
  reply r;
  r.code = 250;
  r.lines = {"mx.example greets you", "PIPELINING", "size 35882577", "8bitmime", "STARTTLS",
             "AUTH CRAM-MD5 login PLAIN", "ENHANCEDSTATUSCODES"};
  auto e = parse_ehlo(r);
  EXPECT_TRUE(e.starttls);
  EXPECT_TRUE(e.eight_bit_mime);
  EXPECT_TRUE(e.auth_plain);
  EXPECT_TRUE(e.auth_login);
  EXPECT_TRUE(e.size);
  ASSERT_TRUE(e.size_limit);
  EXPECT_EQ(*e.size_limit, 35882577u);
}

TEST(SmtpExtensions, TheFirstLineIsNoExtension) {
  reply r;
  r.code = 250;
  r.lines = {"STARTTLS"};
  EXPECT_FALSE(parse_ehlo(r).starttls);
}

TEST(SmtpExtensions, SizeWithoutLimitAndOldAuthForm) {
  reply r;
  r.code = 250;
  r.lines = {"mx", "SIZE", "AUTH=LOGIN"};
  auto e = parse_ehlo(r);
  EXPECT_TRUE(e.size);
  EXPECT_FALSE(e.size_limit);
  EXPECT_TRUE(e.auth_login);
  EXPECT_FALSE(e.auth_plain);
  r.lines = {"mx", "SIZE 0"};
  EXPECT_FALSE(parse_ehlo(r).size_limit);
  r.lines = {"mx", "SIZE 12x"};
  EXPECT_FALSE(parse_ehlo(r).size_limit);
  r.lines = {"mx", "SIZE 99999999999999999999999"};
  EXPECT_FALSE(parse_ehlo(r).size_limit);
  r.lines = {"mx"};
  e = parse_ehlo(r);
  EXPECT_FALSE(e.size || e.starttls || e.auth_plain || e.auth_login || e.eight_bit_mime);
}

}  // namespace
}  // namespace easd::backend::smtp
