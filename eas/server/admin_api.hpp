// The provisioning admin API (issue 5 §7) on the admin listener: devices, remote wipe, access, resync and
// policies as JSON over HTTP, for `easd device …` / `easd policy …` and for scripts.
//
//   GET  /api/v1/devices?user=&access=&wipe=&seen_before=&seen_after=   → {"devices":[DEVICE…]}
//   GET  /api/v1/device?user=U&device=D          → DEVICE + "folders" + "effective_policy"
//   POST /api/v1/device/{wipe,wipe-account,cancel-wipe,block,allow,approve,remove,resync}
//   GET  /api/v1/policies · GET|PUT|DELETE /api/v1/policy · POST /api/v1/policy/assign
// (the full contract, with every status: the README's "Admin API").
//
// Auth: `Authorization: Bearer <[admin] api_token>`, compared in constant time; missing or wrong → 401
// with `WWW-Authenticate: Bearer`. The push secret plays no part here, the listener's allow-list still
// does. Without a token every route answers 404: the API is off. The caller names itself in X-Easd-Actor
// (default "api"); each change is logged at info as
//   admin action=wipe actor=alice client=127.0.0.1 user=bob device=ABC result=ok
// Registry calls run on the blocking pool; the handlers resume on the connection's strand.
#pragma once

#include "eas/core/blocking_pool.hpp"
#include "eas/server/admin_listener.hpp"
#include "provisioning/device_registry.hpp"
#include "provisioning/policy_book.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace easd::push {
class hub;
}

namespace easd::server {

struct admin_api_deps {
  provisioning::device_registry& registry;
  blocking_pool& pool;
  // Wakes held Pings after a change (nullptr: nobody to wake). publish() is thread-safe.
  push::hub* hub = nullptr;
  // The current policy book (never null): policy listings and a device's effective policy. Called on a
  // blocking-pool thread, so it may read the registry.
  std::function<std::shared_ptr<const provisioning::policy_book>()> book{};
  // After a policy put/delete or an assignment, before the devices are woken, on a blocking-pool thread:
  // the server rebuilds its book so the woken devices meet the new policy.
  std::function<void()> policies_changed{};
  std::function<std::int64_t()> now{};  // unix seconds
  std::string token{};                // [admin] api_token; "" : the API is off (404)
};

// The routes, owning `deps` (its references must outlive the listener that serves them).
std::vector<admin_route> admin_api_routes(admin_api_deps deps);

}  // namespace easd::server
