// A bounded pool of authenticated IMAP connections, keyed by user: at most max_per_user per user and
// max_total overall (idle and leased together, openings in progress included), idle ones closed after
// idle_timeout, and a failing user's reconnects spaced by exponential back-off.
//
// Contract:
// - Single-threaded: use the pool and its leases from one strand (the one the connections run on).
// - acquire() hands out an idle connection of that user if one is open, else opens one through the
//   connector (which connects and logs in with the password given). At the per-user limit it waits, up to
//   acquire_timeout and behind at most max_waiters_per_user others, for a lease of that user to come back
//   (a phone's Sync and Ping overlap briefly; failing them would make the phone retry); then error::busy.
//   At the overall limit it closes another user's oldest idle connection, else fails with error::busy.
//   While the user's back-off runs it fails at once with error::busy.
// - Idle connections are keyed by user only: the password matters when a connection is opened. Callers
//   must have verified it (easd's auth gate does), or one user's valid lease would serve a wrong password.
// - A lease is a move-only RAII token; destroying it returns the connection to the idle list if it is still
//   open, else frees its slot. discard() drops a connection whose state the holder no longer trusts.
//   A returned connection may have any mailbox selected: holders SELECT what they need.
// - Leases keep the pool's shared state alive, so a lease may outlive the pool object (its connection is
//   then closed on return).
#pragma once

#include "backend/imap/client/connection.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace easd::backend::imap {

struct pool_options {
  std::size_t max_per_user = 4;
  std::size_t max_total = 1024;
  std::chrono::steady_clock::duration idle_timeout = std::chrono::minutes(5);
  std::chrono::steady_clock::duration backoff_initial = std::chrono::seconds(1);
  std::chrono::steady_clock::duration backoff_max = std::chrono::minutes(2);
  // Waiting for a lease at the per-user limit; 0 fails at once.
  std::chrono::steady_clock::duration acquire_timeout = std::chrono::seconds(10);
  std::size_t max_waiters_per_user = 16;
  // The clock, replaceable in tests.
  std::function<std::chrono::steady_clock::time_point()> now = [] { return std::chrono::steady_clock::now(); };
};

// Opens and authenticates a connection for `user` with `password`. Any error counts as a failure for the
// back-off.
using connector = std::function<boost::asio::awaitable<result<std::unique_ptr<connection>>>(std::string user,
                                                                                           std::string password)>;

namespace detail {
struct pool_state;
}

class [[nodiscard]] lease {
public:
  lease() = default;
  lease(lease&& other) noexcept;
  lease& operator=(lease&& other) noexcept;
  lease(const lease&) = delete;
  lease& operator=(const lease&) = delete;
  ~lease();

  connection& operator*() const noexcept { return *conn_; }
  connection* operator->() const noexcept { return conn_.get(); }
  explicit operator bool() const noexcept { return conn_ != nullptr; }
  // True when the connection was idle in the pool (it may have been closed by the server meanwhile: one
  // retry on a fresh connection is worth it for an idempotent command).
  bool reused() const noexcept { return reused_; }

  // Closes the connection instead of returning it.
  void discard() noexcept;

private:
  friend class connection_pool;
  lease(std::shared_ptr<detail::pool_state> state, std::string user, std::unique_ptr<connection> conn,
        bool reused);
  void release() noexcept;

  std::shared_ptr<detail::pool_state> state_;
  std::string user_;
  std::unique_ptr<connection> conn_;
  bool reused_ = false;
};

class connection_pool {
public:
  connection_pool(connector open, pool_options opts = {});
  connection_pool(const connection_pool&) = delete;
  connection_pool& operator=(const connection_pool&) = delete;
  ~connection_pool();

  boost::asio::awaitable<result<lease>> acquire(std::string user, std::string password);

  // Closes idle connections older than idle_timeout (also done on every acquire); call it from a timer
  // to release server resources of users who went quiet.
  void prune();

  std::size_t open_count() const noexcept;              // idle + leased + opening
  std::size_t idle_count(const std::string& user) const;
  std::size_t waiting_count(const std::string& user) const;

private:
  std::shared_ptr<detail::pool_state> state_;
};

}  // namespace easd::backend::imap
