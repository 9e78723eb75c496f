// mail_watch over IMAP (backend/api/mail_watch.hpp): one connection per user with at least one lease,
// shared by all that user's leases, watching the union of their folders.
//
// - NOTIFY (RFC 5465) when the server offers it: NOTIFY SET for the watched mailboxes, nothing selected,
//   so every new, expunged or flag-changed message arrives as an untagged STATUS (imap_notify.hpp). A NOOP
//   every idle_refresh keeps the session from the server's autologout (RFC 9051 §5.4: ≥ 30 min).
// - Otherwise IDLE (RFC 2177) on the Inbox (EXAMINEd, re-issued every idle_refresh, DONE before any other
//   command) and STATUS polling of the other watched folders every status_poll_interval, comparing
//   UIDNEXT, MESSAGES, UNSEEN, UIDVALIDITY and HIGHESTMODSEQ. Without IDLE, NOOP takes its place.
// - The last lease gone, the session lingers (a phone's next Ping arrives within seconds and reuses it),
//   then logs out.
// - Connection loss or a failed login: reconnect with exponential back-off and jitter (backoff_initial
//   doubling to backoff_max, reset only after a session that lasted backoff_max), then sink(user, "").
//   One connect in flight per user at most (one session coroutine per user) and max_connecting for all
//   users together (a queue in arrival order), so an IMAP restart does not bring a login storm.
// - Credentials: the newest lease's account, at each (re)connect.
//
// Threading: watch(), leases and shutdown() are thread-safe. Each user's session is a coroutine on its
// own strand (created from the executor given); the sink is called there. Lease bookkeeping is under one
// mutex, held only for map updates; a lease change pokes the session through its strand.
#pragma once

#include "backend/api/mail_watch.hpp"
#include "backend/imap/client/options.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace easd::backend {

namespace imap_watch {
struct state;
}

struct imap_watch_options {
  imap::options server;  // where and how to connect (as the mail store)
  std::chrono::milliseconds linger{30000};
  std::chrono::milliseconds status_poll_interval{60000};  // [push] status_poll_interval
  std::chrono::milliseconds idle_refresh{29 * 60 * 1000};  // IDLE re-issued (NOOP under NOTIFY) this often
  std::chrono::milliseconds backoff_initial{1000};
  std::chrono::milliseconds backoff_max{60000};
  std::size_t max_connecting = 16;        // connection attempts in flight, all users together
  std::size_t max_folders_per_user = 1000;  // watched folder ids beyond this are ignored
  std::chrono::milliseconds logout_timeout{2000};  // at shutdown and linger end, then the socket is closed
  bool use_notify = true;  // false: IDLE + STATUS polling even where NOTIFY is offered
};

struct imap_watch_stats {
  std::size_t users = 0;        // users with a session (leased or lingering)
  std::size_t connected = 0;    // sessions logged in right now
  std::size_t watching = 0;     // of those, sessions whose watch (NOTIFY SET, or IDLE set-up) is in place
  std::uint64_t logins = 0;     // successful logins so far
  std::uint64_t failures = 0;   // failed connection attempts (connect, TLS, login) so far
};

class imap_mail_watch final : public mail_watch {
public:
  // `tls` is shared by every connection (imap::make_tls_context); `sink` receives every change.
  imap_mail_watch(boost::asio::any_io_executor ex, imap_watch_options opts,
                  std::shared_ptr<boost::asio::ssl::context> tls, mail_change_sink sink);
  ~imap_mail_watch() override;  // shutdown()
  imap_mail_watch(const imap_mail_watch&) = delete;
  imap_mail_watch& operator=(const imap_mail_watch&) = delete;

  std::unique_ptr<lease> watch(const account& acct, std::vector<std::string> folder_ids) override;
  void shutdown() override;

  imap_watch_stats stats() const;

private:
  std::shared_ptr<imap_watch::state> state_;
};

}  // namespace easd::backend
