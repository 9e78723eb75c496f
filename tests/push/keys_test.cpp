#include "push/keys.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace {

namespace keys = easd::push::keys;

// Texts chosen to pose as separators and length prefixes of one another.
const std::vector<std::string> tricky = {
    "", ":", "::", "a", "a:", ":a", "1:a", "a:1", "1", "2:a:", "a:1:b", "b", "1:b", "0:", "easd:u:1:a",
    std::string("\0", 1), "10:aaaaaaaaaa", "aaaaaaaaaa",
};

TEST(PushKeys, UserDeviceKeysAreInjective) {
  std::set<std::string> seen;
  std::size_t made = 0;
  for (const auto& user : tricky) {
    for (const auto& device : tricky) {
      seen.insert(keys::ping_parameters(user, device));
      seen.insert(keys::ping_generation(user, device));
      made += 2;
    }
  }
  for (const auto& user : tricky) {
    seen.insert(keys::user_channel(user));
    ++made;
  }
  EXPECT_EQ(seen.size(), made);
}

TEST(PushKeys, SpellUserAndDeviceLengthPrefixed) {
  EXPECT_EQ(keys::user_channel("alice"), "easd:u:5:alice");
  EXPECT_EQ(keys::ping_parameters("alice", "dev:1"), "easd:pp:5:alice:5:dev:1");
  EXPECT_EQ(keys::ping_generation("", ""), "easd:pg:0::0:");
}

}  // namespace
