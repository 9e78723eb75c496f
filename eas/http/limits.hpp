// Size and time limits of the HTTP layer (STYLE.md 5: stricter before authentication). A plain struct
// with defaults; the configuration module maps its settings onto it and checks the bounds.
#pragma once

#include <chrono>
#include <cstddef>

namespace easd::http {

struct http_limits {
  // Request line + headers. A connection gets the larger limit only after a request on it has
  // authenticated: before that, nobody has proven they may make us buffer more.
  std::size_t header_bytes_before_auth = 8 * 1024;
  std::size_t header_bytes_after_auth = 32 * 1024;
  // Body bytes read before the Authorization header is checked. 0: the body is read only after
  // authentication, so an anonymous client cannot make us buffer a payload.
  std::size_t body_bytes_before_auth = 0;
  // Body limit for commands whose table entry names none (SendMail with attachments is the big one:
  // a 20 MB attachment is about 27 MB of base64 MIME).
  std::size_t default_body_bytes = 32 * 1024 * 1024;

  std::chrono::seconds tls_handshake_timeout{15};
  std::chrono::seconds read_timeout{30};   // per header or body read; long-poll waits are not reads
  std::chrono::seconds write_timeout{30};  // per response write
  std::chrono::seconds keep_alive_idle_timeout{120};  // between requests on one connection
  std::size_t max_connections = 100000;    // held Pings are connections: size for idle phones
};

}  // namespace easd::http
