#include "eas/core/mail_date.hpp"

#include "eas/core/ascii.hpp"

#include <array>
#include <cstdio>

namespace easd::mail_date {
namespace {

constexpr std::array<std::string_view, 12> month_names{"jan", "feb", "mar", "apr", "may", "jun",
                                                        "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 12> month_display{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> day_display{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

// Days since 1970-01-01 of a proleptic Gregorian date: count whole 400-year eras from 0000-03-01, with
// March as the first month so that the leap day is the last day of the year. No libc, no time zone.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);                 // [0, 399]
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

// The inverse of days_from_civil.
constexpr civil civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);
static_assert(civil_from_days(11017).month == 3);

constexpr bool leap(std::int64_t y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
  constexpr std::array<unsigned, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

std::optional<unsigned> month_from_name(std::string_view word) {
  if (word.size() < 3) return std::nullopt;
  const std::string lower = to_lower_ascii(word.substr(0, 3));
  for (std::size_t i = 0; i < month_names.size(); ++i) {
    if (lower == month_names[i]) {
      // "Dec" or "December", not "Decoy".
      static constexpr std::array<std::string_view, 12> full{"january", "february", "march",     "april",
                                                             "may",     "june",     "july",      "august",
                                                             "september", "october", "november", "december"};
      const std::string all = to_lower_ascii(word);
      if (all.size() == 3 || all == full[i] || (all.size() == 4 && all.back() == '.')) {
        return static_cast<unsigned>(i + 1);
      }
    }
  }
  return std::nullopt;
}

bool is_day_name(std::string_view word) {
  static constexpr std::array<std::string_view, 7> names{"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  if (word.size() < 3) return false;
  const std::string lower = to_lower_ascii(word.substr(0, 3));
  for (auto n : names) {
    if (lower == n) return true;
  }
  return false;
}

// Offset in minutes east of UTC for a zone name. RFC 5322 4.3: the US zones and UT/GMT; military
// letters are unreliable (RFC 822 got their sign wrong) and SHOULD be read as "-0000", i.e. UTC. A few
// zone abbreviations common in real mail are accepted as well.
std::optional<int> zone_from_name(std::string_view word) {
  struct zone {
    std::string_view name;
    int minutes;
  };
  static constexpr std::array zones{
      zone{"ut", 0},       zone{"utc", 0},      zone{"gmt", 0},     zone{"z", 0},        zone{"est", -300},
      zone{"edt", -240},   zone{"cst", -360},   zone{"cdt", -300},  zone{"mst", -420},   zone{"mdt", -360},
      zone{"pst", -480},   zone{"pdt", -420},   zone{"cet", 60},    zone{"cest", 120},   zone{"met", 60},
      zone{"mest", 120},   zone{"eet", 120},    zone{"eest", 180},  zone{"wet", 0},      zone{"west", 60},
      zone{"bst", 60},     zone{"jst", 540},    zone{"kst", 540},
  };
  const std::string lower = to_lower_ascii(word);
  for (const auto& z : zones) {
    if (z.name == lower) return z.minutes;
  }
  if (lower.size() == 1 && is_ascii_alpha(lower[0]) && lower[0] != 'j') return 0;  // military
  return std::nullopt;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_ascii_digit(c)) return false;
  }
  return true;
}

unsigned to_number(std::string_view digits) {
  unsigned v = 0;
  for (char c : digits) v = v * 10 + static_cast<unsigned>(c - '0');
  return v;
}

// "+hhmm" / "-hhmm" as minutes east of UTC.
std::optional<int> numeric_zone(std::string_view word) {
  if (word.size() != 5 || (word[0] != '+' && word[0] != '-') || !all_digits(word.substr(1))) return std::nullopt;
  const unsigned hh = to_number(word.substr(1, 2));
  const unsigned mm = to_number(word.substr(3, 2));
  if (hh > 23 || mm > 59) return std::nullopt;
  const int minutes = static_cast<int>(hh * 60 + mm);
  return word[0] == '-' ? -minutes : minutes;
}

struct clock_time {
  unsigned hour = 0, minute = 0, second = 0;
};

// "hh:mm" or "hh:mm:ss" (one-digit hours seen in the wild).
std::optional<clock_time> parse_time(std::string_view word) {
  clock_time t;
  unsigned* fields[3] = {&t.hour, &t.minute, &t.second};
  std::size_t field = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= word.size(); ++i) {
    if (i == word.size() || word[i] == ':') {
      const std::string_view part = word.substr(start, i - start);
      if (field >= 3 || part.empty() || part.size() > 2 || !all_digits(part)) return std::nullopt;
      *fields[field++] = to_number(part);
      start = i + 1;
    }
  }
  if (field < 2 || t.hour > 23 || t.minute > 59 || t.second > 60) return std::nullopt;
  return t;
}

std::optional<std::int64_t> to_unix(std::int64_t year, unsigned month, unsigned day, const clock_time& t,
                                    int zone_minutes) {
  if (year < 1900 || year > 9999 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) {
    return std::nullopt;
  }
  const std::int64_t days = days_from_civil(year, month, day);
  return days * 86400 + t.hour * 3600 + t.minute * 60 + t.second - std::int64_t{zone_minutes} * 60;
}

// RFC 5322 4.3: two-digit years 00-49 are 20xx, 50-99 19xx; three-digit years add 1900.
std::int64_t full_year(std::string_view digits) {
  const auto v = static_cast<std::int64_t>(to_number(digits));
  if (digits.size() == 2) return v < 50 ? 2000 + v : 1900 + v;
  if (digits.size() == 3) return 1900 + v;
  return v;
}

std::string format_civil(std::int64_t unix_seconds, bool eas) {
  // Clamp to the years four digits can show; dates from hostile input never get this far anyway.
  constexpr std::int64_t min_s = -62167219200;  // 0000-01-01T00:00:00Z
  constexpr std::int64_t max_s = 253402300799;  // 9999-12-31T23:59:59Z
  unix_seconds = std::min(std::max(unix_seconds, min_s), max_s);
  std::int64_t days = unix_seconds / 86400;
  std::int64_t secs = unix_seconds % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  const civil c = civil_from_days(days);
  const auto h = static_cast<int>(secs / 3600);
  const auto m = static_cast<int>(secs / 60 % 60);
  const auto s = static_cast<int>(secs % 60);
  char buf[64];
  if (eas) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.000Z", static_cast<int>(c.year), c.month, c.day, h,
                  m, s);
  } else {
    const auto weekday = static_cast<std::size_t>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
    std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0000", day_display[weekday].data(), c.day,
                  month_display[c.month - 1].data(), static_cast<int>(c.year), h, m, s);
  }
  return buf;
}

}  // namespace

std::optional<std::int64_t> parse_rfc5322(std::string_view text) {
  // Words separated by white space and commas, comments (nested, RFC 5322 3.2.2) removed.
  constexpr std::size_t max_words = 16;
  std::array<std::string_view, max_words> words{};
  std::size_t count = 0;
  int depth = 0;
  std::size_t start = std::string_view::npos;
  auto end_word = [&](std::size_t at) {
    if (start != std::string_view::npos && count < max_words) words[count++] = text.substr(start, at - start);
    start = std::string_view::npos;
  };
  for (std::size_t i = 0; i < text.size() && text.size() <= 4096; ++i) {
    const char c = text[i];
    if (depth > 0) {
      if (c == '\\') {
        ++i;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')') {
        --depth;
      }
      continue;
    }
    if (c == '(') {
      end_word(i);
      depth = 1;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',') {
      end_word(i);
    } else if ((c == '+' || c == '-') && start != std::string_view::npos && text[i - 1] != '+' &&
               text[i - 1] != '-' && text.substr(start, i - start).find(':') != std::string_view::npos) {
      end_word(i);  // "08:44:20+0100"
      start = i;
    } else if (start == std::string_view::npos) {
      start = i;
    }
  }
  end_word(text.size());

  std::optional<unsigned> day;
  std::optional<unsigned> month;
  std::optional<std::int64_t> year;
  std::optional<clock_time> time;
  std::optional<int> zone;
  for (std::size_t w = 0; w < count; ++w) {
    const std::string_view word = words[w];
    if (!time && word.find(':') != std::string_view::npos) {
      time = parse_time(word);
      if (!time) return std::nullopt;
    } else if (all_digits(word)) {
      // Day, then year: "1 Dec 2026" and asctime's "Dec 1 ... 2026" alike; a leading 4-digit number is
      // the year of "2026 Dec 1".
      if (!day && !year && word.size() >= 3) {
        year = full_year(word);
      } else if (!day && word.size() <= 2) {
        day = to_number(word);
      } else if (!year && word.size() >= 2 && word.size() <= 4) {
        year = full_year(word);
      } else {
        return std::nullopt;
      }
    } else if (auto z = numeric_zone(word); z && time && !zone) {
      zone = z;
    } else if (!month && (month = month_from_name(word))) {
    } else if (is_day_name(word) && !time) {
    } else if (auto named = zone_from_name(word); named && time && !zone) {
      zone = named;
    } else if (time && !zone && word.size() <= 5 && is_ascii_alpha(word[0])) {
      zone = 0;  // RFC 5322 4.3: an unknown zone is "-0000"
    } else {
      return std::nullopt;
    }
  }
  if (!day || !month || !year) return std::nullopt;
  return to_unix(*year, *month, *day, time.value_or(clock_time{}), zone.value_or(0));
}

std::optional<std::int64_t> parse_internal_date(std::string_view text) {
  // RFC 3501 date-time: "dd-Mon-yyyy hh:mm:ss +zzzz", day space-padded or one digit; quotes optional.
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
  if (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  const auto dash1 = text.find('-');
  if (dash1 == std::string_view::npos || dash1 == 0 || dash1 > 2) return std::nullopt;
  const std::string_view day = text.substr(0, dash1);
  if (!all_digits(day) || text.size() < dash1 + 4) return std::nullopt;
  const std::string_view mon = text.substr(dash1 + 1, 3);
  const std::string_view rest = text.substr(dash1 + 4);  // "-yyyy hh:mm:ss +zzzz"
  if (rest.size() != 20 || rest[0] != '-' || rest[5] != ' ' || rest[14] != ' ') return std::nullopt;
  const std::string_view year = rest.substr(1, 4);
  const std::string_view clock = rest.substr(6, 8);
  const auto month = month_from_name(mon);
  const auto t = parse_time(clock);
  const auto zone = numeric_zone(rest.substr(15, 5));
  if (!month || !all_digits(year) || !t || clock.size() != 8 || clock[2] != ':' || clock[5] != ':' || !zone) {
    return std::nullopt;
  }
  return to_unix(to_number(year), *month, to_number(day), *t, *zone);
}

std::string format_eas(std::int64_t unix_seconds) { return format_civil(unix_seconds, true); }

std::string format_rfc5322(std::int64_t unix_seconds) { return format_civil(unix_seconds, false); }

}  // namespace easd::mail_date
