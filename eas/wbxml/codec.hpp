// Bounded WBXML decoder and encoder for the EAS subset of WBXML 1.3 (MS-ASWBXML 2.1.3).
//
// The decoder is iterative (no recursion), so nesting depth is bounded by `limits`, not by the stack.
// It accepts only header 03 01 6A 00 (UTF-8, no string table: a string table is rejected), SWITCH_PAGE,
// END, STR_I, OPAQUE and tags of known pages and tokens; everything else is a typed error.
// Legacy tokens (wbxml.md §6, including the retired AirNotify page 3) decode, so a 2.5 device's request
// reaches the command handler, which may ignore them.
//
// Content model of a decoded tree (what `encode` turns back into the same tree):
//  * consecutive STR_I/OPAQUE pieces of one element are concatenated; empty content = empty element;
//  * OPAQUE is accepted wherever text is (wbxml.md §1.3). In a byte-array element (is_opaque_element)
//    the element is_opaque() when any piece was OPAQUE; elsewhere the content is plain text unless it
//    contains a NUL byte, which only OPAQUE can carry, and then it stays is_opaque().
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
  unknown_page,         // SWITCH_PAGE to a page outside 0..25; from_xml: unknown namespace
  unknown_token,        // tag token not in the current page's table
  unbalanced,           // END without an open element, or content after the root closed
  mixed_content,        // text and child elements inside one element
  depth_exceeded,
  too_many_elements,
  too_large,            // decoded text + opaque bytes over the limit
  opaque_too_large,     // a single OPAQUE longer than the limit
  bad_integer,          // mb_u_int32 longer than 5 bytes or over 32 bits
  empty_document,       // header without a root element
  bad_xml,              // from_xml: malformed XML, DTD/entity declaration, bad attribute or base64
};
const boost::system::error_category& error_category() noexcept;
boost::system::error_code make_error_code(error e) noexcept;

struct limits {
  std::size_t max_depth = 64;
  std::size_t max_elements = 200'000;
  std::size_t max_decoded_bytes = 64u << 20;  // sum of text and opaque content
  std::size_t max_opaque_bytes = 64u << 20;   // one OPAQUE (a SendMail MIME body)
  std::size_t max_xml_bytes = 128u << 20;     // from_xml input (base64 makes opaque content 4/3 larger)
};

// Decodes one document. The input is not retained.
boost::system::result<element> decode(std::span<const std::uint8_t> bytes, const limits& lim = {});
boost::system::result<element> decode(std::string_view bytes, const limits& lim = {});
// As above; on failure also stores the byte offset at which the input was rejected (for traces).
boost::system::result<element> decode(std::span<const std::uint8_t> bytes, const limits& lim,
                                      std::size_t& error_offset);

// Encodes with header 03 01 6A 00. SWITCH_PAGE only when the page changes. Text goes as STR_I. OPAQUE is
// written for content marked opaque (set_opaque) in a byte-array element, for text containing NUL in a
// byte-array element, and — the one faithful encoding, only decoded input has it — for opaque content
// containing NUL in another element. Opaque content without NUL in a non-byte-array element goes as STR_I
// (Thunderbird's decoder breaks on OPAQUE). Throws std::invalid_argument for a programming error: text
// (not opaque) containing NUL in a non-byte-array element, or a tag not in the code-page table.
std::vector<std::uint8_t> encode(const element& root);
std::string encode_to_string(const element& root);

// Indented XML for traces, tests and `easd wbxml decode`: the XML declaration, then one element per line,
// 2-space indent; xmlns="Page" on the root and on every element whose page differs from its parent's;
// text inline and escaped; opaque content as base64 with opaque="base64"; text XML cannot carry as base64
// with encoding="base64". Not used on the wire.
std::string to_xml(const element& root);
// Parses what to_xml writes (and hand-written XML in the same form, e.g. test fixtures); for
// `easd wbxml encode`. Uses expat; rejects internal DTD subsets and entity declarations; capped by
// max_xml_bytes, max_depth, max_elements and max_decoded_bytes. Namespaces may be default (xmlns="Email")
// or prefixed (xmlns:email="Email"); "Email:" (libwbxml) is accepted too. Attributes: opaque="base64"
// (content is base64 of opaque bytes) and encoding="base64" (base64 of text that XML cannot carry:
// control characters or invalid UTF-8). Whitespace between child elements is ignored.
boost::system::result<element> from_xml(std::string_view xml, const limits& lim = {});

}  // namespace easd::wbxml

namespace boost::system {
template <>
struct is_error_code_enum<easd::wbxml::error> : std::true_type {};
}  // namespace boost::system
