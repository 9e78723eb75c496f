#include "backend/imap/client/sequence_set.hpp"

#include "backend/imap/client/error.hpp"

#include <algorithm>

namespace easd::backend::imap {
namespace {

// nz-number / "*"; consumes the longest prefix of `s`.
std::optional<std::uint32_t> take_number(std::string_view& s) {
  if (!s.empty() && s.front() == '*') {
    s.remove_prefix(1);
    return sequence_set::star;
  }
  std::uint64_t n = 0;
  std::size_t i = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    n = n * 10 + static_cast<std::uint64_t>(s[i] - '0');
    if (n > UINT32_MAX) return std::nullopt;
    ++i;
  }
  if (i == 0 || n == 0 || s[0] == '0') return std::nullopt;
  s.remove_prefix(i);
  return static_cast<std::uint32_t>(n);
}

}  // namespace

result<sequence_set> sequence_set::parse(std::string_view text, std::size_t max_ranges) {
  sequence_set out;
  if (text.empty()) return error::protocol_error;
  std::size_t parts = 0;
  for (;;) {
    if (++parts > max_ranges) return error::too_many_values;
    auto a = take_number(text);
    if (!a) return error::protocol_error;
    std::uint32_t b = *a;
    if (!text.empty() && text.front() == ':') {
      text.remove_prefix(1);
      auto n = take_number(text);
      if (!n) return error::protocol_error;
      b = *n;
    }
    out.add(*a, b);
    if (text.empty()) return out;
    if (text.front() != ',') return error::protocol_error;
    text.remove_prefix(1);
  }
}

void sequence_set::add(std::uint32_t first, std::uint32_t last) {
  if (first > last) std::swap(first, last);
  if (first == 0) {
    if (last == 0) return;
    first = 1;
  }
  // Insert in order, then merge with neighbours that overlap or touch.
  auto it = std::lower_bound(ranges_.begin(), ranges_.end(), first,
                             [](const range& r, std::uint32_t v) { return r.first < v; });
  it = ranges_.insert(it, range{first, last});
  if (it != ranges_.begin()) {
    auto prev = std::prev(it);
    if (prev->last == UINT32_MAX || prev->last + 1 >= it->first) {
      prev->last = std::max(prev->last, it->last);
      it = ranges_.erase(it);
      it = std::prev(it);
    }
  }
  auto next = std::next(it);
  while (next != ranges_.end() && (it->last == UINT32_MAX || it->last + 1 >= next->first)) {
    it->last = std::max(it->last, next->last);
    next = ranges_.erase(next);
    it = std::prev(next);
  }
}

bool sequence_set::contains(std::uint32_t n) const noexcept {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), n,
                             [](std::uint32_t v, const range& r) { return v < r.first; });
  if (it == ranges_.begin()) return false;
  return std::prev(it)->last >= n;
}

std::uint64_t sequence_set::count() const noexcept {
  std::uint64_t n = 0;
  for (const auto& r : ranges_) n += std::uint64_t{r.last} - r.first + 1;
  return n;
}

std::string sequence_set::to_string() const {
  std::string s;
  auto num = [&s](std::uint32_t v) {
    if (v == star) {
      s += '*';
    } else {
      s += std::to_string(v);
    }
  };
  for (const auto& r : ranges_) {
    if (!s.empty()) s += ',';
    num(r.first);
    if (r.last != r.first) {
      s += ':';
      num(r.last);
    }
  }
  return s;
}

std::optional<std::vector<std::uint32_t>> sequence_set::expand(std::size_t max) const {
  if (count() > max) return std::nullopt;
  std::vector<std::uint32_t> out;
  out.reserve(static_cast<std::size_t>(count()));
  for (const auto& r : ranges_) {
    for (std::uint64_t v = r.first; v <= r.last; ++v) out.push_back(static_cast<std::uint32_t>(v));
  }
  return out;
}

}  // namespace easd::backend::imap
