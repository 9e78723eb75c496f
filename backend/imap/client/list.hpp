// LIST (RFC 9051 §6.3.9) with SPECIAL-USE (RFC 6154) and, when offered, LIST-EXTENDED's RETURN options
// (RFC 5258) and LIST-STATUS (RFC 5819); STATUS (RFC 9051 §6.3.11). Mailbox names are decoded from
// modified UTF-7; the raw name is kept for display of undecodable names and for exact matching.
#pragma once

#include "backend/imap/client/connection.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace easd::backend::imap {

struct mailbox_counts {
  std::optional<std::uint32_t> messages, unseen, uidvalidity, uidnext;
  std::optional<std::uint64_t> highestmodseq;
  std::optional<std::string> mailboxid;  // RFC 8474 MAILBOXID (objectid: 1-255 of A-Z a-z 0-9 _ -)
};

struct mailbox_info {
  std::string name;           // UTF-8; equals raw_name when that is not valid modified UTF-7
  std::string raw_name;       // as sent
  bool name_decoded = false;  // false: raw_name was not valid modified UTF-7
  std::optional<char> delimiter;  // NIL: a flat name space
  std::vector<std::string> attributes;  // as sent: \Noselect \HasChildren \Sent ...
  std::optional<mailbox_counts> counts;  // from LIST-STATUS

  bool has_attribute(std::string_view a) const noexcept;  // case-insensitive
  bool selectable() const noexcept;  // neither \Noselect nor \NonExistent
  // The RFC 6154 role (\Drafts \Sent \Trash \Junk \Archive \All \Flagged) or empty.
  std::string special_use() const;
};

// Typed views (exposed for tests). parse_status reads one "* STATUS name (...)" response.
result<std::vector<mailbox_info>> parse_list(const command_result& r);
result<std::pair<std::string, mailbox_counts>> parse_status(const response& r);

// LIST "" "*", with RETURN (CHILDREN [SPECIAL-USE] [STATUS (MESSAGES UIDVALIDITY UIDNEXT [HIGHESTMODSEQ])])
// when the server offers LIST-EXTENDED (SPECIAL-USE, LIST-STATUS and CONDSTORE each when offered); plain
// LIST otherwise (SPECIAL-USE attributes still come; counts then need status()). At most `max_mailboxes`.
boost::asio::awaitable<result<std::vector<mailbox_info>>> list_mailboxes(connection& c,
                                                                          std::size_t max_mailboxes = 10000);

struct list_request {
  bool counts = true;      // STATUS (MESSAGES UIDVALIDITY UIDNEXT [HIGHESTMODSEQ]) via LIST-STATUS
  bool mailboxid = false;  // STATUS (MAILBOXID) via LIST-STATUS when the server offers OBJECTID
  std::size_t max_mailboxes = 10000;
};
// The same with a choice of what LIST-STATUS returns (a folder list needs ids, not counts).
boost::asio::awaitable<result<std::vector<mailbox_info>>> list_mailboxes(connection& c, list_request req);

// STATUS mailbox (MESSAGES UNSEEN UIDVALIDITY UIDNEXT [HIGHESTMODSEQ] [MAILBOXID]), the last two when the
// server offers CONDSTORE / OBJECTID. NO (no such mailbox): error::command_failed, the code in
// connection::last_completion().
boost::asio::awaitable<result<mailbox_counts>> status(connection& c, std::string mailbox);

}  // namespace easd::backend::imap
