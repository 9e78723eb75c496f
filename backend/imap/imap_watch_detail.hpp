// Internals of imap_mail_watch shared by its source files: imap_mail_watch.cpp (leases, the connect gate,
// shutdown) and imap_watch_session.cpp (one user's connection).
#pragma once

#include "backend/imap/imap_mail_watch.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace easd::backend::imap_watch {

using strand = boost::asio::strand<boost::asio::any_io_executor>;

// At most `max` connection attempts in flight across all users; waiters are served in arrival order.
// Thread-safe. acquire() suspends on the caller's executor; after close() it returns false at once and
// every waiter wakes with false.
class connect_gate {
public:
  explicit connect_gate(std::size_t max) : max_(max == 0 ? 1 : max) {}
  boost::asio::awaitable<bool> acquire();
  void release();
  void close();

private:
  struct waiter {
    std::shared_ptr<boost::asio::steady_timer> timer;
    bool granted = false;
  };
  std::mutex mu_;
  std::size_t max_;
  std::size_t used_ = 0;
  bool closed_ = false;
  std::deque<std::shared_ptr<waiter>> queue_;
};

// One user's watch. Fields under "state::mu" are shared with watch() and the leases; the rest belong to
// the session coroutine's strand.
struct user_entry {
  user_entry(strand s, std::string name)
      : exec(s), user(std::move(name)), wake(s, boost::asio::steady_timer::time_point::max()),
        stop(s, boost::asio::steady_timer::time_point::max()) {}

  strand exec;
  const std::string user;

  // --- under state::mu
  std::map<std::uint64_t, std::vector<std::string>> leases;  // lease id → its folder ids
  account acct;            // the newest lease's credentials
  bool finished = false;   // the session ended: the next watch() starts a new entry

  // --- strand only
  boost::asio::steady_timer wake;  // never expires; cancelled when leases change (poke)
  boost::asio::steady_timer stop;  // expired for good at shutdown: every later wait on it completes at once
  bool poked = false;              // a poke came since the session last looked at the leases
};

struct state {
  state(boost::asio::any_io_executor e, imap_watch_options o, std::shared_ptr<boost::asio::ssl::context> t,
        mail_change_sink s)
      : ex(std::move(e)), opts(std::move(o)), tls(std::move(t)), sink(std::move(s)), gate(opts.max_connecting) {}

  boost::asio::any_io_executor ex;
  const imap_watch_options opts;
  const std::shared_ptr<boost::asio::ssl::context> tls;
  const mail_change_sink sink;
  connect_gate gate;

  std::mutex mu;
  std::unordered_map<std::string, std::shared_ptr<user_entry>> users;
  bool stopped = false;
  std::uint64_t next_lease = 0;

  std::atomic<std::size_t> connected{0};
  std::atomic<std::size_t> watching{0};
  std::atomic<std::uint64_t> logins{0};
  std::atomic<std::uint64_t> failures{0};
};

// What the session sees of its leases at one moment (taken under state::mu, on the strand).
struct snapshot {
  bool stopped = false;
  bool leased = false;
  std::vector<std::string> folders;  // union of the leases' folder ids, sorted, unique, bounded
  account acct;
};
snapshot take_snapshot(state& st, user_entry& e);

// Ends the entry when it has no lease (or the watcher stopped): marks it finished and removes it from the
// map. False when a lease arrived meanwhile (the session goes on).
bool finish_if_unleased(state& st, user_entry& e);

// Tells the session to look at its leases again (any thread).
void poke(const std::shared_ptr<user_entry>& e);

// One user's session: runs until the watcher stops or the last lease's linger ends.
boost::asio::awaitable<void> run_session(std::shared_ptr<state> st, std::shared_ptr<user_entry> e);

}  // namespace easd::backend::imap_watch
