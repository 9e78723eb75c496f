// The message as it goes after DATA (RFC 5321 §4.1.1.4, §4.5.2): every line ending CRLF, a leading '.'
// doubled ("dot-stuffing", so a line holding only "." cannot end the data early), and the terminating
// "CRLF.CRLF". Pure functions, no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace easd::backend::smtp {

struct encoded_message {
  std::string data;          // what to send after the 354, terminator included
  std::size_t message_size;  // octets of the message with CRLF line ends, before stuffing (RFC 1870 §3)
};

// A bare LF or a bare CR becomes CRLF (RFC 5321 §2.3.8: SMTP carries no other line ends); a message
// not ending in a line end gets one. An empty message becomes just the terminator.
encoded_message encode_message(std::string_view message);

// True when any byte is >= 0x80: MAIL FROM then needs BODY=8BITMIME (RFC 6152 §3), and the server must
// offer it. (NUL is not 8-bit; RFC 6152 allows no NUL either, and the caller's MIME code never makes one.)
bool has_8bit(std::string_view message) noexcept;

}  // namespace easd::backend::smtp
