// Small helpers shared by the wbxml tests.
#pragma once

#include "eas/wbxml/codec.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace easd::wbxml::test {

using bytes = std::vector<std::uint8_t>;

inline bytes make_bytes(std::initializer_list<int> values) {
  bytes out;
  out.reserve(values.size());
  for (int v : values) out.push_back(static_cast<std::uint8_t>(v));
  return out;
}

// 03 01 6A 00 followed by `body`.
inline bytes doc(std::initializer_list<int> body) {
  bytes out{0x03, 0x01, 0x6A, 0x00};
  for (int v : body) out.push_back(static_cast<std::uint8_t>(v));
  return out;
}

inline std::string hex(const bytes& b) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i != 0) out += ' ';
    out += digits[b[i] >> 4];
    out += digits[b[i] & 0x0F];
  }
  return out;
}

// The same tree with every content flag dropped: for comparisons where one side cannot know whether
// content travelled as STR_I or OPAQUE.
inline element plain(const element& e) {
  element out(e.id());
  if (!e.text().empty()) out.set_text(e.text());
  for (const auto& c : e.children()) out.children().push_back(plain(c));
  return out;
}

// The three hostile inputs of ARCHITECTURE.md §1 (what makes Debian's libwbxml unfit for a server).
// 1. Aborts libwbxml 0.11.8: ENTITY with code 0x80000000 reaches a live assert in parse_entity.
inline bytes hostile_entity_abort() {
  return make_bytes({0x03, 0x01, 0x6A, 0x00, 0x45, 0x02, 0x88, 0x80, 0x80, 0x80, 0x00, 0x01});
}
// 2. `depth` nested AirSync:Sync elements with content and their ENDs (libwbxml recurses per level).
inline bytes hostile_nesting(std::size_t depth = 100'000) {
  bytes out(4 + 2 * depth, 0x01);  // sized up front: g++ 12 -O3 misreads insert() here (-Warray-bounds)
  out[0] = 0x03;
  out[1] = 0x01;
  out[2] = 0x6A;
  out[3] = 0x00;
  std::fill_n(out.begin() + 4, depth, std::uint8_t{0x45});
  return out;
}
// 3. String-table amplifier: a `table_bytes` string table referenced by `refs` STR_T tokens, each of which
// libwbxml expands to the whole string (~4000x output for 70 KB of input).
inline bytes hostile_string_table(std::size_t table_bytes = 70'000, std::size_t refs = 4'000) {
  bytes out{0x03, 0x01, 0x6A};
  // mb_u_int32 of table_bytes
  std::uint8_t buf[5];
  std::size_t n = 0;
  auto v = static_cast<std::uint32_t>(table_bytes);
  do {
    buf[n++] = static_cast<std::uint8_t>(v & 0x7F);
    v >>= 7;
  } while (v != 0);
  while (n > 1) out.push_back(static_cast<std::uint8_t>(buf[--n] | 0x80));
  out.push_back(buf[0]);
  out.insert(out.end(), table_bytes - 1, 'A');
  out.push_back(0x00);
  out.push_back(0x45);  // <Sync>
  for (std::size_t i = 0; i < refs; ++i) {
    out.push_back(0x83);  // STR_T
    out.push_back(0x00);  // index 0
  }
  out.push_back(0x01);
  return out;
}

template <class F>
double elapsed_ms(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace easd::wbxml::test
