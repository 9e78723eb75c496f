#include "eas/core/base64.hpp"

#include <array>
#include <cstdint>

namespace easd {

namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr auto reverse = [] {
  std::array<std::int8_t, 256> r{};
  r.fill(-1);
  for (int i = 0; i < 64; ++i) r[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  return r;
}();

constexpr int symbol_value(char c) noexcept { return reverse[static_cast<unsigned char>(c)]; }

constexpr bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::string encode_base64(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const std::uint32_t v = static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << 16 |
                            static_cast<std::uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8 |
                            static_cast<unsigned char>(in[i + 2]);
    out += alphabet[v >> 18 & 0x3F];
    out += alphabet[v >> 12 & 0x3F];
    out += alphabet[v >> 6 & 0x3F];
    out += alphabet[v & 0x3F];
  }
  const std::size_t rest = in.size() - i;
  if (rest > 0) {
    std::uint32_t v = static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << 16;
    if (rest == 2) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8;
    out += alphabet[v >> 18 & 0x3F];
    out += alphabet[v >> 12 & 0x3F];
    out += rest == 2 ? alphabet[v >> 6 & 0x3F] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> decode_base64(std::string_view in, std::size_t max_decoded,
                                         const base64_decode_options& options) {
  // First pass: syntax and the exact decoded size, so bad or oversized input costs no allocation.
  std::size_t data = 0;
  std::size_t pad = 0;
  for (const char c : in) {
    if (options.allow_whitespace && is_space(c)) continue;
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad > 0 || symbol_value(c) < 0) return std::nullopt;  // data after padding, or not base64
    ++data;
  }
  if (pad > 2) return std::nullopt;
  // A lone final symbol carries 6 bits, never a whole byte.
  if (data % 4 == 1) return std::nullopt;
  // Present padding must complete the last group; absent padding is allowed only when asked for.
  if ((pad > 0 || !options.allow_missing_padding) && (data + pad) % 4 != 0) return std::nullopt;
  const std::size_t out_size = data / 4 * 3 + (data % 4 == 0 ? 0 : data % 4 - 1);
  if (out_size > max_decoded) return std::nullopt;

  std::string out;
  out.reserve(out_size);
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : in) {
    const int v = symbol_value(c);
    if (v < 0) continue;  // whitespace or padding, already validated
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  // What is left over is the fill of the final group; canonical text has it zero (RFC 4648 3.5).
  if (!options.allow_nonzero_pad_bits && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

bool is_base64_alphabet(std::string_view in) noexcept {
  for (const char c : in) {
    if (c != '=' && symbol_value(c) < 0) return false;
  }
  return true;
}

}  // namespace easd
