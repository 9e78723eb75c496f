// The mail backend's cursor for one collection, stored as the opaque cursor blob of a sync state:
// where the last Sync left the IMAP mailbox (UIDVALIDITY, HIGHESTMODSEQ of RFC 7162 CONDSTORE) and which
// UIDs the device has been sent. A UIDVALIDITY change means every UID is void: the caller resyncs.
// The blob is text "1 <uidvalidity> <highestmodseq> <uid_set>" (format version first), so a later
// format can be told apart; parse() is strict and bounded like uid_set::parse().
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
  uid_set known;

  std::string serialize() const;
  // state_error::corrupt unless text is exactly what serialize() writes.
  static result<mail_cursor> parse(std::string_view text);

  friend bool operator==(const mail_cursor&, const mail_cursor&) = default;
};

}  // namespace easd::state
