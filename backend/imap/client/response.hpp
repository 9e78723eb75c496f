// One server response as the parser delivers it (RFC 9051 §7, RFC 3501 §7).
//
// Status responses (tagged, and untagged OK/NO/BAD/PREAUTH/BYE) are split into status, resp-text-code
// and text. Every other untagged response keeps its values in `data`, a flat tree: a list is one node
// followed by its descendants, and `end` is the index one past its last descendant. The flat form lets
// the parser build it without recursion and consumers walk it with a loop (see first_child/next_sibling).
//
// Everything here came from the server and is hostile: escape it before logging (eas/core/log_escape.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::backend::imap {

enum class response_kind : std::uint8_t { untagged, tagged, continuation };

enum class status : std::uint8_t { none, ok, no, bad, preauth, bye };

enum class value_kind : std::uint8_t {
  atom,    // also numbers, flags (\Seen) and section atoms like BODY[HEADER.FIELDS (TO)]<0>
  string,  // quoted or literal
  nil,
  list,
};

struct value {
  value_kind kind = value_kind::atom;
  bool literal = false;   // string sent as {n}
  bool binary = false;    // string sent as literal8 ~{n}: may contain NUL
  std::uint32_t end = 0;  // list only: index one past its last descendant
  std::string text;       // atom text, or string contents (quotes and escapes removed)
};

struct response {
  response_kind kind = response_kind::untagged;
  std::string tag;                // tagged only
  imap::status status = status::none;  // status responses only
  std::string code;               // resp-text-code name as sent ("CAPABILITY", "AUTHENTICATIONFAILED"), or empty
  std::string code_args;          // the code's argument text, unparsed ("IMAP4rev1 IDLE ..."), or empty
  std::string text;               // human-readable text; for a continuation everything after "+ "
  std::vector<value> data;        // untagged data responses: "CAPABILITY" "IMAP4rev1" ..., "3" "EXISTS", ...

  bool is_status() const noexcept { return status != imap::status::none; }
};

// Index of the node after `i` and all its descendants.
inline std::size_t next_sibling(const std::vector<value>& v, std::size_t i) noexcept {
  return v[i].kind == value_kind::list ? v[i].end : i + 1;
}

// An atom made of digits only that fits in 64 bits (RFC 9051 number64), else nothing.
std::optional<std::uint64_t> to_number(const value& v) noexcept;

// True when the untagged data response starts with `name` (e.g. "CAPABILITY", "ID").
bool is_data(const response& r, std::string_view name) noexcept;

}  // namespace easd::backend::imap
