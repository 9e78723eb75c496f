// The real client against a real submission server that delivers into a real Dovecot
// (scripts/services/smtp → LMTP): STARTTLS and implicit TLS with certificate verification, the Bcc
// recipient, and every failure the sending commands must tell apart.
#include "backend/smtp/smtp_submitter.hpp"

#include "tests/backend/imap/run_coroutine.hpp"
#include "tests/support/imap_test_client.hpp"
#include "tests/support/services.hpp"

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace easd::backend::smtp {
namespace {

namespace net = boost::asio;

constexpr std::size_t size_limit = 64 * 1024;

class SmtpRelay : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    run_ = new test::run_dir("smtp-relay");
    dovecot_ = new test::dovecot_service(run_->path());
    test::smtp_options so;
    so.size_limit = size_limit;
    smtp_ = new test::smtp_service(run_->path(), so);
  }
  static void TearDownTestSuite() {
    delete smtp_;
    delete dovecot_;
    delete run_;
  }
  void TearDown() override {
    if (HasFailure()) ADD_FAILURE() << "smtp log:\n" << test::log_tail(smtp_->log_file());
  }

  options opts(security sec = security::starttls) const {
    options o;
    o.host = "localhost";
    o.port = sec == security::tls ? smtp_->smtps_port() : smtp_->port();
    o.sec = sec;
    o.ca_file = smtp_->cert_file().string();
    o.helo_name = "easd.test";
    o.connect_timeout = std::chrono::seconds(5);
    o.command_timeout = std::chrono::seconds(10);
    return o;
  }

  static submission message(const std::string& subject, std::vector<std::string> rcpts) {
    submission s;
    s.user = "alice@example.test";
    s.password = "secret";
    s.envelope_from = "alice@example.test";
    s.recipients = std::move(rcpts);
    s.message = "From: alice@example.test\r\nTo: bob@example.test\r\nCc: carol@example.test\r\nSubject: " +
                subject + "\r\n\r\nHello.\r\n.a line with a leading dot\r\n";
    return s;
  }

  submit_result submit(const submission& s, options o) {
    auto sub = smtp_submitter::create(std::move(o));
    EXPECT_TRUE(sub);
    submitter_ = std::move(*sub);
    return test::run_coroutine(ctx_, submitter_->submit(s), {}, std::chrono::seconds(60));
  }

  // The INBOX messages of `user` whose Subject is `subject`, whole.
  static std::vector<std::string> inbox(const std::string& user, const std::string& subject) {
    test::imap_test_client imap(dovecot_->imap_port(), user, "secret");
    imap.select("INBOX");
    std::vector<std::string> out;
    for (const auto& m : imap.messages(true)) {
      if (m.subject == subject) out.push_back(imap.fetch_section(m.uid).value_or(""));
    }
    return out;
  }

  static test::run_dir* run_;
  static test::dovecot_service* dovecot_;
  static test::smtp_service* smtp_;
  net::io_context ctx_;
  std::unique_ptr<smtp_submitter> submitter_;
};

test::run_dir* SmtpRelay::run_ = nullptr;
test::dovecot_service* SmtpRelay::dovecot_ = nullptr;
test::smtp_service* SmtpRelay::smtp_ = nullptr;

TEST_F(SmtpRelay, DeliversToEveryRecipientIncludingBcc) {
  auto s = message("two and a bcc", {"bob@example.test", "carol@example.test", "dave@example.test"});
  auto r = submit(s, opts());
  ASSERT_EQ(r.outcome, submit_outcome::sent) << r.detail;
  EXPECT_EQ(r.smtp_code, 250u);
  EXPECT_EQ(submitter_->size_limit(), size_limit);
  for (const char* user : {"bob", "carol", "dave"}) {
    auto got = inbox(user, "two and a bcc");
    ASSERT_EQ(got.size(), 1u) << user;
    EXPECT_NE(got[0].find("\r\n.a line with a leading dot\r\n"), std::string::npos) << got[0];
    EXPECT_EQ(got[0].find("Bcc:"), std::string::npos);
  }
}

TEST_F(SmtpRelay, ImplicitTls) {
  auto r = submit(message("over smtps", {"bob@example.test"}), opts(security::tls));
  ASSERT_EQ(r.outcome, submit_outcome::sent) << r.detail;
  EXPECT_EQ(inbox("bob", "over smtps").size(), 1u);
}

TEST_F(SmtpRelay, UntrustedCertificateIsTemporary) {
  auto o = opts(security::tls);
  o.ca_file.clear();  // the system store does not know the test CA
  auto r = submit(message("untrusted", {"bob@example.test"}), o);
  EXPECT_EQ(r.outcome, submit_outcome::temporary);
  EXPECT_EQ(r.detail, "SMTP TLS failed");
}

TEST_F(SmtpRelay, PlainTextAuthIsNotOfferedBeforeTls) {
  // security = none against a server that offers AUTH only after STARTTLS: no mechanism, nothing sent.
  auto r = submit(message("plain", {"bob@example.test"}), opts(security::none));
  EXPECT_EQ(r.outcome, submit_outcome::temporary);
  EXPECT_EQ(r.detail, "SMTP server offers neither AUTH PLAIN nor AUTH LOGIN");
}

TEST_F(SmtpRelay, WrongPasswordIsAuthFailed) {
  auto s = message("wrong password", {"bob@example.test"});
  s.password = "not-the-password";
  auto r = submit(s, opts());
  EXPECT_EQ(r.outcome, submit_outcome::auth_failed) << r.detail;
  EXPECT_EQ(r.smtp_code, 535u);
  EXPECT_TRUE(inbox("bob", "wrong password").empty());
}

TEST_F(SmtpRelay, OneRefusedRecipientSendsToNobody) {
  auto r = submit(message("one refused", {"bob@example.test", "reject@example.test", "carol@example.test"}),
                  opts());
  EXPECT_EQ(r.outcome, submit_outcome::recipient_rejected) << r.detail;
  EXPECT_EQ(r.smtp_code, 550u);
  EXPECT_EQ(r.rejected_recipient, "reject@example.test");
  EXPECT_TRUE(inbox("bob", "one refused").empty());
  EXPECT_TRUE(inbox("carol", "one refused").empty());
}

TEST_F(SmtpRelay, OversizeIsTooLarge) {
  auto s = message("too big", {"bob@example.test"});
  s.message += std::string(size_limit, 'x') + "\r\n";
  auto r = submit(s, opts());
  EXPECT_EQ(r.outcome, submit_outcome::too_large) << r.detail;
  EXPECT_TRUE(inbox("bob", "too big").empty());
}

TEST_F(SmtpRelay, LmtpDownIsTemporary) {
  dovecot_->stop();
  auto r = submit(message("lmtp down", {"bob@example.test"}), opts());
  dovecot_->start();
  EXPECT_EQ(r.outcome, submit_outcome::temporary) << r.detail;
  EXPECT_EQ(r.smtp_code, 451u);
  EXPECT_TRUE(inbox("bob", "lmtp down").empty());
}

TEST_F(SmtpRelay, MtaStoppedIsTemporary) {
  smtp_->stop();
  auto r = submit(message("mta down", {"bob@example.test"}), opts());
  smtp_->start();
  EXPECT_EQ(r.outcome, submit_outcome::temporary);
  EXPECT_EQ(r.smtp_code, 0u);
  EXPECT_EQ(r.detail, "cannot connect to SMTP server");
  // And back again on the same port.
  auto again = submit(message("mta back", {"bob@example.test"}), opts());
  EXPECT_EQ(again.outcome, submit_outcome::sent) << again.detail;
}

}  // namespace
}  // namespace easd::backend::smtp
