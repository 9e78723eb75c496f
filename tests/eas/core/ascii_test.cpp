#include "eas/core/ascii.hpp"

#include <gtest/gtest.h>

namespace easd {
namespace {

TEST(Ascii, Classification) {
  EXPECT_TRUE(is_ascii_alpha('a') && is_ascii_alpha('Z'));
  EXPECT_FALSE(is_ascii_alpha('0') || is_ascii_alpha('@') || is_ascii_alpha('[') || is_ascii_alpha('\xE9'));
  EXPECT_TRUE(is_ascii_digit('0') && is_ascii_digit('9'));
  EXPECT_FALSE(is_ascii_digit('a') || is_ascii_digit('/') || is_ascii_digit(':'));
  EXPECT_TRUE(is_ascii_alnum('q') && is_ascii_alnum('7'));
  EXPECT_FALSE(is_ascii_alnum('-') || is_ascii_alnum('_'));
  EXPECT_EQ(ascii_lower('Q'), 'q');
  EXPECT_EQ(ascii_lower('q'), 'q');
  EXPECT_EQ(ascii_lower('\xC9'), '\xC9');
}

TEST(Ascii, CaseInsensitiveComparison) {
  EXPECT_TRUE(iequals_ascii("", ""));
  EXPECT_TRUE(iequals_ascii("CAPABILITY", "capability"));
  EXPECT_TRUE(iequals_ascii("DeviceId", "DEVICEID"));
  EXPECT_FALSE(iequals_ascii("Sync", "Syn"));
  EXPECT_FALSE(iequals_ascii("[", "{"));                // 0x5B and 0x7B differ by 0x20 but are not letters
  EXPECT_FALSE(iequals_ascii("\xC3\x89", "\xC3\xA9"));  // no folding beyond ASCII
  EXPECT_TRUE(istarts_with_ascii("HTTPS://host/", "https://"));
  EXPECT_FALSE(istarts_with_ascii("http", "https"));
  EXPECT_EQ(to_lower_ascii("Alice@Example.TEST \xC3\x89"), "alice@example.test \xC3\x89");
}

}  // namespace
}  // namespace easd
