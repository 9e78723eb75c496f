#include "push/local_bus.hpp"

#include "tests/backend/imap/run_coroutine.hpp"

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;
using easd::push::message;
using clock_type = std::chrono::steady_clock;

struct LocalBus : ::testing::Test {
  clock_type::time_point now = clock_type::time_point{} + 1000h;
  std::unique_ptr<easd::push::bus> bus = easd::push::make_local_bus([this] { return now; });
  net::io_context ctx;

  std::optional<std::string> get(std::string key) {
    return easd::test::run_coroutine(ctx, bus->get(std::move(key)));
  }
  void put(std::string key, std::string value, std::chrono::seconds ttl) {
    easd::test::run_coroutine(ctx, put_task(std::move(key), std::move(value), ttl));
  }
  std::uint64_t increment(std::string key, std::chrono::seconds ttl) {
    return easd::test::run_coroutine(ctx, bus->increment(std::move(key), ttl));
  }

private:
  net::awaitable<int> put_task(std::string key, std::string value, std::chrono::seconds ttl) {
    auto op = bus->put(std::move(key), std::move(value), ttl);
    co_await std::move(op);
    co_return 0;
  }
};

TEST_F(LocalBus, PutGetUntilTheTtlPasses) {
  EXPECT_FALSE(get("k"));
  put("k", "v1", 10s);
  EXPECT_EQ(get("k"), "v1");
  put("k", "v2", 10s);
  now += 9s;
  EXPECT_EQ(get("k"), "v2");
  now += 1s;
  EXPECT_FALSE(get("k"));
}

TEST_F(LocalBus, IncrementStartsAtOneAndRefreshesItsTtl) {
  EXPECT_EQ(increment("g", 10s), 1u);
  EXPECT_EQ(increment("g", 10s), 2u);
  now += 9s;
  EXPECT_EQ(increment("g", 10s), 3u);
  now += 9s;
  EXPECT_EQ(increment("g", 10s), 4u);
  EXPECT_EQ(increment("other", 10s), 1u);
  now += 10s;
  EXPECT_EQ(increment("g", 10s), 1u);
}

TEST_F(LocalBus, IncrementOfAForeignValueRestarts) {
  put("g", "not a number", 10s);
  EXPECT_EQ(increment("g", 10s), 1u);
}

TEST_F(LocalBus, StoreIsBounded) {
  constexpr int n = 100'000 + 10;
  for (int i = 0; i < n; ++i) put("k" + std::to_string(i), "v", 3600s);
  int kept = 0;
  for (int i = 0; i < n; ++i) kept += get("k" + std::to_string(i)) ? 1 : 0;
  EXPECT_LE(kept, 100'000);
  EXPECT_EQ(get("k" + std::to_string(n - 1)), "v");  // the newest entry always lands
}

TEST_F(LocalBus, ExpiredEntriesAreSweptBeforeLiveOnesAreDropped) {
  constexpr int n = 100'000;
  for (int i = 0; i < n - 1; ++i) put("old" + std::to_string(i), "v", 1s);
  put("live", "v", 3600s);
  now += 2s;
  for (int i = 0; i < 10; ++i) put("new" + std::to_string(i), "v", 3600s);
  EXPECT_EQ(get("live"), "v");
}

TEST_F(LocalBus, PublishDeliversSynchronouslyUntilStopped) {
  std::vector<std::string> got;
  bool resynced = false;
  bus->start({.deliver = [&](const message& m) { got.push_back(m.user); },
              .resync = [&] { resynced = true; },
              .resync_user = {}});
  message m;
  m.user = "alice";
  bus->publish(m);
  EXPECT_EQ(got, std::vector<std::string>{"alice"});
  bus->interest("alice", true);  // no effect, no crash
  bus->stop();
  bus->publish(m);
  EXPECT_EQ(got.size(), 1u);
  EXPECT_FALSE(resynced);
}

}  // namespace
