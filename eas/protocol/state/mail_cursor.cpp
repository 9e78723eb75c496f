#include "eas/protocol/state/mail_cursor.hpp"

#include "eas/protocol/state/error.hpp"
#include "eas/protocol/state/state_store.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace easd::state {
namespace {

constexpr std::string_view format_v2 = "2 ";

// Decimal without leading zeros (a lone "0" is fine), followed by one space.
template <class T>
bool take_number(std::string_view& text, T& out) noexcept {
  const auto space = text.find(' ');
  if (space == std::string_view::npos || space == 0 || space > 20) return false;
  const auto digits = text.substr(0, space);
  if (digits.size() > 1 && digits.front() == '0') return false;
  if (digits.front() == '-' || digits.front() == '+') return false;
  const auto res = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  if (res.ec != std::errc{} || res.ptr != digits.data() + digits.size()) return false;
  text.remove_prefix(space + 1);
  return true;
}

// The named sets in their fixed order.
template <class Cursor>
auto sets(Cursor& c) {
  using set_ptr = decltype(&c.known);
  return std::array<std::pair<char, set_ptr>, 11>{{{'k', &c.known},
                                                   {'s', &c.seen},
                                                   {'f', &c.flagged},
                                                   {'a', &c.answered},
                                                   {'w', &c.forwarded},
                                                   {'b', &c.backlog},
                                                   {'x', &c.skipped},
                                                   {'+', &c.sent_adds},
                                                   {'~', &c.sent_changes},
                                                   {'-', &c.sent_deletes},
                                                   {'_', &c.sent_soft_deletes}}};
}

}  // namespace

std::string mail_cursor::serialize() const {
  std::string out(format_v2);
  out += std::to_string(uidvalidity);
  out += ' ';
  out += std::to_string(highest_modseq);
  out += ' ';
  out += std::to_string(uidnext);
  out += ' ';
  out += std::to_string(messages);
  out += ' ';
  out += std::to_string(since);
  for (const auto& [letter, set] : sets(*this)) {
    out += ' ';
    out += letter;
    out += '=';
    out += set->serialize();
  }
  return out;
}

result<mail_cursor> mail_cursor::parse(std::string_view text) {
  const auto corrupt = make_error_code(state_error::corrupt);
  if (text.size() > max_blob_size || !text.starts_with(format_v2)) return corrupt;
  text.remove_prefix(format_v2.size());
  mail_cursor c;
  if (!take_number(text, c.uidvalidity) || !take_number(text, c.highest_modseq) ||
      !take_number(text, c.uidnext) || !take_number(text, c.messages)) {
    return corrupt;
  }
  // since is the last number: it ends at the first set's separating space.
  {
    const auto space = text.find(' ');
    if (space == std::string_view::npos) return corrupt;
    auto number = text.substr(0, space + 1);
    if (!take_number(number, c.since) || c.since < 0) return corrupt;
    text.remove_prefix(space);
  }
  for (const auto& [letter, set] : sets(c)) {
    if (text.size() < 3 || text[0] != ' ' || text[1] != letter || text[2] != '=') return corrupt;
    text.remove_prefix(3);
    const auto end = text.find(' ');
    const auto body = text.substr(0, end);
    auto parsed = uid_set::parse(body);
    if (!parsed) return corrupt;
    *set = std::move(*parsed);
    text.remove_prefix(body.size());
  }
  if (!text.empty()) return corrupt;
  return c;
}

}  // namespace easd::state
