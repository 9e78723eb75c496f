#include "eas/core/uid_set.hpp"

#include <boost/system/errc.hpp>

#include <algorithm>
#include <charconv>

namespace easd {

void uid_set::add_range(std::uint32_t first, std::uint32_t last) {
  if (first == 0) first = 1;
  if (last < first) return;
  // First range that could touch [first, last]: the first whose last ≥ first - 1.
  auto it = std::lower_bound(ranges_.begin(), ranges_.end(), first,
                             [](const range& r, std::uint32_t v) { return std::uint64_t{r.last} + 1 < v; });
  auto end = it;
  std::uint32_t lo = first;
  std::uint32_t hi = last;
  while (end != ranges_.end() && std::uint64_t{end->first} <= std::uint64_t{hi} + 1) {
    lo = std::min(lo, end->first);
    hi = std::max(hi, end->last);
    ++end;
  }
  if (it == end) {
    ranges_.insert(it, range{lo, hi});
    return;
  }
  *it = range{lo, hi};
  ranges_.erase(it + 1, end);
}

void uid_set::remove_range(std::uint32_t first, std::uint32_t last) {
  if (last < first) return;
  auto it = std::lower_bound(ranges_.begin(), ranges_.end(), first,
                             [](const range& r, std::uint32_t v) { return r.last < v; });
  while (it != ranges_.end() && it->first <= last) {
    if (it->first < first && it->last > last) {  // split one range in two
      const range tail{last + 1, it->last};
      it->last = first - 1;
      ranges_.insert(it + 1, tail);
      return;
    }
    if (it->first < first) {
      it->last = first - 1;
      ++it;
    } else if (it->last > last) {
      it->first = last + 1;
      return;
    } else {
      it = ranges_.erase(it);
    }
  }
}

bool uid_set::contains(std::uint32_t uid) const noexcept {
  auto it = std::lower_bound(ranges_.begin(), ranges_.end(), uid,
                             [](const range& r, std::uint32_t v) { return r.last < v; });
  return it != ranges_.end() && it->first <= uid;
}

std::uint64_t uid_set::size() const noexcept {
  std::uint64_t n = 0;
  for (const auto& r : ranges_) n += std::uint64_t{r.last} - r.first + 1;
  return n;
}

std::string uid_set::serialize() const {
  std::string out;
  out.reserve(ranges_.size() * 12);
  char buf[12];
  for (const auto& r : ranges_) {
    if (!out.empty()) out += ',';
    auto res = std::to_chars(buf, buf + sizeof buf, r.first);
    out.append(buf, res.ptr);
    if (r.last != r.first) {
      out += ':';
      res = std::to_chars(buf, buf + sizeof buf, r.last);
      out.append(buf, res.ptr);
    }
  }
  return out;
}

namespace {

// One UID: 1-10 digits, no leading zero, ≤ 2^32-1. Advances pos.
bool parse_uid(std::string_view text, std::size_t& pos, std::uint32_t& out) noexcept {
  const std::size_t start = pos;
  std::uint64_t v = 0;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - start < 11) {
    v = v * 10 + static_cast<std::uint64_t>(text[pos] - '0');
    ++pos;
  }
  const std::size_t digits = pos - start;
  if (digits == 0 || digits > 10 || text[start] == '0' || v > 0xffffffffu) return false;
  out = static_cast<std::uint32_t>(v);
  return true;
}

}  // namespace

result<uid_set> uid_set::parse(std::string_view text) {
  const auto corrupt = make_error_code(boost::system::errc::invalid_argument);
  uid_set set;
  if (text.empty()) return set;
  if (text.size() > max_text_size) return corrupt;
  std::size_t pos = 0;
  std::uint64_t previous_last = 0;  // 0: nothing yet; ranges must start ≥ previous_last + 2
  while (true) {
    range r{};
    if (!parse_uid(text, pos, r.first)) return corrupt;
    r.last = r.first;
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!parse_uid(text, pos, r.last) || r.last <= r.first) return corrupt;
    }
    if (previous_last != 0 && std::uint64_t{r.first} < previous_last + 2) return corrupt;
    if (set.ranges_.size() == max_ranges) return corrupt;
    set.ranges_.push_back(r);  // at most one range per 2 input bytes: bounded by max_text_size
    previous_last = r.last;
    if (pos == text.size()) return set;
    if (text[pos] != ',') return corrupt;
    ++pos;
  }
}

}  // namespace easd
