#include "eas/core/uid_set.hpp"

#include <boost/system/errc.hpp>

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>

namespace easd::state {
namespace {

using range = uid_set::range;

TEST(UidSet, AddMergesNeighbours) {
  uid_set s;
  s.add(5);
  s.add(7);
  EXPECT_EQ(s.serialize(), "5,7");
  s.add(6);
  EXPECT_EQ(s.serialize(), "5:7");
  s.add_range(1, 3);
  EXPECT_EQ(s.serialize(), "1:3,5:7");
  s.add_range(2, 10);
  EXPECT_EQ(s.serialize(), "1:10");
  EXPECT_EQ(s.size(), 10u);
  s.add(0);  // not a UID
  EXPECT_EQ(s.serialize(), "1:10");
  s.add(4294967295u);
  EXPECT_EQ(s.serialize(), "1:10,4294967295");
}

TEST(UidSet, RemoveSplits) {
  uid_set s;
  s.add_range(1, 10);
  s.remove(5);
  EXPECT_EQ(s.serialize(), "1:4,6:10");
  s.remove_range(1, 2);
  EXPECT_EQ(s.serialize(), "3:4,6:10");
  s.remove_range(4, 6);
  EXPECT_EQ(s.serialize(), "3,7:10");
  s.remove_range(0, 4294967295u);
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.serialize(), "");
}

TEST(UidSet, ContainsOnEdges) {
  uid_set s;
  s.add_range(10, 20);
  s.add(4294967295u);
  EXPECT_FALSE(s.contains(0));
  EXPECT_FALSE(s.contains(9));
  EXPECT_TRUE(s.contains(10));
  EXPECT_TRUE(s.contains(20));
  EXPECT_FALSE(s.contains(21));
  EXPECT_TRUE(s.contains(4294967295u));
}

// Property: random adds and removes behave like a std::set, and the text form round-trips.
TEST(UidSet, BehavesLikeStdSet) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 50; ++round) {
    uid_set s;
    std::set<std::uint32_t> model;
    const std::uint32_t span = round % 2 == 0 ? 60 : 2000;
    std::uniform_int_distribution<std::uint32_t> uid(0, span);
    std::uniform_int_distribution<int> op(0, 3);
    for (int i = 0; i < 400; ++i) {
      const std::uint32_t a = uid(rng);
      const std::uint32_t b = std::min(span, a + uid(rng) % 8);
      switch (op(rng)) {
        case 0: s.add(a); if (a != 0) model.insert(a); break;
        case 1: s.remove(a); model.erase(a); break;
        case 2: s.add_range(a, b); for (auto v = std::max(a, 1u); v <= b; ++v) model.insert(v); break;
        default: s.remove_range(a, b); for (auto v = a; v <= b; ++v) model.erase(v); break;
      }
    }
    EXPECT_EQ(s.size(), model.size());
    for (std::uint32_t v = 0; v <= span + 1; ++v) ASSERT_EQ(s.contains(v), model.count(v) == 1) << v;
    // Canonical: sorted, disjoint, not adjacent.
    for (std::size_t i = 1; i < s.ranges().size(); ++i) {
      ASSERT_GT(std::uint64_t{s.ranges()[i].first}, std::uint64_t{s.ranges()[i - 1].last} + 1);
    }
    auto back = uid_set::parse(s.serialize());
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, s);
  }
}

TEST(UidSet, ParseCanonical) {
  auto s = uid_set::parse("1:5,7,9:12,4294967295");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->ranges(), (std::vector<range>{{1, 5}, {7, 7}, {9, 12}, {4294967295u, 4294967295u}}));
  EXPECT_TRUE(uid_set::parse("")->empty());
}

TEST(UidSet, HostileTextIsCorrupt) {
  for (const std::string& text :
       {std::string("0"), std::string("01"), std::string("1:1"), std::string("5:3"), std::string("1,2"),
        std::string("3,1"), std::string("1:5,4"), std::string("1:5,6"), std::string(","), std::string("1,"),
        std::string(",1"), std::string("1::2"), std::string("1:"), std::string(":1"), std::string("*"),
        std::string("1:*"), std::string("4294967296"), std::string("12345678901"), std::string("-1"),
        std::string(" 1"), std::string("1 "), std::string("1;DROP TABLE device"), std::string("1\0", 2),
        std::string(uid_set::max_text_size + 1, '1')}) {
    auto s = uid_set::parse(text);
    ASSERT_FALSE(s) << text.substr(0, 40);
    EXPECT_EQ(s.error(), boost::system::errc::invalid_argument);
  }
}

TEST(UidSet, TooManyRangesIsCorrupt) {
  std::string text;
  for (std::uint32_t i = 0; i <= uid_set::max_ranges; ++i) {
    if (i != 0) text += ',';
    text += std::to_string(1 + 2 * i);
  }
  ASSERT_LE(text.size(), uid_set::max_text_size);
  EXPECT_EQ(uid_set::parse(text).error(), boost::system::errc::invalid_argument);
}

}  // namespace
}  // namespace easd::state
