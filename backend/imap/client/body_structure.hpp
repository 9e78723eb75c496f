// BODYSTRUCTURE (RFC 9051 §7.5.2 "body"): the server's MIME parse of a message, as a tree. We let the
// IMAP server parse MIME (ARCHITECTURE.md §1) and fetch parts by their section number.
//
// Section numbers (RFC 9051 §6.4.5): a non-multipart message's only part is "1"; the parts of a multipart
// are "1", "2", ... and their parts "1.1", ...; a multipart's own `part` is the prefix of its children
// ("" at the top). The body of a message/rfc822 part "X" is its one child: a multipart numbered "X" or a
// single part "X.1".
//
// Bounded: nesting depth and total part count (body_limits); exceeding either is an error, not a cut tree.
#pragma once

#include "backend/imap/client/envelope.hpp"
#include "backend/imap/client/response.hpp"
#include "eas/core/result.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::backend::imap {

struct body_param {
  std::string name, value;
  friend bool operator==(const body_param&, const body_param&) = default;
};

struct body_part {
  std::string part;              // section number, see above
  std::string type, subtype;     // as sent ("TEXT", "plain"): compare with is()
  std::vector<body_param> params;  // charset, boundary, name, ...
  std::optional<std::string> id, description;
  std::string encoding;          // Content-Transfer-Encoding; empty for multiparts
  std::uint64_t size = 0;        // octets of the encoded body; 0 for multiparts
  std::optional<std::uint64_t> lines;  // text/* and message/rfc822
  std::optional<std::string> md5;
  std::optional<std::string> disposition;  // "attachment", "inline"
  std::vector<body_param> disposition_params;
  std::vector<std::string> language;
  std::optional<std::string> location;
  std::optional<envelope> message_envelope;  // message/rfc822 only
  std::vector<body_part> children;           // multipart parts, or a message/rfc822's body

  bool multipart() const noexcept;
  bool is(std::string_view t, std::string_view st) const noexcept;  // case-insensitive
  const std::string* param(std::string_view name) const noexcept;   // case-insensitive name
};

struct body_limits {
  std::size_t max_depth = 32;
  std::size_t max_parts = 2000;
};

result<body_part> parse_body_structure(const std::vector<value>& v, std::size_t i, body_limits limits = {});

}  // namespace easd::backend::imap
