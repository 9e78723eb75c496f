// A set of IMAP UIDs (1 … 2^32-1) kept as sorted, disjoint, non-adjacent closed ranges: a mailbox of
// 100 000 messages with a few holes costs a few ranges, not 100 000 entries. The text form is an IMAP
// sequence-set in canonical order ("1:5,7,9:12", RFC 9051 §9 sequence-set), so it can also go straight
// into a UID FETCH / UID SEARCH.
//
// parse() treats its input as hostile (it comes back from the database, which a backup restore or a
// bit flip can change): it accepts only the canonical form serialize() writes, caps the input size and
// the number of ranges, and never allocates more than the input's size justifies.
#pragma once

#include "eas/core/result.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace easd {

class uid_set {
public:
  struct range {
    std::uint32_t first;
    std::uint32_t last;  // inclusive; first ≤ last
    friend bool operator==(const range&, const range&) = default;
  };

  static constexpr std::size_t max_text_size = 8u << 20;  // 8 MiB of text
  static constexpr std::size_t max_ranges = 1u << 20;

  // UID 0 is not a UID (RFC 9051 §2.3.1.1): add(0) and add_range(0, …) ignore 0.
  void add(std::uint32_t uid) { add_range(uid, uid); }
  void add_range(std::uint32_t first, std::uint32_t last);
  void remove(std::uint32_t uid) { remove_range(uid, uid); }
  void remove_range(std::uint32_t first, std::uint32_t last);
  bool contains(std::uint32_t uid) const noexcept;

  bool empty() const noexcept { return ranges_.empty(); }
  std::uint64_t size() const noexcept;  // number of UIDs
  const std::vector<range>& ranges() const noexcept { return ranges_; }
  void clear() noexcept { ranges_.clear(); }

  std::string serialize() const;
  // errc::invalid_argument for anything but canonical text within the caps. "" is the empty set.
  static result<uid_set> parse(std::string_view text);

  friend bool operator==(const uid_set&, const uid_set&) = default;

private:
  std::vector<range> ranges_;
};

}  // namespace easd
