#include "eas/http/authenticator.hpp"

#include "backend/fake/fake_credential_verifier.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>

#include <gtest/gtest.h>

#include <exception>
#include <optional>

namespace easd::http {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

class fake_clock {
public:
  clock::time_point now() const { return now_; }
  void advance(clock::duration d) { now_ += d; }

private:
  clock::time_point now_ = clock::time_point{} + 1000h;
};

class AuthenticatorTest : public ::testing::Test {
protected:
  AuthenticatorTest() {
    verifier_.add_user("jane@example.com", "secret");
    verifier_.add_user("john", "hunter2");
    options_.failure_floor = 50ms;  // short, but long enough to measure
    options_.max_failures_per_user = 3;
    options_.max_failures_per_address = 5;
    options_.failure_window = 300s;
    options_.cache_ttl = 60s;
    options_.unavailable_retry_after = 17s;
  }

  authenticator make() {
    return authenticator(verifier_, options_, [this] { return clock_.now(); });
  }

  auth_result run(authenticator& a, const backend::credentials& c) {
    std::optional<auth_result> out;
    std::exception_ptr failure;
    net::co_spawn(io_, a.authenticate(c), [&](std::exception_ptr e, auth_result r) {
      failure = e;
      out = r;
    });
    io_.run();
    io_.restart();
    if (failure) std::rethrow_exception(failure);
    return *out;
  }

  net::io_context io_;
  backend::fake_credential_verifier verifier_;
  authenticator_options options_;
  fake_clock clock_;
};

backend::credentials creds(std::string user, std::string password, std::string address = "203.0.113.7") {
  return {std::move(user), std::move(password), std::move(address)};
}

TEST_F(AuthenticatorTest, AcceptsAndCaches) {
  auto a = make();
  const auto c = creds("jane@example.com", "secret");
  auto r = run(a, c);
  EXPECT_EQ(r.status, auth_status::ok);
  EXPECT_FALSE(r.from_cache);
  EXPECT_EQ(verifier_.calls(), 1);

  r = run(a, c);
  EXPECT_EQ(r.status, auth_status::ok);
  EXPECT_TRUE(r.from_cache);
  EXPECT_EQ(verifier_.calls(), 1);  // the directory was not asked again

  clock_.advance(60s);  // TTL over
  r = run(a, c);
  EXPECT_EQ(r.status, auth_status::ok);
  EXPECT_FALSE(r.from_cache);
  EXPECT_EQ(verifier_.calls(), 2);
}

TEST_F(AuthenticatorTest, CacheNeedsTheSamePassword) {
  auto a = make();
  EXPECT_EQ(run(a, creds("jane@example.com", "secret")).status, auth_status::ok);
  EXPECT_EQ(run(a, creds("jane@example.com", "Secret")).status, auth_status::rejected);
  EXPECT_EQ(verifier_.calls(), 2);
  // Someone else's wrong password does not drop the device's entry.
  auto r = run(a, creds("jane@example.com", "secret"));
  EXPECT_EQ(r.status, auth_status::ok);
  EXPECT_TRUE(r.from_cache);
  EXPECT_EQ(verifier_.calls(), 2);
}

TEST_F(AuthenticatorTest, PasswordChangedInTheDirectory) {
  options_.failure_floor = 1ms;
  auto a = make();
  EXPECT_EQ(run(a, creds("jane@example.com", "secret")).status, auth_status::ok);
  verifier_.add_user("jane@example.com", "new-secret");
  EXPECT_TRUE(run(a, creds("jane@example.com", "secret")).from_cache);  // within the TTL
  clock_.advance(60s);
  // Expired: the directory is asked again, says no, and the old entry is forgotten.
  EXPECT_EQ(run(a, creds("jane@example.com", "secret")).status, auth_status::rejected);
  EXPECT_EQ(run(a, creds("jane@example.com", "new-secret")).status, auth_status::ok);
  EXPECT_EQ(verifier_.calls(), 3);
}

TEST_F(AuthenticatorTest, RejectionsTakeAtLeastTheFloor) {
  auto a = make();
  for (const auto& c : {creds("jane@example.com", "wrong"), creds("nobody@example.com", "secret")}) {
    const auto start = clock::now();
    const auto r = run(a, c);
    const auto elapsed = clock::now() - start;
    EXPECT_EQ(r.status, auth_status::rejected);
    EXPECT_GE(elapsed, options_.failure_floor) << c.user;
  }
  EXPECT_EQ(verifier_.calls(), 2);
}

TEST_F(AuthenticatorTest, ThrottlesAUserWithoutAskingTheDirectory) {
  options_.failure_floor = 1ms;
  auto quick = make();
  for (int i = 0; i < 3; ++i) {
    // Different addresses: only the per-user limit applies.
    EXPECT_EQ(run(quick, creds("john", "bad", "198.51.100." + std::to_string(i))).status, auth_status::rejected);
  }
  EXPECT_EQ(verifier_.calls(), 3);
  const auto start = clock::now();
  auto r = run(quick, creds("john", "hunter2", "198.51.100.99"));
  EXPECT_LT(clock::now() - start, 1s);  // throttling is not padded
  EXPECT_EQ(r.status, auth_status::throttled);
  EXPECT_GT(r.retry_after, 0s);
  EXPECT_LE(r.retry_after, options_.failure_window);
  EXPECT_EQ(verifier_.calls(), 3);

  // Case variants share the user's allowance.
  EXPECT_EQ(run(quick, creds("JOHN", "bad", "198.51.100.98")).status, auth_status::throttled);

  clock_.advance(r.retry_after);
  EXPECT_EQ(run(quick, creds("john", "hunter2", "198.51.100.99")).status, auth_status::ok);
}

TEST_F(AuthenticatorTest, CachedUserKeepsWorkingWhileSomeoneGuesses) {
  options_.failure_floor = 1ms;
  auto a = make();
  EXPECT_EQ(run(a, creds("jane@example.com", "secret", "192.0.2.1")).status, auth_status::ok);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(run(a, creds("jane@example.com", "guess", "198.51.100." + std::to_string(i))).status,
              auth_status::rejected);
  }
  EXPECT_EQ(run(a, creds("jane@example.com", "guess", "198.51.100.50")).status, auth_status::throttled);
  // The phone is cached: unaffected.
  auto r = run(a, creds("jane@example.com", "secret", "192.0.2.1"));
  EXPECT_EQ(r.status, auth_status::ok);
  EXPECT_TRUE(r.from_cache);

  // Past the TTL, with the user still throttled, the known-good password may still ask the directory...
  clock_.advance(60s);
  ASSERT_EQ(run(a, creds("jane@example.com", "guess", "198.51.100.51")).status, auth_status::throttled);
  const int calls = verifier_.calls();
  r = run(a, creds("jane@example.com", "secret", "192.0.2.1"));
  EXPECT_EQ(r.status, auth_status::ok);
  EXPECT_FALSE(r.from_cache);
  EXPECT_EQ(verifier_.calls(), calls + 1);
  // ...and is cached again. The success restarted the user's count, so a guess reaches the directory.
  EXPECT_TRUE(run(a, creds("jane@example.com", "secret", "192.0.2.1")).from_cache);
  EXPECT_EQ(run(a, creds("jane@example.com", "guess", "198.51.100.52")).status, auth_status::rejected);
}

TEST_F(AuthenticatorTest, CacheHitBeatsUserThrottle) {
  options_.failure_floor = 1ms;
  auto a = make();
  // Guesses at john from elsewhere use up his allowance...
  for (int i = 0; i < 3; ++i) run(a, creds("john", "guess", "198.51.100." + std::to_string(i)));
  clock_.advance(options_.failure_window);  // ...and drain again.
  EXPECT_EQ(run(a, creds("john", "hunter2", "192.0.2.1")).status, auth_status::ok);
  const int calls = verifier_.calls();
  // Someone now sends wrong passwords for another user from a third address.
  for (int i = 0; i < 3; ++i) run(a, creds("jane@example.com", "guess", "198.51.100.77"));
  // john's phone, cached, is unaffected.
  auto r = run(a, creds("john", "hunter2", "192.0.2.1"));
  EXPECT_EQ(r.status, auth_status::ok);
  EXPECT_TRUE(r.from_cache);
  EXPECT_EQ(verifier_.calls(), calls + 3);
}

TEST_F(AuthenticatorTest, ThrottlesAnAddressEvenForCachedUsers) {
  options_.failure_floor = 1ms;
  auto a = make();
  EXPECT_EQ(run(a, creds("john", "hunter2", "203.0.113.50")).status, auth_status::ok);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(run(a, creds("user" + std::to_string(i), "pw", "203.0.113.50")).status, auth_status::rejected);
  }
  const int calls = verifier_.calls();
  auto r = run(a, creds("john", "hunter2", "203.0.113.50"));
  EXPECT_EQ(r.status, auth_status::throttled);
  EXPECT_GT(r.retry_after, 0s);
  EXPECT_EQ(verifier_.calls(), calls);
  // Another address is not affected.
  EXPECT_EQ(run(a, creds("john", "hunter2", "203.0.113.51")).status, auth_status::ok);
}

TEST_F(AuthenticatorTest, SuccessResetsTheUserButNotTheAddress) {
  options_.failure_floor = 1ms;
  auto a = make();
  run(a, creds("john", "bad", "192.0.2.1"));
  run(a, creds("john", "bad", "192.0.2.1"));
  EXPECT_EQ(run(a, creds("john", "hunter2", "192.0.2.1")).status, auth_status::ok);
  a.forget("john");
  run(a, creds("john", "bad", "192.0.2.1"));
  run(a, creds("john", "bad", "192.0.2.1"));
  // 4 failures for john in the window, but his count restarted at the success: not throttled.
  EXPECT_EQ(run(a, creds("john", "hunter2", "192.0.2.1")).status, auth_status::ok);
  // The address kept all 4: one more failure and it is throttled (limit 5).
  run(a, creds("john", "bad", "192.0.2.1"));
  EXPECT_EQ(run(a, creds("jane@example.com", "secret", "192.0.2.1")).status, auth_status::throttled);
}

TEST_F(AuthenticatorTest, DirectoryUnavailable) {
  options_.failure_floor = 1ms;
  auto a = make();
  verifier_.set_unavailable(true);
  for (int i = 0; i < 10; ++i) {
    auto r = run(a, creds("john", "hunter2"));
    EXPECT_EQ(r.status, auth_status::unavailable);
    EXPECT_EQ(r.retry_after, 17s);
  }
  EXPECT_EQ(verifier_.calls(), 10);
  verifier_.set_unavailable(false);
  // An outage is nobody's failure: nothing was counted.
  EXPECT_EQ(run(a, creds("john", "hunter2")).status, auth_status::ok);
}

TEST_F(AuthenticatorTest, MalformedCredentialsNeverReachTheDirectory) {
  auto a = make();
  for (const auto& c : {creds("", "pw"), creds("john", ""), creds(std::string(257, 'u'), "pw"),
                        creds("john", std::string(1025, 'p'))}) {
    const auto start = clock::now();
    EXPECT_EQ(run(a, c).status, auth_status::rejected);
    EXPECT_GE(clock::now() - start, options_.failure_floor);
  }
  EXPECT_EQ(verifier_.calls(), 0);
}

TEST_F(AuthenticatorTest, NoAddressMeansNoAddressLimit) {
  options_.failure_floor = 1ms;
  options_.max_failures_per_user = 0;
  auto a = make();
  for (int i = 0; i < 20; ++i) EXPECT_EQ(run(a, creds("u" + std::to_string(i), "pw", "")).status, auth_status::rejected);
  EXPECT_EQ(verifier_.calls(), 20);
}

using strand_type = net::strand<net::io_context::executor_type>;

net::awaitable<bool> authenticate_on_strand(authenticator& a, const backend::credentials& c, strand_type strand) {
  const auto r = co_await a.authenticate(c);  // a rejection: the floor timer ran
  co_return r.status == auth_status::rejected && strand.running_in_this_thread();
}

TEST_F(AuthenticatorTest, CompletesOnTheCallersExecutor) {
  auto a = make();
  auto strand = net::make_strand(io_);
  const auto c = creds("john", "bad");
  std::optional<bool> ok;
  net::co_spawn(strand, authenticate_on_strand(a, c, strand), [&](std::exception_ptr e, bool v) {
    ASSERT_FALSE(e);
    ok = v;
  });
  io_.run();
  ASSERT_TRUE(ok);
  EXPECT_TRUE(*ok);
}

}  // namespace
}  // namespace easd::http
