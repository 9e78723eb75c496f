// One HTTP request/response exchange as the routing code sees it, independent of the transport
// (TLS or plain): the parsed header, a way to read the body with a limit, and the response being built.
#pragma once

#include "eas/server/request_log.hpp"
#include "eas/server/server_context.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <functional>
#include <memory>
#include <string>

namespace easd::server {

namespace http_wire = boost::beast::http;

enum class body_status { ok, too_large, failed };

struct body_read {
  body_status status = body_status::failed;
  std::string bytes;
};

struct exchange;

// A request whose handler parked (a held Ping): the session releases the request, then awaits finish(),
// which fills the exchange's response. See protocol::parked_request.
class parked_exchange {
public:
  virtual ~parked_exchange() = default;
  virtual boost::asio::awaitable<void> finish(exchange& ex) = 0;
};

struct exchange {
  const http_wire::request_header<>& request;
  std::string client_address;
  // Reads the whole body, refusing more than `limit` bytes. Call at most once, after authentication.
  std::function<boost::asio::awaitable<body_read>(std::size_t limit)> read_body;
  // Lifts the connection's read/write deadline before a long-poll handler parks (Ping, waiting Sync hold
  // for up to an hour; STYLE.md "pitfalls"); writing the response arms a fresh write deadline.
  std::function<void()> lift_deadline;

  // Set by the route instead of a response when the handler parked; `request` and the two functions
  // above must not be used once the session starts finishing it.
  std::unique_ptr<parked_exchange> parked;

  http_wire::response<http_wire::string_body> response;
  bool close_after = false;  // e.g. an unread body is still on the wire
  bool authenticated = false;
  request_summary summary;
};

// Fills `ex.response` for any request of the public listener.
boost::asio::awaitable<void> route_request(server_context& ctx, exchange& ex);

// Sets status, standard headers and an empty or given body.
void set_response(exchange& ex, unsigned status, std::string body = {}, std::string_view content_type = {});

}  // namespace easd::server
