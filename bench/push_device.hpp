// One simulated phone of the push load generator: FolderSync, the initial Sync of the Inbox (key 0, then
// the key it got), then Ping in a loop until told to stop — what a phone does all day. A Ping answered
// with Status 2 is followed by a Sync of the changed folders (the phone fetches the new mail) and a new
// Ping; Status 7 sends it back to FolderSync; Status 5 adopts the heartbeat the server allows.
//
// The device model (hierarchy, sync keys, items) is tests/support's eas_device, used only for building
// requests and applying responses; the transport is the async eas_connection. Progress is published in
// atomics so the generator's main thread can watch thousands of devices without locks.
#pragma once

#include "bench/push_http.hpp"
#include "tests/support/eas_device.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace easd::bench {

// Counters over all devices (any thread).
struct load_counters {
  std::atomic<unsigned> started{0};
  std::atomic<unsigned> synced{0};          // finished FolderSync + initial Sync at least once
  std::atomic<unsigned> pings_in_flight{0}; // Ping requests sent and not yet answered
  std::atomic<unsigned long> requests{0};
  std::atomic<unsigned long> connects{0};
  std::atomic<unsigned long> transport_errors{0};
  std::atomic<unsigned long> http_errors{0};   // HTTP status other than 200
  std::atomic<unsigned long> eas_errors{0};    // 200 with a status the device cannot go on with
  std::array<std::atomic<unsigned long>, 10> ping_status{};  // answers by Ping Status 0..9 (0: other)
};

struct device_params {
  std::string user, password;
  std::string device_id, device_type = "PushLoad";
  std::string protocol_version = "14.1";
  unsigned heartbeat = 600;       // seconds, sent in every Ping
  bool empty_pings = false;       // after the first full Ping, send empty ones (the server reuses parameters)
  std::chrono::seconds backoff{5};  // after an error, before trying again (with jitter)
};

// What the latency probe needs from one device: when its current Ping went out, and each answer.
struct ping_watch {
  std::atomic<std::int64_t> in_flight_since{0};  // steady_clock ns of the Ping now held; 0 when none
  std::function<void(unsigned status, std::chrono::steady_clock::time_point at)> on_answer;  // io thread
};

// The shared dummy client eas_device needs for its version checks; it never connects.
test::eas_client& model_client(const std::string& protocol_version);

class sim_device {
public:
  sim_device(boost::asio::any_io_executor ex, device_params params, std::unique_ptr<eas_connection> connection,
             load_counters& counters, const std::atomic<bool>& stop);
  ~sim_device();

  // Runs until `stop` is set (checked between requests). A held Ping or a back-off pause ends when close()
  // runs on the device's executor.
  boost::asio::awaitable<void> run();
  void close() noexcept;

  ping_watch watch;
  const device_params& params() const noexcept { return params_; }

private:
  boost::asio::awaitable<test::eas_response> send(const char* cmd, const wbxml::element* request,
                                                  std::chrono::steady_clock::duration timeout, bool& ok);
  boost::asio::awaitable<bool> folder_sync();
  boost::asio::awaitable<bool> sync_folder(const std::string& server_id);
  boost::asio::awaitable<bool> ping(bool& hierarchy_stale);
  boost::asio::awaitable<void> pause();

  device_params params_;
  std::unique_ptr<eas_connection> connection_;
  load_counters& counters_;
  const std::atomic<bool>& stop_;
  test::eas_device model_;
  std::unique_ptr<boost::asio::steady_timer> pause_timer_;
  std::string authorization_, query_suffix_;
  std::string inbox_;
  bool synced_ = false;          // the initial Sync of the Inbox is done
  bool full_ping_sent_ = false;  // the server has this device's Ping parameters
  unsigned failures_ = 0;        // consecutive, for the back-off
};

}  // namespace easd::bench
