#include "backend/imap/imap_credential_verifier.hpp"

#include "tests/backend/imap/fake_imap_server.hpp"
#include "tests/backend/imap/run_coroutine.hpp"
#include "tests/backend/imap/test_tls.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

namespace imap = easd::backend::imap;
namespace net = boost::asio;
using easd::backend::auth_outcome;
using easd::backend::credentials;
using namespace easd::test;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

net::awaitable<auth_outcome> verify(easd::backend::credential_verifier* v, credentials c) {
  co_return co_await v->verify(c);
}

const std::string kGreeting = "* OK [CAPABILITY IMAP4rev1 SASL-IR ID LITERAL+ AUTH=PLAIN] ready\r\n";
const std::string kIdOk = "* ID NIL\r\n$TAG OK ID completed.\r\n";

class ImapCredentialVerifier : public ::testing::Test {
protected:
  auth_outcome run(std::vector<script_step> script, credentials c, imap::options o = {}) {
    server_ = std::make_unique<fake_imap_server>(ctx_, std::move(script));
    if (o.host.empty()) {
      o.host = "127.0.0.1";
      o.port = server_->port();
      o.sec = imap::security::none;
      o.connect_timeout = 5s;
      o.command_timeout = 5s;
    }
    easd::backend::imap_credential_verifier v(ctx_.get_executor(), o, tls_);
    return run_coroutine(ctx_, verify(&v, std::move(c)), [this] {
      if (!server_->accepted()) server_->stop();
    });
  }

  net::io_context ctx_;
  std::shared_ptr<net::ssl::context> tls_ = std::make_shared<net::ssl::context>(make_trusting_client_context());
  std::unique_ptr<fake_imap_server> server_;
};

}  // namespace

TEST_F(ImapCredentialVerifier, AcceptedWithIdCarryingTheClientAddress) {
  auto r = run({send(kGreeting), command(), send(kIdOk), command(), send("$TAG OK Logged in\r\n"), command(),
                send("* BYE\r\n$TAG OK\r\n"), drain()},
               {"user1", "secret", "192.0.2.10"});
  EXPECT_EQ(r, auth_outcome::accepted);
  ASSERT_EQ(server_->lines().size(), 3u);
  EXPECT_EQ(server_->lines()[0], R"(e1 ID ("name" "easd" "x-originating-ip" "192.0.2.10"))");
  EXPECT_EQ(server_->lines()[1], "e2 AUTHENTICATE PLAIN AHVzZXIxAHNlY3JldA==");
  EXPECT_EQ(server_->lines()[2], "e3 LOGOUT");
}

TEST_F(ImapCredentialVerifier, ClientAddressIsSentOnlyWhenItIsAnAddress) {
  for (const std::string& addr : {"192.0.2.1\" \"x"s, "not-an-ip"s, ""s, "10.0.0.1\r\nA1 LOGOUT"s}) {
    auto r = run({send(kGreeting), command(), send(kIdOk), command(), send("$TAG OK\r\n"), command(),
                  send("$TAG OK\r\n"), drain()},
                 {"user1", "secret", addr});
    EXPECT_EQ(r, auth_outcome::accepted);
    ASSERT_FALSE(server_->lines().empty());
    EXPECT_EQ(server_->lines()[0], R"(e1 ID ("name" "easd"))") << addr;
  }
  auto v6 = run({send(kGreeting), command(), send(kIdOk), command(), send("$TAG OK\r\n"), command(),
                 send("$TAG OK\r\n"), drain()},
                {"user1", "secret", "::ffff:192.0.2.5"});
  EXPECT_EQ(v6, auth_outcome::accepted);
  EXPECT_EQ(server_->lines()[0], R"(e1 ID ("name" "easd" "x-originating-ip" "192.0.2.5"))");
}

TEST_F(ImapCredentialVerifier, RefusedLoginIsRejected) {
  auto r = run({send(kGreeting), command(), send(kIdOk), command(),
                send("$TAG NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"), drain()},
               {"user1", "wrong", "192.0.2.10"});
  EXPECT_EQ(r, auth_outcome::rejected);
}

TEST_F(ImapCredentialVerifier, IdRefusalDoesNotPreventVerification) {
  auto r = run({send(kGreeting), command(), send("$TAG BAD what\r\n"), command(), send("$TAG OK\r\n"), command(),
                send("$TAG OK\r\n"), drain()},
               {"user1", "secret", "192.0.2.10"});
  EXPECT_EQ(r, auth_outcome::accepted);
}

TEST_F(ImapCredentialVerifier, HostileUserNameNeverReachesTheServerUnquoted) {
  auto r = run({send("* OK [CAPABILITY IMAP4rev1] ready\r\n"), command(), send("$TAG NO nope\r\n"), drain()},
               {"x\" \"y\") A2 DELETE INBOX", "secret", ""});
  EXPECT_EQ(r, auth_outcome::rejected);
  ASSERT_EQ(server_->lines().size(), 1u);
  EXPECT_EQ(server_->lines()[0], R"(e1 LOGIN "x\" \"y\") A2 DELETE INBOX" "secret")");
}

TEST_F(ImapCredentialVerifier, UnsendableCredentialsAreRejectedWithoutConnecting) {
  for (const auto& c : {credentials{"us\0er"s, "secret", ""}, credentials{"user\r\n", "secret", ""},
                        credentials{"", "secret", ""}, credentials{std::string(10000, 'u'), "secret", ""},
                        credentials{"user", "a\nb", ""}}) {
    auto r = run({send(kGreeting), drain()}, c);
    EXPECT_EQ(r, auth_outcome::rejected);
    EXPECT_FALSE(server_->accepted());
  }
}

TEST_F(ImapCredentialVerifier, ServerTroubleIsUnavailableNeverRejected) {
  const std::vector<script_step> scripts[] = {
      {send("* BYE go away\r\n"), close()},
      {send(kGreeting), command(), send(kIdOk), command(), send("$TAG NO [UNAVAILABLE] Temporary failure\r\n"), drain()},
      {send("* OK [CAPABILITY IMAP4rev1 LOGINDISABLED] ready\r\n"), drain()},
      {send(kGreeting), command(), send(kIdOk), command(), close()},
      {send("garbage\r\n"), drain()},
  };
  for (const auto& s : scripts) {
    EXPECT_EQ(run(s, {"user1", "secret", ""}), auth_outcome::unavailable);
  }
}

TEST_F(ImapCredentialVerifier, SilentServerIsUnavailableAtTheDeadline) {
  server_ = std::make_unique<fake_imap_server>(ctx_, std::vector<script_step>{drain()});
  imap::options o;
  o.host = "127.0.0.1";
  o.port = server_->port();
  o.sec = imap::security::none;
  o.connect_timeout = 200ms;
  easd::backend::imap_credential_verifier v(ctx_.get_executor(), o, tls_);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(run_coroutine(ctx_, verify(&v, {"user1", "secret", ""})), auth_outcome::unavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_F(ImapCredentialVerifier, UnreachableServerIsUnavailable) {
  imap::options o;
  o.host = "127.0.0.1";
  {
    net::ip::tcp::acceptor probe(ctx_, {net::ip::make_address("127.0.0.1"), 0});
    o.port = probe.local_endpoint().port();
  }
  o.sec = imap::security::tls;
  easd::backend::imap_credential_verifier v(ctx_.get_executor(), o, tls_);
  EXPECT_EQ(run_coroutine(ctx_, verify(&v, {"user1", "secret", ""})), auth_outcome::unavailable);
}
