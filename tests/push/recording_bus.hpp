// A push::bus for hub tests: delivers publish() synchronously like local_bus, and records what the hub
// asks of it (interest on/off, stop) so tests can check the hub's bookkeeping.
#pragma once

#include "push/bus.hpp"

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace easd::test {

class recording_bus final : public push::bus {
public:
  void start(push::bus_sinks sinks) override {
    const std::lock_guard lock(mutex_);
    ++starts_;
    sinks_ = std::move(sinks);
  }
  void stop() override {
    const std::lock_guard lock(mutex_);
    ++stops_;
  }
  void publish(const push::message& m) override {
    std::function<void(const push::message&)> deliver;
    {
      const std::lock_guard lock(mutex_);
      published_.push_back(m);
      deliver = sinks_.deliver;
    }
    if (deliver) deliver(m);
  }
  void interest(std::string_view user, bool on) override {
    const std::lock_guard lock(mutex_);
    interest_.emplace_back(std::string(user), on);
  }
  boost::asio::awaitable<void> put(std::string key, std::string value, std::chrono::seconds) override {
    const std::lock_guard lock(mutex_);
    kv_[std::move(key)] = std::move(value);
    co_return;
  }
  boost::asio::awaitable<std::optional<std::string>> get(std::string key) override {
    const std::lock_guard lock(mutex_);
    const auto it = kv_.find(key);
    co_return it == kv_.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  boost::asio::awaitable<std::uint64_t> increment(std::string key, std::chrono::seconds) override {
    const std::lock_guard lock(mutex_);
    co_return ++counters_[std::move(key)];
  }

  // What a reconnecting Redis bus does: tell the hub that messages may have been lost.
  void trigger_resync() {
    std::function<void()> resync;
    {
      const std::lock_guard lock(mutex_);
      resync = sinks_.resync;
    }
    if (resync) resync();
  }
  // A message from "another node": delivered without being published here.
  void deliver_remote(const push::message& m) {
    std::function<void(const push::message&)> deliver;
    {
      const std::lock_guard lock(mutex_);
      deliver = sinks_.deliver;
    }
    if (deliver) deliver(m);
  }

  std::vector<std::pair<std::string, bool>> interest_calls() const {
    const std::lock_guard lock(mutex_);
    return interest_;
  }
  std::vector<push::message> published() const {
    const std::lock_guard lock(mutex_);
    return published_;
  }
  int starts() const {
    const std::lock_guard lock(mutex_);
    return starts_;
  }
  int stops() const {
    const std::lock_guard lock(mutex_);
    return stops_;
  }

private:
  mutable std::mutex mutex_;
  push::bus_sinks sinks_;
  int starts_ = 0;
  int stops_ = 0;
  std::vector<push::message> published_;
  std::vector<std::pair<std::string, bool>> interest_;
  std::map<std::string, std::string> kv_;
  std::map<std::string, std::uint64_t> counters_;
};

}  // namespace easd::test
