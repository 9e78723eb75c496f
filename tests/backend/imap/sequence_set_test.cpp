#include "backend/imap/client/sequence_set.hpp"

#include "backend/imap/client/error.hpp"

#include <gtest/gtest.h>

namespace imap = easd::backend::imap;

TEST(ImapSequenceSet, ParsesAndMergesRanges) {
  auto s = imap::sequence_set::parse("7,1:3,4,9:8,20");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->to_string(), "1:4,7:9,20");
  EXPECT_EQ(s->count(), 8u);
  EXPECT_TRUE(s->contains(3));
  EXPECT_TRUE(s->contains(8));
  EXPECT_FALSE(s->contains(5));
  EXPECT_FALSE(s->contains(21));
  EXPECT_FALSE(s->contains(0));
}

TEST(ImapSequenceSet, StarIsTheLargestNumber) {
  auto s = imap::sequence_set::parse("5:*");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->to_string(), "5:*");
  EXPECT_TRUE(s->contains(4000000000u));
  EXPECT_FALSE(s->expand(1000));  // guarded
  imap::sequence_set t;
  t.add(imap::sequence_set::star);
  t.add(1, 2);
  EXPECT_EQ(t.to_string(), "1:2,*");
}

TEST(ImapSequenceSet, RejectsMalformed) {
  for (const char* bad : {"", "0", "1:", ":2", "1,,2", "01", "1:2a", "4294967296", "1 2", "1,"}) {
    EXPECT_EQ(imap::sequence_set::parse(bad).error(), imap::error::protocol_error) << bad;
  }
  EXPECT_EQ(imap::sequence_set::parse("1,2,3", 2).error(), imap::error::too_many_values);
}

TEST(ImapSequenceSet, ExpandsInOrder) {
  auto s = imap::sequence_set::parse("3:5,1");
  ASSERT_TRUE(s);
  auto v = s->expand(10);
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, (std::vector<std::uint32_t>{1, 3, 4, 5}));
  imap::sequence_set big;
  big.add(1, 4294967294u);
  big.add(4294967295u);
  EXPECT_EQ(big.ranges().size(), 1u);
  EXPECT_EQ(big.count(), 4294967295u);
}
