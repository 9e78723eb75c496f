// The simulated phones of the push load generator and the threads they run on: a few io_contexts (one
// thread each), devices spread over them round-robin, each device on its own loopback source address
// block (127.0.0.2, 127.0.0.3, … — `devices_per_address` devices per address) and on one of the servers.
//
// Devices are added from the main thread; they start at once. stop() closes every connection on its own
// thread (a held Ping ends there), waits for every device coroutine to finish and joins the threads.
#pragma once

#include "bench/push_device.hpp"
#include "bench/push_http.hpp"

#include <boost/asio/ip/address_v4.hpp>

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace easd::bench {

struct fleet_options {
  std::vector<server_target> servers;   // device added with server index i connects to servers[i]
  std::vector<std::string> ca_files;    // the servers' CAs for TLS; none: no certificate check
  unsigned threads = 1;
  unsigned devices_per_address = 1000;
};

// The source address of the n-th device (0-based): 127.0.0.2 + n / per_address.
boost::asio::ip::address_v4 source_address(std::size_t n, unsigned per_address);

class fleet {
public:
  explicit fleet(fleet_options options);
  ~fleet();
  fleet(const fleet&) = delete;
  fleet& operator=(const fleet&) = delete;

  // Creates a device and starts it. `watch_answer` (may be empty) is called on the device's thread with
  // each Ping answer. Main thread only, not after stop().
  sim_device& add(device_params params, std::size_t server_index,
                  std::function<void(unsigned, std::chrono::steady_clock::time_point)> watch_answer = {});
  void stop();

  load_counters counters;
  std::size_t size() const noexcept { return added_; }
  std::size_t source_addresses() const noexcept;

private:
  struct shard;
  fleet_options options_;
  std::atomic<bool> stop_{false};
  bool stopped_ = false;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::vector<std::unique_ptr<shard>> shards_;
  std::size_t added_ = 0;
};

}  // namespace easd::bench
