// The dates of mail and of EAS: RFC 5322 Date headers (lenient: obsolete zones, missing seconds, day
// names), IMAP INTERNALDATE ("17-Jul-1996 02:44:25 -0700"), and the EAS dateTime form
// "2026-12-01T08:44:20.000Z" ([MS-ASDTYPE] 2.3). All as unix seconds, UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace easd::mail_date {

// Lenient RFC 5322 3.3/4.3: day name optional, 2-, 3- or 4-digit years, seconds optional, comments and
// extra whitespace ignored, "+hhmm" or the obsolete names (UT GMT EST EDT CST CDT MST MDT PST PDT, a few
// common others); military letters and unknown names mean UTC (RFC 5322 4.3); no zone means UTC, no time midnight; asctime
// order ("Tue Dec  1 08:44:20 2026") accepted. nullopt if no valid date (years 1900..9999) is found.
std::optional<std::int64_t> parse_rfc5322(std::string_view text);
// RFC 3501 date-time "dd-Mon-yyyy hh:mm:ss +zzzz" (day one digit or space-padded; quotes optional).
std::optional<std::int64_t> parse_internal_date(std::string_view text);
// "YYYY-MM-DDTHH:MM:SS.000Z" (clamped to years 0000..9999)
std::string format_eas(std::int64_t unix_seconds);
// "Tue, 01 Dec 2026 08:44:20 +0000" (for generated headers)
std::string format_rfc5322(std::int64_t unix_seconds);

}  // namespace easd::mail_date
