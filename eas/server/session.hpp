// One connection = one coroutine on its own strand (STYLE.md 3). `run_session` owns the socket; it runs
// the TLS handshake (when the listener is TLS), then serves requests with keep-alive until the peer goes
// away, a deadline passes, or shutdown asks it to close.
#pragma once

#include "eas/server/server_context.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace easd::server {

// `socket` must be bound to the connection's strand; the coroutine must be spawned on that strand.
boost::asio::awaitable<void> run_session(server_context& ctx, boost::asio::ip::tcp::socket socket);

}  // namespace easd::server
