// Accepts connections on one endpoint and spawns a session per connection on its own strand.
//
// When the process runs out of file descriptors, accepting pauses with a growing back-off instead of
// spinning on EMFILE; the pending connections wait in the kernel's backlog.
#pragma once

#include "eas/core/config.hpp"
#include "eas/server/session.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace easd::server {

// Runs until the acceptor is closed (shutdown). The acceptor must already be listening.
boost::asio::awaitable<void> accept_loop(session_host& host, boost::asio::ip::tcp::acceptor& acceptor);

// Opens, binds and listens; throws std::system_error naming the address on failure.
boost::asio::ip::tcp::acceptor open_acceptor(boost::asio::any_io_executor ex, const listen_endpoint& where);

}  // namespace easd::server
