#include "backend/imap/client/mutf7.hpp"

#include "backend/imap/client/error.hpp"

#include <cstdint>
#include <vector>

namespace easd::backend::imap {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int b64_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == ',') return 63;
  return -1;
}

bool printable(std::uint32_t c) noexcept { return c >= 0x20 && c <= 0x7e; }

void put_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// One shifted run, the text between "&" and "-", to UTF-8.
bool decode_run(std::string_view run, std::string& out) {
  std::uint32_t bits = 0;
  int nbits = 0;
  std::uint32_t high = 0;  // pending high surrogate
  for (char c : run) {
    int v = b64_value(c);
    if (v < 0) return false;
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    nbits += 6;
    if (nbits < 16) continue;
    nbits -= 16;
    auto unit = static_cast<std::uint16_t>(bits >> nbits);
    bits &= (1u << nbits) - 1;
    if (high != 0) {
      if (unit < 0xdc00 || unit > 0xdfff) return false;
      put_utf8(out, 0x10000 + ((high - 0xd800) << 10) + (unit - 0xdc00));
      high = 0;
    } else if (unit >= 0xd800 && unit <= 0xdbff) {
      high = unit;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return false;
    } else if (unit < 0x80) {
      return false;  // printable ASCII must have been sent as itself; controls are not in names
    } else {
      put_utf8(out, unit);
    }
  }
  // Leftover bits are padding: fewer than 6 and all zero.
  return high == 0 && nbits < 6 && bits == 0;
}

// Next code point of UTF-8 `s` at `i`, or nothing when invalid.
bool next_code_point(std::string_view s, std::size_t& i, std::uint32_t& cp) {
  auto b0 = static_cast<unsigned char>(s[i]);
  int len = b0 < 0x80 ? 1 : (b0 >> 5) == 6 ? 2 : (b0 >> 4) == 14 ? 3 : (b0 >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + static_cast<std::size_t>(len) > s.size()) return false;
  cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1f) : len == 3 ? (b0 & 0x0f) : (b0 & 0x07);
  for (int k = 1; k < len; ++k) {
    auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((b & 0xc0) != 0x80) return false;
    cp = (cp << 6) | (b & 0x3f);
  }
  static constexpr std::uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_for_len[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
  i += static_cast<std::size_t>(len);
  return true;
}

void flush_run(std::string& out, std::vector<std::uint16_t>& units) {
  if (units.empty()) return;
  out += '&';
  std::uint32_t bits = 0;
  int nbits = 0;
  for (auto u : units) {
    bits = (bits << 16) | u;
    nbits += 16;
    while (nbits >= 6) {
      nbits -= 6;
      out += alphabet[(bits >> nbits) & 0x3f];
    }
    bits &= (1u << nbits) - 1;
  }
  if (nbits > 0) out += alphabet[(bits << (6 - nbits)) & 0x3f];
  out += '-';
  units.clear();
}

}  // namespace

result<std::string> decode_mutf7(std::string_view in, std::size_t max_bytes) {
  if (in.size() > max_bytes) return error::too_many_values;
  std::string out;
  out.reserve(in.size());
  bool after_run = false;
  std::size_t i = 0;
  while (i < in.size()) {
    char c = in[i];
    if (!printable(static_cast<unsigned char>(c))) return error::protocol_error;
    if (c != '&') {
      out += c;
      ++i;
      after_run = false;
      continue;
    }
    auto end = in.find('-', i + 1);
    if (end == std::string_view::npos) return error::protocol_error;
    if (end == i + 1) {
      out += '&';
      after_run = false;
    } else {
      if (after_run) return error::protocol_error;  // "&AAA-&BBB-" must be one run
      if (!decode_run(in.substr(i + 1, end - i - 1), out)) return error::protocol_error;
      after_run = true;
    }
    i = end + 1;
  }
  return out;
}

result<std::string> encode_mutf7(std::string_view utf8, std::size_t max_bytes) {
  if (utf8.size() > max_bytes) return error::too_many_values;
  std::string out;
  std::vector<std::uint16_t> units;
  std::size_t i = 0;
  while (i < utf8.size()) {
    std::uint32_t cp = 0;
    if (!next_code_point(utf8, i, cp)) return error::unsendable_argument;
    if (cp < 0x20 || cp == 0x7f) return error::unsendable_argument;
    if (printable(cp)) {
      flush_run(out, units);
      if (cp == '&') {
        out += "&-";
      } else {
        out += static_cast<char>(cp);
      }
    } else if (cp >= 0x10000) {
      units.push_back(static_cast<std::uint16_t>(0xd800 + ((cp - 0x10000) >> 10)));
      units.push_back(static_cast<std::uint16_t>(0xdc00 + ((cp - 0x10000) & 0x3ff)));
    } else {
      units.push_back(static_cast<std::uint16_t>(cp));
    }
  }
  flush_run(out, units);
  return out;
}

}  // namespace easd::backend::imap
