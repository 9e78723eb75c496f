#include "backend/smtp/message_data.hpp"

namespace easd::backend::smtp {

encoded_message encode_message(std::string_view message) {
  encoded_message out;
  out.message_size = 0;
  // Usually the message already has CRLF and few lines start with '.': reserve a little slack.
  out.data.reserve(message.size() + message.size() / 64 + 8);
  bool line_start = true;
  for (std::size_t i = 0; i < message.size(); ++i) {
    const char c = message[i];
    if (c == '\r' || c == '\n') {
      // CRLF, a bare CR and a bare LF all end one line; "\r\n" is consumed as one.
      if (c == '\r' && i + 1 < message.size() && message[i + 1] == '\n') ++i;
      out.data += "\r\n";
      out.message_size += 2;
      line_start = true;
      continue;
    }
    if (line_start && c == '.') out.data += '.';
    out.data += c;
    ++out.message_size;
    line_start = false;
  }
  if (!line_start) {
    out.data += "\r\n";
    out.message_size += 2;
  }
  out.data += ".\r\n";
  return out;
}

bool has_8bit(std::string_view message) noexcept {
  for (char c : message) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

}  // namespace easd::backend::smtp
