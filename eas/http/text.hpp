// Byte-level checks shared by the parsers of this folder: control characters, clean identifiers and HTTP
// whitespace. UTF-8 and ASCII case folding live in eas/core (utf8.hpp, ascii.hpp). Internal to eas/http.
#pragma once

#include "eas/core/utf8.hpp"

#include <string_view>

namespace easd::http::detail {

// True if `s` (assumed valid UTF-8) holds a C0 control, DEL or a C1 control (U+0080..U+009F). Such
// characters end up in logs, IMAP commands and file names; no legitimate identifier carries them.
bool has_control_chars(std::string_view s) noexcept;

// Valid UTF-8 without control characters: what every free-text identifier from a device must be.
inline bool is_clean_text(std::string_view s) noexcept { return utf8::is_valid(s) && !has_control_chars(s); }

// Strips spaces and horizontal tabs (HTTP OWS, RFC 9110 5.6.3) from both ends.
std::string_view trim_ows(std::string_view s) noexcept;

}  // namespace easd::http::detail
