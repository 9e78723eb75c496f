#include "eas/http/rate_limiter.hpp"

#include <algorithm>

namespace easd::http {

namespace {

std::string_view bounded(std::string_view key) noexcept { return key.substr(0, rate_limiter::max_key_bytes); }

}  // namespace

rate_limiter::rate_limiter(options opts)
    : options_(opts),
      interval_(opts.max_failures == 0 ? clock::duration::zero()
                                       : std::chrono::duration_cast<clock::duration>(opts.window) / opts.max_failures),
      tolerance_(std::chrono::duration_cast<clock::duration>(opts.window) - interval_) {}

void rate_limiter::erase(map_type::iterator it) {
  order_.erase(it->second.order);
  entries_.erase(it);
}

std::optional<std::chrono::seconds> rate_limiter::blocked(std::string_view key, clock::time_point now) {
  if (!enabled()) return std::nullopt;
  const std::lock_guard lock(mutex_);
  const auto it = entries_.find(bounded(key));
  if (it == entries_.end()) return std::nullopt;
  if (it->second.tat <= now) {
    erase(it);
    return std::nullopt;
  }
  // Another failure would push the bucket past the window: blocked until it has drained that far.
  const auto excess = it->second.tat - now - tolerance_;
  if (excess <= clock::duration::zero()) return std::nullopt;
  auto wait = std::chrono::ceil<std::chrono::seconds>(excess);
  return std::max(wait, std::chrono::seconds(1));
}

void rate_limiter::record_failure(std::string_view key, clock::time_point now) {
  if (!enabled()) return;
  key = bounded(key);
  const std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    while (!order_.empty()) {
      const auto oldest = entries_.find(order_.front());
      if (entries_.size() < options_.max_keys && oldest->second.tat > now) break;
      erase(oldest);
    }
    if (options_.max_keys == 0) return;
    it = entries_.emplace(std::string(key), entry{now, {}}).first;
    it->second.order = order_.insert(order_.end(), std::string_view(it->first));
  } else {
    order_.splice(order_.end(), order_, it->second.order);
  }
  // Capped at one window ahead, so failures recorded while blocked cannot extend the block forever.
  const auto window = interval_ + tolerance_;
  it->second.tat = std::min(std::max(it->second.tat, now) + interval_, now + window);
}

void rate_limiter::reset(std::string_view key) {
  const std::lock_guard lock(mutex_);
  if (const auto it = entries_.find(bounded(key)); it != entries_.end()) erase(it);
}

std::size_t rate_limiter::size() const {
  const std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace easd::http
