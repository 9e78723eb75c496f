#include "eas/core/log_escape.hpp"

namespace easd {

std::string log_escape(std::string_view s, std::size_t max_bytes) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() < max_bytes ? s.size() : max_bytes);
  for (unsigned char c : s) {
    if (out.size() >= max_bytes) {
      out += "...";
      break;
    }
    // Space, quotes, '=' and '\' are escaped so key=value summary lines stay parseable.
    if (c > 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '=' && c != '\'') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
  }
  return out;
}

}  // namespace easd
