// Remembers recently verified (user, password) pairs so that a device's every request does not cost an
// IMAP LOGIN (ARCHITECTURE.md 1: "verified credentials cached in memory (salted hash, short TTL)").
//
// Per user it keeps a fresh random 16-byte salt and SHA-256(salt || password), never the password.
// A slow KDF (PBKDF2, scrypt) would add its full cost to every cached request and buy little: the
// entries live only in this process's memory, and whoever can read that memory can read passwords
// arriving in requests too. The salt keeps equal passwords from showing as equal digests and defeats
// precomputed tables on a memory dump. Digests are compared with CRYPTO_memcmp.
//
// lookup() answers:
//  * hit: verified less than `ttl` ago (not extended by use), so a password change or a disabled
//    account takes effect within the TTL;
//  * expired_match: the password matches an entry older than `ttl` but younger than ttl + keep_expired.
//    This never grants access; it tells the authenticator that this is the password the directory
//    accepted before — a device, not a guess — so it may ask the directory even while the user's
//    failure limit is exhausted. If the directory now rejects it, forget() the user.
//  * miss: anything else. Entries older than ttl + keep_expired are dropped.
// At most `max_entries` users are kept; the oldest verification is evicted first. ttl == 0 or
// max_entries == 0 disables the cache. Users are matched exactly.
//
// Thread-safe (one mutex); time is passed in so tests can use a fake clock.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace easd::http {

enum class cache_lookup { miss, hit, expired_match };

class credential_cache {
public:
  using clock = std::chrono::steady_clock;

  struct options {
    std::chrono::seconds ttl{std::chrono::minutes(5)};
    std::size_t max_entries = 10000;
    std::chrono::seconds keep_expired{std::chrono::hours(24)};
  };

  explicit credential_cache(options opts);

  cache_lookup lookup(std::string_view user, std::string_view password, clock::time_point now);
  bool check(std::string_view user, std::string_view password, clock::time_point now) {
    return lookup(user, password, now) == cache_lookup::hit;
  }

  // Records a pair the directory has just accepted (replacing the user's entry). Does nothing if the
  // random salt cannot be generated: better a cache miss than a predictable salt.
  void remember(std::string_view user, std::string_view password, clock::time_point now);

  // Drops the user's entry, e.g. when the directory rejects the cached password later.
  void forget(std::string_view user);

  std::size_t size() const;

private:
  using digest = std::array<std::uint8_t, 32>;
  using salt = std::array<std::uint8_t, 16>;
  struct entry {
    salt salt_bytes;
    digest hash;
    clock::time_point verified_at;
    std::list<std::string_view>::iterator order;  // views the map's (node-stable) key
  };
  using map_type = std::map<std::string, entry, std::less<>>;

  static bool hash(const salt& s, std::string_view password, digest& out);
  bool fresh(const entry& e, clock::time_point now) const noexcept;
  bool dead(const entry& e, clock::time_point now) const noexcept;
  void erase(map_type::iterator it);

  options options_;
  mutable std::mutex mutex_;
  map_type entries_;                   // std::map: no hash flooding by chosen user names
  std::list<std::string_view> order_;  // oldest verification first
};

}  // namespace easd::http
