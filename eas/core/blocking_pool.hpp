// The pool for blocking work (SQLite, heavy conversion) so that io threads never block (STYLE.md 6,
// ARCHITECTURE.md §1 "concurrency").
//
// Contract:
// - run_blocking(pool, f) runs f() on a pool thread and resumes the awaiting coroutine on that coroutine's
//   own executor (its strand), never on the pool thread. f's return value is the result of the co_await;
//   an exception thrown by f is rethrown in the awaiting coroutine.
// - f is moved to the pool thread; it must own what it touches or the awaiter must keep it alive (the
//   awaiter is suspended until f returns, so references to the awaiter's locals are fine).
// - Cancelling the awaiting coroutine does not interrupt f; the coroutine resumes when f is done.
// - The pool's destructor waits for queued work; destroy it after the io_context has stopped.
// - Io threads call mark_io_thread() once when they start; every blocking call (each SQLite method)
//   begins with assert_not_io_thread(), which aborts in debug builds and counts in release builds, so
//   the mistake is caught in tests and visible (blocking_violations()) in production without a crash.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace easd {

class blocking_pool {
public:
  using executor_type = boost::asio::thread_pool::executor_type;

  // threads must be ≥ 1 (values of 0 are raised to 1).
  explicit blocking_pool(std::size_t threads);
  blocking_pool(const blocking_pool&) = delete;
  blocking_pool& operator=(const blocking_pool&) = delete;
  ~blocking_pool();

  executor_type get_executor() noexcept { return pool_.get_executor(); }
  std::size_t thread_count() const noexcept { return threads_; }

  // Waits until all queued work has finished; later posts still run (thread_pool::wait semantics).
  void join();

private:
  std::size_t threads_;
  boost::asio::thread_pool pool_;
};

// Marks the calling thread as an io thread (for the lifetime of the thread).
void mark_io_thread() noexcept;
// Clears the mark (tests; threads reused for other work).
void unmark_io_thread() noexcept;
bool on_io_thread() noexcept;
// Call at the top of every blocking operation. On an io thread: aborts when NDEBUG is not defined,
// otherwise counts the violation.
void assert_not_io_thread() noexcept;
// How many violations assert_not_io_thread() counted in this process (release builds).
std::uint64_t blocking_violations() noexcept;

namespace detail {

template <class R>
struct blocking_signature {
  using type = void(std::exception_ptr, std::optional<R>);
};
template <>
struct blocking_signature<void> {
  using type = void(std::exception_ptr);
};

struct run_blocking_initiation {
  blocking_pool* pool;

  template <class Handler, class F>
  void operator()(Handler handler, F f) const {
    // The awaiter's executor keeps counting as busy until we have posted the result back to it.
    auto home = boost::asio::prefer(boost::asio::get_associated_executor(handler),
                                    boost::asio::execution::outstanding_work.tracked);
    boost::asio::post(pool->get_executor(), [h = std::move(handler), f = std::move(f), home]() mutable {
      using R = std::invoke_result_t<F&>;
      std::exception_ptr error;
      if constexpr (std::is_void_v<R>) {
        try {
          f();
        } catch (...) {
          error = std::current_exception();
        }
        boost::asio::post(home, [h = std::move(h), error]() mutable { std::move(h)(error); });
      } else {
        std::optional<R> value;
        try {
          value.emplace(f());
        } catch (...) {
          error = std::current_exception();
        }
        boost::asio::post(home, [h = std::move(h), error, v = std::move(value)]() mutable {
          std::move(h)(error, std::move(v));
        });
      }
    });
  }
};

}  // namespace detail

template <class F>
boost::asio::awaitable<std::invoke_result_t<F&>> run_blocking(blocking_pool& pool, F f) {
  using R = std::invoke_result_t<F&>;
  using signature = typename detail::blocking_signature<R>::type;
  // Bound to a local first: g++ 12 mishandles temporaries with destructors inside co_await expressions.
  auto op = boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, signature>(
      detail::run_blocking_initiation{&pool}, boost::asio::use_awaitable, std::move(f));
  if constexpr (std::is_void_v<R>) {
    co_await std::move(op);
  } else {
    std::optional<R> value = co_await std::move(op);
    co_return std::move(*value);
  }
}

}  // namespace easd
