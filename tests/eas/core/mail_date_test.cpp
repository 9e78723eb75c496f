#include "eas/core/mail_date.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>

namespace easd::mail_date {
namespace {

constexpr std::int64_t t_2026_12_01_084420 = 1796114660;  // 2026-12-01T08:44:20Z

TEST(MailDate, Rfc5322Canonical) {
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 08:44:20 +0000"), t_2026_12_01_084420);
  EXPECT_EQ(parse_rfc5322("Tue, 1 Dec 2026 09:44:20 +0100"), t_2026_12_01_084420);
  EXPECT_EQ(parse_rfc5322("Tue, 1 Dec 2026 03:14:20 -0530"), t_2026_12_01_084420);
  EXPECT_EQ(parse_rfc5322("Thu, 01 Jan 1970 00:00:00 +0000"), 0);
  EXPECT_EQ(parse_rfc5322("Fri, 21 Nov 1997 09:55:06 -0600"), 880127706);  // RFC 5322 A.1.1
}

TEST(MailDate, Rfc5322Lenient) {
  EXPECT_EQ(parse_rfc5322("01 Dec 2026 08:44:20 +0000"), t_2026_12_01_084420);           // no day name
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 26 08:44:20 +0000"), t_2026_12_01_084420);        // 2-digit year
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 126 08:44:20 +0000"), t_2026_12_01_084420);        // 3-digit year
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 08:44 +0000"), t_2026_12_01_084420 - 20);    // no seconds
  EXPECT_EQ(parse_rfc5322("  Tue,   1   Dec   2026   08:44:20   +0000  "), t_2026_12_01_084420);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 08:44:20 +0000 (UTC)"), t_2026_12_01_084420);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 (a (nested) comment) 08:44:20 GMT"), t_2026_12_01_084420);
  EXPECT_EQ(parse_rfc5322("tue, 01 DEC 2026 08:44:20 gmt"), t_2026_12_01_084420);
  EXPECT_EQ(parse_rfc5322("Tuesday, 01 December 2026 08:44:20 +0000"), t_2026_12_01_084420);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 8:44:20 +0000"), t_2026_12_01_084420);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 08:44:20+0000"), t_2026_12_01_084420);
  EXPECT_EQ(parse_rfc5322("Tue Dec  1 08:44:20 2026"), t_2026_12_01_084420);  // asctime
  EXPECT_EQ(parse_rfc5322("Tue,\r\n 01 Dec 2026\r\n 08:44:20 +0000"), t_2026_12_01_084420);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 08:44:20"), t_2026_12_01_084420);  // no zone: UTC
}

TEST(MailDate, Rfc5322ObsoleteZones) {
  const std::int64_t t = t_2026_12_01_084420;
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 08:44:20 UT"), t);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 08:44:20 GMT"), t);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 03:44:20 EST"), t);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 04:44:20 EDT"), t);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 02:44:20 CST"), t);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 03:44:20 CDT"), t);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 01:44:20 MST"), t);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 02:44:20 MDT"), t);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 00:44:20 PST"), t);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 01:44:20 PDT"), t);
  // RFC 5322 4.3: military zones and unknown names are read as -0000 (UTC).
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 08:44:20 Z"), t);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 08:44:20 A"), t);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 08:44:20 XYZ"), t);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 08:44:20 -0000"), t);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 09:44:20 CET"), t);
}

TEST(MailDate, Rfc5322Rejects) {
  EXPECT_EQ(parse_rfc5322(""), std::nullopt);
  EXPECT_EQ(parse_rfc5322("yesterday"), std::nullopt);
  EXPECT_EQ(parse_rfc5322("Tue, 32 Dec 2026 08:44:20 +0000"), std::nullopt);
  EXPECT_EQ(parse_rfc5322("Tue, 29 Feb 2026 08:44:20 +0000"), std::nullopt);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Foo 2026 08:44:20 +0000"), std::nullopt);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 24:00:00 +0000"), std::nullopt);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 08:60:00 +0000"), std::nullopt);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 08:44:20 +2500"), std::nullopt);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 1899 08:44:20 +0000"), std::nullopt);
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 08:44:20:11 +0000"), std::nullopt);
  // An unclosed comment hides the time: the date alone is midnight.
  EXPECT_EQ(parse_rfc5322("Tue, 01 Dec 2026 (unclosed comment 08:44:20"), t_2026_12_01_084420 - (8 * 3600 + 44 * 60 + 20));
}

TEST(MailDate, LeapYears) {
  EXPECT_EQ(parse_rfc5322("29 Feb 2024 00:00:00 +0000"), 1709164800);
  EXPECT_EQ(parse_rfc5322("29 Feb 2000 00:00:00 +0000"), 951782400);
  EXPECT_EQ(parse_rfc5322("29 Feb 1900 00:00:00 +0000"), std::nullopt);
  EXPECT_EQ(parse_rfc5322("31 Dec 9999 23:59:59 +0000"), 253402300799);
}

TEST(MailDate, InternalDate) {
  EXPECT_EQ(parse_internal_date("17-Jul-1996 02:44:25 -0700"), 837596665);
  EXPECT_EQ(parse_internal_date(" 1-Dec-2026 08:44:20 +0000"), t_2026_12_01_084420);
  EXPECT_EQ(parse_internal_date("1-Dec-2026 08:44:20 +0000"), t_2026_12_01_084420);
  EXPECT_EQ(parse_internal_date("01-dec-2026 09:44:20 +0100"), t_2026_12_01_084420);
  EXPECT_EQ(parse_internal_date("\"01-Dec-2026 08:44:20 +0000\""), t_2026_12_01_084420);
  EXPECT_EQ(parse_internal_date("01-Dec-2026 08:44:20"), std::nullopt);
  EXPECT_EQ(parse_internal_date("01-Dec-2026 8:44:20 +0000"), std::nullopt);
  EXPECT_EQ(parse_internal_date("31-Feb-2026 08:44:20 +0000"), std::nullopt);
  EXPECT_EQ(parse_internal_date("01-Xyz-2026 08:44:20 +0000"), std::nullopt);
  EXPECT_EQ(parse_internal_date("Tue, 01 Dec 2026 08:44:20 +0000"), std::nullopt);
  EXPECT_EQ(parse_internal_date(""), std::nullopt);
  EXPECT_EQ(parse_internal_date("-"), std::nullopt);
}

TEST(MailDate, Format) {
  EXPECT_EQ(format_eas(t_2026_12_01_084420), "2026-12-01T08:44:20.000Z");
  EXPECT_EQ(format_eas(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_eas(-1), "1969-12-31T23:59:59.000Z");
  EXPECT_EQ(format_eas(951782400), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(format_eas(INT64_MAX), "9999-12-31T23:59:59.000Z");
  EXPECT_EQ(format_eas(INT64_MIN), "0000-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc5322(t_2026_12_01_084420), "Tue, 01 Dec 2026 08:44:20 +0000");
  EXPECT_EQ(format_rfc5322(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(format_rfc5322(-86400), "Wed, 31 Dec 1969 00:00:00 +0000");
}

TEST(MailDate, RoundTrip) {
  for (std::int64_t t = 0; t < 4102444800; t += 86400 * 37 + 3671) {
    EXPECT_EQ(parse_rfc5322(format_rfc5322(t)), t);
  }
}

}  // namespace
}  // namespace easd::mail_date
