// The header block of a message or MIME part as the phone wrote it (RFC 5322 2.2, 3.5): fields split
// and located, never rewritten, so a caller can drop or replace one field and keep every other byte.
// Lines end in CRLF or a bare LF (phones and 12.1 clients send both). Bounded: the whole block, the
// number of fields and each field (with its folding) have limits; beyond them the message is refused.
#pragma once

#include "eas/core/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace easd::compose {

struct header_limits {
  std::size_t max_block = 256u << 10;  // the header block, line ends included
  std::size_t max_fields = 1000;
  std::size_t max_field = 64u << 10;  // one field with its continuation lines
};

// Views into the parsed text: valid while it is.
struct header_field {
  std::string_view name;   // as written ("Subject"); 1*ftext (RFC 5322 3.6.8)
  std::string_view raw;    // the whole field, folding included, without its final line end
  std::string_view value;  // after the colon, folding included
};

struct header_split {
  std::vector<header_field> fields;
  std::string_view body;  // after the empty line; empty when there is none
};

// Splits `entity` at its first empty line. A line that is neither a field nor a continuation, a
// continuation before the first field, a NUL or a bare CR in the header block is malformed; an entity that starts
// with an empty line has no fields (a MIME part defaulting to text/plain, RFC 2045 5.2).
result<header_split> split_header(std::string_view entity, const header_limits& limits = {});

// The first field named `name` (ASCII case-insensitive), or nullptr.
const header_field* find_field(const std::vector<header_field>& fields, std::string_view name) noexcept;
std::size_t count_fields(const std::vector<header_field>& fields, std::string_view name) noexcept;

// The value unfolded and trimmed (eas/core mime::unfold), still encoded.
std::string field_value(const header_field& field);

// `text` with every line end (CRLF, bare LF, bare CR) as CRLF: what SMTP DATA must carry (RFC 5321
// 2.3.8). Bare CR and LF are how SMTP smuggling hides a second message, so none survive.
void append_crlf(std::string& out, std::string_view text);

}  // namespace easd::compose
