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
  c.uidnext = 206;
  c.messages = 101;
  c.since = 1699990000;
  c.known.add_range(1, 100);
  c.known.add(205);
  c.seen.add_range(1, 50);
  c.flagged.add(7);
  c.backlog.add_range(101, 104);
  c.sent_changes.add(3);
  EXPECT_EQ(c.serialize(), "2 1700000000 18446744073709551615 206 101 1699990000 k=1:100,205 s=1:50 f=7 a= w= "
                           "b=101:104 x= += ~=3 -= _=");
  auto back = mail_cursor::parse(c.serialize());
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, c);
  auto empty = mail_cursor::parse(mail_cursor{}.serialize());
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, mail_cursor{});
  EXPECT_EQ(mail_cursor{}.serialize(), "2 0 0 0 0 0 k= s= f= a= w= b= x= += ~= -= _=");
}

TEST(MailCursor, HostileBlobsAreCorrupt) {
  const std::string ok_sets = " k= s= f= a= w= b= x= += ~= -= _=";
  for (const std::string& text : {
           std::string(),
           std::string("1 1 1 1"),                        // format 1 is gone
           std::string("2 1 1 1 1 0"),                    // no sets
           "2 1 1 1 1" + ok_sets,                          // a number missing
           "2 01 1 1 1 0" + ok_sets,                       // leading zero
           "2 4294967296 1 1 1 0" + ok_sets,               // uidvalidity over 32 bits
           "2 1 18446744073709551616 1 1 0" + ok_sets,     // modseq over 64 bits
           "2 1 1 1 1 -5" + ok_sets,                       // negative since
           "2 -1 1 1 1 0" + ok_sets,
           "2 1 1 1 1 0" + ok_sets + " ",                  // trailing space
           "2 1 1 1 1 0" + ok_sets + "x",                  // trailing garbage
           std::string("2 1 1 1 1 0 k=0 s= f= a= w= b= x= += ~= -= _="),   // uid 0
           std::string("2 1 1 1 1 0 k=2:1 s= f= a= w= b= x= += ~= -= _="), // not canonical
           std::string("2 1 1 1 1 0 s= k= f= a= w= b= x= += ~= -= _="),    // wrong order
           std::string("2 1 1 1 1 0  k= s= f= a= w= b= x= += ~= -= _="),   // double space
           std::string("2 1 1 1 1 0 k= s= f= a= w= b= x= += ~= -="),       // a set missing
       }) {
    auto c = mail_cursor::parse(text);
    ASSERT_FALSE(c) << text;
    EXPECT_EQ(c.error(), state_error::corrupt);
  }
}

}  // namespace
}  // namespace easd::state
