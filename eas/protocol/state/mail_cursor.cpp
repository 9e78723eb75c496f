#include "eas/protocol/state/mail_cursor.hpp"

#include "eas/protocol/state/error.hpp"

#include <charconv>
#include <limits>

namespace easd::state {
namespace {

constexpr std::string_view format_v1 = "1 ";

// Decimal without leading zeros (a lone "0" is fine), up to max, followed by one space.
template <class T>
bool take_number(std::string_view& text, T& out) noexcept {
  const auto space = text.find(' ');
  if (space == std::string_view::npos || space == 0 || space > 20) return false;
  const auto digits = text.substr(0, space);
  if (digits.size() > 1 && digits.front() == '0') return false;
  const auto res = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  if (res.ec != std::errc{} || res.ptr != digits.data() + digits.size()) return false;
  text.remove_prefix(space + 1);
  return true;
}

}  // namespace

std::string mail_cursor::serialize() const {
  std::string out(format_v1);
  out += std::to_string(uidvalidity);
  out += ' ';
  out += std::to_string(highest_modseq);
  out += ' ';
  out += known.serialize();
  return out;
}

result<mail_cursor> mail_cursor::parse(std::string_view text) {
  const auto corrupt = make_error_code(state_error::corrupt);
  if (text.size() > uid_set::max_text_size + 64 || !text.starts_with(format_v1)) return corrupt;
  text.remove_prefix(format_v1.size());
  mail_cursor c;
  if (!take_number(text, c.uidvalidity) || !take_number(text, c.highest_modseq)) return corrupt;
  auto set = uid_set::parse(text);
  if (!set) return corrupt;
  c.known = std::move(*set);
  return c;
}

}  // namespace easd::state
