// Runs a coroutine of the code under test to completion, synchronously, in a test.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <utility>

namespace easd::protocol::test {

// Runs `a` on a fresh io_context of its own and returns its result.
template <class T>
T run_io(boost::asio::awaitable<T> a) {
  boost::asio::io_context ioc;
  auto fut = boost::asio::co_spawn(ioc, std::move(a), boost::asio::use_future);
  ioc.run();
  return fut.get();
}

}  // namespace easd::protocol::test
