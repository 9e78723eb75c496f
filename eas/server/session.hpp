// One connection = one coroutine on its own strand (STYLE.md 3). `run_session` owns the socket; it runs
// the TLS handshake (when the listener is TLS), then serves requests with keep-alive until the peer goes
// away, a deadline passes, or shutdown asks it to close.
#pragma once

#include "eas/server/exchange.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>

namespace easd::server {

// What a session needs from its listener, so the public EAS listener and the admin listener share one
// HTTP/TLS connection loop and differ only in routing. Must outlive every session started with it.
struct session_host {
  const limits_config& limits;
  const http::trusted_proxies& proxies;  // who may set X-Forwarded-For
  connection_registry& connections;
  tls_context* tls = nullptr;  // null: plain HTTP
  // Fills `ex.response`; runs on the connection's strand.
  std::function<boost::asio::awaitable<void>(exchange& ex)> route;
};

// `socket` must be bound to the connection's strand; the coroutine must be spawned on that strand.
boost::asio::awaitable<void> run_session(session_host& host, boost::asio::ip::tcp::socket socket);

}  // namespace easd::server
