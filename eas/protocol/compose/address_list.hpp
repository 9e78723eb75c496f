// Address lists of the phone's header fields (From, To, Cc, Bcc, Reply-To, Sender) per RFC 5322 3.4 with
// the obsolete forms of 4.4 that mail clients still write: display names (atoms, quoted strings, RFC 2047
// encoded-words), comments, groups ("team: a@x, b@y;"), angle addresses with an obsolete route, empty
// list elements. UTF-8 in local parts, domains and names is accepted (RFC 6532). Bounded: input length,
// address count and comment depth; linear time. Anything else is refused — these addresses become SMTP
// RCPT TO arguments, so an address that is not clean local@domain never leaves this parser.
#pragma once

#include "backend/api/mail_store.hpp"
#include "eas/core/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace easd::compose {

struct address_limits {
  std::size_t max_input = 64u << 10;  // the unfolded field value
  std::size_t max_addresses = 1000;   // mailboxes in one list (groups flattened)
  std::size_t max_comment_depth = 16;
};

// The mailboxes of `value` (a field value, folding allowed), groups flattened, in order: `address` is the
// addr-spec as local@domain (quoted local parts kept quoted only when they must be), `name` the decoded
// display name (UTF-8, one line; for "addr (Name)" the comment) or "". An empty list is not an error.
// Errors: bad_address (syntax, an invalid addr-spec, "<>"), too_large, too_many_recipients.
result<std::vector<backend::mail_address>> parse_address_list(std::string_view value,
                                                              const address_limits& limits = {});

// local@domain with a dot-atom or quoted local part of ≤ 64 octets and a domain of LDH (or UTF-8) labels
// of 1..63 octets or an address literal "[...]"; ≤ 254 octets in all (RFC 5321 4.5.3.1, errata 1690).
bool is_valid_addr_spec(std::string_view addr) noexcept;

// One mailbox for a generated header: "Name <local@domain>", the name quoted when it has specials and as
// RFC 2047 encoded-words (UTF-8, B) when it is not ASCII; just the address when the name is empty.
std::string format_mailbox(const backend::mail_address& a);
// Mailboxes joined with ", " (folded between mailboxes, RFC 5322 2.2.3).
std::string format_mailboxes(const std::vector<backend::mail_address>& list);

}  // namespace easd::compose
