// The dates of mail and of EAS: RFC 5322 Date headers (lenient: obsolete zones, missing seconds, day
// names), IMAP INTERNALDATE ("17-Jul-1996 02:44:25 -0700"), and the EAS dateTime form
// "2026-12-01T08:44:20.000Z" ([MS-ASDTYPE] 2.3). All as unix seconds, UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace easd::mail_date {

std::optional<std::int64_t> parse_rfc5322(std::string_view text);
std::optional<std::int64_t> parse_internal_date(std::string_view text);
// "YYYY-MM-DDTHH:MM:SS.000Z"
std::string format_eas(std::int64_t unix_seconds);
// "Tue, 01 Dec 2026 08:44:20 +0000" (for generated headers)
std::string format_rfc5322(std::int64_t unix_seconds);

}  // namespace easd::mail_date
