// The backend interfaces a command handler may use. Wired in eas/server/main.cpp (and by tests with fakes);
// grows as commands land (push hub, device registry…). Pointers are non-owning and outlive every request.
#pragma once

#include "backend/api/mail_store.hpp"
#include "eas/core/blocking_pool.hpp"
#include "eas/protocol/state/state_store.hpp"

#include <functional>
#include <cstdint>

namespace easd::protocol {

struct services {
  state::state_store* state = nullptr;    // call only through run_blocking(*blocking, …)
  blocking_pool* blocking = nullptr;
  backend::mail_store* mail = nullptr;
  // Unix seconds now; replaceable in tests (FilterType windows, device timestamps).
  std::function<std::int64_t()> now;
};

}  // namespace easd::protocol
