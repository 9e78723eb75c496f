// The push hub (ARCHITECTURE.md §3 Ping): held requests subscribe, change producers publish, the bus
// carries messages between nodes.
//
// Subscribe first, then check: a subscription collects (conflates) every message for its user from the
// moment subscribe() returns, so a change that lands between the handler's check of the backend and its
// wait() is not lost. Wakeups are posted to the subscription's executor (the request's strand).
//
// Threads: every hub member may be called from any thread (bus callbacks arrive on the bus's executor).
// wait() must be awaited by a coroutine running on the executor given to subscribe() (a strand or a
// single-threaded io_context): the wakeup cancels a timer there.
//
// Lifetimes: the bus outlives the hub. The hub starts the bus in its constructor; shutdown() (and the
// destructor, which calls it) stops it. Subscriptions may outlive the hub: after it is gone their wait()
// returns `shutdown` and destroying them does nothing. Coroutines suspended in the hub's awaitables keep
// its internals alive until they resume.
#pragma once

#include "push/bus.hpp"
#include "push/message.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>

namespace easd::push {

class hub;
struct waiter_state;  // hub-internal

enum class wake_reason {
  changed,     // folders() / hierarchy() / policy() say what
  timeout,     // the deadline passed with nothing for this waiter
  superseded,  // a newer Ping of the same device started (on any node)
  resync,      // messages may have been lost (bus reconnect): re-check everything
  shutdown,    // the server is stopping: answer now
};

struct wake {
  wake_reason reason = wake_reason::timeout;
  std::set<std::string> folders;  // content changes by state folder identity; contains "" for "any folder"
  bool hierarchy = false;
  bool policy = false;  // policy change or wipe for this device
};

// RAII: destroying it unsubscribes. Move-only. One coroutine waits on it at a time.
class subscription {
public:
  subscription() = default;
  subscription(subscription&&) noexcept;
  subscription& operator=(subscription&&) noexcept;
  ~subscription();

  // Returns what arrived since subscribe() or the previous wait(), at once if something already did, else
  // when something does or at `deadline`. Messages whose `device` is this subscription's own device are
  // skipped for content and hierarchy (a device's own change does not wake it). `superseded` and
  // `shutdown` are final: every later wait() returns them at once. Changed folders are conflated into
  // one set, bounded: past 256 distinct folders it becomes {""}. If the awaiting coroutine is cancelled
  // (its cancellation slot), wait() returns what is pending or `timeout`. An empty (moved-from)
  // subscription returns `shutdown`.
  boost::asio::awaitable<wake> wait(std::chrono::steady_clock::time_point deadline);

  explicit operator bool() const noexcept { return state_ != nullptr; }

private:
  friend class hub;
  explicit subscription(std::shared_ptr<waiter_state> s) : state_(std::move(s)) {}
  std::shared_ptr<waiter_state> state_;
};

class hub {
public:
  explicit hub(bus& b);
  ~hub();
  hub(const hub&) = delete;
  hub& operator=(const hub&) = delete;

  // `generation` (0 = none) makes this subscription end with `superseded` when a ping_claim for the same
  // user and device with a larger generation arrives.
  subscription subscribe(std::string user, std::string device, boost::asio::any_io_executor ex,
                         std::uint64_t generation = 0);

  // Through the bus, which delivers to this node's subscriptions too (local_bus: before publish() returns).
  void publish(const message& m);

  // Newest Ping wins: a new generation for (user, device) through the bus, announced with a ping_claim
  // message so an older Ping of the device, on any node, returns at once. Order: next_ping_generation(),
  // then subscribe() with it, then announce_ping() — so the new Ping never sees its own claim as newer.
  boost::asio::awaitable<std::uint64_t> next_ping_generation(std::string_view user, std::string_view device);
  void announce_ping(std::string_view user, std::string_view device, std::uint64_t generation);

  // Ping parameters of a device (an empty Ping reuses them), opaque to the hub; kept for `ttl`.
  boost::asio::awaitable<void> save_ping_parameters(std::string_view user, std::string_view device,
                                                    std::string blob, std::chrono::seconds ttl);
  boost::asio::awaitable<std::optional<std::string>> load_ping_parameters(std::string_view user,
                                                                          std::string_view device);

  // Wakes every waiter with `shutdown`, and every later subscription at once; stops the bus (bus::stop()
  // is called once, from this thread). publish() does nothing afterwards. Idempotent.
  void shutdown();

  // Held waiters on this node (metrics, tests).
  std::size_t waiting() const;

private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace easd::push
