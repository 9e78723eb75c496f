// One simulated phone's HTTP connection for the push load generator (bench/push_load.cpp): an async,
// keep-alive HTTP/1.1 client over plain TCP or TLS on Boost.Asio coroutines.
//
// Unlike tests/support/eas_client (synchronous, one io_context per client, fine for a test), tens of
// thousands of these share a few io_contexts, so a held Ping costs the generator a parked coroutine and a
// socket. Each connection binds a given loopback source address before connecting, with
// IP_BIND_ADDRESS_NO_PORT so the kernel picks the port per 4-tuple at connect time: 127.0.0.2 … 127.0.0.N
// each give a full ephemeral port range towards one server port.
//
// Errors are values: a transport failure or timeout comes back as an error code and closes the connection
// (the next request opens a new one). HTTP error statuses are not failures. Use one connection from one
// coroutine at a time.
#pragma once

#include "tests/support/eas_client.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace easd::bench {

struct server_target {
  std::string host = "127.0.0.1";  // IPv4 literal to connect to
  std::uint16_t port = 0;
  bool tls = true;
  std::string server_name = "localhost";  // SNI, Host header and the certificate name checked
};

struct http_result {
  boost::system::error_code ec;  // transport failure or timeout; `response` is empty then
  test::eas_response response;   // the WBXML body decoded into `document` as eas_client does
};

class eas_connection {
public:
  // `tls_context` (shared by every connection, must outlive this) is used when target.tls.
  eas_connection(boost::asio::any_io_executor ex, const server_target& target,
                 boost::asio::ssl::context* tls_context, boost::asio::ip::address_v4 source);
  ~eas_connection();
  eas_connection(const eas_connection&) = delete;
  eas_connection& operator=(const eas_connection&) = delete;

  // POSTs `body` (WBXML, may be empty) to `target` (path and query) with the given Authorization and
  // MS-ASProtocolVersion headers; `timeout` bounds connect + handshake + write + read. A keep-alive
  // connection the server closed meanwhile is reopened once.
  boost::asio::awaitable<http_result> post(std::string target, std::string body, std::string authorization,
                                           std::string protocol_version, std::chrono::steady_clock::duration timeout);
  // Closes for good, on the connection's executor: a pending operation ends with operation_aborted, and
  // every later post() fails at once. (Only the socket is closed here: the stream objects may still have
  // a pending operation and are freed by the destructor.)
  void shutdown() noexcept;

  unsigned connects() const noexcept { return connects_; }

private:
  struct impl;
  std::unique_ptr<impl> impl_;
  unsigned connects_ = 0;
};

}  // namespace easd::bench
