// One "* n FETCH (...)" response as a typed record (RFC 9051 §7.5.2, RFC 7162 MODSEQ, RFC 3516 BINARY).
// Items not sent are empty optionals. Section data (BODY[1]<0>, BINARY[2], BODY[HEADER]) is kept by its
// name without the partial origin, the origin separately.
#pragma once

#include "backend/imap/client/body_structure.hpp"
#include "backend/imap/client/envelope.hpp"
#include "backend/imap/client/response.hpp"
#include "eas/core/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::backend::imap {

struct fetched_section {
  std::string name;           // "BODY[1.2]", "BINARY[1]", "BODY[]", "RFC822.HEADER", as sent (compare case-insensitively)
  std::uint64_t origin = 0;   // from "<n>" of a partial fetch
  bool nil = false;           // the server sent NIL (no such part)
  std::string bytes;
};

struct message_data {
  std::uint32_t seq = 0;
  std::optional<std::uint32_t> uid;
  std::optional<std::vector<std::string>> flags;
  std::optional<std::uint64_t> modseq;
  std::optional<std::string> internal_date;  // as sent: "17-Jul-1996 02:44:25 -0700"
  std::optional<std::uint64_t> size;         // RFC822.SIZE
  std::optional<envelope> env;
  std::optional<body_part> body;             // BODYSTRUCTURE (or BODY without extensions)
  std::vector<fetched_section> sections;
  std::optional<std::uint64_t> binary_size;  // BINARY.SIZE[section] (RFC 3516), the last one sent

  const fetched_section* section(std::string_view name) const noexcept;  // case-insensitive
};

// True for "* n FETCH (...)".
bool is_fetch(const response& r) noexcept;

// Parses a FETCH response; unknown items are skipped (with their value). Malformed: error::protocol_error.
result<message_data> parse_fetch(const response& r, body_limits limits = {});

}  // namespace easd::backend::imap
