// Change detection: STATUS, the three ways of finding changes (QRESYNC, CONDSTORE, full flag listing)
// and UID SEARCH.
#include "backend/imap/client/fetch.hpp"
#include "backend/imap/client/list.hpp"
#include "backend/imap/client/mailbox_admin.hpp"
#include "backend/imap/client/search.hpp"
#include "backend/imap/client/select.hpp"
#include "backend/imap/imap_convert.hpp"
#include "backend/imap/imap_store_detail.hpp"

#include <chrono>

namespace easd::backend::imap_store {

namespace net = boost::asio;

namespace {

// A known-UID set longer than this is not sent with QRESYNC (the answer is intersected with it anyway).
constexpr std::size_t max_known_text = 16 * 1024;

void fill_status(mailbox_status& out, const imap::mailbox_status& sel) {
  out.uidvalidity = sel.uidvalidity.value_or(0);
  out.uidnext = sel.uidnext.value_or(0);
  out.messages = sel.exists;
  out.highest_modseq = sel.nomodseq ? 0 : sel.highestmodseq.value_or(0);
}

void add_changes(std::vector<flag_state>& out, const std::vector<imap::message_data>& in) {
  for (const auto& m : in) {
    if (!m.uid || !m.flags) continue;
    flag_state f;
    f.uid = *m.uid;
    f.flags = to_flags(*m.flags);
    f.modseq = m.modseq.value_or(0);
    out.push_back(std::move(f));
  }
}

uid_set intersect(const uid_set& known, const imap::sequence_set& gone) {
  uid_set out;
  for (const auto& r : gone.ranges()) {
    for (const auto& k : known.ranges()) {
      const auto first = std::max(r.first, k.first);
      const auto last = std::min(r.last, k.last);
      if (first <= last) out.add_range(first, last);
    }
  }
  return out;
}

uid_set minus(const uid_set& known, const uid_set& present) {
  uid_set out = known;
  for (const auto& r : present.ranges()) out.remove_range(r.first, r.last);
  return out;
}

// A connection that has `path` selected sees that mailbox through its session view, which only catches
// up with other sessions' appends, expunges and flag changes when a command syncs it. Dovecot answers
// STATUS of the selected mailbox from that view (a device was told "nothing new" for mail another client
// had appended), and a view of a mailbox that another client deleted and recreated stays on the old one
// (old UIDVALIDITY: the reset was never noticed). So STATUS, the one call that proves "nothing changed",
// first leaves the mailbox (UNSELECT, RFC 3691) and reads the real state; the next call re-EXAMINEs.
net::awaitable<result<void>> leave_if_selected(session& s, const std::string& path) {
  const auto& sel = s.c.selected();
  if (!sel || sel->mailbox != path) co_return result<void>{};
  auto r = co_await imap::unselect(s.c);
  if (!r) co_return mapped(s.c, r.error());
  co_return result<void>{};
}

// UID SEARCH on a selected mailbox runs on the session view too: NOOP (RFC 9051 §6.1.2) syncs it first,
// so messages appended since are found. Cheaper than re-EXAMINE on a large mailbox.
net::awaitable<result<void>> refresh_if_selected(session& s, const std::string& path) {
  const auto& sel = s.c.selected();
  if (!sel || sel->mailbox != path) co_return result<void>{};
  auto r = co_await imap::noop(s.c);
  if (!r) co_return mapped(s.c, r.error());
  co_return result<void>{};
}

}  // namespace

net::awaitable<result<mailbox_status>> status(session& s, const std::string& folder_id) {
  auto path = co_await resolve(s, folder_id);
  if (!path) co_return path.error();
  auto left = co_await leave_if_selected(s, *path);
  if (!left) co_return left.error();
  std::string name = *path;
  auto st = co_await imap::status(s.c, std::move(name));
  if (!st) co_return mapped(s.c, st.error(), mail_error::not_found);
  mailbox_status out;
  out.uidvalidity = st->uidvalidity.value_or(0);
  out.uidnext = st->uidnext.value_or(0);
  out.messages = st->messages.value_or(0);
  out.highest_modseq = st->highestmodseq.value_or(0);
  co_return out;
}

net::awaitable<result<mailbox_delta>> changes(session& s, const std::string& folder_id, std::uint32_t uidvalidity,
                                              std::uint64_t since_modseq, const uid_set& known) {
  auto path = co_await resolve(s, folder_id);
  if (!path) co_return path.error();
  mailbox_delta d;
  const bool condstore = s.c.caps().has("CONDSTORE");

  // QRESYNC (RFC 7162 §3.2.5): one EXAMINE brings flag changes and VANISHED (EARLIER).
  if (s.c.enabled().has("QRESYNC") && uidvalidity != 0 && since_modseq != 0) {
    imap::select_options so;
    so.read_only = true;
    imap::qresync_params q;
    q.uidvalidity = uidvalidity;
    q.modseq = since_modseq;
    if (known.serialize().size() <= max_known_text) q.known_uids = to_sequence_set(known);
    so.qresync = std::move(q);
    std::string name = *path;
    auto sel = co_await imap::select(s.c, std::move(name), std::move(so));
    if (!sel) co_return mapped(s.c, sel.error(), mail_error::not_found);
    fill_status(d.status, *sel);
    if (d.status.uidvalidity != uidvalidity) {
      d.uidvalidity_changed = true;  // the server ignored the QRESYNC parameters
      co_return d;
    }
    if (d.status.highest_modseq != 0) {
      add_changes(d.changed, sel->changed);
      d.vanished = intersect(known, sel->vanished);
      co_return d;
    }
    // NOMODSEQ mailbox: fall through to the full listing.
  }

  imap::select_options so;
  so.read_only = true;
  so.condstore = condstore;
  std::string name = *path;
  auto sel = co_await imap::select(s.c, std::move(name), std::move(so));
  if (!sel) co_return mapped(s.c, sel.error(), mail_error::not_found);
  fill_status(d.status, *sel);
  if (uidvalidity != 0 && d.status.uidvalidity != uidvalidity) {
    d.uidvalidity_changed = true;
    co_return d;
  }
  const bool modseqs = condstore && d.status.highest_modseq != 0;

  if (modseqs && since_modseq != 0 && uidvalidity != 0) {
    // CONDSTORE without QRESYNC: every change (flags, expunge, append) raises HIGHESTMODSEQ, so an
    // unchanged one means nothing happened (RFC 7162 §3.1.2.1) and this stays one round trip.
    if (d.status.highest_modseq <= since_modseq) co_return d;
    if (sel->exists > 0) {
      imap::sequence_set all;
      all.add(1, imap::sequence_set::star);
      auto ch = co_await imap::fetch_changes(s.c, std::move(all), since_modseq);
      if (!ch) co_return mapped(s.c, ch.error());
      add_changes(d.changed, ch->messages);
    }
    if (!known.empty()) {
      imap::search_query q;
      q.uids = to_sequence_set(known);
      auto present = co_await imap::uid_search(s.c, std::move(q));
      if (!present) co_return mapped(s.c, present.error());
      d.vanished = minus(known, to_uid_set(*present));
    }
    co_return d;
  }

  // The slow path (no CONDSTORE, or no previous state): every message's flags.
  uid_set present;
  if (sel->exists > 0) {
    imap::sequence_set all;
    all.add(1, imap::sequence_set::star);
    auto ch = co_await imap::fetch_flags(s.c, std::move(all), modseqs);
    if (!ch) co_return mapped(s.c, ch.error());
    add_changes(d.changed, ch->messages);
    for (const auto& f : d.changed) present.add(f.uid);
  }
  d.vanished = minus(known, present);
  co_return d;
}

net::awaitable<result<uid_set>> search(session& s, const std::string& folder_id, const search_criteria& criteria) {
  auto path = co_await resolve(s, folder_id);
  if (!path) co_return path.error();
  auto fresh = co_await refresh_if_selected(s, *path);
  if (!fresh) co_return fresh.error();
  auto opened = co_await open_mailbox(s, *path, false);
  if (!opened) co_return opened.error();
  if (criteria.uids && criteria.uids->empty()) co_return uid_set{};
  imap::search_query q;
  if (criteria.since) {
    // SINCE compares dates in the server's sense (RFC 9051 §6.4.4): the UTC day of the instant, inclusive.
    const auto t = std::chrono::sys_seconds(std::chrono::seconds(*criteria.since));
    q.since = std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(t));
  }
  if (criteria.uids) q.uids = to_sequence_set(*criteria.uids);
  q.undeleted = !criteria.include_deleted;
  auto r = co_await imap::uid_search(s.c, std::move(q));
  if (!r) co_return mapped(s.c, r.error());
  co_return to_uid_set(*r);
}

}  // namespace easd::backend::imap_store
