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
// Adjacent words in the same charset are decoded as one byte string, so a multibyte character split
// across two words comes out whole. Undecodable words (bad base64, unknown encoding letter, no "?=")
// stay as written; an unknown charset is guessed like raw bytes. Raw 8-bit bytes outside words: UTF-8 if
// valid, else windows-1252. The result is one line: CR, LF and TAB become spaces, other C0 controls are
// dropped, surrounding whitespace is trimmed. At most `max_out` bytes of output. Linear time.
std::string decode_header(std::string_view raw, std::size_t max_out = 1u << 20);

// An RFC 2231 extended parameter value "charset'lang'%xx..." (the value of filename*=) to UTF-8; without
// the two quotes the whole value is %-decoded and guessed like raw bytes. Joining continuations
// (filename*0*=, filename*1*=, ...) in order is the caller's job: pass the concatenation (only the first
// segment carries "charset'lang'"). Output is one line, as for decode_header.
std::string decode_rfc2231(std::string_view value, std::size_t max_out = 64u << 10);

// Removes CRLF/LF folding and trims surrounding whitespace.
std::string unfold(std::string_view raw);

}  // namespace easd::mime
