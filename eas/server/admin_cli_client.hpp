// The admin CLI's HTTP side: where the daemon's admin listener is (from the configuration or --admin-url)
// and one request to it. Blocking, for a command-line tool: its own io_context, one connection per
// request, one deadline over resolve, connect, write and read, and a bounded answer.
#pragma once

#include "eas/core/config.hpp"
#include "eas/core/result.hpp"
#include "eas/server/admin_cli_request.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace easd::server::admin_cli {

struct admin_target {
  std::string host;  // a name or literal address, IPv6 without brackets
  std::uint16_t port = 0;
  std::string url() const;  // "http://127.0.0.1:8081", "http://[::1]:8081"
  friend bool operator==(const admin_target&, const admin_target&) = default;
};

// "http://host[:port][/]" (port 80 when absent). Plain HTTP only: the admin listener has no TLS.
std::optional<admin_target> parse_admin_url(std::string_view url, std::string* why);

// The first [admin] listen address; a wildcard (0.0.0.0, ::) means this host's loopback. nullopt when the
// configuration has no admin listener.
std::optional<admin_target> target_from_config(const config& cfg);

struct http_answer {
  unsigned status = 0;
  std::string body;
};

struct client_options {
  std::chrono::milliseconds timeout{10'000};
  std::size_t body_limit = 16u << 20;
};

// Sends `req` with `Authorization: Bearer token` (none when empty) and `X-Easd-Actor: actor`. Errors:
// resolve/connect/read failures (asio/beast codes), beast::error::timeout after the deadline,
// http::error::body_limit for an answer over the limit, other http::error codes for a malformed answer.
result<http_answer> send_request(const admin_target& target, const api_request& req, std::string_view token,
                                 std::string_view actor, const client_options& options = {});

}  // namespace easd::server::admin_cli
