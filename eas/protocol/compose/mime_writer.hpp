// The pieces of generated MIME (SmartReply/SmartForward output, added header fields): header text
// encoding (RFC 2047), parameters (RFC 2045 5.1, RFC 2231), transfer encodings with lines ≤ 76 characters
// (RFC 2045 6.7, 6.8), boundaries and random identifiers. easd only generates MIME with its own code
// (ARCHITECTURE.md §1 "MIME"). Every output line ends in CRLF; no output line exceeds 998 octets.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace easd::compose {

// RFC 2047 encoded-words "=?UTF-8?B?...?=" for UTF-8 `text`, each ≤ 75 characters and cut at character
// boundaries (RFC 2047 5 (3)), separated by CRLF SP (folding). Controls and line breaks become spaces.
std::string encode_words(std::string_view text);
// An unstructured field value (Subject): as is when it is printable ASCII without "=?" and short enough
// for one line, else encoded-words.
std::string header_text(std::string_view text);
// A display name for a mailbox: an atom phrase as is, other ASCII as a quoted string, non-ASCII as
// encoded-words (RFC 2047 5 (3): encoded-words are allowed as phrase words).
std::string phrase_text(std::string_view name);

// An RFC 5322 3.2.4 quoted-string: `text` in double quotes, '"' and '\\' escaped.
std::string quoted_string(std::string_view text);

// Quoted-printable (RFC 2045 6.7) of text; line ends (CRLF, LF, CR) become hard CRLF breaks, long lines
// get soft breaks, trailing white space and "=" are encoded. Bytes are taken as they are (UTF-8).
std::string encode_quoted_printable(std::string_view text);
// Base64 in lines of 76 characters, each ending in CRLF (RFC 2045 6.8).
std::string encode_base64_lines(std::string_view bytes);

// "; name=value" for a Content-Type or Content-Disposition: a token as is, other ASCII quoted, non-ASCII
// as RFC 2231 "name*=UTF-8''%.." split into continuations (name*0*=, name*1*=...) so no line is long.
std::string mime_param(std::string_view name, std::string_view value);

// `n` random bytes as 2n lower-case hex digits (OpenSSL's CSPRNG: Message-IDs and boundaries must not be
// guessable, or a forged part could close a boundary).
std::string random_hex(std::size_t n);
// A fresh boundary ("=_easd_" + random) that occurs in none of `contents` (RFC 2046 5.1.1). "=_" never
// occurs in quoted-printable or base64 text, so the first candidate almost always fits.
std::string new_boundary(const std::vector<std::string_view>& contents);

// & < > " escaped, for text placed into generated HTML.
void append_html_escaped(std::string& out, std::string_view text);

}  // namespace easd::compose
