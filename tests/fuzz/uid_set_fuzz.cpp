// Parses the input as a uid_set and as a mail_cursor. Accepted input must be canonical (serialize gives
// the same bytes back), and edits of a parsed set must keep it sorted, disjoint and non-adjacent.
#include "eas/protocol/state/mail_cursor.hpp"
#include "eas/core/uid_set.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void check_canonical(const easd::uid_set& s) {
  const auto& r = s.ranges();
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (r[i].first == 0 || r[i].first > r[i].last) std::abort();
    if (i > 0 && std::uint64_t{r[i].first} <= std::uint64_t{r[i - 1].last} + 1) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto set = easd::uid_set::parse(text)) {
    if (set->serialize() != text) std::abort();
    check_canonical(*set);
    // Use the input's first bytes as edits on the parsed set.
    for (std::size_t i = 0; i + 4 <= size && i < 64; i += 4) {
      std::uint32_t v = 0;
      for (std::size_t j = 0; j < 4; ++j) v = (v << 8) | data[i + j];
      const std::uint32_t hi = v + (v & 0xff);
      if (v & 1) {
        set->remove_range(v >> 1, hi < v ? v : hi);
        if (set->contains(v >> 1)) std::abort();
      } else {
        set->add_range(v >> 1, hi < v ? v : hi);
        if ((v >> 1) != 0 && !set->contains(v >> 1)) std::abort();
      }
      check_canonical(*set);
    }
    auto again = easd::uid_set::parse(set->serialize());
    if (!again || !(*again == *set)) std::abort();
  }
  if (auto cursor = easd::state::mail_cursor::parse(text)) {
    if (cursor->serialize() != text) std::abort();
  }
  return 0;
}
