#include "eas/core/log_escape.hpp"

#include <gtest/gtest.h>

namespace easd {
namespace {

TEST(LogEscape, PrintableAsciiPasses) { EXPECT_EQ(log_escape("alice@example.test"), "alice@example.test"); }

TEST(LogEscape, HostileBytesAreEscaped) {
  EXPECT_EQ(log_escape("a b"), "a\\x20b");
  EXPECT_EQ(log_escape("x\r\nuser=root"), "x\\x0d\\x0auser\\x3droot");
  EXPECT_EQ(log_escape(std::string("\0\"\\", 3)), "\\x00\\x22\\x5c");
  EXPECT_EQ(log_escape("\xc3\xa9"), "\\xc3\\xa9");
}

TEST(LogEscape, LongInputIsCut) {
  const auto out = log_escape(std::string(1000, 'a'), 16);
  EXPECT_EQ(out, std::string(16, 'a') + "...");
}

}  // namespace
}  // namespace easd
