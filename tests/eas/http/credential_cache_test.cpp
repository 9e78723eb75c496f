#include "eas/http/credential_cache.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace easd::http {
namespace {

using namespace std::chrono_literals;
using time_point = credential_cache::clock::time_point;

const time_point t0 = time_point{} + 1000h;

TEST(CredentialCache, RemembersVerifiedPairs) {
  credential_cache cache({300s, 10});
  EXPECT_FALSE(cache.check("jane", "secret", t0));
  cache.remember("jane", "secret", t0);
  EXPECT_TRUE(cache.check("jane", "secret", t0));
  EXPECT_FALSE(cache.check("jane", "Secret", t0));
  EXPECT_FALSE(cache.check("jane", "", t0));
  EXPECT_FALSE(cache.check("jane", std::string("secret\0", 7), t0 + 1s));
  EXPECT_FALSE(cache.check("Jane", "secret", t0));  // users match exactly
  EXPECT_FALSE(cache.check("john", "secret", t0));
  EXPECT_EQ(cache.size(), 1u);
}

TEST(CredentialCache, PasswordsWithNulAndLength) {
  credential_cache cache({300s, 10});
  const std::string pw("a\0b", 3);
  cache.remember("u", pw, t0);
  EXPECT_TRUE(cache.check("u", pw, t0));
  EXPECT_FALSE(cache.check("u", "a", t0));
  EXPECT_FALSE(cache.check("u", std::string("a\0bc", 4), t0));
}

TEST(CredentialCache, TtlFromVerificationNotExtendedByUse) {
  credential_cache cache({300s, 10, 3600s});
  cache.remember("jane", "secret", t0);
  EXPECT_TRUE(cache.check("jane", "secret", t0 + 299s));
  EXPECT_TRUE(cache.check("jane", "secret", t0 + 299s + 999ms));
  EXPECT_FALSE(cache.check("jane", "secret", t0 + 300s));
  EXPECT_EQ(cache.lookup("jane", "secret", t0 + 300s), cache_lookup::expired_match);
  EXPECT_EQ(cache.lookup("jane", "wrong", t0 + 300s), cache_lookup::miss);
  EXPECT_EQ(cache.lookup("jane", "secret", t0 + 3899s), cache_lookup::expired_match);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.lookup("jane", "secret", t0 + 3900s), cache_lookup::miss);
  EXPECT_EQ(cache.size(), 0u);  // past ttl + keep_expired: dropped
  EXPECT_EQ(cache.lookup("jane", "secret", t0 + 1s), cache_lookup::miss);
}

TEST(CredentialCache, TimeGoingBackwardsIsNeverAHit) {
  credential_cache cache({300s, 10});
  cache.remember("jane", "secret", t0);
  EXPECT_FALSE(cache.check("jane", "secret", t0 - 1s));
  EXPECT_EQ(cache.lookup("jane", "secret", t0 - 1s), cache_lookup::expired_match);
}

TEST(CredentialCache, ReplacingChangesThePassword) {
  credential_cache cache({300s, 10});
  cache.remember("jane", "old", t0);
  cache.remember("jane", "new", t0 + 10s);
  EXPECT_FALSE(cache.check("jane", "old", t0 + 10s));
  EXPECT_TRUE(cache.check("jane", "new", t0 + 305s));  // TTL restarted by the new verification
  EXPECT_EQ(cache.size(), 1u);
}

TEST(CredentialCache, EvictsOldestWhenFull) {
  credential_cache cache({300s, 3});
  cache.remember("a", "1", t0);
  cache.remember("b", "2", t0 + 1s);
  cache.remember("c", "3", t0 + 2s);
  cache.remember("a", "1", t0 + 3s);  // re-verified: now the newest
  cache.remember("d", "4", t0 + 4s);  // evicts b
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_TRUE(cache.check("a", "1", t0 + 5s));
  EXPECT_FALSE(cache.check("b", "2", t0 + 5s));
  EXPECT_TRUE(cache.check("c", "3", t0 + 5s));
  EXPECT_TRUE(cache.check("d", "4", t0 + 5s));
}

TEST(CredentialCache, DeadEntriesMakeRoomFirst) {
  credential_cache cache({60s, 3, 0s});
  cache.remember("a", "1", t0);
  cache.remember("b", "2", t0 + 1s);
  cache.remember("c", "3", t0 + 30s);
  cache.remember("d", "4", t0 + 61s);  // a and b have expired; c stays
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.check("c", "3", t0 + 61s));
  EXPECT_TRUE(cache.check("d", "4", t0 + 61s));
}

TEST(CredentialCache, Forget) {
  credential_cache cache({300s, 10});
  cache.remember("jane", "secret", t0);
  cache.remember("john", "secret", t0);
  cache.forget("jane");
  cache.forget("nobody");
  EXPECT_FALSE(cache.check("jane", "secret", t0));
  EXPECT_TRUE(cache.check("john", "secret", t0));
}

TEST(CredentialCache, Disabled) {
  credential_cache no_ttl({0s, 10});
  no_ttl.remember("jane", "secret", t0);
  EXPECT_FALSE(no_ttl.check("jane", "secret", t0));
  credential_cache no_room({300s, 0});
  no_room.remember("jane", "secret", t0);
  EXPECT_FALSE(no_room.check("jane", "secret", t0));
  EXPECT_EQ(no_room.size(), 0u);
}

TEST(CredentialCache, ConcurrentUse) {
  credential_cache cache({300s, 50});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 500; ++i) {
        const std::string user = "u" + std::to_string((i * 7 + t) % 80);
        cache.remember(user, user + "pw", t0 + std::chrono::milliseconds(i));
        (void)cache.check(user, user + "pw", t0 + std::chrono::milliseconds(i));
        if (i % 13 == 0) cache.forget(user);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_LE(cache.size(), 50u);
}

}  // namespace
}  // namespace easd::http
