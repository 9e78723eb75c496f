// Internals of imap_mail_store shared by its source files (one area per file: imap_folders.cpp,
// imap_sync.cpp, imap_messages.cpp, imap_changes.cpp). Everything here runs on a shard's strand.
#pragma once

#include "backend/api/mail_store.hpp"
#include "backend/imap/client/connection.hpp"
#include "backend/imap/client/connection_pool.hpp"
#include "backend/imap/client/error.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/strand.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace easd::backend::imap_store {

// One user's folders as last listed: what resolves "M:" ids and gives create/rename the delimiter.
struct folder_cache {
  bool loaded = false;
  std::optional<char> delimiter;  // NIL: a flat name space
  std::vector<mail_folder> folders;
  std::unordered_map<std::string, std::string> path_of;  // id → mailbox name
};

struct shard {
  shard(boost::asio::any_io_executor ex, imap::connector open, imap::pool_options po, std::size_t batch,
        std::size_t max_users)
      : strand(boost::asio::make_strand(ex)), pool(std::move(open), std::move(po)), fetch_batch(batch),
        max_cached_users(max_users) {}

  boost::asio::strand<boost::asio::any_io_executor> strand;
  imap::connection_pool pool;
  std::unordered_map<std::string, folder_cache> caches;  // by user
  std::size_t fetch_batch;
  std::size_t max_cached_users;

  // The first bytes of messages' main text parts, read in one FETCH per batch of summaries (see
  // imap_messages.cpp), so that converting a Sync window costs a few round trips instead of one per
  // message. Key: user, folder id, uid, section. Messages never change under a UID, so an entry is only
  // ever stale after a UIDVALIDITY reset between a summaries() and a fetch_part() of one request.
  struct prefetched_part {
    std::string bytes;
    std::optional<std::uint64_t> total;
  };
  std::unordered_map<std::string, prefetched_part> prefetched;
  std::size_t prefetched_bytes = 0;

  folder_cache& cache(const std::string& user) {
    // Bounded: past the cap every cache is dropped (they refill with one LIST each).
    if (caches.size() >= max_cached_users && !caches.contains(user)) caches.clear();
    return caches[user];
  }
};

// What one call works with: the connection leased for it, its shard, the user.
struct session {
  shard& sh;
  imap::connection& c;
  const std::string& user;
  folder_cache& cache() { return sh.cache(user); }
};

template <class T>
using body = std::function<boost::asio::awaitable<result<T>>(session&)>;

bool is_mail_error(const error_code& ec) noexcept;

// The mail_error for the NO the last command got (RFC 5530 codes), `fallback` when it has no telling code.
error_code refusal(const imap::connection& c, mail_error fallback = mail_error::refused);
// An error of a typed command: command_failed (a NO or BAD) becomes refusal(c, fallback); others stay.
error_code mapped(const imap::connection& c, const error_code& ec, mail_error fallback = mail_error::refused);

// Leases a connection of acct.user and runs `fn` with it, on the shard's strand (the caller spawns this
// coroutine there). Idempotent calls get one more try on a fresh connection when a reused one broke.
template <class T>
boost::asio::awaitable<result<T>> run(std::shared_ptr<shard> sh, account acct, bool idempotent, body<T> fn) {
  for (int attempt = 0;; ++attempt) {
    std::string user = acct.user;
    std::string password = acct.password;
    auto l = co_await sh->pool.acquire(std::move(user), std::move(password));
    if (!l) co_return l.error();
    const bool reused = l->reused();
    session s{*sh, **l, acct.user};
    auto r = co_await fn(s);
    if (r || !idempotent || !reused || attempt > 0 || (*l)->is_open()) co_return r;
    // A connection that sat idle broke on first use (the server timed it out): once more, on a new one.
  }
}

// --- folders (imap_folders.cpp)

// The mailbox name of a folder id: "N:name" directly, "M:id" through the cache (refreshed on a miss).
boost::asio::awaitable<result<std::string>> resolve(session& s, const std::string& folder_id);
// LIST, and the cache refilled from it.
boost::asio::awaitable<result<std::vector<mail_folder>>> refresh_folders(session& s);
// SELECT (write) or EXAMINE, without extensions; NO is not_found.
boost::asio::awaitable<result<void>> open_mailbox(session& s, const std::string& path, bool write);

boost::asio::awaitable<result<std::vector<mail_folder>>> list_folders(session& s);
boost::asio::awaitable<result<mail_folder>> create_folder(session& s, const std::string& parent_id,
                                                          const std::string& name);
boost::asio::awaitable<result<mail_folder>> rename_folder(session& s, const std::string& folder_id,
                                                          const std::string& new_parent_id,
                                                          const std::string& new_name);
boost::asio::awaitable<result<void>> delete_folder(session& s, const std::string& folder_id);

// --- change detection (imap_sync.cpp)
boost::asio::awaitable<result<mailbox_status>> status(session& s, const std::string& folder_id);
boost::asio::awaitable<result<mailbox_delta>> changes(session& s, const std::string& folder_id,
                                                      std::uint32_t uidvalidity, std::uint64_t since_modseq,
                                                      const uid_set& known);
boost::asio::awaitable<result<uid_set>> search(session& s, const std::string& folder_id,
                                               const search_criteria& criteria);

// --- reading (imap_messages.cpp)
boost::asio::awaitable<result<std::vector<message_summary>>> summaries(session& s, const std::string& folder_id,
                                                                      const uid_set& uids);
boost::asio::awaitable<result<part_bytes>> fetch_part(session& s, const std::string& folder_id, std::uint32_t uid,
                                                      const std::string& section, bool decoded,
                                                      std::uint64_t offset, std::uint64_t max_bytes);

// --- changing (imap_changes.cpp)
boost::asio::awaitable<result<void>> set_flags(session& s, const std::string& folder_id, const uid_set& uids,
                                               const message_flags& add, const message_flags& remove);
boost::asio::awaitable<result<std::vector<std::pair<std::uint32_t, std::uint32_t>>>> move(
    session& s, const std::string& folder_id, const uid_set& uids, const std::string& to_folder_id);
boost::asio::awaitable<result<void>> expunge(session& s, const std::string& folder_id, const uid_set& uids);
boost::asio::awaitable<result<std::uint32_t>> append(session& s, const std::string& folder_id,
                                                     const std::string& message, const message_flags& flags);

}  // namespace easd::backend::imap_store
