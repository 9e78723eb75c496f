// The in-process push bus: the default when no Redis is configured (one node needs nothing extra).
//
// publish() delivers synchronously, on the caller's thread, to the hub's sink: when it returns, every
// subscription on this node has the message (the hub posts only the wakeups). interest() does nothing.
// The key/value store lives in memory with its TTLs (checked against `now`), bounded in size; its
// awaitables complete without suspending. Thread-safe.
#pragma once

#include "push/bus.hpp"

#include <chrono>
#include <functional>
#include <memory>

namespace easd::push {

std::unique_ptr<bus> make_local_bus();
// Tests: TTLs measured against a fake clock.
std::unique_ptr<bus> make_local_bus(std::function<std::chrono::steady_clock::time_point()> now);

}  // namespace easd::push
