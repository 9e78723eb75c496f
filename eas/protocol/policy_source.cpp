#include "eas/protocol/policy_source.hpp"

#include <spdlog/spdlog.h>

namespace easd::protocol {

policy_source::policy_source(provisioning::settings configured, provisioning::device_registry& registry,
                             std::chrono::milliseconds recheck)
    : configured_(std::move(configured)), registry_(registry), recheck_(recheck) {
  book_ = std::make_shared<const provisioning::policy_book>(configured_, std::vector<provisioning::stored_policy>{},
                                                            std::vector<provisioning::user_assignment>{}, -1);
}

std::shared_ptr<const provisioning::policy_book> policy_source::rebuild(std::int64_t generation) {
  auto stored = registry_.stored_policies();
  auto users = registry_.user_assignments();
  if (!stored || !users) {
    spdlog::warn("policies: cannot read the admin layer: {}",
                 (!stored ? stored.error() : users.error()).message());
    return nullptr;
  }
  return std::make_shared<const provisioning::policy_book>(configured_, *stored, *users, generation);
}

std::shared_ptr<const provisioning::policy_book> policy_source::current() {
  const auto now = std::chrono::steady_clock::now();
  std::int64_t have = 0;
  {
    std::lock_guard lock(mutex_);
    if (!stale_ && now - checked_ < recheck_) return book_;
    have = book_->generation();
  }
  auto generation = registry_.policy_generation();
  if (!generation) {
    spdlog::warn("policies: cannot read the generation: {}", generation.error().message());
    std::lock_guard lock(mutex_);
    return book_;
  }
  std::shared_ptr<const provisioning::policy_book> fresh;
  bool stale = false;
  {
    std::lock_guard lock(mutex_);
    stale = stale_;
  }
  if (stale || *generation != have) fresh = rebuild(*generation);
  std::lock_guard lock(mutex_);
  checked_ = now;
  if (fresh) {
    book_ = std::move(fresh);
    stale_ = false;
  } else if (*generation == have) {
    stale_ = false;
  }
  return book_;
}

std::shared_ptr<const provisioning::policy_book> policy_source::cached() const {
  std::lock_guard lock(mutex_);
  return book_;
}

void policy_source::invalidate() {
  std::lock_guard lock(mutex_);
  stale_ = true;
}

}  // namespace easd::protocol
