#include "eas/core/transfer_encoding.hpp"

#include "eas/core/ascii.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace easd::mime {
namespace {

constexpr std::array<signed char, 256> base64_table = [] {
  std::array<signed char, 256> t{};
  t.fill(-1);
  constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < alphabet.size(); ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
  return t;
}();

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string decode_base64_lenient(std::string_view encoded, std::size_t max_out) {
  std::string out;
  out.reserve(std::min(encoded.size() / 4 * 3 + 3, max_out));
  std::uint32_t quantum = 0;
  int symbols = 0;
  for (char c : encoded) {
    if (out.size() >= max_out) break;
    // '=' ends the data (RFC 2045 6.8): what follows is padding or junk after the body.
    if (c == '=') break;
    const int v = base64_table[static_cast<unsigned char>(c)];
    if (v < 0) continue;  // line breaks and junk (RFC 2045 6.8: "must be ignored")
    quantum = (quantum << 6) | static_cast<std::uint32_t>(v);
    if (++symbols == 4) {
      out.push_back(static_cast<char>(quantum >> 16));
      out.push_back(static_cast<char>((quantum >> 8) & 0xFF));
      out.push_back(static_cast<char>(quantum & 0xFF));
      quantum = 0;
      symbols = 0;
    }
  }
  // A partial final quantum (padded or not): 2 symbols carry one byte, 3 carry two; 1 carries nothing.
  if (symbols == 2) {
    out.push_back(static_cast<char>(quantum >> 4));
  } else if (symbols == 3) {
    out.push_back(static_cast<char>(quantum >> 10));
    out.push_back(static_cast<char>((quantum >> 2) & 0xFF));
  }
  if (out.size() > max_out) out.resize(max_out);
  return out;
}

std::string decode_quoted_printable(std::string_view encoded, std::size_t max_out) {
  std::string out;
  out.reserve(std::min(encoded.size(), max_out));
  // Whitespace at the end of a line was added in transport and is removed (RFC 2045 6.7 rule 3), so
  // spaces and tabs are held back until we know whether a line break follows.
  std::size_t held_from = std::string_view::npos;
  const std::size_t n = encoded.size();
  std::size_t i = 0;
  while (i < n && out.size() < max_out) {
    const char c = encoded[i];
    if (c == ' ' || c == '\t') {
      if (held_from == std::string_view::npos) held_from = i;
      ++i;
      continue;
    }
    const bool line_break = c == '\n' || (c == '\r' && i + 1 < n && encoded[i + 1] == '\n');
    if (held_from != std::string_view::npos) {
      if (!line_break && i < n) out.append(encoded.substr(held_from, i - held_from));
      held_from = std::string_view::npos;
    }
    if (c == '=') {
      // "=" + optional transport whitespace + line break (or end of input): a soft line break.
      std::size_t j = i + 1;
      while (j < n && (encoded[j] == ' ' || encoded[j] == '\t')) ++j;
      if (j == n) break;
      if (encoded[j] == '\n') {
        i = j + 1;
        continue;
      }
      if (encoded[j] == '\r' && j + 1 < n && encoded[j + 1] == '\n') {
        i = j + 2;
        continue;
      }
      if (i + 2 < n && hex_value(encoded[i + 1]) >= 0 && hex_value(encoded[i + 2]) >= 0) {
        out.push_back(static_cast<char>(hex_value(encoded[i + 1]) * 16 + hex_value(encoded[i + 2])));
        i += 3;
        continue;
      }
      out.push_back('=');  // a broken escape is kept as written (RFC 2045 6.7 note 2)
      ++i;
      continue;
    }
    out.push_back(c);
    ++i;
  }
  if (out.size() > max_out) out.resize(max_out);
  return out;
}

std::string decode_transfer(std::string_view encoded, std::string_view encoding, std::size_t max_out) {
  const std::string_view name = trim(encoding);
  if (iequals_ascii(name, "base64")) return decode_base64_lenient(encoded, max_out);
  if (iequals_ascii(name, "quoted-printable")) return decode_quoted_printable(encoded, max_out);
  return std::string(encoded.substr(0, std::min(encoded.size(), max_out)));
}

}  // namespace easd::mime
