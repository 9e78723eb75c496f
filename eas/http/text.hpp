// Byte-level checks shared by the parsers of this folder: UTF-8 validity, control characters and ASCII
// case folding. Internal to eas/http.
#pragma once

#include <string>
#include <string_view>

namespace easd::http::detail {

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view s) noexcept;

// True if `s` (assumed valid UTF-8) holds a C0 control, DEL or a C1 control (U+0080..U+009F). Such
// characters end up in logs, IMAP commands and file names; no legitimate identifier carries them.
bool has_control_chars(std::string_view s) noexcept;

// Valid UTF-8 without control characters: what every free-text identifier from a device must be.
inline bool is_clean_text(std::string_view s) noexcept { return is_valid_utf8(s) && !has_control_chars(s); }

constexpr char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr bool is_ascii_alpha(char c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
constexpr bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_ascii_alnum(char c) noexcept { return is_ascii_alpha(c) || is_ascii_digit(c); }

bool iequals_ascii(std::string_view a, std::string_view b) noexcept;
bool istarts_with_ascii(std::string_view s, std::string_view prefix) noexcept;
std::string to_lower_ascii(std::string_view s);

// Strips spaces and horizontal tabs (HTTP OWS, RFC 9110 5.6.3) from both ends.
std::string_view trim_ows(std::string_view s) noexcept;

}  // namespace easd::http::detail
