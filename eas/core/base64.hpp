// Base64 (RFC 4648 section 4, standard alphabet) for every place easd meets it: the binary request query
// ([MS-ASHTTP] 2.2.1.1.1.1), Basic credentials (RFC 7617), SASL PLAIN to the IMAP backend (RFC 4616) and
// opaque content in the XML rendering of WBXML. One decoder, strict by default; each caller opts into
// exactly the leniency its inputs need.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace easd {

// Padded encoding. The result is reserved at its final size, so a secret being encoded is never left
// behind in a reallocated buffer (the IMAP client wipes the result after sending it).
std::string encode_base64(std::string_view in);

// What decode_base64 tolerates beyond canonical RFC 4648 text. The defaults accept nothing else.
struct base64_decode_options {
  // Input may end without its '=' padding (RFC 4648 3.2 lets specifications drop it, and some EAS and
  // Basic-auth encoders do). A length that no padding could complete (4n+1 symbols) is still refused.
  bool allow_missing_padding = false;
  // ASCII space, tab, CR and LF anywhere are skipped (hand-written XML wraps long lines).
  bool allow_whitespace = false;
  // Non-zero unused bits in the final symbol are ignored instead of refused (RFC 4648 3.5 allows both).
  bool allow_nonzero_pad_bits = false;
};

// Decodes `in`; nullopt for a character outside the alphabet, data after '=', more than two '=', a
// length the options do not allow, or a result longer than `max_decoded` bytes. Syntax and size are
// checked before anything is allocated.
std::optional<std::string> decode_base64(std::string_view in, std::size_t max_decoded,
                                         const base64_decode_options& options = {});

// True if every character of `in` is in the standard alphabet or is '='.
bool is_base64_alphabet(std::string_view in) noexcept;

}  // namespace easd
