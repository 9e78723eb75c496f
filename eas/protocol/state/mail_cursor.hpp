// The mail backend's cursor for one collection, stored as the opaque cursor blob of a sync state: where
// the last Sync left the IMAP mailbox and what the device has been told.
//
// - uidvalidity / highest_modseq / uidnext / messages: the mailbox STATUS the cursor is current with. A
//   no-change Sync compares one STATUS against them and stops. highest_modseq 0 = no CONDSTORE (slow path:
//   uidnext and messages catch adds and expunges, changes() then diffs every message's flags).
// - known: the UIDs the device has. seen / flagged / answered / forwarded: the subsets with that flag as
//   the device was last told, so flags can be diffed without CONDSTORE and a device's own change does not
//   echo back as a server Change.
// - backlog: UIDs inside the FilterType window the device has not been sent yet (an initial sync of
//   10,000 messages is one compact set, not 10,000 rows); sent newest (highest UID) first.
// - skipped: UIDs that could not be converted; never offered again, never reported as changed.
// - since: the FilterType window start the cursor is current with (0 = no window).
// - sent_*: what the response that issued this state carried, so a replay of the previous key resends
//   exactly those items ([MS-ASCMD] 3.1.5.9).
//
// The blob is text, format version first: "2 <uidvalidity> <highest_modseq> <uidnext> <messages> <since>"
// followed by " <letter>=<uid_set>" for k s f a w b x + ~ - _ in that order (known, seen, flagged,
// answered, forwarded, backlog, skipped, sent adds, sent changes, sent deletes, sent soft deletes).
// parse() is strict and bounded like uid_set::parse(): only exactly what serialize() writes.
#pragma once

#include "eas/core/result.hpp"
#include "eas/core/uid_set.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace easd::state {

struct mail_cursor {
  std::uint32_t uidvalidity = 0;
  std::uint64_t highest_modseq = 0;  // 0: server without CONDSTORE
  std::uint32_t uidnext = 0;
  std::uint32_t messages = 0;
  std::int64_t since = 0;  // unix seconds, ≥ 0; 0 = everything
  uid_set known;
  uid_set seen, flagged, answered, forwarded;
  uid_set backlog;
  uid_set skipped;
  uid_set sent_adds, sent_changes, sent_deletes, sent_soft_deletes;

  std::string serialize() const;
  // state_error::corrupt unless text is exactly what serialize() writes.
  static result<mail_cursor> parse(std::string_view text);

  friend bool operator==(const mail_cursor&, const mail_cursor&) = default;
};

}  // namespace easd::state
