// Base64 (RFC 4648 §4, with padding) for the XML rendering of opaque content. Internal to eas/wbxml.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace easd::wbxml::detail {

std::string base64_encode(std::string_view bytes);
// Decodes standard base64; ASCII whitespace anywhere is skipped (hand-written XML wraps lines).
// nullopt for any other non-alphabet character, bad padding or a truncated final group.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace easd::wbxml::detail
