#include "eas/server/request_log.hpp"

#include "eas/core/log_escape.hpp"

#include <spdlog/spdlog.h>

namespace easd::server {

void log_request(const request_summary& s) {
  using std::chrono::duration_cast;
  using ms = std::chrono::milliseconds;
  auto field = [](const std::string& v) { return v.empty() ? std::string("-") : log_escape(v, 128); };
  spdlog::info(
      "request method={} cmd={} user={} device={} type={} version={} client={} http={} eas={} in={} "
      "out={} waited_ms={} ms={}",
      field(s.method), field(s.command), field(s.user), field(s.device_id), field(s.device_type), field(s.version),
      field(s.client), s.http_status, s.eas_status ? std::to_string(*s.eas_status) : std::string("-"), s.bytes_in,
      s.bytes_out, duration_cast<ms>(s.waited).count(), duration_cast<ms>(s.latency).count());
}

}  // namespace easd::server
