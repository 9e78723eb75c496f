#include "eas/http/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <string>

namespace easd::http {
namespace {

using namespace std::chrono_literals;
using time_point = rate_limiter::clock::time_point;

const time_point t0 = time_point{} + 1000h;

TEST(RateLimiter, AllowsABurstThenBlocks) {
  rate_limiter limiter({5, 300s, 100});
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(limiter.blocked("1.2.3.4", t0), std::nullopt) << i;
    limiter.record_failure("1.2.3.4", t0);
  }
  const auto wait = limiter.blocked("1.2.3.4", t0);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 60s);  // one more failure allowed every window / max_failures
  EXPECT_EQ(limiter.blocked("5.6.7.8", t0), std::nullopt);  // keys are independent
}

TEST(RateLimiter, SlidingAllowance) {
  rate_limiter limiter({5, 300s, 100});
  for (int i = 0; i < 5; ++i) limiter.record_failure("k", t0);
  ASSERT_TRUE(limiter.blocked("k", t0 + 59s));
  EXPECT_EQ(*limiter.blocked("k", t0 + 59s), 1s);
  EXPECT_EQ(*limiter.blocked("k", t0 + 30s + 500ms), 30s);  // rounded up
  EXPECT_EQ(limiter.blocked("k", t0 + 60s), std::nullopt);
  limiter.record_failure("k", t0 + 60s);
  EXPECT_EQ(*limiter.blocked("k", t0 + 60s), 60s);
  // Spread-out failures below the rate never block.
  rate_limiter slow({5, 300s, 100});
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(slow.blocked("k", t0 + i * 61s), std::nullopt) << i;
    slow.record_failure("k", t0 + i * 61s);
  }
}

TEST(RateLimiter, FailuresWhileBlockedDoNotExtendBeyondAWindow) {
  rate_limiter limiter({5, 300s, 100});
  for (int i = 0; i < 1000; ++i) limiter.record_failure("k", t0);
  const auto wait = limiter.blocked("k", t0);
  ASSERT_TRUE(wait);
  EXPECT_LE(*wait, 300s);
  EXPECT_EQ(limiter.blocked("k", t0 + 300s), std::nullopt);
}

TEST(RateLimiter, ResetAndDrain) {
  rate_limiter limiter({2, 60s, 100});
  limiter.record_failure("k", t0);
  limiter.record_failure("k", t0);
  ASSERT_TRUE(limiter.blocked("k", t0));
  limiter.reset("k");
  EXPECT_EQ(limiter.blocked("k", t0), std::nullopt);
  EXPECT_EQ(limiter.size(), 0u);

  limiter.record_failure("k", t0);
  EXPECT_EQ(limiter.size(), 1u);
  EXPECT_EQ(limiter.blocked("k", t0 + 30s), std::nullopt);  // drained: forgotten
  EXPECT_EQ(limiter.size(), 0u);
}

TEST(RateLimiter, BoundedKeys) {
  rate_limiter limiter({2, 60s, 3});
  limiter.record_failure("a", t0);
  limiter.record_failure("a", t0);
  limiter.record_failure("b", t0);
  limiter.record_failure("c", t0);
  limiter.record_failure("a", t0 + 1s);  // a is now the most recently failed
  limiter.record_failure("d", t0 + 1s);  // evicts b, the least recently failed
  EXPECT_EQ(limiter.size(), 3u);
  EXPECT_TRUE(limiter.blocked("a", t0 + 1s));
  limiter.record_failure("b", t0 + 1s);
  EXPECT_EQ(limiter.blocked("b", t0 + 1s), std::nullopt);  // b started over
  for (int i = 0; i < 1000; ++i) limiter.record_failure("flood" + std::to_string(i), t0 + 2s);
  EXPECT_EQ(limiter.size(), 3u);
}

TEST(RateLimiter, EvictionKeepsRecentlyFailedKeys) {
  rate_limiter limiter({2, 60s, 2});
  limiter.record_failure("old", t0);          // drained by t0 + 30s
  limiter.record_failure("busy", t0 + 20s);
  limiter.record_failure("busy", t0 + 20s);
  limiter.record_failure("new", t0 + 40s);    // room from "old", the least recently failed
  EXPECT_TRUE(limiter.blocked("busy", t0 + 40s));
}

TEST(RateLimiter, LongKeysAreCut) {
  rate_limiter limiter({1, 60s, 10});
  const std::string prefix(rate_limiter::max_key_bytes, 'x');
  limiter.record_failure(prefix + "a", t0);
  EXPECT_TRUE(limiter.blocked(prefix + "b", t0));
  EXPECT_EQ(limiter.size(), 1u);
}

TEST(RateLimiter, Disabled) {
  rate_limiter off({0, 60s, 10});
  for (int i = 0; i < 100; ++i) off.record_failure("k", t0);
  EXPECT_EQ(off.blocked("k", t0), std::nullopt);
  EXPECT_EQ(off.size(), 0u);
  rate_limiter no_window({5, 0s, 10});
  for (int i = 0; i < 100; ++i) no_window.record_failure("k", t0);
  EXPECT_EQ(no_window.blocked("k", t0), std::nullopt);
}

}  // namespace
}  // namespace easd::http
