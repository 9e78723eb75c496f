#include "push/hub.hpp"

#include "push/keys.hpp"

#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace easd::push {

namespace net = boost::asio;
using clock = std::chrono::steady_clock;

namespace {

wake woken(wake_reason reason) {
  wake w;
  w.reason = reason;
  return w;
}

// A generation outlives every Ping of the device by far (heartbeats are at most an hour).
constexpr auto ping_generation_ttl = std::chrono::hours(2);
// Past this many distinct changed folders a waiter just re-checks all of them ("") — a bounded set per
// waiter however many messages arrive before it wakes.
constexpr std::size_t max_pending_folders = 256;

}  // namespace

class hub_state;

// One subscription. Lock order: hub_state::mutex_ before waiter_state::mutex.
struct waiter_state {
  waiter_state(std::string u, std::string d, net::any_io_executor e, std::uint64_t g)
      : user(std::move(u)), device(std::move(d)), ex(std::move(e)), generation(g) {}

  const std::string user;
  const std::string device;
  const net::any_io_executor ex;
  const std::uint64_t generation;
  std::weak_ptr<hub_state> owner;  // empty when never registered (subscribed after shutdown)

  std::mutex mutex;
  // Guarded by mutex. pending.reason is unused: the flags below decide it when wait() returns.
  wake pending;
  bool changed = false;
  bool resync = false;
  bool superseded = false;  // sticky
  bool shutdown = false;    // sticky; also set when the subscription is destroyed
  bool parked = false;         // wait() is (about to be) suspended on the timer
  bool cancel_posted = false;  // a timer cancel is on its way to ex for this park

  // Touched only on ex: by wait() and by the cancels posted there.
  std::optional<net::steady_timer> timer;
};

namespace {

// Marks that a wakeup must be posted (caller holds w.mutex); at most one per park.
bool arm(waiter_state& w) {
  if (!w.parked || w.cancel_posted) return false;
  w.cancel_posted = true;
  return true;
}

// Never under a lock: the cancel runs on the waiter's executor, where wait() owns the timer.
void post_wakeups(const std::vector<std::shared_ptr<waiter_state>>& ws) {
  for (const auto& w : ws) {
    net::post(w->ex, [w] {
      if (w->timer) w->timer->cancel();
    });
  }
}

void add_folder(std::set<std::string>& folders, const std::string& folder) {
  if (folders.contains("")) return;
  if (folder.empty() || folders.size() >= max_pending_folders) {
    folders = {""};
    return;
  }
  folders.insert(folder);
}

// Applies m to one waiter of m.user (caller holds w.mutex); true when it is a wake for that waiter.
bool apply(waiter_state& w, const message& m) {
  // A device's own change (content, hierarchy) is already known to it.
  const bool own = !m.device.empty() && m.device == w.device;
  switch (m.kind) {
    case message_kind::content:
      if (own) return false;
      add_folder(w.pending.folders, m.folder);
      w.changed = true;
      return true;
    case message_kind::hierarchy:
      if (own) return false;
      w.pending.hierarchy = true;
      w.changed = true;
      return true;
    case message_kind::policy:
    case message_kind::wipe:
      if (!m.device.empty() && m.device != w.device) return false;
      w.pending.policy = true;
      w.changed = true;
      return true;
    case message_kind::ping_claim:
      if (w.generation == 0 || m.device != w.device || m.generation <= w.generation) return false;
      w.superseded = true;
      return true;
  }
  return false;  // a kind this build does not know
}

// What wait() returns now, if anything (caller holds w.mutex). Terminal reasons win and stay.
std::optional<wake> take(waiter_state& w) {
  wake_reason reason;
  if (w.shutdown) {
    reason = wake_reason::shutdown;
  } else if (w.superseded) {
    reason = wake_reason::superseded;
  } else if (w.resync) {
    reason = wake_reason::resync;
  } else if (w.changed) {
    reason = wake_reason::changed;
  } else {
    return std::nullopt;
  }
  wake out = std::exchange(w.pending, wake{});
  out.reason = reason;
  w.changed = false;
  w.resync = false;
  return out;
}

}  // namespace

class hub_state : public std::enable_shared_from_this<hub_state> {
public:
  explicit hub_state(bus& b) : bus_(b) {}

  std::shared_ptr<waiter_state> subscribe(std::string user, std::string device, net::any_io_executor ex,
                                          std::uint64_t generation) {
    auto w = std::make_shared<waiter_state>(std::move(user), std::move(device), std::move(ex), generation);
    // interest_mutex_ spans the map change and the bus call, so on/off calls alternate per user.
    const std::lock_guard interest_lock(interest_mutex_);
    bool first = false;
    {
      const std::lock_guard lock(mutex_);
      if (shut_down_) {
        w->shutdown = true;
        return w;
      }
      auto& list = waiters_[w->user];
      list.push_back(w);
      first = list.size() == 1;
      w->owner = weak_from_this();
    }
    if (first) bus_.interest(w->user, true);
    return w;
  }

  void unsubscribe(const std::shared_ptr<waiter_state>& w) {
    const std::lock_guard interest_lock(interest_mutex_);
    bool last = false;
    bool stopped = false;
    {
      const std::lock_guard lock(mutex_);
      const auto it = waiters_.find(w->user);
      if (it == waiters_.end()) return;
      std::erase(it->second, w);
      if (it->second.empty()) {
        waiters_.erase(it);
        last = true;
      }
      stopped = shut_down_;
    }
    if (last && !stopped) bus_.interest(w->user, false);
  }

  void publish(const message& m) {
    if (shut_down_flag_) return;
    bus_.publish(m);
  }

  void deliver(const message& m) {
    std::vector<std::shared_ptr<waiter_state>> wake;
    {
      const std::lock_guard lock(mutex_);
      if (shut_down_) return;
      const auto it = waiters_.find(m.user);
      if (it == waiters_.end()) return;
      for (const auto& w : it->second) {
        const std::lock_guard wlock(w->mutex);
        if (apply(*w, m) && arm(*w)) wake.push_back(w);
      }
    }
    post_wakeups(wake);
  }

  void resync() {
    wake_all([](waiter_state& w) { w.resync = true; });
  }

  void shutdown() {
    {
      const std::lock_guard interest_lock(interest_mutex_);
      {
        const std::lock_guard lock(mutex_);
        if (shut_down_) return;
        shut_down_ = true;
        shut_down_flag_ = true;
      }
      bus_.stop();
    }
    wake_all([](waiter_state& w) { w.shutdown = true; }, true);
  }

  std::size_t waiting() const {
    const std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& [user, list] : waiters_) {
      for (const auto& w : list) {
        const std::lock_guard wlock(w->mutex);
        if (w->parked) ++n;
      }
    }
    return n;
  }

  bus& bus_;

private:
  template <class Mark>
  void wake_all(Mark mark, bool even_after_shutdown = false) {
    std::vector<std::shared_ptr<waiter_state>> wake;
    {
      const std::lock_guard lock(mutex_);
      if (shut_down_ && !even_after_shutdown) return;
      for (const auto& [user, list] : waiters_) {
        for (const auto& w : list) {
          const std::lock_guard wlock(w->mutex);
          mark(*w);
          if (arm(*w)) wake.push_back(w);
        }
      }
    }
    post_wakeups(wake);
  }

  std::mutex interest_mutex_;  // serializes bus.interest() and bus.stop() calls
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::vector<std::shared_ptr<waiter_state>>> waiters_;  // by user
  bool shut_down_ = false;                    // guarded by mutex_
  std::atomic<bool> shut_down_flag_{false};  // the same, for publish() without the lock
};

struct hub::impl : hub_state {
  using hub_state::hub_state;
};

// --- subscription ---

subscription::subscription(subscription&& other) noexcept = default;

subscription& subscription::operator=(subscription&& other) noexcept {
  if (this != &other) {
    subscription old(std::move(*this));
    state_ = std::move(other.state_);
  }
  return *this;
}

subscription::~subscription() {
  if (!state_) return;
  if (auto owner = state_->owner.lock()) owner->unsubscribe(state_);
  // A wait() still parked on this state (against the contract) must not sleep until its deadline.
  bool post = false;
  {
    const std::lock_guard lock(state_->mutex);
    state_->shutdown = true;
    post = arm(*state_);
  }
  if (post) post_wakeups({state_});
}

net::awaitable<wake> subscription::wait(clock::time_point deadline) {
  const auto s = state_;
  if (!s) co_return woken(wake_reason::shutdown);
  for (;;) {
    // A cancelled request (connection gone, or the loser of an awaitable_operators race) answers with
    // what there is instead of parking again; awaiting the timer would throw.
    const auto cs = co_await net::this_coro::cancellation_state;
    const bool cancelled = cs.cancelled() != net::cancellation_type::none;
    {
      const std::lock_guard lock(s->mutex);
      s->parked = false;
      s->cancel_posted = false;
      if (auto w = take(*s)) co_return std::move(*w);
      if (cancelled || clock::now() >= deadline) co_return woken(wake_reason::timeout);
      s->parked = true;
    }
    // Any cancel posted from here on runs on s->ex after this coroutine has suspended on the timer.
    if (!s->timer) s->timer.emplace(s->ex);
    s->timer->expires_at(deadline);
    boost::system::error_code ec;
    auto token = net::redirect_error(net::use_awaitable, ec);
    co_await s->timer->async_wait(token);
    // Loop: a deadline, a wakeup, a cancellation or a stale cancel from an earlier park all re-check.
  }
}

// --- hub ---

hub::hub(bus& b) : impl_(std::make_shared<impl>(b)) {
  std::weak_ptr<hub_state> weak = impl_;
  b.start(bus_sinks{
      .deliver =
          [weak](const message& m) {
            if (auto s = weak.lock()) s->deliver(m);
          },
      .resync =
          [weak] {
            if (auto s = weak.lock()) s->resync();
          },
      // A content change in "any folder" makes exactly that user's waiters re-check.
      .resync_user =
          [weak](const std::string& user) {
            message m;
            m.kind = message_kind::content;
            m.user = user;
            if (auto s = weak.lock()) s->deliver(m);
          },
  });
}

hub::~hub() { impl_->shutdown(); }

subscription hub::subscribe(std::string user, std::string device, net::any_io_executor ex,
                            std::uint64_t generation) {
  return subscription(impl_->subscribe(std::move(user), std::move(device), std::move(ex), generation));
}

void hub::publish(const message& m) { impl_->publish(m); }

net::awaitable<std::uint64_t> hub::next_ping_generation(std::string_view user, std::string_view device) {
  const auto self = impl_;
  // The callee's parameters are built (and the caller's temporaries gone) before the co_await.
  auto op = self->bus_.increment(keys::ping_generation(user, device), ping_generation_ttl);
  const auto generation = co_await std::move(op);
  co_return generation;
}

void hub::announce_ping(std::string_view user, std::string_view device, std::uint64_t generation) {
  message m;
  m.kind = message_kind::ping_claim;
  m.user = user;
  m.device = device;
  m.generation = generation;
  impl_->publish(m);
}

net::awaitable<void> hub::save_ping_parameters(std::string_view user, std::string_view device, std::string blob,
                                               std::chrono::seconds ttl) {
  const auto self = impl_;
  auto op = self->bus_.put(keys::ping_parameters(user, device), std::move(blob), ttl);
  co_await std::move(op);
}

net::awaitable<std::optional<std::string>> hub::load_ping_parameters(std::string_view user,
                                                                     std::string_view device) {
  const auto self = impl_;
  auto op = self->bus_.get(keys::ping_parameters(user, device));
  auto blob = co_await std::move(op);
  co_return blob;
}

void hub::shutdown() { impl_->shutdown(); }

std::size_t hub::waiting() const { return impl_->waiting(); }

}  // namespace easd::push
