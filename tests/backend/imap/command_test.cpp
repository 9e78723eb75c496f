#include "backend/imap/client/command.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace imap = easd::backend::imap;
using namespace std::string_literals;

namespace {

std::vector<std::string> build(imap::literal_mode mode, const std::string& arg, bool* ok = nullptr) {
  imap::command_builder b("e1", "LOGIN", mode);
  b.raw(" ");
  bool sent = b.string(arg);
  if (ok) *ok = sent;
  return std::move(b).finish();
}

}  // namespace

TEST(ImapCommandBuilder, QuotesSevenBitText) {
  EXPECT_EQ(build(imap::literal_mode::synchronizing, "user"), std::vector<std::string>{"e1 LOGIN \"user\"\r\n"});
  EXPECT_EQ(build(imap::literal_mode::synchronizing, R"(a"b\c)"),
            std::vector<std::string>{"e1 LOGIN \"a\\\"b\\\\c\"\r\n"});
  EXPECT_EQ(build(imap::literal_mode::synchronizing, ""), std::vector<std::string>{"e1 LOGIN \"\"\r\n"});
  // Spaces, parentheses, braces and control bytes other than CR/LF are fine inside quotes.
  EXPECT_EQ(build(imap::literal_mode::synchronizing, "a (b) {3}\t"),
            std::vector<std::string>{"e1 LOGIN \"a (b) {3}\t\"\r\n"});
}

TEST(ImapCommandBuilder, LiteralsFor8BitAndLineBreaks) {
  EXPECT_EQ(build(imap::literal_mode::synchronizing, "jürgen"),
            (std::vector<std::string>{"e1 LOGIN {7}\r\n", "jürgen\r\n"}));
  EXPECT_EQ(build(imap::literal_mode::non_synchronizing, "jürgen"),
            std::vector<std::string>{"e1 LOGIN {7+}\r\njürgen\r\n"});
  EXPECT_EQ(build(imap::literal_mode::non_synchronizing, "a\r\nb"),
            std::vector<std::string>{"e1 LOGIN {4+}\r\na\r\nb\r\n"});
}

TEST(ImapCommandBuilder, LiteralMinusOnlyUpTo4096Bytes) {
  std::string small(4096, '\xe9');
  std::string large(4097, '\xe9');
  EXPECT_EQ(build(imap::literal_mode::small_non_sync, small).size(), 1u);
  auto chunks = build(imap::literal_mode::small_non_sync, large);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0], "e1 LOGIN {4097}\r\n");
}

TEST(ImapCommandBuilder, RefusesNul) {
  bool ok = true;
  auto chunks = build(imap::literal_mode::non_synchronizing, "a\0b"s, &ok);
  EXPECT_FALSE(ok);
  EXPECT_EQ(chunks, std::vector<std::string>{"e1 LOGIN \r\n"});  // nothing of the argument was appended
}
