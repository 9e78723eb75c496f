// Decoding of header field values as mail carries them (we never parse whole messages: the IMAP server
// does, ARCHITECTURE.md §1 "MIME"): RFC 2047 encoded-words, RFC 2231 parameter values, and raw 8-bit
// headers. Output is always well-formed UTF-8; hostile input degrades, never fails.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace easd::mime {

// Decodes RFC 2047 encoded-words (=?charset?B|Q?text?=, charset*language allowed) anywhere in `raw`,
// dropping the whitespace between adjacent encoded-words (RFC 2047 §6.2) and unfolding CRLF+WSP.
// Undecodable words stay as written. Raw 8-bit bytes outside words: UTF-8 if valid, else windows-1252.
// At most `max_out` bytes of output.
std::string decode_header(std::string_view raw, std::size_t max_out = 1u << 20);

// An RFC 2231 extended parameter value "charset'lang'%xx..." (the value of filename*=) to UTF-8.
std::string decode_rfc2231(std::string_view value, std::size_t max_out = 64u << 10);

// Removes CRLF/LF folding and trims surrounding whitespace.
std::string unfold(std::string_view raw);

}  // namespace easd::mime
