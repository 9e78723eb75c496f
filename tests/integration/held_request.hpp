// A request (Ping, long-poll Sync) sent on a connection of its own and answered later: the push tests hold
// several at once and check when, and with what, each one returns.
#pragma once

#include "tests/support/eas_client.hpp"

#include <chrono>
#include <future>
#include <stdexcept>

namespace easd::test {

struct held_request {
  std::future<eas_response> reply;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  // Waits for the answer (at most `limit`); throws when there is none.
  eas_response get(std::chrono::milliseconds limit = std::chrono::milliseconds(30000)) {
    if (reply.wait_for(limit) != std::future_status::ready) throw std::runtime_error("held request did not answer");
    return reply.get();
  }
  bool answered() const { return reply.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }
  std::chrono::milliseconds elapsed() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  }
};

}  // namespace easd::test
