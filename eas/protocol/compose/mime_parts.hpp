// The phone's MIME body read into its leaf parts, for SmartReply/SmartForward (the phone's text and its
// own attachments) and for tests that parse our output back. A bounded reader of RFC 2045/2046 — not a
// general MIME library (ARCHITECTURE.md §1): multipart nesting depth, part count and decoded bytes are
// limited; message/rfc822 parts stay leaves.
#pragma once

#include "eas/core/result.hpp"
#include "eas/protocol/compose/header_block.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace easd::compose {

// A Content-Type or Content-Disposition value: "type/subtype" or "attachment", lower case, and its
// parameters with names lower case and RFC 2231 continuations and charsets resolved (values UTF-8).
struct mime_value {
  std::string token;
  std::vector<std::pair<std::string, std::string>> params;
  const std::string* param(std::string_view name) const noexcept;
};
mime_value parse_mime_value(std::string_view value);

// The MIME fields of one entity (unfolded values; "" when absent).
struct part_headers {
  std::string content_type, transfer_encoding, disposition, content_id;
};
part_headers mime_headers_of(const std::vector<header_field>& fields);

struct mime_leaf {
  std::string type = "text", subtype = "plain";  // lower case (RFC 2045 5.2 default)
  std::string charset;                           // lower case; "" when not given
  std::string disposition;                       // lower case: "attachment", "inline" or ""
  std::string filename;                          // UTF-8: disposition filename, else the type's name
  std::string content_id;                        // without angle brackets
  std::string bytes;                             // transfer encoding undone
  std::string section;                           // RFC 9051 6.4.5 part number: "1", "2", "1.2"
};

struct part_limits {
  std::size_t max_depth = 8;
  std::size_t max_parts = 256;
  std::size_t max_bytes = 64u << 20;  // decoded bytes of all leaves
  header_limits header;
};

// The leaves of the entity with headers `h` and body `body`, depth first. Errors: malformed (a multipart
// without boundary, a part without header/body separation), too_large, too_many_attachments.
result<std::vector<mime_leaf>> parse_parts(const part_headers& h, std::string_view body,
                                           const part_limits& limits = {});

// The text a leaf carries, as UTF-8 (eas/core charset conversion).
std::string leaf_text(const mime_leaf& leaf);

}  // namespace easd::compose
