// Encoding of typed command arguments (mailbox names, sets, flags, dates) through command_builder, so
// that no caller-supplied text becomes IMAP syntax unchecked (STYLE.md 9). Internal to the client.
#pragma once

#include "backend/imap/client/command.hpp"
#include "backend/imap/client/sequence_set.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace easd::backend::imap::detail {

// A UTF-8 mailbox name as modified UTF-7 in a quoted string or literal. False: not sendable.
[[nodiscard]] bool add_mailbox(command_builder& cmd, std::string_view utf8_name);

// A non-empty set. False when empty.
[[nodiscard]] bool add_set(command_builder& cmd, const sequence_set& set);

// "(\Seen \Flagged $Label)": system flags (backslash + atom) or keywords (atoms). False when one is not.
[[nodiscard]] bool add_flags(command_builder& cmd, const std::vector<std::string>& flags);
bool valid_flag(std::string_view f) noexcept;

// "1-Feb-2026" (RFC 9051 "date") and "01-Feb-2026 10:00:00 +0000" (date-time, always UTC).
std::string search_date(std::chrono::year_month_day d);
std::string internal_date(std::chrono::sys_seconds t);

}  // namespace easd::backend::imap::detail
