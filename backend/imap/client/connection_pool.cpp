#include "backend/imap/client/connection_pool.hpp"

#include "backend/imap/client/error.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <deque>
#include <unordered_map>

namespace easd::backend::imap {

namespace net = boost::asio;
using clock = std::chrono::steady_clock;

namespace detail {

struct idle_entry {
  std::unique_ptr<connection> conn;
  clock::time_point since;
};

// One acquire() waiting at the per-user limit. It lives in that coroutine's frame; the user's queue holds
// a pointer, removed by the waiter itself (waiter_guard) however its wait ends.
struct waiter {
  net::steady_timer* timer = nullptr;
  bool notified = false;
};

struct user_entry {
  std::deque<idle_entry> idle;      // most recently returned at the back
  std::size_t in_use = 0;           // leased or being opened
  clock::duration backoff{0};
  clock::time_point retry_after{};  // no new connection before this after a failure
  std::deque<waiter*> waiters;      // oldest first
};

struct pool_state {
  connector open;
  pool_options opts;
  bool closed = false;  // the pool object is gone: returned connections are closed
  std::size_t total = 0;
  std::unordered_map<std::string, user_entry> users;

  std::size_t count(const user_entry& u) const noexcept { return u.idle.size() + u.in_use; }

  void prune(clock::time_point now) {
    for (auto it = users.begin(); it != users.end();) {
      auto& idle = it->second.idle;
      while (!idle.empty() && (now - idle.front().since >= opts.idle_timeout || !idle.front().conn->is_open())) {
        idle.pop_front();
        --total;
      }
      // Forget users with nothing left, but remember a failing user's back-off until it has been quiet for
      // backoff_max (so that the next failure doubles it rather than starting over).
      const auto& u = it->second;
      if (count(u) == 0 && u.waiters.empty() &&
          (u.backoff == clock::duration{0} || now >= u.retry_after + opts.backoff_max)) {
        it = users.erase(it);
      } else {
        ++it;
      }
    }
  }

  // At the overall limit: close the oldest idle connection of a user other than `except`.
  bool evict_idle(const std::string& except) {
    user_entry* victim = nullptr;
    for (auto& [name, u] : users) {
      if (name == except || u.idle.empty()) continue;
      if (!victim || u.idle.front().since < victim->idle.front().since) victim = &u;
    }
    if (!victim) return false;
    victim->idle.pop_front();
    --total;
    return true;
  }

  // A lease or slot of `u` came free: wake its oldest waiter, which looks again.
  static void notify(user_entry& u) {
    if (u.waiters.empty()) return;
    waiter* w = u.waiters.front();
    u.waiters.pop_front();
    w->notified = true;
    w->timer->cancel();
  }

  void give_back(const std::string& user, std::unique_ptr<connection> conn) {
    auto it = users.find(user);
    if (it == users.end()) return;  // unreachable: a lease's user has in_use > 0
    --it->second.in_use;
    if (conn && conn->is_open() && !closed) {
      it->second.idle.push_back({std::move(conn), opts.now()});
    } else {
      --total;
    }
    notify(it->second);
  }
};

// Removes a waiter from its user's queue when its wait ends for any reason (timeout, notification,
// destruction of the suspended coroutine).
class waiter_guard {
public:
  waiter_guard(std::shared_ptr<pool_state> s, std::string user, waiter* w)
      : state_(std::move(s)), user_(std::move(user)), w_(w) {}
  waiter_guard(const waiter_guard&) = delete;
  waiter_guard& operator=(const waiter_guard&) = delete;
  ~waiter_guard() {
    auto it = state_->users.find(user_);
    if (it == state_->users.end()) return;
    auto& q = it->second.waiters;
    q.erase(std::remove(q.begin(), q.end(), w_), q.end());
  }

private:
  std::shared_ptr<pool_state> state_;
  std::string user_;
  waiter* w_;
};

}  // namespace detail

lease::lease(std::shared_ptr<detail::pool_state> state, std::string user, std::unique_ptr<connection> conn,
             bool reused)
    : state_(std::move(state)), user_(std::move(user)), conn_(std::move(conn)), reused_(reused) {}

lease::lease(lease&& other) noexcept
    : state_(std::move(other.state_)),
      user_(std::move(other.user_)),
      conn_(std::move(other.conn_)),
      reused_(other.reused_) {}

lease& lease::operator=(lease&& other) noexcept {
  if (this != &other) {
    release();
    state_ = std::move(other.state_);
    user_ = std::move(other.user_);
    conn_ = std::move(other.conn_);
    reused_ = other.reused_;
  }
  return *this;
}

lease::~lease() { release(); }

void lease::discard() noexcept {
  if (conn_) conn_->close();
  release();
}

void lease::release() noexcept {
  if (!state_) return;
  state_->give_back(user_, std::move(conn_));
  state_.reset();
}

connection_pool::connection_pool(connector open, pool_options opts) : state_(std::make_shared<detail::pool_state>()) {
  state_->open = std::move(open);
  state_->opts = std::move(opts);
}

connection_pool::~connection_pool() {
  state_->closed = true;
  for (auto& [user, u] : state_->users) {
    state_->total -= u.idle.size();
    u.idle.clear();
    while (!u.waiters.empty()) detail::pool_state::notify(u);  // they find the pool closed
  }
}

void connection_pool::prune() { state_->prune(state_->opts.now()); }

std::size_t connection_pool::open_count() const noexcept { return state_->total; }

std::size_t connection_pool::idle_count(const std::string& user) const {
  auto it = state_->users.find(user);
  return it == state_->users.end() ? 0 : it->second.idle.size();
}

std::size_t connection_pool::waiting_count(const std::string& user) const {
  auto it = state_->users.find(user);
  return it == state_->users.end() ? 0 : it->second.waiters.size();
}

net::awaitable<result<lease>> connection_pool::acquire(std::string user, std::string password) {
  auto state = state_;  // kept alive across the co_await even if the pool object goes away
  // Real time for the wait (the timer's clock), whatever opts.now says (tests replace that one).
  const auto wait_deadline = clock::now() + state->opts.acquire_timeout;
  for (;;) {
    if (state->closed) co_return error::unavailable;
    const auto now = state->opts.now();
    state->prune(now);
    auto& u = state->users[user];
    while (!u.idle.empty()) {
      auto conn = std::move(u.idle.back().conn);
      u.idle.pop_back();
      if (!conn->is_open()) {
        --state->total;
        continue;
      }
      ++u.in_use;
      co_return lease(state, std::move(user), std::move(conn), true);
    }
    if (now < u.retry_after) co_return error::busy;
    if (state->count(u) < state->opts.max_per_user) {
      if (state->total >= state->opts.max_total && !state->evict_idle(user)) co_return error::busy;
      break;  // open a new one
    }
    // At the per-user limit: wait for one of this user's leases to come back.
    if (clock::now() >= wait_deadline || u.waiters.size() >= state->opts.max_waiters_per_user) {
      co_return error::busy;
    }
    auto ex = co_await net::this_coro::executor;
    net::steady_timer timer(ex, wait_deadline);
    detail::waiter w{&timer, false};
    u.waiters.push_back(&w);
    detail::waiter_guard guard(state, user, &w);
    error_code ec;
    auto token = net::redirect_error(net::use_awaitable, ec);  // named: no temporaries in co_await (g++ 12)
    co_await timer.async_wait(token);
    if (!w.notified) co_return error::busy;  // timed out (or cancelled from outside)
  }
  // Reserve the slot before suspending, so that concurrent acquires respect the limits.
  auto& u = state->users[user];
  ++u.in_use;
  ++state->total;
  std::string who = user;
  auto opened = co_await state->open(std::move(who), std::move(password));
  auto& after = state->users[user];  // the map may have rehashed while suspended
  if (!opened || !*opened) {
    --after.in_use;
    --state->total;
    after.backoff = after.backoff == clock::duration{0}
                        ? state->opts.backoff_initial
                        : std::min(after.backoff * 2, state->opts.backoff_max);
    after.retry_after = state->opts.now() + after.backoff;
    detail::pool_state::notify(after);  // a waiter sees the back-off and gives up at once
    if (!opened) co_return opened.error();
    co_return error::connect_failed;
  }
  after.backoff = clock::duration{0};
  after.retry_after = {};
  if (state->closed) {
    --after.in_use;
    --state->total;
    co_return error::unavailable;
  }
  co_return lease(state, std::move(user), std::move(*opened), false);
}

}  // namespace easd::backend::imap
