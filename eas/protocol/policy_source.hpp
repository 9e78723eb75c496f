// The policy book the provisioning gate and Provision consult (provisioning/policy_book.hpp), kept current:
// the configured layer is fixed at start; the admin layer lives in the device registry and may be changed
// by any node's admin API, so current() re-reads it when the registry's policy_generation moved — checked
// at most once per `recheck` (a SELECT of one row), so a policy change reaches every node within a second.
#pragma once

#include "provisioning/device_registry.hpp"
#include "provisioning/policy_book.hpp"
#include "provisioning/settings.hpp"

#include <chrono>
#include <memory>
#include <mutex>

namespace easd::protocol {

class policy_source {
public:
  policy_source(provisioning::settings configured, provisioning::device_registry& registry,
                std::chrono::milliseconds recheck = std::chrono::seconds(1));

  // Blocking (SQLite): call through run_blocking. Never null; on a registry error the last book stays.
  std::shared_ptr<const provisioning::policy_book> current();
  // The book as last built, without touching the registry (for the admin API's listings on an io thread).
  std::shared_ptr<const provisioning::policy_book> cached() const;
  // An admin change made on this node: the next current() rebuilds at once.
  void invalidate();

  const provisioning::settings& configured() const noexcept { return configured_; }

private:
  std::shared_ptr<const provisioning::policy_book> rebuild(std::int64_t generation);

  provisioning::settings configured_;
  provisioning::device_registry& registry_;
  std::chrono::milliseconds recheck_;
  mutable std::mutex mutex_;
  std::shared_ptr<const provisioning::policy_book> book_;
  std::chrono::steady_clock::time_point checked_{};
  bool stale_ = true;
};

}  // namespace easd::protocol
