#include "eas/http/base64.hpp"

#include <array>
#include <cstdint>

namespace easd::http::detail {

namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> make_reverse() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  return t;
}

constexpr auto reverse = make_reverse();

}  // namespace

bool is_base64_alphabet(std::string_view in) noexcept {
  for (char c : in) {
    if (c != '=' && reverse[static_cast<unsigned char>(c)] < 0) return false;
  }
  return true;
}

std::optional<std::string> decode_base64(std::string_view in, std::size_t max_decoded) {
  std::size_t pad = 0;
  while (!in.empty() && in.back() == '=' && pad < 3) {
    in.remove_suffix(1);
    ++pad;
  }
  if (pad > 2) return std::nullopt;
  // With padding the whole must be a multiple of four; a lone trailing symbol never decodes.
  if (pad > 0 && (in.size() + pad) % 4 != 0) return std::nullopt;
  if (in.size() % 4 == 1) return std::nullopt;
  const std::size_t out_size = in.size() / 4 * 3 + (in.size() % 4 == 0 ? 0 : in.size() % 4 - 1);
  if (out_size > max_decoded) return std::nullopt;

  std::string out;
  out.reserve(out_size);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const int v = reverse[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;  // includes '=' in the middle
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

std::string encode_base64(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const std::uint32_t v = (static_cast<unsigned char>(in[i]) << 16) |
                            (static_cast<unsigned char>(in[i + 1]) << 8) | static_cast<unsigned char>(in[i + 2]);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    const std::uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const std::uint32_t v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

}  // namespace easd::http::detail
