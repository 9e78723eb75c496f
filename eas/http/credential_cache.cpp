#include "eas/http/credential_cache.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

namespace easd::http {

credential_cache::credential_cache(options opts) : options_(opts) {}

bool credential_cache::hash(const salt& s, std::string_view password, digest& out) {
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  unsigned int len = 0;
  return ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1 &&
         EVP_DigestUpdate(ctx.get(), s.data(), s.size()) == 1 &&
         EVP_DigestUpdate(ctx.get(), password.data(), password.size()) == 1 &&
         EVP_DigestFinal_ex(ctx.get(), out.data(), &len) == 1 && len == out.size();
}

bool credential_cache::fresh(const entry& e, clock::time_point now) const noexcept {
  return now >= e.verified_at && now - e.verified_at < options_.ttl;
}

bool credential_cache::dead(const entry& e, clock::time_point now) const noexcept {
  return now >= e.verified_at && now - e.verified_at >= options_.ttl + options_.keep_expired;
}

void credential_cache::erase(map_type::iterator it) {
  order_.erase(it->second.order);
  entries_.erase(it);
}

cache_lookup credential_cache::lookup(std::string_view user, std::string_view password, clock::time_point now) {
  const std::lock_guard lock(mutex_);
  const auto it = entries_.find(user);
  if (it == entries_.end()) return cache_lookup::miss;
  if (dead(it->second, now)) {
    erase(it);
    return cache_lookup::miss;
  }
  digest candidate{};
  if (!hash(it->second.salt_bytes, password, candidate)) return cache_lookup::miss;
  if (CRYPTO_memcmp(candidate.data(), it->second.hash.data(), candidate.size()) != 0) return cache_lookup::miss;
  return fresh(it->second, now) ? cache_lookup::hit : cache_lookup::expired_match;
}

void credential_cache::remember(std::string_view user, std::string_view password, clock::time_point now) {
  if (options_.ttl <= std::chrono::seconds::zero() || options_.max_entries == 0) return;
  entry e{};
  if (RAND_bytes(e.salt_bytes.data(), static_cast<int>(e.salt_bytes.size())) != 1) return;
  if (!hash(e.salt_bytes, password, e.hash)) return;
  e.verified_at = now;

  const std::lock_guard lock(mutex_);
  if (const auto it = entries_.find(user); it != entries_.end()) erase(it);
  // Order is verification time, so dead entries sit at the front.
  while (!order_.empty()) {
    const auto oldest = entries_.find(order_.front());
    if (entries_.size() < options_.max_entries && !dead(oldest->second, now)) break;
    erase(oldest);
  }
  const auto [it, inserted] = entries_.emplace(std::string(user), e);
  it->second.order = order_.insert(order_.end(), std::string_view(it->first));
}

void credential_cache::forget(std::string_view user) {
  const std::lock_guard lock(mutex_);
  if (const auto it = entries_.find(user); it != entries_.end()) erase(it);
}

std::size_t credential_cache::size() const {
  const std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace easd::http
