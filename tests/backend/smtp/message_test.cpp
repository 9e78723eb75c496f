#include "backend/smtp/message_data.hpp"

#include "backend/smtp/envelope.hpp"
#include "backend/smtp/error.hpp"
#include "backend/smtp/outcome.hpp"
#include "eas/core/base64.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace easd::backend::smtp {
namespace {

TEST(SmtpMessageData, DotStuffingAndTerminator) {
  auto m = encode_message("Subject: x\r\n\r\n.\r\n..two\r\nnot.first\r\n.");
  EXPECT_EQ(m.data, "Subject: x\r\n\r\n..\r\n...two\r\nnot.first\r\n..\r\n.\r\n");
  EXPECT_EQ(m.message_size, std::string("Subject: x\r\n\r\n.\r\n..two\r\nnot.first\r\n.\r\n").size());
}

TEST(SmtpMessageData, BareLineEndsBecomeCrlf) {
  auto m = encode_message("a\nb\rc\r\n\nd");
  EXPECT_EQ(m.data, "a\r\nb\r\nc\r\n\r\nd\r\n.\r\n");
  EXPECT_EQ(m.message_size, 14u);
  // A dot after a bare LF is at a line start too.
  EXPECT_EQ(encode_message("x\n.y").data, "x\r\n..y\r\n.\r\n");
}

TEST(SmtpMessageData, EmptyAndAlreadyTerminated) {
  EXPECT_EQ(encode_message("").data, ".\r\n");
  EXPECT_EQ(encode_message("").message_size, 0u);
  EXPECT_EQ(encode_message("body\r\n").data, "body\r\n.\r\n");
}

TEST(SmtpMessageData, EightBit) {
  EXPECT_FALSE(has_8bit("plain ascii\r\n\t~"));
  EXPECT_TRUE(has_8bit("gr\xc3\xbc\xc3\x9f"));
}

TEST(SmtpEnvelope, AddressesThatCannotInject) {
  EXPECT_TRUE(sendable_address("alice@example.test"));
  EXPECT_TRUE(sendable_address("a+tag@sub.example.test"));
  const std::vector<std::string> bad_ones = {"",      "a@b>\r\nRCPT TO:<c@d", "a b@c", "<a@b>", "a@b\n",
                                           std::string("a\0@b", 4), "j\xc3\xbcrgen@example.test",
                                           std::string(255, 'a')};
  for (const auto& bad : bad_ones) {
    EXPECT_FALSE(sendable_address(bad)) << bad;
  }
}

TEST(SmtpEnvelope, Credentials) {
  EXPECT_TRUE(sendable_credentials("alice", "p@ss word"));
  EXPECT_TRUE(sendable_credentials("alice", ""));
  EXPECT_FALSE(sendable_credentials("", "x"));
  EXPECT_FALSE(sendable_credentials("alice", "a\r\nQUIT"));
  EXPECT_FALSE(sendable_credentials(std::string("al\0ice", 6), "x"));
  EXPECT_EQ(decode_base64(sasl_plain_response("alice", "secret"), 100).value(), std::string("\0alice\0secret", 13));
}

reply make(unsigned code) {
  reply r;
  r.code = code;
  r.lines = {"text"};
  return r;
}

TEST(SmtpOutcome, Mapping) {
  EXPECT_EQ(classify(stage::message, make(250)).outcome, submit_outcome::sent);
  EXPECT_EQ(classify(stage::message, make(250)).smtp_code, 250u);
  EXPECT_EQ(classify(stage::message, make(250)).detail, "250 text");
  // A 2xx where the session wanted something else is no success.
  EXPECT_EQ(classify(stage::data, make(250)).outcome, submit_outcome::temporary);
  for (unsigned c : {530u, 534u, 535u}) {
    EXPECT_EQ(classify(stage::auth, make(c)).outcome, submit_outcome::auth_failed) << c;
    EXPECT_EQ(classify(stage::mail, make(c)).outcome, submit_outcome::auth_failed) << c;
  }
  EXPECT_EQ(classify(stage::auth, make(454)).outcome, submit_outcome::temporary);
  EXPECT_EQ(classify(stage::auth, make(538)).outcome, submit_outcome::rejected);
  EXPECT_EQ(classify(stage::mail, make(552)).outcome, submit_outcome::too_large);
  EXPECT_EQ(classify(stage::message, make(552)).outcome, submit_outcome::too_large);
  EXPECT_EQ(classify(stage::rcpt, make(552)).outcome, submit_outcome::temporary);  // RFC 5321 4.5.3.1.10
  EXPECT_EQ(classify(stage::rcpt, make(550)).outcome, submit_outcome::recipient_rejected);
  EXPECT_EQ(classify(stage::rcpt, make(553)).outcome, submit_outcome::recipient_rejected);
  EXPECT_EQ(classify(stage::rcpt, make(450)).outcome, submit_outcome::temporary);
  EXPECT_EQ(classify(stage::mail, make(553)).outcome, submit_outcome::rejected);
  EXPECT_EQ(classify(stage::message, make(554)).outcome, submit_outcome::rejected);
  EXPECT_EQ(classify(stage::greeting, make(554)).outcome, submit_outcome::rejected);
  EXPECT_EQ(classify(stage::greeting, make(421)).outcome, submit_outcome::temporary);
  EXPECT_EQ(classify(stage::message, make(451)).outcome, submit_outcome::temporary);

  auto t = transport_failure(error::timeout);
  EXPECT_EQ(t.outcome, submit_outcome::temporary);
  EXPECT_EQ(t.smtp_code, 0u);
  EXPECT_EQ(t.detail, "SMTP deadline passed");
}

}  // namespace
}  // namespace easd::backend::smtp
