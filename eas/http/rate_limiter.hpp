// Counts authentication failures per key (a client address, or a user name) and says when a key has
// used up its allowance, so brute force and password spraying get 503 + Retry-After instead of another
// directory round trip (ARCHITECTURE.md 1: "failures rate-limited per IP and per user").
//
// Each key may fail `max_failures` times per `window`, as a sliding allowance (a leaky bucket, kept as
// one "theoretical arrival time" per key, GCRA): a burst of max_failures is allowed at once, after which
// one more failure is allowed every window / max_failures. A key whose bucket has drained is forgotten.
//
// Memory is bounded: at most `max_keys` keys (least recently failed evicted first), each key cut to
// max_key_bytes. Eviction under a flood of distinct keys can forget a key that was still blocked; that
// costs an attacker `max_keys` failed requests per reset, which the per-address limit already charges.
// max_failures == 0 or window == 0 disables the limiter.
//
// Thread-safe (one mutex); time is passed in so tests can use a fake clock. Keys live in a std::map, so
// chosen keys cannot degrade lookups.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace easd::http {

class rate_limiter {
public:
  using clock = std::chrono::steady_clock;

  struct options {
    std::uint32_t max_failures = 10;
    std::chrono::seconds window{std::chrono::minutes(5)};
    std::size_t max_keys = 100000;
  };

  static constexpr std::size_t max_key_bytes = 512;

  explicit rate_limiter(options opts);

  // If `key` may not try again yet: how long until it may (at least 1 s, rounded up).
  std::optional<std::chrono::seconds> blocked(std::string_view key, clock::time_point now);

  void record_failure(std::string_view key, clock::time_point now);

  // Forgets the key's failures, e.g. after a successful login.
  void reset(std::string_view key);

  std::size_t size() const;

private:
  struct entry {
    clock::time_point tat;  // when the bucket will be empty
    std::list<std::string_view>::iterator order;
  };
  using map_type = std::map<std::string, entry, std::less<>>;

  bool enabled() const noexcept { return options_.max_failures > 0 && interval_ > clock::duration::zero(); }
  void erase(map_type::iterator it);

  options options_;
  clock::duration interval_;   // window / max_failures
  clock::duration tolerance_;  // window - interval_
  mutable std::mutex mutex_;
  map_type entries_;
  std::list<std::string_view> order_;  // least recently failed first; views the map's keys
};

}  // namespace easd::http
