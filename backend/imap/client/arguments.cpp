#include "backend/imap/client/arguments.hpp"

#include "backend/imap/client/mutf7.hpp"

#include <cstdio>
#include <cstring>

namespace easd::backend::imap::detail {
namespace {

constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool atom_char(char c) noexcept {
  auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7f) return false;
  return std::strchr("(){%*\"\\]", c) == nullptr;
}

}  // namespace

bool add_mailbox(command_builder& cmd, std::string_view utf8_name) {
  if (utf8_name.empty()) return false;
  auto enc = encode_mutf7(utf8_name);
  if (!enc) return false;
  return cmd.string(*enc);
}

bool add_set(command_builder& cmd, const sequence_set& set) {
  if (set.empty()) return false;
  cmd.raw(set.to_string());
  return true;
}

bool valid_flag(std::string_view f) noexcept {
  if (!f.empty() && f.front() == '\\') f.remove_prefix(1);
  if (f.empty() || f.size() > 255) return false;
  for (char c : f) {
    if (!atom_char(c)) return false;
  }
  return true;
}

bool add_flags(command_builder& cmd, const std::vector<std::string>& flags) {
  for (const auto& f : flags) {
    if (!valid_flag(f)) return false;
  }
  cmd.raw("(");
  for (std::size_t i = 0; i < flags.size(); ++i) {
    if (i > 0) cmd.raw(" ");
    cmd.raw(flags[i]);
  }
  cmd.raw(")");
  return true;
}

std::string search_date(std::chrono::year_month_day d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%u-%s-%04d", static_cast<unsigned>(d.day()),
                months[(static_cast<unsigned>(d.month()) + 11) % 12], static_cast<int>(d.year()));
  return buf;
}

std::string internal_date(std::chrono::sys_seconds t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{t - day};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02u-%s-%04d %02d:%02d:%02d +0000", static_cast<unsigned>(ymd.day()),
                months[(static_cast<unsigned>(ymd.month()) + 11) % 12], static_cast<int>(ymd.year()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

}  // namespace easd::backend::imap::detail
