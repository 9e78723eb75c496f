// One user's watch session (imap_mail_watch.hpp): connect with back-off, set up NOTIFY or IDLE + STATUS
// polling for the leased folders, turn what the server says into sink calls, linger, log out.
//
// The session coroutine is the only user of its connection and runs on the entry's strand. It waits in
// one place at a time, always together with the entry's wake timer, so a lease change (poke) is seen
// within one wait; `poked` covers pokes that land while it was busy with a command.
#include "backend/imap/client/connection.hpp"
#include "backend/imap/client/error.hpp"
#include "backend/imap/client/list.hpp"
#include "backend/imap/client/mailbox_admin.hpp"
#include "backend/imap/client/mutf7.hpp"
#include "backend/imap/client/select.hpp"
#include "backend/imap/imap_notify.hpp"
#include "backend/imap/imap_watch_detail.hpp"
#include "eas/core/ascii.hpp"
#include "eas/core/log_escape.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <random>
#include <set>
#include <variant>

namespace easd::backend::imap_watch {

namespace net = boost::asio;
using namespace net::experimental::awaitable_operators;
using clock = std::chrono::steady_clock;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// Somewhere in [d/2, d]: users cut off together (an IMAP restart) do not come back together.
clock::duration jittered(clock::duration d) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  const auto half = std::chrono::duration_cast<std::chrono::milliseconds>(d) / 2;
  std::uniform_int_distribution<long long> spread(0, std::max<long long>(0, half.count()));
  return half + std::chrono::milliseconds(spread(rng));
}

// Waits until `until` or a poke, whichever comes first.
net::awaitable<void> wait_poke(user_entry& e, clock::time_point until) {
  if (e.poked) co_return;
  net::steady_timer t(e.exec, until);
  (void)co_await (t.async_wait(use_tuple) || e.wake.async_wait(use_tuple));
}

net::awaitable<result<std::unique_ptr<imap::connection>>> open_connection(const state& st, account acct) {
  auto ex = co_await net::this_coro::executor;
  auto c = co_await imap::connection::connect(ex, *st.tls, st.opts.server);
  if (!c) co_return c.error();
  auto login = co_await (*c)->login(std::move(acct.user), std::move(acct.password));
  if (!login) co_return login.error();
  // CONDSTORE: STATUS carries HIGHESTMODSEQ, so flag changes show in polls and NOTIFY events.
  std::vector<std::string> ext;
  ext.emplace_back("CONDSTORE");
  auto en = co_await imap::enable(**c, std::move(ext));
  if (!en && en.error() != imap::error::command_failed) co_return en.error();
  co_return std::move(*c);
}

net::awaitable<void> logout(const state& st, imap::connection& c) {
  auto ex = co_await net::this_coro::executor;
  net::steady_timer t(ex, st.opts.logout_timeout);
  (void)co_await (c.logout() || t.async_wait(use_tuple));
  c.close();
}

// The watch over one connection.
struct session {
  session(state& s, user_entry& en, imap::connection& cn) : st(s), e(en), c(cn) {}

  state& st;
  user_entry& e;
  imap::connection& c;
  bool notify = false;                      // NOTIFY events, else IDLE on the Inbox + STATUS polling
  bool configured = false;
  std::vector<std::string> folders;         // the folder ids the watch was set up for (sorted)
  std::vector<std::string> wanted;          // the folder ids the leases want now (sorted): what is reported
  std::vector<watched_mailbox> boxes;       // what they resolved to
  std::vector<std::string> inbox_ids;       // IDLE mode: the folder ids naming the Inbox
  std::vector<watched_mailbox> polled;      // IDLE mode: the other mailboxes
  std::map<std::string, std::optional<imap::mailbox_counts>> last;  // by folder id; nullopt: STATUS said NO
  clock::time_point next_poll{};
  clock::time_point last_command = clock::now();
  std::optional<clock::time_point> linger_until;

  void emit(std::string_view folder_id) {
    if (!folder_id.empty() && !std::binary_search(wanted.begin(), wanted.end(), folder_id)) return;
    st.sink(e.user, folder_id);
  }

  // Whether the leases' folders need the watch set up again. Under NOTIFY only when a folder was added:
  // a NOTIFY SET replaces the server's watch, and a change landing while it does may go unreported
  // (Dovecot re-reads the mailboxes' state), so a shrinking list keeps the wider watch and filters.
  bool needs_setup(const std::vector<std::string>& now) const {
    if (!configured) return true;
    if (notify) return !std::includes(folders.begin(), folders.end(), now.begin(), now.end());
    return now != folders;
  }

  // The folders a response reports changed.
  void collect(const imap::response& r, std::set<std::string>& out) const {
    if (notify) {
      for (auto& id : status_event_folders(r, boxes)) out.insert(std::move(id));
    } else if (selected_change(r)) {
      out.insert(inbox_ids.begin(), inbox_ids.end());
    }
  }
  void handle(const std::vector<imap::response>& rs) {
    std::set<std::string> changed;
    for (const auto& r : rs) collect(r, changed);
    for (const auto& id : changed) emit(id);
  }
  void handle(const imap::response& r) {
    std::set<std::string> changed;
    collect(r, changed);
    for (const auto& id : changed) emit(id);
  }

  // The snapshot's lease state: starts or ends the linger. True when the session must end now.
  bool lingered_out(const snapshot& snap) {
    if (snap.leased) {
      linger_until.reset();
      return false;
    }
    if (!linger_until) linger_until = clock::now() + st.opts.linger;
    return clock::now() >= *linger_until && finish_if_unleased(st, e);
  }
};

net::awaitable<result<void>> poll(session& s) {
  std::set<std::string> changed;
  const bool modseq = s.c.caps().has("CONDSTORE");
  for (const auto& b : s.polled) {
    auto wire = imap::encode_mutf7(b.name);
    if (!wire) continue;
    auto cmd = s.c.start_command("STATUS");
    cmd.raw(" ");
    (void)cmd.string(*wire);  // modified UTF-7: printable ASCII
    cmd.raw(modseq ? " (MESSAGES UNSEEN UIDVALIDITY UIDNEXT HIGHESTMODSEQ)" : " (MESSAGES UNSEEN UIDVALIDITY UIDNEXT)");
    auto r = co_await s.c.execute(std::move(cmd));
    if (!r) co_return r.error();
    s.last_command = clock::now();
    std::optional<imap::mailbox_counts> counts;
    std::vector<watched_mailbox> self;
    self.push_back(b);
    for (const auto& u : r->untagged) {
      if (!status_event_folders(u, self).empty()) {
        if (auto p = imap::parse_status(u)) counts = p->second;
      } else {
        s.collect(u, changed);  // Inbox updates arrive during any command
      }
    }
    if (!r->ok()) counts.reset();  // gone (deleted or renamed): the Ping handler finds out
    auto it = s.last.find(b.folder_id);
    if (it != s.last.end() &&
        (it->second.has_value() != counts.has_value() || (counts && counts_changed(*it->second, *counts)))) {
      changed.insert(b.folder_id);
    }
    s.last[b.folder_id] = counts;
  }
  s.next_poll = clock::now() + s.st.opts.status_poll_interval;
  for (const auto& id : changed) s.emit(id);
  co_return result<void>{};
}

// Resolves the folder ids and (re)sets the watch: NOTIFY SET, or EXAMINE INBOX + a STATUS baseline.
net::awaitable<result<void>> apply_folders(session& s, const std::vector<std::string>& folders) {
  s.folders = folders;
  std::unordered_map<std::string, std::string> path_of;
  if (needs_listing(folders)) {
    imap::list_request req;
    req.counts = false;
    req.mailboxid = true;
    auto l = co_await imap::list_mailboxes(s.c, req);
    if (!l && l.error() != imap::error::command_failed) co_return l.error();
    if (l) path_of = path_index(*l);
  }
  s.boxes = resolve_folders(folders, path_of);
  s.last_command = clock::now();

  if (s.notify) {
    auto cmd = s.c.start_command("NOTIFY");
    if (append_notify_set(cmd, s.boxes) == 0) cmd.raw(" NONE");
    auto r = co_await s.c.execute(std::move(cmd));
    if (!r) co_return r.error();
    s.handle(r->untagged);
    if (r->ok()) co_return result<void>{};
    spdlog::warn("imap_watch user={} event=notify_refused text={}; falling back to IDLE", log_escape(s.e.user),
                 log_escape(r->completion.text));
    s.notify = false;
  }

  s.inbox_ids.clear();
  s.polled.clear();
  for (const auto& b : s.boxes) {
    if (iequals_ascii(b.name, "INBOX") && s.c.caps().has("IDLE")) {
      s.inbox_ids.push_back(b.folder_id);
    } else {
      s.polled.push_back(b);
    }
  }
  const bool inbox_open = s.c.selected() && iequals_ascii(s.c.selected()->mailbox, "INBOX");
  if (!s.inbox_ids.empty() && !inbox_open) {
    imap::select_options so;
    so.read_only = true;
    std::string inbox = "INBOX";
    auto r = co_await imap::select(s.c, std::move(inbox), so);
    if (!r && r.error() != imap::error::command_failed) co_return r.error();
    if (!r) {  // no Inbox to idle on: poll it like the others
      for (const auto& id : s.inbox_ids) s.polled.push_back(watched_mailbox{id, "INBOX"});
      s.inbox_ids.clear();
    }
  } else if (s.inbox_ids.empty() && s.c.selected()) {
    auto r = co_await imap::unselect(s.c);
    if (!r) co_return r.error();
  }
  // Forget mailboxes no longer polled; the first STATUS of a new one is its baseline.
  std::erase_if(s.last, [&](const auto& kv) {
    return std::none_of(s.polled.begin(), s.polled.end(), [&](const auto& b) { return b.folder_id == kv.first; });
  });
  co_return co_await poll(s);
}

// Reads unsolicited responses until `deadline` or a poke.
net::awaitable<result<void>> wait_events(session& s, clock::time_point deadline) {
  for (;;) {
    if (s.e.poked) co_return result<void>{};
    auto r = co_await (s.c.wait_readable(deadline) || s.e.wake.async_wait(use_tuple));
    if (r.index() == 1) co_return result<void>{};
    auto& ready = std::get<0>(r);
    if (!ready) co_return ready.error();
    if (*ready == imap::connection::readiness::waited) co_return result<void>{};
    auto resp = co_await s.c.read_unsolicited();
    if (!resp) co_return resp.error();
    if (resp->status == imap::status::bye) co_return error_code(imap::error::unavailable);
    s.handle(*resp);
  }
}

// Runs the watch until the session must end (ok) or the connection fails (the error).
net::awaitable<result<void>> watch_connection(state& st, user_entry& e, imap::connection& c) {
  session s(st, e, c);
  struct counted {
    explicit counted(state& s) : st(s) {}
    counted(const counted&) = delete;
    counted& operator=(const counted&) = delete;
    state& st;
    bool on = false;
    ~counted() {
      if (on) --st.watching;
    }
  } watching(st);
  s.notify = st.opts.use_notify && c.caps().has("NOTIFY");
  for (;;) {
    auto snap = take_snapshot(st, e);
    if (snap.stopped || s.lingered_out(snap)) co_return result<void>{};
    // While lingering the last folders stay watched: the device's next Ping most likely wants them again.
    if (snap.leased) s.wanted = snap.folders;
    if (snap.leased && s.needs_setup(snap.folders)) {
      auto a = co_await apply_folders(s, snap.folders);
      if (!a) co_return a.error();
      s.configured = true;
      if (!watching.on) {
        watching.on = true;
        ++st.watching;
      }
      // Every (re)set watch says "re-check everything": the held request checked the backend before this
      // watch existed, and a change in between (or during an outage, or while NOTIFY SET replaced the
      // watch) was reported to nobody. Subscribe-before-check covers only what the watch reports.
      s.emit("");
    }

    auto deadline = s.last_command + st.opts.idle_refresh;
    if (s.linger_until) deadline = std::min(deadline, *s.linger_until);
    if (!s.notify && !s.polled.empty()) deadline = std::min(deadline, s.next_poll);

    const bool idling = !s.notify && !s.inbox_ids.empty();
    if (idling) {
      std::vector<imap::response> updates;
      auto b = co_await c.idle_begin(updates);
      if (!b) co_return b.error();
      s.handle(updates);
    }
    // Pokes that change nothing for the connection (another device's Ping came or went) keep the wait.
    for (;;) {
      auto w = co_await wait_events(s, deadline);
      if (!w) co_return w.error();
      if (clock::now() >= deadline) break;
      auto again = take_snapshot(st, e);
      if (again.stopped || (again.leased && s.needs_setup(again.folders))) break;
      if (again.leased) s.wanted = again.folders;
      if (!again.leased && !s.linger_until) {
        s.linger_until = clock::now() + st.opts.linger;
        deadline = std::min(deadline, *s.linger_until);
      } else if (again.leased) {
        s.linger_until.reset();
      }
    }
    if (idling) {
      auto d = co_await c.idle_done();
      if (!d) co_return d.error();
      s.handle(d->untagged);
      s.last_command = clock::now();
    }
    if (!s.notify && !s.polled.empty() && clock::now() >= s.next_poll) {
      auto p = co_await poll(s);
      if (!p) co_return p.error();
    }
    if (!idling && clock::now() >= s.last_command + st.opts.idle_refresh) {
      // Keeps the session from the server's autologout; under NOTIFY it may also bring events.
      auto noop = c.start_command("NOOP");
      auto r = co_await c.execute(std::move(noop));
      if (!r) co_return r.error();
      s.handle(r->untagged);
      s.last_command = clock::now();
    }
  }
}

clock::duration next_backoff(const state& st, clock::duration current) {
  if (current == clock::duration::zero()) return st.opts.backoff_initial;
  return std::min<clock::duration>(current * 2, st.opts.backoff_max);
}

}  // namespace

net::awaitable<void> run_session(std::shared_ptr<state> stp, std::shared_ptr<user_entry> ep) {
  state& st = *stp;
  user_entry& e = *ep;
  clock::duration backoff = clock::duration::zero();
  std::optional<clock::time_point> next_attempt;
  std::optional<clock::time_point> linger_until;
  for (;;) {
    auto snap = take_snapshot(st, e);
    if (snap.stopped) {
      (void)finish_if_unleased(st, e);
      co_return;
    }
    if (!snap.leased) {
      if (!linger_until) linger_until = clock::now() + st.opts.linger;
      if (clock::now() >= *linger_until) {
        if (finish_if_unleased(st, e)) co_return;
        continue;
      }
      co_await wait_poke(e, *linger_until);
      continue;
    }
    linger_until.reset();
    if (next_attempt && clock::now() < *next_attempt) {
      co_await wait_poke(e, *next_attempt);
      continue;
    }

    if (!co_await st.gate.acquire()) continue;  // stopping
    auto opened = co_await (open_connection(st, snap.acct) || e.stop.async_wait(use_tuple));
    st.gate.release();
    if (opened.index() == 1) continue;  // stopping
    auto& c = std::get<0>(opened);
    if (!c) {
      ++st.failures;
      backoff = next_backoff(st, backoff);
      next_attempt = clock::now() + jittered(backoff);
      spdlog::info("imap_watch user={} event=connect_failed reason={} retry_ms={}", log_escape(e.user),
                   c.error().message(), std::chrono::duration_cast<std::chrono::milliseconds>(backoff).count());
      continue;
    }
    ++st.logins;
    ++st.connected;
    const auto since = clock::now();
    auto w = co_await watch_connection(st, e, **c);
    if (w) {
      co_await logout(st, **c);
      --st.connected;
      (void)finish_if_unleased(st, e);  // stopped or lingered out: already finished
      co_return;
    }
    --st.connected;
    (*c)->close();
    // A session that lasted is a fresh start; one that broke at once keeps climbing the back-off.
    if (clock::now() - since >= st.opts.backoff_max) backoff = clock::duration::zero();
    backoff = next_backoff(st, backoff);
    next_attempt = clock::now() + jittered(backoff);
    spdlog::info("imap_watch user={} event=connection_lost reason={} retry_ms={}", log_escape(e.user),
                 w.error().message(), std::chrono::duration_cast<std::chrono::milliseconds>(backoff).count());
  }
}

}  // namespace easd::backend::imap_watch
