#include "push/local_bus.hpp"

#include <atomic>
#include <charconv>
#include <mutex>
#include <unordered_map>
#include <utility>

namespace easd::push {

namespace {

using clock = std::chrono::steady_clock;

// Keys are one per (user, device) with a Ping; the bound only matters if something creates keys without
// end (many device ids from one account). Past it, expired entries are swept; if none are, an arbitrary
// entry is dropped — losing ping parameters costs a device one full Ping, never correctness.
constexpr std::size_t max_entries = 100'000;

class local_bus final : public bus {
public:
  explicit local_bus(std::function<clock::time_point()> now) : now_(std::move(now)) {}

  void start(bus_sinks sinks) override {
    const std::lock_guard lock(mutex_);
    sinks_ = std::move(sinks);
  }

  void stop() override { stopped_ = true; }

  // Delivers synchronously on the caller's thread: when publish() returns, every subscription of this
  // node has the message (the hub only posts the wakeups onward).
  void publish(const message& m) override {
    if (stopped_) return;
    std::function<void(const message&)> deliver;
    {
      const std::lock_guard lock(mutex_);
      deliver = sinks_.deliver;
    }
    if (deliver) deliver(m);
  }

  void interest(std::string_view, bool) override {}

  boost::asio::awaitable<void> put(std::string key, std::string value, std::chrono::seconds ttl) override {
    const std::lock_guard lock(mutex_);
    set(std::move(key), std::move(value), ttl);
    co_return;
  }

  boost::asio::awaitable<std::optional<std::string>> get(std::string key) override {
    const std::lock_guard lock(mutex_);
    const auto* e = find(key);
    co_return e ? std::optional<std::string>(e->value) : std::nullopt;
  }

  boost::asio::awaitable<std::uint64_t> increment(std::string key, std::chrono::seconds ttl) override {
    const std::lock_guard lock(mutex_);
    std::uint64_t value = 0;
    if (const auto* e = find(key)) {
      // Only increment() writes these keys; anything unparsable counts as a fresh counter.
      const auto [end, ec] = std::from_chars(e->value.data(), e->value.data() + e->value.size(), value);
      if (ec != std::errc{} || end != e->value.data() + e->value.size()) value = 0;
    }
    ++value;
    set(std::move(key), std::to_string(value), ttl);
    co_return value;
  }

private:
  struct entry {
    std::string value;
    clock::time_point expires;
  };

  // Expired entries are dropped when looked up (lazily) and by the sweep in set().
  const entry* find(const std::string& key) {
    const auto it = entries_.find(key);
    if (it == entries_.end()) return nullptr;
    if (it->second.expires <= now_()) {
      entries_.erase(it);
      return nullptr;
    }
    return &it->second;
  }

  void set(std::string key, std::string value, std::chrono::seconds ttl) {
    const auto now = now_();
    if (entries_.size() >= max_entries && !entries_.contains(key)) {
      std::erase_if(entries_, [now](const auto& kv) { return kv.second.expires <= now; });
      if (entries_.size() >= max_entries) entries_.erase(entries_.begin());
    }
    entries_.insert_or_assign(std::move(key), entry{std::move(value), now + ttl});
  }

  const std::function<clock::time_point()> now_;
  std::atomic<bool> stopped_{false};
  std::mutex mutex_;
  bus_sinks sinks_;
  std::unordered_map<std::string, entry> entries_;
};

}  // namespace

std::unique_ptr<bus> make_local_bus() {
  return make_local_bus([] { return clock::now(); });
}

std::unique_ptr<bus> make_local_bus(std::function<std::chrono::steady_clock::time_point()> now) {
  return std::make_unique<local_bus>(std::move(now));
}

}  // namespace easd::push
