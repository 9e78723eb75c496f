// imap_mail_watch: leases, the connect gate and shutdown. The sessions are in imap_watch_session.cpp.
#include "backend/imap/imap_mail_watch.hpp"

#include "backend/imap/imap_watch_detail.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace easd::backend {

namespace net = boost::asio;
namespace iw = imap_watch;

namespace imap_watch {

net::awaitable<bool> connect_gate::acquire() {
  auto ex = co_await net::this_coro::executor;
  auto w = std::make_shared<waiter>();
  w->timer = std::make_shared<net::steady_timer>(ex, net::steady_timer::time_point::max());
  {
    std::lock_guard lock(mu_);
    if (closed_) co_return false;
    if (used_ < max_) {
      ++used_;
      co_return true;
    }
    queue_.push_back(w);
  }
  // Woken by release() (granted) or close(); the timer never expires by itself.
  (void)co_await w->timer->async_wait(net::as_tuple(net::use_awaitable));
  std::lock_guard lock(mu_);
  if (!w->granted) std::erase(queue_, w);
  co_return w->granted;
}

void connect_gate::release() {
  std::lock_guard lock(mu_);
  if (!queue_.empty()) {
    auto w = queue_.front();
    queue_.pop_front();
    w->granted = true;  // the slot passes to the waiter: used_ stays
    net::post(w->timer->get_executor(), [w] { w->timer->cancel(); });
    return;
  }
  if (used_ > 0) --used_;
}

void connect_gate::close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  for (auto& w : queue_) net::post(w->timer->get_executor(), [w] { w->timer->cancel(); });
  queue_.clear();
}

snapshot take_snapshot(state& st, user_entry& e) {
  e.poked = false;
  snapshot s;
  std::lock_guard lock(st.mu);
  s.stopped = st.stopped;
  s.leased = !e.leases.empty();
  s.acct = e.acct;
  for (const auto& [id, folders] : e.leases) s.folders.insert(s.folders.end(), folders.begin(), folders.end());
  std::sort(s.folders.begin(), s.folders.end());
  s.folders.erase(std::unique(s.folders.begin(), s.folders.end()), s.folders.end());
  if (s.folders.size() > st.opts.max_folders_per_user) s.folders.resize(st.opts.max_folders_per_user);
  return s;
}

bool finish_if_unleased(state& st, user_entry& e) {
  std::lock_guard lock(st.mu);
  if (!e.leases.empty() && !st.stopped) return false;
  e.finished = true;
  if (auto it = st.users.find(e.user); it != st.users.end() && it->second.get() == &e) st.users.erase(it);
  return true;
}

void poke(const std::shared_ptr<user_entry>& e) {
  net::post(e->exec, [e] {
    e->poked = true;
    e->wake.cancel();
  });
}

namespace {

void stop_entry(const std::shared_ptr<user_entry>& e) {
  net::post(e->exec, [e] {
    e->poked = true;
    e->wake.cancel();
    e->stop.expires_at(net::steady_timer::time_point::min());  // also ends every later wait on it
  });
}

class inert_lease final : public mail_watch::lease {};

class watch_lease final : public mail_watch::lease {
public:
  watch_lease(std::weak_ptr<state> st, std::shared_ptr<user_entry> e, std::uint64_t id)
      : st_(std::move(st)), e_(std::move(e)), id_(id) {}
  ~watch_lease() override {
    auto st = st_.lock();
    if (!st) return;
    {
      std::lock_guard lock(st->mu);
      e_->leases.erase(id_);
    }
    poke(e_);
  }
  watch_lease(const watch_lease&) = delete;
  watch_lease& operator=(const watch_lease&) = delete;

private:
  std::weak_ptr<state> st_;
  std::shared_ptr<user_entry> e_;
  std::uint64_t id_;
};

}  // namespace
}  // namespace imap_watch

imap_mail_watch::imap_mail_watch(net::any_io_executor ex, imap_watch_options opts,
                                 std::shared_ptr<net::ssl::context> tls, mail_change_sink sink)
    : state_(std::make_shared<iw::state>(std::move(ex), std::move(opts), std::move(tls), std::move(sink))) {}

imap_mail_watch::~imap_mail_watch() { shutdown(); }

std::unique_ptr<mail_watch::lease> imap_mail_watch::watch(const account& acct, std::vector<std::string> folder_ids) {
  std::shared_ptr<iw::user_entry> entry;
  bool start = false;
  std::uint64_t id = 0;
  {
    std::lock_guard lock(state_->mu);
    if (state_->stopped || acct.user.empty()) return std::make_unique<iw::inert_lease>();
    auto& slot = state_->users[acct.user];
    if (!slot || slot->finished) {
      slot = std::make_shared<iw::user_entry>(net::make_strand(state_->ex), acct.user);
      start = true;
    }
    entry = slot;
    id = ++state_->next_lease;
    if (folder_ids.size() > state_->opts.max_folders_per_user) folder_ids.resize(state_->opts.max_folders_per_user);
    entry->leases.emplace(id, std::move(folder_ids));
    entry->acct = acct;
  }
  if (start) {
    net::co_spawn(entry->exec, iw::run_session(state_, entry), net::detached);
  } else {
    iw::poke(entry);
  }
  return std::make_unique<iw::watch_lease>(state_, entry, id);
}

void imap_mail_watch::shutdown() {
  std::vector<std::shared_ptr<iw::user_entry>> entries;
  {
    std::lock_guard lock(state_->mu);
    if (state_->stopped) return;
    state_->stopped = true;
    for (auto& [user, e] : state_->users) entries.push_back(e);
  }
  state_->gate.close();
  for (auto& e : entries) iw::stop_entry(e);
}

imap_watch_stats imap_mail_watch::stats() const {
  imap_watch_stats s;
  {
    std::lock_guard lock(state_->mu);
    s.users = state_->users.size();
  }
  s.connected = state_->connected.load();
  s.watching = state_->watching.load();
  s.logins = state_->logins.load();
  s.failures = state_->failures.load();
  return s;
}

}  // namespace easd::backend
