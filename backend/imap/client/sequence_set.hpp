// An IMAP sequence set of UIDs or message numbers (RFC 9051 §9 "sequence-set"), e.g. "1:4,7,9:*".
// Kept as sorted, merged, non-overlapping ranges; "*" is stored as UINT32_MAX (the largest value, which
// is what the server substitutes when it means "the last one"). Internal to the IMAP client: backends
// translate to their own types.
#pragma once

#include "eas/core/result.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace easd::backend::imap {

class sequence_set {
public:
  struct range {
    std::uint32_t first;
    std::uint32_t last;  // inclusive, >= first
    friend bool operator==(const range&, const range&) = default;
  };
  static constexpr std::uint32_t star = UINT32_MAX;

  sequence_set() = default;

  // Parses server text. Numbers must be 1..4294967295 (nz-number); at most `max_ranges` comma-separated
  // parts are accepted. Malformed or too long: error::protocol_error / error::too_many_values.
  static result<sequence_set> parse(std::string_view text, std::size_t max_ranges = 100000);

  void add(std::uint32_t n) { add(n, n); }
  void add(std::uint32_t first, std::uint32_t last);  // in any order; 0 is ignored

  bool empty() const noexcept { return ranges_.empty(); }
  bool contains(std::uint32_t n) const noexcept;
  std::uint64_t count() const noexcept;  // how many numbers ("*" counts as one number, UINT32_MAX)
  const std::vector<range>& ranges() const noexcept { return ranges_; }

  // "1:4,7"; empty for an empty set (which is not valid in a command: callers check empty() first).
  std::string to_string() const;

  // Every number in order, or nothing when there are more than `max` (a guard against "1:*").
  std::optional<std::vector<std::uint32_t>> expand(std::size_t max) const;

  friend bool operator==(const sequence_set&, const sequence_set&) = default;

private:
  std::vector<range> ranges_;
};

}  // namespace easd::backend::imap
