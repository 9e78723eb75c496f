// The service extensions a server lists in its EHLO reply (RFC 5321 §4.1.1.1): the first line is the
// server's greeting name, every later line "KEYWORD [params]". Only the extensions the client uses are
// kept; keywords are case-insensitive.
#pragma once

#include "backend/smtp/reply_parser.hpp"

#include <cstddef>
#include <optional>

namespace easd::backend::smtp {

struct extensions {
  bool starttls = false;       // RFC 3207
  bool eight_bit_mime = false; // RFC 6152
  bool auth_plain = false;     // RFC 4954 + RFC 4616
  bool auth_login = false;     // draft-murchison-sasl-login (what every server still offers)
  // RFC 1870: SIZE with a number is the limit; "SIZE" alone or "SIZE 0" means no fixed limit (nullopt).
  std::optional<std::size_t> size_limit;
  bool size = false;           // SIZE offered at all: MAIL FROM may carry SIZE=n
};

// Parses a 250 EHLO reply. Unknown keywords and malformed parameters are ignored (a SIZE whose number
// does not parse counts as SIZE without a limit).
extensions parse_ehlo(const reply& r);

}  // namespace easd::backend::smtp
