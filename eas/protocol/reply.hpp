// What a command handler answers: an HTTP status, an optional body and extra headers. The server turns it
// into the HTTP response; handlers never touch sockets.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace easd::protocol {

inline constexpr const char* wbxml_content_type = "application/vnd.ms-sync.wbxml";

struct reply;

// The rest of a request that only waits (a held Ping, up to an hour). A handler that has done its checks
// answers with one of these instead of waiting in its own frame; the server then releases what the
// request held — header, body, decoded document, the frames of every coroutine above the handler — and
// awaits resume() for the final reply. A held Ping then costs its connection and this object, not the
// whole request (bench/RESULTS.md "Push"). It owns everything it uses except the long-lived services.
class parked_request {
public:
  virtual ~parked_request() = default;
  virtual boost::asio::awaitable<reply> resume() = 0;
};

struct reply {
  unsigned http_status = 200;
  std::string content_type;  // empty when body is empty
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // The EAS status carried in the body (or replaced by the HTTP status), for the summary log line.
  std::optional<unsigned> eas_status;
  // Set instead of the fields above when the handler parks (see parked_request).
  std::unique_ptr<parked_request> parked;
};

}  // namespace easd::protocol
