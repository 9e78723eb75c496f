// The hub across threads: publishers on one io_context's thread, waiters parked on another's (the way bus
// callbacks and request strands meet in the server).
#include "push/hub.hpp"

#include "push/local_bus.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace net = boost::asio;
namespace push = easd::push;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

push::message content(std::string user, std::string folder) {
  push::message m;
  m.user = std::move(user);
  m.folder = std::move(folder);
  return m;
}

// An io_context with its own threads, kept running until destroyed.
struct running_context {
  explicit running_context(int threads) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { ctx.run(); });
  }
  ~running_context() {
    work.reset();
    for (auto& t : threads_) t.join();
  }
  net::io_context ctx;
  net::executor_work_guard<net::io_context::executor_type> work = net::make_work_guard(ctx);

private:
  std::vector<std::thread> threads_;
};

TEST(HubThreads, PublishFromAnotherThreadWakesAParkedWaiter) {
  auto bus = push::make_local_bus();
  push::hub hub(*bus);
  running_context publisher(1);
  net::io_context waiter_ctx;
  for (int round = 0; round < 300; ++round) {
    auto s = hub.subscribe("alice", "dev1", waiter_ctx.get_executor());
    std::optional<push::wake> out;
    net::co_spawn(waiter_ctx, s.wait(clock_type::now() + 20s), [&out](std::exception_ptr e, push::wake w) {
      if (e) std::rethrow_exception(e);
      out = std::move(w);
    });
    // Even rounds publish at once (racing the park), odd rounds once the waiter has parked.
    const bool after_park = round % 2 == 1;
    net::post(publisher.ctx, [&hub, after_park, round] {
      while (after_park && hub.waiting() == 0) std::this_thread::yield();
      hub.publish(content("alice", "mail:" + std::to_string(round)));
    });
    const auto start = clock_type::now();
    waiter_ctx.restart();
    waiter_ctx.run();
    ASSERT_LT(clock_type::now() - start, 5s) << round;
    ASSERT_TRUE(out) << round;
    ASSERT_EQ(out->reason, push::wake_reason::changed) << round;
    ASSERT_EQ(out->folders, (std::set<std::string>{"mail:" + std::to_string(round)})) << round;
  }
}

net::awaitable<void> wait_for_changes(push::subscription s, int expected, std::atomic<int>& seen,
                                      std::atomic<int>& done) {
  for (;;) {
    const auto w = co_await s.wait(clock_type::now() + 20s);
    if (w.reason != push::wake_reason::changed) break;
    seen += static_cast<int>(w.folders.size());
    if (w.folders.contains("mail:" + std::to_string(expected - 1))) break;
  }
  ++done;
}

TEST(HubThreads, ManyStrandsManyPublishers) {
  constexpr int users = 8;
  constexpr int per_user = 4;
  constexpr int messages = 200;
  auto bus = push::make_local_bus();
  push::hub hub(*bus);
  std::atomic<int> seen{0};
  std::atomic<int> done{0};
  {
    running_context waiters(2);
    for (int u = 0; u < users; ++u) {
      for (int d = 0; d < per_user; ++d) {
        auto strand = net::make_strand(waiters.ctx);
        auto s = hub.subscribe("user" + std::to_string(u), "dev" + std::to_string(d), strand);
        net::co_spawn(strand, wait_for_changes(std::move(s), messages, seen, done), net::detached);
      }
    }
    {
      running_context publishers(2);
      for (int u = 0; u < users; ++u) {
        net::post(publishers.ctx, [&hub, u] {
          for (int i = 0; i < messages; ++i) hub.publish(content("user" + std::to_string(u), "mail:" + std::to_string(i)));
        });
      }
    }
    const auto give_up = clock_type::now() + 10s;
    while (done < users * per_user && clock_type::now() < give_up) std::this_thread::sleep_for(1ms);
    EXPECT_EQ(done.load(), users * per_user);
    EXPECT_GE(seen.load(), users * per_user);  // conflation: at least one folder each, at most all
    EXPECT_LE(seen.load(), users * per_user * messages);
  }
}

TEST(HubThreads, ShutdownFromAnotherThreadWakesEveryStrand) {
  auto bus = push::make_local_bus();
  push::hub hub(*bus);
  std::atomic<int> seen{0};
  std::atomic<int> done{0};
  running_context waiters(2);
  constexpr int n = 50;
  for (int i = 0; i < n; ++i) {
    auto strand = net::make_strand(waiters.ctx);
    auto s = hub.subscribe("user" + std::to_string(i % 5), "dev" + std::to_string(i), strand);
    net::co_spawn(strand, wait_for_changes(std::move(s), 1, seen, done), net::detached);
  }
  const auto give_up = clock_type::now() + 10s;
  while (hub.waiting() < n && clock_type::now() < give_up) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(hub.waiting(), std::size_t{n});
  std::thread([&hub] { hub.shutdown(); }).join();
  while (done < n && clock_type::now() < give_up) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(done.load(), n);
  EXPECT_EQ(seen.load(), 0);
}

}  // namespace
