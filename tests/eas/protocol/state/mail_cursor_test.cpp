#include "eas/protocol/state/mail_cursor.hpp"

#include "eas/protocol/state/error.hpp"

#include <gtest/gtest.h>

#include <string>

namespace easd::state {
namespace {

TEST(MailCursor, RoundTrip) {
  mail_cursor c;
  c.uidvalidity = 1700000000;
  c.highest_modseq = 18446744073709551615ull;
  c.known.add_range(1, 100);
  c.known.add(205);
  EXPECT_EQ(c.serialize(), "1 1700000000 18446744073709551615 1:100,205");
  auto back = mail_cursor::parse(c.serialize());
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, c);
  auto empty = mail_cursor::parse(mail_cursor{}.serialize());
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, mail_cursor{});
}

TEST(MailCursor, HostileBlobsAreCorrupt) {
  for (const std::string& text :
       {std::string(), std::string("1"), std::string("2 1 1 1"), std::string("1 1 1"), std::string("1  1 1"),
        std::string("1 01 1 1"), std::string("1 4294967296 1 1"), std::string("1 1 18446744073709551616 1"),
        std::string("1 -1 1 1"), std::string("1 1 1 0"), std::string("1 1 1 1 "), std::string("1 1 1 x")}) {
    auto c = mail_cursor::parse(text);
    ASSERT_FALSE(c) << text;
    EXPECT_EQ(c.error(), state_error::corrupt);
  }
}

}  // namespace
}  // namespace easd::state
