// The push bus: how messages reach every node's hub, plus the little shared state push needs (ping
// parameters, newest-Ping generations). Two implementations (ARCHITECTURE.md §1): local_bus, in-process,
// the default; redis_bus, which also delivers locally at once (so a node without Redis keeps pushing its
// own changes) and fans out through per-user Redis channels.
//
// Threads: publish() and interest() may be called from any thread. The hub's sinks are called from the
// bus's own executor; the hub posts onward to each waiter's executor.
#pragma once

#include "push/message.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace easd::push {

struct bus_sinks {
  std::function<void(const message&)> deliver;  // a message for this node's waiters
  // Messages may have been missed (Redis reconnected; pub/sub does not queue): every waiter re-checks.
  std::function<void()> resync;
  // The same for one user's waiters: a user's channel was newly subscribed, and what other nodes published
  // before Redis confirmed it was missed. Optional (a bus without per-user channels never calls it).
  std::function<void(const std::string& user)> resync_user;
};

class bus {
public:
  virtual ~bus() = default;

  // Called once by the hub before any other call.
  virtual void start(bus_sinks sinks) = 0;
  // Stops delivering; pending and later calls complete promptly (awaitables with their fallbacks).
  virtual void stop() = 0;

  // Best effort: delivered to this node at once, to other nodes when the bus can.
  virtual void publish(const message& m) = 0;
  // This node has (on) or no longer has (off) waiters for `user`: redis_bus (un)subscribes the user's
  // channel. Reference counting is the hub's; calls alternate on/off per user.
  virtual void interest(std::string_view user, bool on) = 0;

  // Tiny shared key/value store (keys spelled in push/keys.hpp). Never fails: when the shared store is
  // unreachable, implementations fall back to node-local values.
  virtual boost::asio::awaitable<void> put(std::string key, std::string value, std::chrono::seconds ttl) = 0;
  virtual boost::asio::awaitable<std::optional<std::string>> get(std::string key) = 0;
  // Atomically increments and returns the counter (1 for a new key), refreshing its TTL.
  virtual boost::asio::awaitable<std::uint64_t> increment(std::string key, std::chrono::seconds ttl) = 0;
};

}  // namespace easd::push
