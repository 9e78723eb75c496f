#include "backend/imap/imap_mail_store.hpp"

#include "backend/imap/client/connection.hpp"
#include "backend/imap/client/select.hpp"
#include "backend/imap/imap_store_detail.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <functional>

namespace easd::backend {

namespace net = boost::asio;
namespace st = imap_store;

namespace {

// connect, ID, login, ENABLE CONDSTORE QRESYNC (RFC 7162 §3.2.3: QRESYNC implies CONDSTORE; both are
// named so that a server with CONDSTORE only enables that).
net::awaitable<result<std::unique_ptr<imap::connection>>> open_connection(imap::options opts,
                                                                          std::shared_ptr<net::ssl::context> tls,
                                                                          std::string user, std::string password) {
  auto ex = co_await net::this_coro::executor;
  auto c = co_await imap::connection::connect(ex, *tls, opts);
  if (!c) co_return c.error();
  std::vector<std::pair<std::string, std::string>> fields;
  fields.emplace_back("name", "easd");
  auto id = co_await (*c)->id(std::move(fields));
  if (!id && id.error() != imap::error::command_failed) co_return id.error();
  auto login = co_await (*c)->login(std::move(user), std::move(password));
  if (!login) co_return login.error();
  std::vector<std::string> ext;
  ext.emplace_back("CONDSTORE");
  ext.emplace_back("QRESYNC");
  auto en = co_await imap::enable(**c, std::move(ext));
  if (!en && en.error() != imap::error::command_failed) co_return en.error();
  co_return std::move(*c);
}

// Runs `fn` with a leased connection on the shard's strand and completes on the caller's executor.
template <class T>
net::awaitable<result<T>> on_shard(std::shared_ptr<st::shard> sh, const account& acct, bool idempotent,
                                   st::body<T> fn) {
  auto strand = sh->strand;
  auto task = st::run<T>(std::move(sh), acct, idempotent, std::move(fn));
  co_return co_await net::co_spawn(strand, std::move(task), net::use_awaitable);
}

}  // namespace

imap_mail_store::imap_mail_store(net::any_io_executor ex, imap_store_options opts,
                                 std::shared_ptr<net::ssl::context> tls) {
  const std::size_t n = std::max<std::size_t>(1, opts.shards);
  auto po = opts.pool;
  po.max_total = std::max<std::size_t>(1, po.max_total / n);
  for (std::size_t i = 0; i < n; ++i) {
    imap::connector open = [server = opts.server, tls](std::string user, std::string password) {
      return open_connection(server, tls, std::move(user), std::move(password));  // not a coroutine
    };
    shards_.push_back(std::make_shared<st::shard>(ex, std::move(open), po, std::max<std::size_t>(1, opts.fetch_batch),
                                                  std::max<std::size_t>(1, opts.max_cached_users)));
  }
}

imap_mail_store::~imap_mail_store() = default;

std::shared_ptr<st::shard> imap_mail_store::shard_for(const std::string& user) const {
  return shards_[std::hash<std::string>{}(user) % shards_.size()];
}

void imap_mail_store::prune() {
  for (const auto& sh : shards_) net::post(sh->strand, [sh] { sh->pool.prune(); });
}

net::awaitable<result<std::vector<mail_folder>>> imap_mail_store::list_folders(const account& acct) {
  st::body<std::vector<mail_folder>> fn = [](st::session& s) { return st::list_folders(s); };
  auto sh = shard_for(acct.user);
  co_return co_await on_shard(std::move(sh), acct, true, std::move(fn));
}

net::awaitable<result<mail_folder>> imap_mail_store::create_folder(const account& acct, std::string parent_id,
                                                                  std::string name) {
  st::body<mail_folder> fn = [parent_id = std::move(parent_id), name = std::move(name)](st::session& s) {
    return st::create_folder(s, parent_id, name);
  };
  auto sh = shard_for(acct.user);
  co_return co_await on_shard(std::move(sh), acct, false, std::move(fn));
}

net::awaitable<result<mail_folder>> imap_mail_store::rename_folder(const account& acct, std::string folder_id,
                                                                  std::string new_parent_id, std::string new_name) {
  st::body<mail_folder> fn = [id = std::move(folder_id), parent = std::move(new_parent_id),
                              name = std::move(new_name)](st::session& s) {
    return st::rename_folder(s, id, parent, name);
  };
  auto sh = shard_for(acct.user);
  co_return co_await on_shard(std::move(sh), acct, false, std::move(fn));
}

net::awaitable<result<void>> imap_mail_store::delete_folder(const account& acct, std::string folder_id) {
  st::body<void> fn = [id = std::move(folder_id)](st::session& s) { return st::delete_folder(s, id); };
  auto sh = shard_for(acct.user);
  co_return co_await on_shard(std::move(sh), acct, false, std::move(fn));
}

net::awaitable<result<mailbox_status>> imap_mail_store::status(const account& acct, std::string folder_id) {
  st::body<mailbox_status> fn = [id = std::move(folder_id)](st::session& s) { return st::status(s, id); };
  auto sh = shard_for(acct.user);
  co_return co_await on_shard(std::move(sh), acct, true, std::move(fn));
}

net::awaitable<result<mailbox_delta>> imap_mail_store::changes(const account& acct, std::string folder_id,
                                                              std::uint32_t uidvalidity, std::uint64_t since_modseq,
                                                              uid_set known) {
  st::body<mailbox_delta> fn = [id = std::move(folder_id), uidvalidity, since_modseq,
                                known = std::move(known)](st::session& s) {
    return st::changes(s, id, uidvalidity, since_modseq, known);
  };
  auto sh = shard_for(acct.user);
  co_return co_await on_shard(std::move(sh), acct, true, std::move(fn));
}

net::awaitable<result<uid_set>> imap_mail_store::search(const account& acct, std::string folder_id,
                                                       search_criteria criteria) {
  st::body<uid_set> fn = [id = std::move(folder_id), criteria = std::move(criteria)](st::session& s) {
    return st::search(s, id, criteria);
  };
  auto sh = shard_for(acct.user);
  co_return co_await on_shard(std::move(sh), acct, true, std::move(fn));
}

net::awaitable<result<std::vector<message_summary>>> imap_mail_store::summaries(const account& acct,
                                                                               std::string folder_id, uid_set uids) {
  st::body<std::vector<message_summary>> fn = [id = std::move(folder_id), uids = std::move(uids)](st::session& s) {
    return st::summaries(s, id, uids);
  };
  auto sh = shard_for(acct.user);
  co_return co_await on_shard(std::move(sh), acct, true, std::move(fn));
}

net::awaitable<result<part_bytes>> imap_mail_store::fetch_part(const account& acct, std::string folder_id,
                                                              std::uint32_t uid, std::string section, bool decoded,
                                                              std::uint64_t offset, std::uint64_t max_bytes) {
  st::body<part_bytes> fn = [id = std::move(folder_id), uid, section = std::move(section), decoded, offset,
                             max_bytes](st::session& s) {
    return st::fetch_part(s, id, uid, section, decoded, offset, max_bytes);
  };
  auto sh = shard_for(acct.user);
  co_return co_await on_shard(std::move(sh), acct, true, std::move(fn));
}

net::awaitable<result<void>> imap_mail_store::set_flags(const account& acct, std::string folder_id, uid_set uids,
                                                       message_flags add, message_flags remove) {
  // Idempotent: +FLAGS/-FLAGS twice leave the same state.
  st::body<void> fn = [id = std::move(folder_id), uids = std::move(uids), add = std::move(add),
                       remove = std::move(remove)](st::session& s) { return st::set_flags(s, id, uids, add, remove); };
  auto sh = shard_for(acct.user);
  co_return co_await on_shard(std::move(sh), acct, true, std::move(fn));
}

net::awaitable<result<std::vector<std::pair<std::uint32_t, std::uint32_t>>>> imap_mail_store::move(
    const account& acct, std::string folder_id, uid_set uids, std::string to_folder_id) {
  using pairs = std::vector<std::pair<std::uint32_t, std::uint32_t>>;
  st::body<pairs> fn = [id = std::move(folder_id), uids = std::move(uids), to = std::move(to_folder_id)](
                           st::session& s) { return st::move(s, id, uids, to); };
  auto sh = shard_for(acct.user);
  co_return co_await on_shard(std::move(sh), acct, false, std::move(fn));
}

net::awaitable<result<void>> imap_mail_store::expunge(const account& acct, std::string folder_id, uid_set uids) {
  st::body<void> fn = [id = std::move(folder_id), uids = std::move(uids)](st::session& s) {
    return st::expunge(s, id, uids);
  };
  auto sh = shard_for(acct.user);
  co_return co_await on_shard(std::move(sh), acct, true, std::move(fn));
}

net::awaitable<result<std::uint32_t>> imap_mail_store::append(const account& acct, std::string folder_id,
                                                             std::string message, message_flags flags) {
  st::body<std::uint32_t> fn = [id = std::move(folder_id), message = std::move(message),
                                flags = std::move(flags)](st::session& s) { return st::append(s, id, message, flags); };
  auto sh = shard_for(acct.user);
  co_return co_await on_shard(std::move(sh), acct, false, std::move(fn));
}

}  // namespace easd::backend
