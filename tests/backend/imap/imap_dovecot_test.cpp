// The IMAP client and the credential verifier against a real Dovecot (tests/support/services.hpp):
// plain, STARTTLS and implicit TLS; right and wrong passwords; an unknown user; Dovecot stopped.
#include "backend/imap/imap_credential_verifier.hpp"

#include "backend/imap/client/connection.hpp"
#include "backend/imap/client/tls_context.hpp"
#include "tests/backend/imap/run_coroutine.hpp"
#include "tests/support/services.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

namespace imap = easd::backend::imap;
namespace net = boost::asio;
using easd::backend::auth_outcome;
using easd::backend::credentials;
using namespace std::chrono_literals;

namespace {

net::awaitable<auth_outcome> verify(easd::backend::credential_verifier* v, credentials c) {
  co_return co_await v->verify(c);
}

struct session_outcome {
  easd::error_code connect, id, login, logout;
  bool tls = false;
  imap::capabilities caps_before, caps_after;
};

// noinline: g++ 12 inlines the coroutine ramp and then warns falsely about Asio's frame allocator.
[[gnu::noinline]] net::awaitable<session_outcome> session(imap::options o, std::shared_ptr<net::ssl::context> tls) {
  session_outcome out;
  auto c = co_await imap::connection::connect(co_await net::this_coro::executor, *tls, o);
  if (!c) {
    out.connect = c.error();
    co_return out;
  }
  out.tls = (*c)->tls_active();
  out.caps_before = (*c)->caps();
  std::vector<std::pair<std::string, std::string>> fields;  // not a braced list: g++ 12 coroutine bug
  fields.emplace_back("name", "easd-test");
  fields.emplace_back("x-originating-ip", "192.0.2.99");
  auto id = co_await (*c)->id(std::move(fields));
  if (!id) out.id = id.error();
  auto login = co_await (*c)->login("alice@example.test", "secret");
  if (!login) out.login = login.error();
  out.caps_after = (*c)->caps();
  auto logout = co_await (*c)->logout();
  if (!logout) out.logout = logout.error();
  co_return out;
}

class ImapDovecot : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    run_ = std::make_unique<easd::test::run_dir>("imap-client");
    dovecot_ = std::make_unique<easd::test::dovecot_service>(run_->path());
  }
  static void TearDownTestSuite() {
    dovecot_.reset();
    run_.reset();
  }

  static imap::options options(imap::security sec) {
    imap::options o;
    o.host = "127.0.0.1";
    o.sec = sec;
    o.port = sec == imap::security::tls ? dovecot_->imaps_port() : dovecot_->imap_port();
    o.ca_file = dovecot_->cert_file().string();
    o.connect_timeout = 5s;
    o.command_timeout = 10s;  // a failed login is delayed 2 s (auth_failure_delay)
    return o;
  }

  auth_outcome check(imap::security sec, std::string user, std::string password) {
    auto o = options(sec);
    auto tls = make_tls_context(o);
    EXPECT_TRUE(tls);
    easd::backend::imap_credential_verifier v(ctx_.get_executor(), o, *tls);
    return easd::test::run_coroutine(ctx_, verify(&v, {std::move(user), std::move(password), "192.0.2.1"}));
  }

  static inline std::unique_ptr<easd::test::run_dir> run_;
  static inline std::unique_ptr<easd::test::dovecot_service> dovecot_;
  net::io_context ctx_;
};

}  // namespace

TEST_F(ImapDovecot, SessionOverStarttls) {
  auto o = options(imap::security::starttls);
  auto tls = *imap::make_tls_context(o);
  auto r = easd::test::run_coroutine(ctx_, session(o, tls));
  EXPECT_FALSE(r.connect) << r.connect.message();
  EXPECT_TRUE(r.tls);
  EXPECT_TRUE(r.caps_before.has("AUTH=PLAIN"));
  EXPECT_FALSE(r.caps_before.has("STARTTLS"));  // asked again over TLS
  EXPECT_FALSE(r.id) << r.id.message();
  EXPECT_FALSE(r.login) << r.login.message();
  EXPECT_TRUE(r.caps_after.has("IDLE"));  // Dovecot's post-login [CAPABILITY]
  EXPECT_FALSE(r.logout) << r.logout.message();
}

TEST_F(ImapDovecot, RightPasswordAccepted) {
  EXPECT_EQ(check(imap::security::none, "alice@example.test", "secret"), auth_outcome::accepted);
  EXPECT_EQ(check(imap::security::starttls, "bob", "secret"), auth_outcome::accepted);
  EXPECT_EQ(check(imap::security::tls, "carol@example.test", "secret"), auth_outcome::accepted);
}

TEST_F(ImapDovecot, WrongPasswordAndUnknownUserRejectedAlike) {
  EXPECT_EQ(check(imap::security::tls, "alice@example.test", "wrong"), auth_outcome::rejected);
  EXPECT_EQ(check(imap::security::tls, "nosuchuser", "secret"), auth_outcome::rejected);
}

TEST_F(ImapDovecot, HostileUserNameIsRejectedNotUnavailable) {
  EXPECT_EQ(check(imap::security::tls, "a\" \"b\\ {5}", "secret"), auth_outcome::rejected);
  EXPECT_EQ(check(imap::security::tls, "jürgen", "secret"), auth_outcome::rejected);  // outside Dovecot's username chars
}

TEST_F(ImapDovecot, StoppedServerIsUnavailableQuickly) {
  easd::test::run_dir run("imap-client-stopped");
  easd::test::dovecot_service dovecot(run.path());
  dovecot.stop();
  imap::options o;
  o.host = "127.0.0.1";
  o.port = dovecot.imaps_port();
  o.ca_file = dovecot.cert_file().string();
  auto tls = *imap::make_tls_context(o);
  easd::backend::imap_credential_verifier v(ctx_.get_executor(), o, tls);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(easd::test::run_coroutine(ctx_, verify(&v, {"alice", "secret", ""})), auth_outcome::unavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);  // generous: a refused connect is immediate
  dovecot.start();
  EXPECT_EQ(easd::test::run_coroutine(ctx_, verify(&v, {"alice", "secret", ""})), auth_outcome::accepted);
}
