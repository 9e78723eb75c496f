// Decides whether a request's Basic credentials are good: credential cache, failure limits per client
// address and per user, the directory (backend::credential_verifier), and a time floor on rejections.
//
// authenticate(c), in this order:
//  1. the client address has too many recent failures → throttled (no directory call, no delay);
//  2. the cache holds (user, password), fresh → ok, without calling the verifier;
//  3. the user has too many recent failures → throttled, unless the password is one the directory
//     accepted within cache_keep_expired (credential_cache: expired_match);
//  4. the verifier is asked (on the caller's executor, as its contract says):
//     accepted    → ok; the pair is cached, the user's failure count reset (the address's is not,
//                   or one valid account would launder an attacker's guesses at other accounts);
//     rejected    → a failure is recorded for the address and the user; if the password was the
//                   cached one, the entry is forgotten (the directory no longer takes it); the answer
//                   is held back until `failure_floor` has passed since the call began, so "unknown
//                   user" and "wrong password" take the same time however fast the directory answered;
//     unavailable → unavailable, retry after `unavailable_retry_after` (→ 503 + Retry-After); not
//                   counted as a failure.
// Why the cache comes before the per-user limit, and a wrong password does not drop the cache entry:
// user names (e-mail addresses) are public, and a per-user lockout that beat the cache would let anyone
// stop a user's phone from syncing by sending a few wrong passwords. The price is that guesses at an
// active user are limited by the per-address limit only (a correct guess is a correct guess).
//
// The authenticator is shared by all sessions: cache and limiters are thread-safe, the verifier must be
// too. It does not own the verifier, which must outlive it.
#pragma once

#include "backend/api/credential_verifier.hpp"
#include "eas/http/credential_cache.hpp"
#include "eas/http/rate_limiter.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

namespace easd::http {

namespace net = boost::asio;

struct authenticator_options {
  std::chrono::seconds cache_ttl{std::chrono::minutes(5)};
  std::size_t cache_max_entries = 10000;
  std::chrono::seconds cache_keep_expired{std::chrono::hours(24)};  // see credential_cache
  std::uint32_t max_failures_per_address = 20;  // per failure_window; 0 = no limit
  std::uint32_t max_failures_per_user = 10;     // per failure_window; 0 = no limit
  std::chrono::seconds failure_window{std::chrono::minutes(5)};
  std::size_t max_tracked_keys = 100000;        // per limiter
  std::chrono::milliseconds failure_floor{1000};
  std::chrono::seconds unavailable_retry_after{30};
};

enum class auth_status {
  ok,           // → go on with the request
  rejected,     // → 401 + WWW-Authenticate
  throttled,    // → 503 + Retry-After: retry_after
  unavailable,  // → 503 + Retry-After: retry_after
};

struct auth_result {
  auth_status status = auth_status::rejected;
  std::chrono::seconds retry_after{0};  // throttled and unavailable
  bool from_cache = false;              // ok without asking the directory
};

class authenticator {
public:
  using clock = std::chrono::steady_clock;
  // Time source for the cache and the limiters (tests pass a fake); the failure floor always uses a
  // real steady_timer.
  using now_function = std::function<clock::time_point()>;

  authenticator(backend::credential_verifier& verifier, authenticator_options options,
                now_function now = &clock::now);

  // `c` must stay valid until the returned awaitable completes. c.user and c.password are expected to
  // come from parse_basic_authorization; c.client_address keys the per-address limit (empty: none).
  // Completes on the awaiting coroutine's executor; the floor timer runs there. Cancelling the
  // coroutine during the floor wait still yields `rejected`.
  net::awaitable<auth_result> authenticate(const backend::credentials& c);

  // Drops a user's cached credentials, e.g. when a backend later refuses the same login.
  void forget(std::string_view user) { cache_.forget(user); }

  const authenticator_options& options() const noexcept { return options_; }

private:
  net::awaitable<auth_result> reject_after_floor(clock::time_point started);

  backend::credential_verifier& verifier_;
  authenticator_options options_;
  now_function now_;
  credential_cache cache_;
  rate_limiter by_address_;
  rate_limiter by_user_;
};

}  // namespace easd::http
