// mail_store over IMAP (backend/api/mail_store.hpp): each call leases a pooled connection of the account's
// user (connection_pool, logged in with the account's password), SELECTs or EXAMINEs what it needs and
// translates the client's typed results into the api's types (imap_convert.hpp).
//
// Concurrency: callers run on many strands and io threads. The store has `shards` strands, each with its
// own connection pool and folder cache; a user always maps to the same shard (hash of the name), so
// per-user limits hold and nothing is shared between strands. Every call runs its IMAP exchange as a
// coroutine spawned on its shard's strand and completes on the caller's executor (co_spawn +
// use_awaitable), so leases, pool and caches are only ever touched on that strand. Callers never see a
// connection: a lease lives within one call (a caller that needs a lease across calls must run on the
// shard's strand itself; none does).
//
// Folder ids (see mail_store.hpp): "M:<MAILBOXID>" when the server offers OBJECTID (RFC 8474), else
// "N:<mailbox name, UTF-8>". Dovecot 2.3 (the test and demo server) does not offer OBJECTID, so there ids
// are names and a rename elsewhere looks like delete + add. "M:" ids are resolved through a per-user cache
// id → name filled by LIST and refreshed on a miss; "N:" ids need no lookup.
//
// Extensions used when offered: CONDSTORE + QRESYNC (ENABLEd after login; changes() costs one EXAMINE
// when nothing changed), ESEARCH, BINARY (fetch_part decoded), MOVE, UIDPLUS (COPYUID/APPENDUID,
// UID EXPUNGE), LIST-EXTENDED/SPECIAL-USE/LIST-STATUS. Without them the store degrades as
// mail_store.hpp describes.
//
// Errors: NO answers become mail_error by their RFC 5530 code (NONEXISTENT/TRYCREATE/EXPUNGEISSUED → not_found,
// ALREADYEXISTS → folder_exists, TOOBIG/LIMIT → too_large, others → refused); transport and protocol
// failures stay the client's imap::error values. A broken connection is dropped by the pool; idempotent
// reads are retried once on a fresh connection when a reused one broke.
#pragma once

#include "backend/api/mail_store.hpp"
#include "backend/imap/client/connection_pool.hpp"
#include "backend/imap/client/options.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>

#include <cstddef>
#include <memory>
#include <vector>

namespace easd::backend {

namespace imap_store {
struct shard;
}

struct imap_store_options {
  imap::options server;      // where and how to connect
  imap::pool_options pool;   // per shard; max_total is divided among the shards
  std::size_t shards = 1;    // strands (one per io thread is plenty)
  std::size_t fetch_batch = 200;         // UIDs per UID FETCH of summaries()
  std::size_t max_cached_users = 10000;  // folder caches kept per shard before they are dropped
};

class imap_mail_store final : public mail_store {
public:
  // `tls` is shared by every connection (see imap::make_tls_context).
  imap_mail_store(boost::asio::any_io_executor ex, imap_store_options opts,
                  std::shared_ptr<boost::asio::ssl::context> tls);
  ~imap_mail_store() override;
  imap_mail_store(const imap_mail_store&) = delete;
  imap_mail_store& operator=(const imap_mail_store&) = delete;

  boost::asio::awaitable<result<std::vector<mail_folder>>> list_folders(const account& acct) override;
  boost::asio::awaitable<result<mail_folder>> create_folder(const account& acct, std::string parent_id,
                                                            std::string name) override;
  boost::asio::awaitable<result<mail_folder>> rename_folder(const account& acct, std::string folder_id,
                                                            std::string new_parent_id, std::string new_name) override;
  boost::asio::awaitable<result<void>> delete_folder(const account& acct, std::string folder_id) override;

  boost::asio::awaitable<result<mailbox_status>> status(const account& acct, std::string folder_id) override;
  boost::asio::awaitable<result<mailbox_delta>> changes(const account& acct, std::string folder_id,
                                                        std::uint32_t uidvalidity, std::uint64_t since_modseq,
                                                        uid_set known) override;
  boost::asio::awaitable<result<uid_set>> search(const account& acct, std::string folder_id,
                                                 search_criteria criteria) override;

  boost::asio::awaitable<result<std::vector<message_summary>>> summaries(const account& acct, std::string folder_id,
                                                                        uid_set uids) override;
  boost::asio::awaitable<result<part_bytes>> fetch_part(const account& acct, std::string folder_id, std::uint32_t uid,
                                                        std::string section, bool decoded, std::uint64_t offset,
                                                        std::uint64_t max_bytes) override;

  boost::asio::awaitable<result<void>> set_flags(const account& acct, std::string folder_id, uid_set uids,
                                                 message_flags add, message_flags remove) override;
  boost::asio::awaitable<result<std::vector<std::pair<std::uint32_t, std::uint32_t>>>> move(
      const account& acct, std::string folder_id, uid_set uids, std::string to_folder_id) override;
  boost::asio::awaitable<result<void>> expunge(const account& acct, std::string folder_id, uid_set uids) override;
  boost::asio::awaitable<result<std::uint32_t>> append(const account& acct, std::string folder_id,
                                                       std::string message, message_flags flags) override;

  // Closes idle connections past the pool's idle_timeout in every shard (call from a timer).
  void prune();

private:
  std::shared_ptr<imap_store::shard> shard_for(const std::string& user) const;

  std::vector<std::shared_ptr<imap_store::shard>> shards_;
};

}  // namespace easd::backend
