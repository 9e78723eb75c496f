#include "eas/core/blocking_pool.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace easd {
namespace {

thread_local bool io_thread = false;
std::atomic<std::uint64_t> violations{0};

}  // namespace

blocking_pool::blocking_pool(std::size_t threads) : threads_(threads == 0 ? 1 : threads), pool_(threads_) {}

blocking_pool::~blocking_pool() { pool_.join(); }

void blocking_pool::join() { pool_.wait(); }

void mark_io_thread() noexcept { io_thread = true; }
void unmark_io_thread() noexcept { io_thread = false; }
bool on_io_thread() noexcept { return io_thread; }

void assert_not_io_thread() noexcept {
  if (!io_thread) return;
  violations.fetch_add(1, std::memory_order_relaxed);
#ifndef NDEBUG
  std::fputs("easd: blocking call on an io thread (use run_blocking, STYLE.md 6)\n", stderr);
  std::abort();
#endif
}

std::uint64_t blocking_violations() noexcept { return violations.load(std::memory_order_relaxed); }

}  // namespace easd
