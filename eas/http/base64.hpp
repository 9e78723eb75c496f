// Strict base64 (RFC 4648 section 4, standard alphabet) for the two places EAS uses it: the binary
// request query ([MS-ASHTTP] 2.2.1.1.1.1) and Basic credentials (RFC 7617). Internal to eas/http.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace easd::http::detail {

// Decodes `in`; nullopt if it holds a character outside the alphabet, misplaced or excess '=' padding,
// an impossible length, or would decode to more than `max_decoded` bytes (checked before decoding).
// Padding may be omitted (some encoders drop it); non-zero bits in the last symbol are ignored.
std::optional<std::string> decode_base64(std::string_view in, std::size_t max_decoded);

// Padded standard encoding (tests and fuzz targets build inputs with it).
std::string encode_base64(std::string_view in);

// True if every character of `in` is in the standard alphabet or is '='.
bool is_base64_alphabet(std::string_view in) noexcept;

}  // namespace easd::http::detail
