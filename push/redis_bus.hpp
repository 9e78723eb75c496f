// The Redis push bus (issue 4 §3, §5): messages fan out to every node through per-user channels
// (keys::user_channel), the key/value store lives in Redis keys with TTLs, and nothing depends on Redis
// being there. publish() delivers on this node at once; with Redis down, the KV store falls back to a
// small node-local map and every awaitable still completes within about a second.
//
// Two connections: a pub/sub one (SUBSCRIBE per user with interest on this node) and a command one
// (PUBLISH, SET/GET, INCR+EXPIRE, a health PING). Each reconnects with jittered exponential back-off; after
// the pub/sub connection comes back and every channel is re-subscribed, sinks.resync() runs, because
// pub/sub does not queue what was published meanwhile.
//
// A message on the wire is a per-process node id followed by encode(m); a node drops its own messages
// (they were delivered locally) and, counted and rate-limit-logged, anything that does not decode or that
// arrived on another user's channel.
//
// Threads: the bus runs on a strand of the executor it is given; the sinks are called there. Calls may
// come from any thread. The awaitables share the bus's state, not the object: they stay safe (and answer
// from the fallback) when the bus is stopped or destroyed while they are pending. Keep the executor's
// context alive until stop() has run on it; the destructor stops the bus if needed. Once stop() has
// returned no sink is called any more, so the hub may be destroyed right after.
#pragma once

#include "eas/core/redis_url.hpp"
#include "push/bus.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

namespace easd::push {

struct redis_bus_options {
  redis_endpoint endpoint;
  std::chrono::milliseconds command_timeout{1000};  // each put/get/increment, and the connection set-up
  std::chrono::milliseconds backoff_min{100};
  std::chrono::milliseconds backoff_max{5000};
  std::chrono::milliseconds health_interval{10'000};  // PING on the command connection
  std::size_t local_capacity = 65'536;                // node-local fallback entries
  std::size_t max_in_flight = 10'000;                 // commands sent and unanswered, per connection
};

struct redis_bus_counters {
  std::uint64_t published = 0;         // PUBLISHes sent
  std::uint64_t received = 0;          // messages from other nodes, delivered
  std::uint64_t own = 0;               // our own messages heard back, dropped
  std::uint64_t rejected = 0;          // malformed or misaddressed, dropped
  std::uint64_t fallbacks = 0;         // put/get/increment answered node-locally
  std::uint64_t connects = 0;          // pub/sub connections made ready (the first, and each reconnect)
  std::uint64_t command_connects = 0;  // the same for the command connection
};

namespace detail {
struct redis_bus_state;
}

class redis_bus final : public bus {
public:
  redis_bus(boost::asio::any_io_executor ex, redis_bus_options opts);
  ~redis_bus() override;
  redis_bus(const redis_bus&) = delete;
  redis_bus& operator=(const redis_bus&) = delete;

  void start(bus_sinks sinks) override;
  void stop() override;
  void publish(const message& m) override;
  void interest(std::string_view user, bool on) override;
  boost::asio::awaitable<void> put(std::string key, std::string value, std::chrono::seconds ttl) override;
  boost::asio::awaitable<std::optional<std::string>> get(std::string key) override;
  boost::asio::awaitable<std::uint64_t> increment(std::string key, std::chrono::seconds ttl) override;

  // A snapshot, for tests and the admin API; safe from any thread.
  redis_bus_counters counters() const;

private:
  std::shared_ptr<detail::redis_bus_state> state_;
};

}  // namespace easd::push
