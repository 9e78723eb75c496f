#include "eas/core/blocking_pool.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

namespace easd {
namespace {

namespace net = boost::asio;

struct observed {
  std::thread::id io_thread;
  std::thread::id work_thread;
  std::thread::id resumed_thread;
  bool resumed_in_strand = false;
  std::string value;
  std::string error;
  bool void_ran = false;
};

std::string make_value() { return std::string(100, 'x'); }

net::awaitable<void> exercise(blocking_pool& pool, observed& out) {
  auto ex = co_await net::this_coro::executor;
  out.io_thread = std::this_thread::get_id();
  std::thread::id* work = &out.work_thread;
  out.value = co_await run_blocking(pool, [work] {
    *work = std::this_thread::get_id();
    return make_value();
  });
  out.resumed_thread = std::this_thread::get_id();
  auto* strand = ex.target<net::strand<net::io_context::executor_type>>();
  out.resumed_in_strand = strand != nullptr && strand->running_in_this_thread();
  try {
    co_await run_blocking(pool, []() -> int { throw std::runtime_error("boom"); });
  } catch (const std::runtime_error& e) {
    out.error = e.what();
  }
  bool* ran = &out.void_ran;
  co_await run_blocking(pool, [ran] { *ran = true; });
}

TEST(BlockingPool, RunsOnPoolAndResumesOnTheCallersStrand) {
  net::io_context io;
  blocking_pool pool(2);
  observed out;
  net::co_spawn(net::make_strand(io), exercise(pool, out), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  io.run();
  EXPECT_EQ(out.value, std::string(100, 'x'));
  EXPECT_NE(out.work_thread, out.io_thread);
  EXPECT_EQ(out.resumed_thread, out.io_thread);
  EXPECT_TRUE(out.resumed_in_strand);
  EXPECT_EQ(out.error, "boom");
  EXPECT_TRUE(out.void_ran);
}

TEST(BlockingPool, MoveOnlyResults) {
  net::io_context io;
  blocking_pool pool(1);
  int got = 0;
  auto body = [](blocking_pool& p, int& g) -> net::awaitable<void> {
    auto ptr = co_await run_blocking(p, [] { return std::make_unique<int>(42); });
    g = *ptr;
  };
  net::co_spawn(io, body(pool, got), net::detached);
  io.run();
  EXPECT_EQ(got, 42);
}

TEST(BlockingPool, IoThreadMarkIsPerThread) {
  EXPECT_FALSE(on_io_thread());
  mark_io_thread();
  EXPECT_TRUE(on_io_thread());
  bool other = true;
  std::thread t([&other] { other = on_io_thread(); });
  t.join();
  EXPECT_FALSE(other);
  unmark_io_thread();
  EXPECT_FALSE(on_io_thread());
  assert_not_io_thread();  // off io threads: nothing happens
}

#ifdef NDEBUG
TEST(BlockingPool, ViolationIsCountedInReleaseBuilds) {
  const auto before = blocking_violations();
  mark_io_thread();
  assert_not_io_thread();
  unmark_io_thread();
  EXPECT_EQ(blocking_violations(), before + 1);
}
#else
TEST(BlockingPoolDeathTest, ViolationAbortsInDebugBuilds) {
  EXPECT_DEATH(
      {
        mark_io_thread();
        assert_not_io_thread();
      },
      "blocking call on an io thread");
}
#endif

}  // namespace
}  // namespace easd
