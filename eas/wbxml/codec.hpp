// Bounded WBXML decoder and encoder for the EAS subset of WBXML 1.3 (MS-ASWBXML 2.1.3).
//
// The decoder is iterative (no recursion), so nesting depth is bounded by `limits`, not by the stack.
// It accepts only header 03 01 6A 00 (UTF-8, no string table: a string table is rejected), SWITCH_PAGE,
// END, STR_I, OPAQUE and tags of known pages and tokens; everything else is a typed error.
#pragma once

#include "eas/wbxml/element.hpp"

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace easd::wbxml {

enum class error {
  truncated = 1,        // input ended inside a token, string, length or open element
  bad_header,           // version/public id/charset not 03 01 6A
  string_table,         // non-empty string table (never used by EAS; amplification vector)
  forbidden_token,      // ENTITY, STR_T, LITERAL*, EXT*, PI, attributes
  unknown_page,         // SWITCH_PAGE to a page outside 0..25 or to the retired page 3
  unknown_token,        // tag token not in the current page's table
  unbalanced,           // END without an open element, or content after the root closed
  mixed_content,        // text and child elements inside one element
  depth_exceeded,
  too_many_elements,
  too_large,            // decoded text + opaque bytes over the limit
  opaque_too_large,     // a single OPAQUE longer than the limit
  bad_integer,          // mb_u_int32 longer than 5 bytes or over 32 bits
  empty_document,       // header without a root element
};
const boost::system::error_category& error_category() noexcept;
boost::system::error_code make_error_code(error e) noexcept;

struct limits {
  std::size_t max_depth = 64;
  std::size_t max_elements = 200'000;
  std::size_t max_decoded_bytes = 64u << 20;  // sum of text and opaque content
  std::size_t max_opaque_bytes = 64u << 20;   // one OPAQUE (a SendMail MIME body)
};

// Decodes one document. The input is not retained.
boost::system::result<element> decode(std::span<const std::uint8_t> bytes, const limits& lim = {});
boost::system::result<element> decode(std::string_view bytes, const limits& lim = {});

// Encodes with header 03 01 6A 00. SWITCH_PAGE only when the page changes.
std::vector<std::uint8_t> encode(const element& root);
std::string encode_to_string(const element& root);

// Indented XML for traces, tests and `easd wbxml decode`: namespaces as xmlns="Page" on the root and
// wherever the page changes; OPAQUE as base64 with an `opaque="base64"`-style marker the parser of
// `from_xml` understands. Not used on the wire.
std::string to_xml(const element& root);
// Parses what to_xml writes (and hand-written XML in the same form, e.g. test fixtures); for
// `easd wbxml encode`. Uses expat with DTDs off, size-capped.
boost::system::result<element> from_xml(std::string_view xml);

}  // namespace easd::wbxml

namespace boost::system {
template <>
struct is_error_code_enum<easd::wbxml::error> : std::true_type {};
}  // namespace boost::system
