#include "eas/protocol/commands/mail_changes.hpp"

#include "eas/protocol/state/error.hpp"

#include <charconv>
#include <limits>
#include <map>
#include <utility>

namespace easd::protocol {
namespace {

constexpr std::int64_t day = 86400;
constexpr std::int64_t hour = 3600;
constexpr std::uint32_t max_uid = std::numeric_limits<std::uint32_t>::max();

// The four flags the device sees in Read, Flag and LastVerbExecuted.
struct tracked_flags {
  bool seen = false, flagged = false, answered = false, forwarded = false;
  friend bool operator==(const tracked_flags&, const tracked_flags&) = default;
};

tracked_flags tracked(const state::mail_cursor& c, std::uint32_t uid) {
  return {c.seen.contains(uid), c.flagged.contains(uid), c.answered.contains(uid), c.forwarded.contains(uid)};
}

tracked_flags tracked(const backend::message_flags& f) { return {f.seen, f.flagged, f.answered, f.forwarded}; }

void set_member(uid_set& set, std::uint32_t uid, bool member) {
  if (member) {
    set.add(uid);
  } else {
    set.remove(uid);
  }
}

// The device no longer has uid: drop it from known and the flag sets.
void forget(state::mail_cursor& c, std::uint32_t uid) {
  c.known.remove(uid);
  c.seen.remove(uid);
  c.flagged.remove(uid);
  c.answered.remove(uid);
  c.forwarded.remove(uid);
}

uid_set difference(uid_set a, const uid_set& b) {
  for (const auto& r : b.ranges()) a.remove_range(r.first, r.last);
  return a;
}

template <class F>
void for_each_uid(const uid_set& s, F f) {
  for (const auto& r : s.ranges()) {
    for (std::uint64_t u = r.first; u <= r.last; ++u) f(static_cast<std::uint32_t>(u));
  }
}

// Pending items by UID, so a new change for a UID already pending replaces or merges with it.
class change_list {
public:
  change_list(std::string collection_id, std::vector<state::pending_item> pending)
      : collection_(std::move(collection_id)), items_(std::move(pending)) {
    for (std::size_t i = 0; i < items_.size(); ++i) {
      if (auto ref = parse_item_server_id(items_[i].server_id)) index_[ref->uid] = i;
    }
  }

  // A Change is dropped when anything is already pending for uid (a pending Change sends the flags of
  // the moment it is sent); a Delete / SoftDelete replaces what was pending.
  void put(std::uint32_t uid, state::change_kind kind) {
    const auto it = index_.find(uid);
    if (it != index_.end()) {
      if (kind != state::change_kind::change) items_[it->second].kind = kind;
      return;
    }
    index_[uid] = items_.size();
    items_.push_back({item_server_id(collection_, uid), kind});
  }

  std::vector<state::pending_item> take() && { return std::move(items_); }

private:
  std::string collection_;
  std::vector<state::pending_item> items_;
  std::map<std::uint32_t, std::size_t> index_;
};

}  // namespace

bool valid_email_filter_type(std::uint32_t filter_type) noexcept { return filter_type <= max_email_filter_type; }

std::optional<std::int64_t> filter_since(std::uint8_t filter_type, std::int64_t now) noexcept {
  std::int64_t period = 0;
  switch (filter_type) {
    case 1: period = day; break;
    case 2: period = 3 * day; break;
    case 3: period = 7 * day; break;
    case 4: period = 14 * day; break;
    case 5: period = 31 * day; break;  // "one month": the longest month, so no message of it is lost
    default: return std::nullopt;
  }
  const std::int64_t start = now - period;
  if (start <= 0) return std::int64_t{1};
  return start - start % hour;
}

// Blob: "2 <filter> <conflict> <role> <folder id length>:<folder id> <email options text>" (the email
// options in convert's own format; digits are single characters).
std::string serialize_sync_options(const mail_sync_options& o) {
  std::string out = "2 ";
  out += std::to_string(o.filter_type);
  out += o.conflict_server_wins ? " 1 " : " 0 ";
  out += std::to_string(static_cast<unsigned>(o.role));
  out += ' ';
  out += std::to_string(o.folder_id.size());
  out += ':';
  out += o.folder_id;
  out += ' ';
  out += convert::serialize_email_options(o.email);
  return out;
}

std::optional<mail_sync_options> parse_sync_options(std::string_view blob) {
  if (blob.size() > state::max_blob_size || blob.size() < 10 || !blob.starts_with("2 ") || blob[3] != ' ' ||
      blob[5] != ' ' || blob[7] != ' ') {
    return std::nullopt;
  }
  mail_sync_options o;
  if (blob[2] < '0' || blob[2] > '0' + max_email_filter_type) return std::nullopt;
  o.filter_type = static_cast<std::uint8_t>(blob[2] - '0');
  if (blob[4] != '0' && blob[4] != '1') return std::nullopt;
  o.conflict_server_wins = blob[4] == '1';
  if (blob[6] < '0' || blob[6] > '0' + static_cast<int>(backend::folder_role::outbox)) return std::nullopt;
  o.role = static_cast<backend::folder_role>(blob[6] - '0');
  blob.remove_prefix(8);
  const auto colon = blob.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 7) return std::nullopt;
  std::size_t len = 0;
  const auto r = std::from_chars(blob.data(), blob.data() + colon, len);
  if (r.ec != std::errc{} || r.ptr != blob.data() + colon || len > state::max_name_size) return std::nullopt;
  blob.remove_prefix(colon + 1);
  if (blob.size() < len + 1 || blob[len] != ' ') return std::nullopt;
  o.folder_id = std::string(blob.substr(0, len));
  blob.remove_prefix(len + 1);
  auto email = convert::parse_serialized_email_options(blob);
  if (!email) return std::nullopt;
  o.email = std::move(*email);
  return o;
}

boost::asio::awaitable<result<mail_change_set>> collect_mail_changes(services& svc, const request_context& ctx,
                                                                    const mail_collection& collection,
                                                                    const state::sync_state& state,
                                                                    std::uint8_t filter_type) {
  mail_change_set out;
  auto parsed = state::mail_cursor::parse(state.cursor);
  if (!parsed) {
    out.reset = true;
    co_return out;
  }
  state::mail_cursor cursor = std::move(*parsed);
  // What the previous response carried belongs to the state it issued, not to the next one.
  cursor.sent_adds.clear();
  cursor.sent_changes.clear();
  cursor.sent_deletes.clear();
  cursor.sent_soft_deletes.clear();

  const backend::account acct = account_of(ctx);
  const std::string folder_id = collection.folder.id;
  auto st = co_await svc.mail->status(acct, folder_id);
  if (!st) co_return st.error();
  if (st->uidvalidity != cursor.uidvalidity) {
    out.reset = true;  // [MS-ASCMD] 2.2.3.177.17 Status 3: the client starts the collection over
    co_return out;
  }
  const std::int64_t since = filter_since(filter_type, svc.now ? svc.now() : 0).value_or(0);
  const bool window_moved = since != cursor.since;
  // With CONDSTORE any flag change, append or expunge bumps HIGHESTMODSEQ: one STATUS proves "nothing".
  // Without it (slow path) equal counts prove nothing about flags, so changes() runs every time.
  if (st->highest_modseq != 0 && st->highest_modseq == cursor.highest_modseq && st->uidnext == cursor.uidnext &&
      st->messages == cursor.messages && !window_moved) {
    out.unchanged = true;
    out.cursor = std::move(cursor);
    out.changes = state.pending;
    co_return out;
  }

  change_list changes(collection.server_id, state.pending);
  uid_set watched = cursor.known;
  for (const auto& r : cursor.skipped.ranges()) watched.add_range(r.first, r.last);
  // CONDSTORE: only what changed since the cursor's modseq; after a server lost CONDSTORE, everything.
  const std::uint64_t since_modseq = st->highest_modseq != 0 ? cursor.highest_modseq : 0;
  auto delta = co_await svc.mail->changes(acct, folder_id, cursor.uidvalidity, since_modseq, std::move(watched));
  if (!delta) co_return delta.error();
  if (delta->uidvalidity_changed || delta->status.uidvalidity != cursor.uidvalidity) {
    out.reset = true;
    co_return out;
  }

  for_each_uid(delta->vanished, [&](std::uint32_t uid) {
    if (cursor.known.contains(uid)) {
      changes.put(uid, state::change_kind::remove);
      forget(cursor, uid);
    }
    cursor.skipped.remove(uid);
  });
  for (const auto& f : delta->changed) {
    if (!cursor.known.contains(f.uid) || delta->vanished.contains(f.uid)) continue;
    const tracked_flags now = tracked(f.flags);
    if (now == tracked(cursor, f.uid)) continue;  // e.g. the device's own change, or only keywords
    set_member(cursor.seen, f.uid, now.seen);
    set_member(cursor.flagged, f.uid, now.flagged);
    set_member(cursor.answered, f.uid, now.answered);
    set_member(cursor.forwarded, f.uid, now.forwarded);
    changes.put(f.uid, state::change_kind::change);
  }

  backend::search_criteria criteria;
  if (since != 0) criteria.since = since;
  if (window_moved) {
    // The window moved (time passed, or the device changed FilterType): everything in the new window
    // that the device lacks is backlog, everything it has outside the window is soft-deleted
    // ([MS-ASCMD] 2.2.3.68.2, 2.2.3.163).
    auto in_window = co_await svc.mail->search(acct, folder_id, criteria);
    if (!in_window) co_return in_window.error();
    const uid_set outside = difference(cursor.known, *in_window);
    for_each_uid(outside, [&](std::uint32_t uid) {
      changes.put(uid, state::change_kind::soft_delete);
      forget(cursor, uid);
    });
    cursor.backlog = difference(difference(*in_window, cursor.known), cursor.skipped);
  } else if (st->uidnext > cursor.uidnext) {
    // UIDs only grow (RFC 9051 2.3.1.1): new mail is at or above the cursor's uidnext.
    uid_set fresh;
    fresh.add_range(cursor.uidnext == 0 ? 1 : cursor.uidnext, max_uid);
    criteria.uids = std::move(fresh);
    auto found = co_await svc.mail->search(acct, folder_id, criteria);
    if (!found) co_return found.error();
    const uid_set fresh_mail = difference(difference(*found, cursor.known), cursor.skipped);
    for (const auto& r : fresh_mail.ranges()) {
      cursor.backlog.add_range(r.first, r.last);
    }
  }

  cursor.highest_modseq = delta->status.highest_modseq;
  cursor.uidnext = std::max(st->uidnext, cursor.uidnext);
  cursor.messages = delta->status.messages;
  cursor.since = since;
  out.cursor = std::move(cursor);
  out.changes = std::move(changes).take();
  co_return out;
}

boost::asio::awaitable<result<std::uint64_t>> count_mail_changes(services& svc, const request_context& ctx,
                                                                const mail_collection& collection,
                                                                const state::sync_state& state,
                                                                std::optional<std::uint8_t> filter_type,
                                                                std::string_view options_blob) {
  std::uint8_t filter = 0;
  if (filter_type) {
    filter = *filter_type;
  } else if (auto o = parse_sync_options(options_blob)) {
    filter = o->filter_type;
  }
  auto changes = co_await collect_mail_changes(svc, ctx, collection, state, filter);
  if (!changes) co_return changes.error();
  if (changes->reset) co_return make_error_code(state::state_error::unknown_key);
  co_return changes->changes.size() + changes->cursor.backlog.size();
}

}  // namespace easd::protocol
