// The backend interfaces a command handler may use. Wired in eas/server/main.cpp (and by tests with fakes);
// grows as commands land (push hub, device registry…). Pointers are non-owning and outlive every request.
#pragma once

#include "backend/api/mail_store.hpp"
#include "backend/api/mail_watch.hpp"
#include "eas/core/blocking_pool.hpp"
#include "eas/protocol/state/state_store.hpp"

#include <chrono>
#include <cstdint>
#include <functional>

namespace easd::push {
class hub;
}
namespace easd::provisioning {
class device_registry;
}

namespace easd::protocol {

class policy_source;

// Ping and long-poll Sync bounds ([push] in the configuration; Exchange's defaults).
struct push_settings {
  std::chrono::seconds min_heartbeat{60};
  std::chrono::seconds max_heartbeat{3540};
  std::size_t max_folders = 300;
  std::chrono::seconds ping_parameters_ttl{7 * 24 * 3600};
};

struct services {
  state::state_store* state = nullptr;    // call only through run_blocking(*blocking, …)
  blocking_pool* blocking = nullptr;
  backend::mail_store* mail = nullptr;
  // Unix seconds now; replaceable in tests (FilterType windows, device timestamps).
  std::function<std::int64_t()> now;
  // Push (issue 4): held Pings and long-poll Syncs park on the hub; changes made through easd publish to
  // it. Null: Ping answers "server error" and Sync never parks. `watch` (may be null: no backend change
  // source, e.g. a fake store in tests) watches the user's folders while a request is held.
  push::hub* push = nullptr;
  backend::mail_watch* watch = nullptr;
  push_settings push_limits;
  // Provisioning (issue 5): the device registry and the policies. Null: no gate, Provision answers
  // "no policy" (hermetic tests of other commands). Both call through run_blocking.
  provisioning::device_registry* devices = nullptr;
  policy_source* policies = nullptr;
};

}  // namespace easd::protocol
