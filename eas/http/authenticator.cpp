#include "eas/http/authenticator.hpp"

#include "eas/core/ascii.hpp"
#include "eas/http/basic_auth.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace easd::http {

namespace {

// Per-user counting ignores ASCII case, so "Jane" and "jane" share one allowance.
std::string user_key(std::string_view user) { return to_lower_ascii(user); }

}  // namespace

authenticator::authenticator(backend::credential_verifier& verifier, authenticator_options options,
                             now_function now)
    : verifier_(verifier),
      options_(options),
      now_(std::move(now)),
      cache_({options.cache_ttl, options.cache_max_entries, options.cache_keep_expired}),
      by_address_({options.max_failures_per_address, options.failure_window, options.max_tracked_keys}),
      by_user_({options.max_failures_per_user, options.failure_window, options.max_tracked_keys}) {}

net::awaitable<auth_result> authenticator::authenticate(const backend::credentials& c) {
  const auto started = clock::now();  // real time, for the floor
  const auto now = now_();
  const bool has_address = !c.client_address.empty();

  if (has_address) {
    if (auto wait = by_address_.blocked(c.client_address, now)) co_return auth_result{auth_status::throttled, *wait};
  }
  // Defensive: parse_basic_authorization already refuses these; never send them to the directory.
  if (c.user.empty() || c.user.size() > max_auth_user_bytes || c.password.empty() ||
      c.password.size() > max_auth_password_bytes) {
    if (has_address) by_address_.record_failure(c.client_address, now);
    co_return co_await reject_after_floor(started);
  }
  const auto cached = cache_.lookup(c.user, c.password, now);
  if (cached == cache_lookup::hit) co_return auth_result{auth_status::ok, {}, true};

  const auto key = user_key(c.user);
  if (cached != cache_lookup::expired_match) {
    if (auto wait = by_user_.blocked(key, now)) co_return auth_result{auth_status::throttled, *wait};
  }

  const auto outcome = co_await verifier_.verify(c);
  const auto after = now_();
  switch (outcome) {
    case backend::auth_outcome::accepted:
      cache_.remember(c.user, c.password, after);
      by_user_.reset(key);
      co_return auth_result{auth_status::ok};
    case backend::auth_outcome::unavailable:
      co_return auth_result{auth_status::unavailable, options_.unavailable_retry_after};
    case backend::auth_outcome::rejected:
      break;
  }
  if (has_address) by_address_.record_failure(c.client_address, after);
  by_user_.record_failure(key, after);
  if (cached == cache_lookup::expired_match) cache_.forget(c.user);
  co_return co_await reject_after_floor(started);
}

net::awaitable<auth_result> authenticator::reject_after_floor(clock::time_point started) {
  const auto elapsed = clock::now() - started;
  if (elapsed < options_.failure_floor) {
    net::steady_timer timer(co_await net::this_coro::executor);
    timer.expires_at(started + options_.failure_floor);
    boost::system::error_code ec;  // cancelled or not, the answer is the same
    co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
  }
  co_return auth_result{auth_status::rejected};
}

}  // namespace easd::http
