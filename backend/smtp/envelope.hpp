// Checks on what goes into command lines (MAIL FROM, RCPT TO, AUTH): the bytes come from the device, and a
// CR or LF in them would inject commands (RFC 5321 §4.1.2 paths; RFC 4616 §2 for the PLAIN message).
#pragma once

#include <string>
#include <string_view>

namespace easd::backend::smtp {

// An address that can be sent as "<addr>" without SMTPUTF8: 1..254 bytes (RFC 5321 §4.5.3.1.3 less the
// brackets) of printable ASCII except '<', '>' and space (quoted local parts with spaces are refused).
bool sendable_address(std::string_view addr) noexcept;

// A user or password that fits the SASL PLAIN message and LOGIN's lines: no NUL, CR or LF; a user not
// empty; each at most 1024 bytes.
bool sendable_credentials(std::string_view user, std::string_view password) noexcept;

// RFC 4616 §2: base64("" NUL user NUL password) — no authorisation identity, the user acts as itself.
std::string sasl_plain_response(std::string_view user, std::string_view password);

}  // namespace easd::backend::smtp
