// Locale-independent ASCII classification and case folding. HTTP field names, EAS parameter names, IMAP
// keywords and XML namespace comparisons are all ASCII case-insensitive; <cctype> would consult the
// process locale and is undefined for negative char values.
#pragma once

#include <string>
#include <string_view>

namespace easd {

constexpr char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr bool is_ascii_alpha(char c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
constexpr bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_ascii_alnum(char c) noexcept { return is_ascii_alpha(c) || is_ascii_digit(c); }

// Equal when folded to ASCII lower case; bytes >= 0x80 must match exactly.
bool iequals_ascii(std::string_view a, std::string_view b) noexcept;
bool istarts_with_ascii(std::string_view s, std::string_view prefix) noexcept;
std::string to_lower_ascii(std::string_view s);

// %XX (upper-case hex) for every byte except ASCII letters, digits and the bytes of `also_safe`: IMAP id
// segments keep ".-_", URL query values RFC 3986's unreserved "-._~".
std::string percent_encode(std::string_view s, std::string_view also_safe);

}  // namespace easd
