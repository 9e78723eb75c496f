// The submitter's session against a scripted server on 127.0.0.1:0 (security = none): the order of
// commands, AUTH PLAIN vs LOGIN, RSET after a refused recipient, SIZE checked before sending, and peer
// failures (banner hang, connection dropped). Real TLS and a real MTA: smtp_relay_test.cpp.
#include "backend/smtp/smtp_submitter.hpp"

#include "backend/smtp/tls_context.hpp"
#include "tests/backend/imap/run_coroutine.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace easd::backend::smtp {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// What the scripted server says. A command line gets the reply of the longest key that prefixes it;
// lines matching no key (AUTH LOGIN's base64 lines) take the next of `unmatched`, else "250 OK".
struct script {
  std::string greeting = "220 fake ESMTP\r\n";
  std::string ehlo = "250-fake\r\n250-SIZE 1000\r\n250-8BITMIME\r\n250 AUTH PLAIN LOGIN\r\n";
  std::map<std::string, std::string> replies;
  std::deque<std::string> unmatched;
  std::string end_of_data = "250 2.0.0 queued\r\n";
  bool drop_after_data = false;  // close instead of answering the final dot
};

struct transcript {
  std::vector<std::string> lines;  // every command line, CRLF stripped
  std::string data;                // the bytes between the 354 and the final dot, still stuffed
};

net::awaitable<void> serve(tcp::acceptor& acceptor, std::shared_ptr<script> sc, std::shared_ptr<transcript> out) {
  auto [aec, sock] = co_await acceptor.async_accept(use_tuple);
  if (aec) co_return;
  std::string buf;
  if (!sc->greeting.empty()) {
    auto [wec, n] = co_await net::async_write(sock, net::buffer(sc->greeting), use_tuple);
    if (wec) co_return;
  }
  bool in_data = false;
  for (;;) {
    auto [rec, n] = co_await net::async_read_until(sock, net::dynamic_buffer(buf), "\r\n", use_tuple);
    if (rec) co_return;
    std::string line = buf.substr(0, n - 2);
    buf.erase(0, n);
    std::string reply;
    if (in_data) {
      if (line != ".") {
        out->data += line + "\r\n";
        continue;
      }
      in_data = false;
      if (sc->drop_after_data) co_return;
      reply = sc->end_of_data;
    } else {
      out->lines.push_back(line);
      std::size_t best = 0;
      for (const auto& [key, value] : sc->replies) {
        if (line.rfind(key, 0) == 0 && key.size() >= best) {
          best = key.size();
          reply = value;
        }
      }
      if (reply.empty()) {
        if (line.rfind("EHLO", 0) == 0) {
          reply = sc->ehlo;
        } else if (line == "DATA") {
          reply = "354 go ahead\r\n";
          in_data = true;
        } else if (line == "QUIT") {
          reply = "221 bye\r\n";
        } else if (line.rfind("AUTH PLAIN", 0) == 0) {
          reply = "235 ok\r\n";
        } else if (!sc->unmatched.empty()) {
          reply = sc->unmatched.front();
          sc->unmatched.pop_front();
        } else {
          reply = "250 OK\r\n";
        }
      }
    }
    if (reply == "hang") {
      for (;;) {
        auto [hec, hn] = co_await net::async_read_until(sock, net::dynamic_buffer(buf), "\r\n", use_tuple);
        if (hec) co_return;
      }
    }
    auto [wec, wn] = co_await net::async_write(sock, net::buffer(reply), use_tuple);
    if (wec || line == "QUIT") co_return;
  }
}

class SmtpSubmitter : public ::testing::Test {
protected:
  submission message() const {
    submission s;
    s.user = "alice";
    s.password = "secret";
    s.envelope_from = "alice@example.test";
    s.recipients = {"bob@example.test", "carol@example.test"};
    s.message = "Subject: hi\r\n\r\n.hidden dot\nbare LF\r\n";
    return s;
  }

  submit_result run(const submission& s) {
    tcp::acceptor acceptor(ctx_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    options o;
    o.host = "127.0.0.1";
    o.port = acceptor.local_endpoint().port();
    o.sec = security::none;
    o.helo_name = "easd.test";
    o.connect_timeout = std::chrono::milliseconds(500);
    o.command_timeout = std::chrono::milliseconds(500);
    auto sub = smtp_submitter::create(o);
    EXPECT_TRUE(sub);
    submitter_ = std::move(*sub);
    net::co_spawn(ctx_, serve(acceptor, script_, seen_), net::detached);
    return test::run_coroutine(ctx_, submitter_->submit(s), [&] { acceptor.close(); });
  }

  net::io_context ctx_;
  std::shared_ptr<script> script_ = std::make_shared<script>();
  std::shared_ptr<transcript> seen_ = std::make_shared<transcript>();
  std::unique_ptr<smtp_submitter> submitter_;
};

TEST_F(SmtpSubmitter, SendsTheWholeTransaction) {
  auto r = run(message());
  EXPECT_EQ(r.outcome, submit_outcome::sent) << r.detail;
  EXPECT_EQ(r.smtp_code, 250u);
  const std::string plain = "AUTH PLAIN AGFsaWNlAHNlY3JldA==";  // base64("\0alice\0secret")
  EXPECT_EQ(seen_->lines, (std::vector<std::string>{"EHLO easd.test", plain,
                                                     "MAIL FROM:<alice@example.test> SIZE=37",
                                                     "RCPT TO:<bob@example.test>", "RCPT TO:<carol@example.test>",
                                                     "DATA", "QUIT"}));
  EXPECT_EQ(seen_->data, "Subject: hi\r\n\r\n..hidden dot\r\nbare LF\r\n");
  EXPECT_EQ(submitter_->size_limit(), 1000u);
}

TEST_F(SmtpSubmitter, EightBitAsksFor8BitMime) {
  auto s = message();
  s.message = "Subject: gr\xc3\xbc\xc3\x9f\r\n\r\nx\r\n";
  auto r = run(s);
  EXPECT_EQ(r.outcome, submit_outcome::sent) << r.detail;
  EXPECT_EQ(seen_->lines.at(2), "MAIL FROM:<alice@example.test> SIZE=22 BODY=8BITMIME");
}

TEST_F(SmtpSubmitter, EightBitWithout8BitMimeIsRefusedUnsent) {
  script_->ehlo = "250-fake\r\n250 AUTH PLAIN\r\n";
  auto s = message();
  s.message = "Subject: \xff\r\n\r\nx\r\n";
  auto r = run(s);
  EXPECT_EQ(r.outcome, submit_outcome::rejected);
  EXPECT_EQ(seen_->lines, (std::vector<std::string>{"EHLO easd.test", "QUIT"}));
}

TEST_F(SmtpSubmitter, AuthLoginWhenPlainIsNotOffered) {
  script_->ehlo = "250-fake\r\n250 AUTH LOGIN\r\n";
  script_->replies["AUTH LOGIN"] = "334 VXNlcm5hbWU6\r\n";
  script_->unmatched = {"334 UGFzc3dvcmQ6\r\n", "235 ok\r\n"};
  auto r = run(message());
  EXPECT_EQ(r.outcome, submit_outcome::sent) << r.detail;
  ASSERT_GE(seen_->lines.size(), 5u);
  EXPECT_EQ(seen_->lines[1], "AUTH LOGIN");
  EXPECT_EQ(seen_->lines[2], "YWxpY2U=");
  EXPECT_EQ(seen_->lines[3], "c2VjcmV0");
  EXPECT_EQ(seen_->lines[4], "MAIL FROM:<alice@example.test>");  // no SIZE offered
}

TEST_F(SmtpSubmitter, WrongPasswordIsAuthFailed) {
  script_->replies["AUTH PLAIN"] = "535 5.7.8 no\r\n";
  auto r = run(message());
  EXPECT_EQ(r.outcome, submit_outcome::auth_failed);
  EXPECT_EQ(r.smtp_code, 535u);
  EXPECT_EQ(seen_->lines.back(), "QUIT");
}

TEST_F(SmtpSubmitter, NoMechanismIsTemporaryAndSendsNoCredentials) {
  script_->ehlo = "250-fake\r\n250 AUTH CRAM-MD5\r\n";
  auto r = run(message());
  EXPECT_EQ(r.outcome, submit_outcome::temporary);
  EXPECT_EQ(seen_->lines, (std::vector<std::string>{"EHLO easd.test", "QUIT"}));
}

TEST_F(SmtpSubmitter, RefusedRecipientResetsAndSendsNothing) {
  script_->replies["RCPT TO:<carol@"] = "550 5.1.1 no such user\r\n";
  auto r = run(message());
  EXPECT_EQ(r.outcome, submit_outcome::recipient_rejected);
  EXPECT_EQ(r.rejected_recipient, "carol@example.test");
  EXPECT_EQ(r.smtp_code, 550u);
  EXPECT_EQ(seen_->lines.at(seen_->lines.size() - 2), "RSET");
  for (const auto& l : seen_->lines) EXPECT_NE(l, "DATA");
  EXPECT_TRUE(seen_->data.empty());
}

TEST_F(SmtpSubmitter, TooLargeForSizeIsRefusedBeforeAuth) {
  auto s = message();
  s.message = std::string(2000, 'x');
  auto r = run(s);
  EXPECT_EQ(r.outcome, submit_outcome::too_large);
  EXPECT_EQ(seen_->lines, (std::vector<std::string>{"EHLO easd.test", "QUIT"}));
}

TEST_F(SmtpSubmitter, ServerSays552AtMail) {
  script_->replies["MAIL FROM"] = "552 5.3.4 too big\r\n";
  EXPECT_EQ(run(message()).outcome, submit_outcome::too_large);
}

TEST_F(SmtpSubmitter, RefusalAfterTheDotIsRejected) {
  script_->end_of_data = "554 5.7.1 spam\r\n";
  auto r = run(message());
  EXPECT_EQ(r.outcome, submit_outcome::rejected);
  EXPECT_EQ(r.detail, "554 5.7.1 spam");
}

TEST_F(SmtpSubmitter, TemporaryFailures) {
  script_->replies["MAIL FROM"] = "451 4.3.0 try later\r\n";
  EXPECT_EQ(run(message()).outcome, submit_outcome::temporary);
}

TEST_F(SmtpSubmitter, BannerHangTimesOut) {
  script_->greeting.clear();
  auto r = run(message());
  EXPECT_EQ(r.outcome, submit_outcome::temporary);
  EXPECT_EQ(r.smtp_code, 0u);
  EXPECT_EQ(r.detail, "SMTP deadline passed");
}

TEST_F(SmtpSubmitter, ServerGoneAfterTheDot) {
  script_->drop_after_data = true;
  auto r = run(message());
  EXPECT_EQ(r.outcome, submit_outcome::temporary);
  EXPECT_NE(r.detail.find("delivery unknown"), std::string::npos) << r.detail;
}

TEST_F(SmtpSubmitter, GarbageReplyIsTemporary) {
  script_->replies["MAIL FROM"] = "hello there\r\n";
  auto r = run(message());
  EXPECT_EQ(r.outcome, submit_outcome::temporary);
  EXPECT_EQ(r.detail, "malformed SMTP reply");
}

TEST_F(SmtpSubmitter, NothingListeningIsTemporary) {
  options o;
  o.host = "127.0.0.1";
  {
    tcp::acceptor closed(ctx_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    o.port = closed.local_endpoint().port();
  }
  o.sec = security::none;
  auto sub = smtp_submitter::create(o);
  ASSERT_TRUE(sub);
  auto s = message();
  auto r = test::run_coroutine(ctx_, (*sub)->submit(s));
  EXPECT_EQ(r.outcome, submit_outcome::temporary);
  EXPECT_EQ(r.detail, "cannot connect to SMTP server");
}

TEST_F(SmtpSubmitter, StarttlsNotOfferedIsRefusedBeforeCredentials) {
  tcp::acceptor acceptor(ctx_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  options o;
  o.host = "127.0.0.1";
  o.port = acceptor.local_endpoint().port();
  o.sec = security::starttls;
  o.command_timeout = std::chrono::milliseconds(500);
  auto sub = smtp_submitter::create(o);
  ASSERT_TRUE(sub);
  net::co_spawn(ctx_, serve(acceptor, script_, seen_), net::detached);
  auto s = message();
  auto r = test::run_coroutine(ctx_, (*sub)->submit(s), [&] { acceptor.close(); });
  EXPECT_EQ(r.outcome, submit_outcome::temporary);
  EXPECT_EQ(r.detail, "SMTP server does not offer STARTTLS");
  for (const auto& l : seen_->lines) EXPECT_EQ(l.find("AUTH"), std::string::npos);
}

TEST_F(SmtpSubmitter, LocalRefusalsNeedNoServer) {
  options o;
  o.port = 1;  // never contacted
  auto sub = smtp_submitter::create(o);
  ASSERT_TRUE(sub);
  auto s = message();
  s.recipients = {"ok@example.test", "evil@x>\r\nDATA"};
  auto r = test::run_coroutine(ctx_, (*sub)->submit(s));
  EXPECT_EQ(r.outcome, submit_outcome::recipient_rejected);
  EXPECT_EQ(r.rejected_recipient, "evil@x>\r\nDATA");
  s = message();
  s.password = "a\r\nb";
  EXPECT_EQ(test::run_coroutine(ctx_, (*sub)->submit(s)).outcome, submit_outcome::auth_failed);
  s = message();
  s.recipients.clear();
  EXPECT_EQ(test::run_coroutine(ctx_, (*sub)->submit(s)).outcome, submit_outcome::rejected);
}

}  // namespace
}  // namespace easd::backend::smtp
