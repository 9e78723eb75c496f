#include "eas/protocol/state/sync_key.hpp"

#include "eas/protocol/state/error.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace easd::state {
namespace {

const std::string uuid = "0123abcd-4567-89ef-0123-456789abcdef";

TEST(SyncKey, InitialKey) {
  auto k = parse_sync_key("0");
  ASSERT_TRUE(k);
  EXPECT_TRUE(k->initial());
  EXPECT_EQ(k->to_string(), "0");
}

TEST(SyncKey, RoundTrip) {
  for (std::uint32_t n : {1u, 9u, 10u, 12345u, max_key_counter}) {
    const sync_key key{uuid, n};
    auto parsed = parse_sync_key(key.to_string());
    ASSERT_TRUE(parsed) << key.to_string();
    EXPECT_EQ(*parsed, key);
  }
  EXPECT_EQ((sync_key{uuid, 7}).to_string(), "{" + uuid + "}7");
}

TEST(SyncKey, HostileKeysAreUnknown) {
  const std::string braced = "{" + uuid + "}";
  for (const std::string& text : {
           std::string(), std::string("00"), std::string("1"), std::string("{abc}"), std::string("{abc}1"),
           braced, braced + "0", braced + "01", braced + "2147483649", braced + "99999999999",
           braced + "4294967296", braced + "-1", braced + "+1", braced + "1 ", braced + " 1", braced + "1x",
           "{" + std::string("0123ABCD-4567-89ef-0123-456789abcdef") + "}1",  // upper case: not ours
           "{" + std::string("0123abcd_4567-89ef-0123-456789abcdef") + "}1",
           "(" + uuid + ")1", "{" + uuid + "1", braced + "1' OR '1'='1", braced + std::string("1\0", 2),
           std::string(100000, '9'), braced + std::string(30, '1')}) {
    auto k = parse_sync_key(text);
    ASSERT_FALSE(k) << text;
    EXPECT_EQ(k.error(), state_error::unknown_key);
  }
}

TEST(SyncKey, NewUuidsAreCanonicalAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto u = new_key_uuid();
    EXPECT_TRUE(is_canonical_uuid(u)) << u;
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 100u);
}

}  // namespace
}  // namespace easd::state
