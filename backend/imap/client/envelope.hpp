// ENVELOPE (RFC 9051 §7.5.2): the server's parse of a message's main header fields. Strings are as the
// server sent them: RFC 2047 encoded-words are left raw here (decoding needs charsets: a later layer).
#pragma once

#include "backend/imap/client/response.hpp"
#include "eas/core/result.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace easd::backend::imap {

struct address {
  std::optional<std::string> name;     // display name
  std::optional<std::string> adl;      // source route, obsolete
  std::optional<std::string> mailbox;  // local part; in group syntax the group name (host NIL)
  std::optional<std::string> host;     // domain; NIL with mailbox NIL ends a group
  friend bool operator==(const address&, const address&) = default;
};

struct envelope {
  std::optional<std::string> date, subject;
  std::vector<address> from, sender, reply_to, to, cc, bcc;
  std::optional<std::string> in_reply_to, message_id;
};

// Parses the ENVELOPE list at `i` of `v`. At most `max_addresses` addresses per field.
result<envelope> parse_envelope(const std::vector<value>& v, std::size_t i, std::size_t max_addresses = 10000);

}  // namespace easd::backend::imap
