#include "eas/core/utf8.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

namespace easd::utf8 {
namespace {

// Decodes the whole of `s` as one sequence: the code point if it is exactly one well-formed sequence.
std::optional<char32_t> one(std::string_view s) {
  std::size_t pos = 0;
  const auto cp = decode_one(s, pos);
  if (cp) {
    EXPECT_EQ(pos, s.size()) << "advanced past the whole sequence";
  } else {
    EXPECT_EQ(pos, 0u) << "unchanged on failure";
  }
  return cp;
}

TEST(Utf8, DecodesEachLengthAtItsBoundaries) {
  EXPECT_EQ(one(std::string_view("\0", 1)), U'\0');
  EXPECT_EQ(one("A"), U'A');
  EXPECT_EQ(one("\x7F"), U'\x7F');
  EXPECT_EQ(one("\xC2\x80"), U'\x80');
  EXPECT_EQ(one("\xC3\xA9"), U'\xE9');
  EXPECT_EQ(one("\xDF\xBF"), U'\x7FF');
  EXPECT_EQ(one("\xE0\xA0\x80"), U'\x800');
  EXPECT_EQ(one("\xE2\x82\xAC"), U'\x20AC');
  EXPECT_EQ(one("\xED\x9F\xBF"), U'\xD7FF');
  EXPECT_EQ(one("\xEE\x80\x80"), U'\xE000');
  EXPECT_EQ(one("\xEF\xBF\xBF"), U'\xFFFF');  // a noncharacter, but well-formed UTF-8
  EXPECT_EQ(one("\xF0\x90\x80\x80"), U'\x10000');
  EXPECT_EQ(one("\xF0\x9F\x98\x80"), U'\x1F600');
  EXPECT_EQ(one("\xF4\x8F\xBF\xBF"), U'\x10FFFF');
}

TEST(Utf8, RejectsOverlongForms) {
  for (std::string_view s :
       {"\xC0\x80", "\xC0\xAF", "\xC1\xBF", "\xE0\x80\x80", "\xE0\x9F\xBF", "\xF0\x80\x80\x80", "\xF0\x8F\xBF\xBF"}) {
    EXPECT_FALSE(one(s)) << testing::PrintToString(s);
  }
}

TEST(Utf8, RejectsSurrogatesAndValuesAboveTheRange) {
  for (std::string_view s :
       {"\xED\xA0\x80", "\xED\xAF\xBF", "\xED\xB0\x80", "\xED\xBF\xBF", "\xF4\x90\x80\x80", "\xF7\xBF\xBF\xBF"}) {
    EXPECT_FALSE(one(s)) << testing::PrintToString(s);
  }
}

TEST(Utf8, RejectsBadLeadTruncatedAndBrokenSequences) {
  for (std::string_view s :
       {"\x80", "\xBF", "\xF8\x88\x80\x80\x80", "\xFC\x84\x80\x80\x80\x80", "\xFE", "\xFF", "\xC3", "\xE2\x82",
        "\xF0\x9F\x98", "\xC3\x28", "\xE2\x28\xA1", "\xE2\x82\x28", "\xF0\x9F\x98\x28", "\xC3\xC3\xA9"}) {
    EXPECT_FALSE(one(s)) << testing::PrintToString(s);
  }
}

TEST(Utf8, DecodesFromTheMiddleAndStopsAtTheSequence) {
  const std::string_view s =
      "a\xE2\x82\xAC"
      "b";
  std::size_t pos = 1;
  EXPECT_EQ(decode_one(s, pos), U'\x20AC');
  EXPECT_EQ(pos, 4u);
  EXPECT_EQ(decode_one(s, pos), U'b');
  EXPECT_EQ(pos, 5u);
  // A sequence cut by the end of the view is truncated even if the bytes continue in memory.
  pos = 1;
  EXPECT_FALSE(decode_one(s.substr(0, 3), pos));
  EXPECT_EQ(pos, 1u);
}

TEST(Utf8, IsValid) {
  EXPECT_TRUE(is_valid(""));
  EXPECT_TRUE(is_valid("plain ASCII"));
  EXPECT_TRUE(is_valid("J\xC3\xBCrgen \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_TRUE(is_valid(std::string_view("a\0b", 3)));
  EXPECT_FALSE(is_valid("J\xFCrgen"));  // Latin-1
  EXPECT_FALSE(is_valid("ok\xC3"));
  EXPECT_FALSE(is_valid("\xED\xA0\x80\xED\xB0\x80"));  // CESU-8 pair
  EXPECT_FALSE(is_valid("\xC0\xAF"));
}

}  // namespace
}  // namespace easd::utf8
