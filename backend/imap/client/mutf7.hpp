// Modified UTF-7 for mailbox names (RFC 3501 §5.1.3): printable US-ASCII stands for itself except "&",
// which is "&-"; everything else is UTF-16 in modified base64 ("," for "/") between "&" and "-".
//
// The decoder is strict so that encode(decode(x)) == x for every x it accepts: it refuses bytes outside
// printable ASCII, a shifted run that is empty, holds a printable ASCII character, has non-zero padding
// bits or a partial UTF-16 unit, unpaired surrogates, and two shifted runs back to back. Input longer than
// `max_bytes` is refused (error::too_many_values) — mailbox names are short; this is not a text codec.
#pragma once

#include "eas/core/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace easd::backend::imap {

inline constexpr std::size_t mutf7_max_bytes = 4096;

// Modified UTF-7 → UTF-8. Malformed: error::protocol_error.
result<std::string> decode_mutf7(std::string_view in, std::size_t max_bytes = mutf7_max_bytes);

// UTF-8 → modified UTF-7. Invalid UTF-8 (overlong, surrogates, beyond U+10FFFF, truncated) or NUL/controls
// the server would refuse anyway: error::unsendable_argument.
result<std::string> encode_mutf7(std::string_view utf8, std::size_t max_bytes = mutf7_max_bytes);

}  // namespace easd::backend::imap
