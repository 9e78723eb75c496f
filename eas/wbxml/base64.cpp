#include "eas/wbxml/base64.hpp"

#include <array>
#include <cstdint>

namespace easd::wbxml::detail {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr auto reverse = [] {
  std::array<std::int8_t, 256> r{};
  r.fill(-1);
  for (int i = 0; i < 64; ++i) r[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  return r;
}();

constexpr bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = static_cast<std::uint8_t>(bytes[i]) << 16 |
                            static_cast<std::uint8_t>(bytes[i + 1]) << 8 |
                            static_cast<std::uint8_t>(bytes[i + 2]);
    out += alphabet[v >> 18 & 0x3F];
    out += alphabet[v >> 12 & 0x3F];
    out += alphabet[v >> 6 & 0x3F];
    out += alphabet[v & 0x3F];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t v = static_cast<std::uint8_t>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<std::uint8_t>(bytes[i + 1]) << 8;
    out += alphabet[v >> 18 & 0x3F];
    out += alphabet[v >> 12 & 0x3F];
    out += rest == 2 ? alphabet[v >> 6 & 0x3F] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t acc = 0;
  int bits = 0;
  int pad = 0;
  std::size_t symbols = 0;
  for (const char c : text) {
    if (is_space(c)) continue;
    if (c == '=') {
      ++pad;
      ++symbols;
      continue;
    }
    if (pad > 0) return std::nullopt;  // data after padding
    const auto v = reverse[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;
    ++symbols;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  if (symbols % 4 != 0 || pad > 2) return std::nullopt;
  // The bits left over must be the zero fill of the final group (RFC 4648 §3.5: canonical encoding).
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  if ((pad == 1 && bits != 2) || (pad == 2 && bits != 4)) return std::nullopt;
  return out;
}

}  // namespace easd::wbxml::detail
