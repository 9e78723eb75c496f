#include "backend/imap/client/connection_pool.hpp"

#include "backend/imap/client/error.hpp"

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

struct user_entry {
  std::deque<idle_entry> idle;      // most recently returned at the back
  std::size_t in_use = 0;           // leased or being opened
  clock::duration backoff{0};
  clock::time_point retry_after{};  // no new connection before this after a failure
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
      if (count(u) == 0 && (u.backoff == clock::duration{0} || now >= u.retry_after + opts.backoff_max)) {
        it = users.erase(it);
      } else {
        ++it;
      }
    }
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
  }
};

}  // namespace detail

lease::lease(std::shared_ptr<detail::pool_state> state, std::string user, std::unique_ptr<connection> conn)
    : state_(std::move(state)), user_(std::move(user)), conn_(std::move(conn)) {}

lease::lease(lease&& other) noexcept
    : state_(std::move(other.state_)), user_(std::move(other.user_)), conn_(std::move(other.conn_)) {}

lease& lease::operator=(lease&& other) noexcept {
  if (this != &other) {
    release();
    state_ = std::move(other.state_);
    user_ = std::move(other.user_);
    conn_ = std::move(other.conn_);
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
  }
}

void connection_pool::prune() { state_->prune(state_->opts.now()); }

std::size_t connection_pool::open_count() const noexcept { return state_->total; }

std::size_t connection_pool::idle_count(const std::string& user) const {
  auto it = state_->users.find(user);
  return it == state_->users.end() ? 0 : it->second.idle.size();
}

net::awaitable<result<lease>> connection_pool::acquire(std::string user) {
  auto state = state_;  // kept alive across the co_await even if the pool object goes away
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
    co_return lease(state, std::move(user), std::move(conn));
  }
  if (now < u.retry_after || state->count(u) >= state->opts.max_per_user || state->total >= state->opts.max_total) {
    co_return error::busy;
  }
  // Reserve the slot before suspending, so that concurrent acquires respect the limits.
  ++u.in_use;
  ++state->total;
  std::string who = user;
  auto opened = co_await state->open(std::move(who));
  auto& after = state->users[user];  // the map may have rehashed while suspended
  if (!opened || !*opened) {
    --after.in_use;
    --state->total;
    after.backoff = after.backoff == clock::duration{0}
                        ? state->opts.backoff_initial
                        : std::min(after.backoff * 2, state->opts.backoff_max);
    after.retry_after = state->opts.now() + after.backoff;
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
  co_return lease(state, std::move(user), std::move(*opened));
}

}  // namespace easd::backend::imap
