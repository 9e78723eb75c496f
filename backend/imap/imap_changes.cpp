// Changing: flags (UID STORE), moves (UID MOVE or COPY + expunge, with COPYUID), removal (\Deleted +
// UID EXPUNGE) and APPEND (with APPENDUID).
#include "backend/imap/client/append.hpp"
#include "backend/imap/client/mailbox_admin.hpp"
#include "backend/imap/client/search.hpp"
#include "backend/imap/client/store.hpp"
#include "backend/imap/imap_convert.hpp"
#include "backend/imap/imap_store_detail.hpp"
#include "eas/core/ascii.hpp"

namespace easd::backend::imap_store {

namespace net = boost::asio;

namespace {

// Which of `uids` the selected mailbox still holds, after a NOOP has brought the session's view up to date.
net::awaitable<result<uid_set>> still_present(session& s, const uid_set& uids) {
  auto synced = co_await imap::noop(s.c);
  if (!synced) co_return mapped(s.c, synced.error());
  imap::search_query q;
  q.uids = to_sequence_set(uids);
  auto found = co_await imap::uid_search(s.c, std::move(q));
  if (!found) co_return mapped(s.c, found.error());
  co_return to_uid_set(*found);
}

}  // namespace

net::awaitable<result<void>> set_flags(session& s, const std::string& folder_id, const uid_set& uids,
                                       const message_flags& add, const message_flags& remove) {
  if (uids.empty()) co_return result<void>{};
  auto path = co_await resolve(s, folder_id);
  if (!path) co_return path.error();
  auto opened = co_await open_mailbox(s, *path, true);
  if (!opened) co_return opened.error();
  // Keywords that are not IMAP atoms are dropped by to_imap_flags: a device's odd category is no reason to
  // fail the whole change.
  for (int pass = 0; pass < 2; ++pass) {
    auto flags = to_imap_flags(pass == 0 ? add : remove);
    if (flags.empty()) continue;
    auto set = to_sequence_set(uids);
    auto r = co_await imap::store_flags(s.c, std::move(set), pass == 0 ? imap::flag_op::add : imap::flag_op::remove,
                                        std::move(flags));
    if (!r) co_return mapped(s.c, r.error());
  }
  co_return result<void>{};
}

net::awaitable<result<std::vector<std::pair<std::uint32_t, std::uint32_t>>>> move(session& s,
                                                                                const std::string& folder_id,
                                                                                const uid_set& uids,
                                                                                const std::string& to_folder_id) {
  using pairs = std::vector<std::pair<std::uint32_t, std::uint32_t>>;
  auto from = co_await resolve(s, folder_id);
  if (!from) co_return from.error();
  auto to = co_await resolve(s, to_folder_id);
  if (!to) co_return to.error();
  if (uids.empty()) co_return pairs{};
  auto opened = co_await open_mailbox(s, *from, true);
  if (!opened) co_return opened.error();
  uid_set wanted = uids;
  // Two tries: a message another client expunged meanwhile fails the whole MOVE or COPY with
  // [EXPUNGEISSUED] (RFC 5530); the messages still there are then moved on their own, and the gone ones
  // count as moved away, which is what the caller wanted of them.
  for (int attempt = 0;; ++attempt) {
    auto set = to_sequence_set(wanted);
    std::string dest = *to;
    auto r = co_await imap::move_messages(s.c, std::move(set), std::move(dest));
    if (r) {
      if (!*r) co_return pairs{};  // no UIDPLUS: moved, new UIDs unknown
      auto p = (*r)->pairs();
      co_return p ? std::move(*p) : pairs{};
    }
    const bool expunged = r.error() == imap::error::command_failed &&
                          iequals_ascii(s.c.last_completion().code, "EXPUNGEISSUED");
    if (!expunged || attempt > 0) co_return mapped(s.c, r.error());  // [TRYCREATE]: the destination is gone
    auto left = co_await still_present(s, wanted);
    if (!left) co_return left.error();
    if (left->empty()) co_return pairs{};
    wanted = std::move(*left);
  }
}

net::awaitable<result<void>> expunge(session& s, const std::string& folder_id, const uid_set& uids) {
  if (uids.empty()) co_return result<void>{};
  auto path = co_await resolve(s, folder_id);
  if (!path) co_return path.error();
  auto opened = co_await open_mailbox(s, *path, true);
  if (!opened) co_return opened.error();
  std::vector<std::string> deleted;
  deleted.emplace_back("\\Deleted");
  auto set = to_sequence_set(uids);
  auto stored = co_await imap::store_flags(s.c, std::move(set), imap::flag_op::add, std::move(deleted));
  if (!stored) co_return mapped(s.c, stored.error());
  if (s.c.caps().has("UIDPLUS")) {
    auto gone = to_sequence_set(uids);
    auto r = co_await imap::uid_expunge(s.c, std::move(gone));
    if (!r) co_return mapped(s.c, r.error());
    co_return result<void>{};
  }
  // Without UIDPLUS only a plain EXPUNGE exists: it also removes other messages marked \Deleted, which
  // devices never see anyway (search() hides them).
  auto cmd = s.c.start_command("EXPUNGE");
  auto r = co_await s.c.execute(std::move(cmd));
  if (!r) co_return r.error();
  if (!r->ok()) co_return refusal(s.c);
  co_return result<void>{};
}

net::awaitable<result<std::uint32_t>> append(session& s, const std::string& folder_id, const std::string& message,
                                             const message_flags& flags) {
  auto path = co_await resolve(s, folder_id);
  if (!path) co_return path.error();
  imap::append_options opts;
  opts.flags = to_imap_flags(flags);
  std::string name = *path;
  std::string body = message;
  auto r = co_await imap::append(s.c, std::move(name), std::move(body), std::move(opts));
  if (!r) {
    // Empty or NUL-carrying messages cannot travel as IMAP literals.
    if (r.error() == imap::error::unsendable_argument) co_return error_code(mail_error::refused);
    co_return mapped(s.c, r.error());
  }
  co_return *r ? (*r)->uid : 0u;
}

}  // namespace easd::backend::imap_store
