// Runs one client coroutine to completion on a test's io_context, with a watchdog so that a hung test
// fails instead of blocking the suite.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <functional>
#include <optional>

namespace easd::test {

// Runs `task` on `ctx` (which may have other work, e.g. a fake server) and returns its value; `after`
// runs once the task is done (stop the fake server there). Fails the test after `limit`.
template <class T>
T run_coroutine(boost::asio::io_context& ctx, boost::asio::awaitable<T> task, std::function<void()> after = {},
                std::chrono::seconds limit = std::chrono::seconds(20)) {
  std::optional<T> out;
  std::exception_ptr failure;
  bool timed_out = false;
  boost::asio::steady_timer watchdog(ctx, limit);
  watchdog.async_wait([&](boost::system::error_code ec) {
    if (ec) return;
    timed_out = true;
    ctx.stop();
  });
  boost::asio::co_spawn(ctx, std::move(task), [&](std::exception_ptr e, T v) {
    failure = e;
    out = std::move(v);
    watchdog.cancel();
    if (after) after();
  });
  ctx.restart();
  ctx.run();
  EXPECT_FALSE(timed_out) << "test coroutine did not finish";
  if (failure) std::rethrow_exception(failure);
  if (out) return std::move(*out);  // not value_or: T may be move-only (a pool lease)
  return T{};
}

}  // namespace easd::test
