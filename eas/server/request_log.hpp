// The one key=value summary line per request (STYLE.md 14). Every field from a device is escaped.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace easd::server {

struct request_summary {
  std::string method;
  std::string command;  // Cmd, "OPTIONS", "Autodiscover", or the path class
  std::string user;
  std::string device_id;
  std::string device_type;
  std::string version;
  std::string client;
  unsigned http_status = 0;
  std::optional<unsigned> eas_status;
  std::size_t bytes_in = 0;
  std::size_t bytes_out = 0;
  std::chrono::steady_clock::duration waited{};  // time parked (Ping, long-poll Sync)
  std::chrono::steady_clock::duration latency{};
};

void log_request(const request_summary& s);

}  // namespace easd::server
