#include "eas/server/listener.hpp"

#include "eas/server/session.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace easd::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

bool out_of_resources(const boost::system::error_code& ec) {
  return ec == net::error::no_descriptors || ec == std::errc::too_many_files_open_in_system ||
         ec == net::error::no_buffer_space || ec == net::error::no_memory;
}

}  // namespace

tcp::acceptor open_acceptor(net::any_io_executor ex, const listen_endpoint& where) {
  const tcp::endpoint endpoint(net::ip::make_address(where.host), where.port);
  tcp::acceptor acceptor(ex);
  try {
    acceptor.open(endpoint.protocol());
    acceptor.set_option(net::socket_base::reuse_address(true));
    if (endpoint.address().is_v6()) acceptor.set_option(net::ip::v6_only(true));
    acceptor.bind(endpoint);
    acceptor.listen(net::socket_base::max_listen_connections);
  } catch (const boost::system::system_error& e) {
    throw std::system_error(e.code(), "cannot listen on " + where.host + ":" + std::to_string(where.port));
  }
  return acceptor;
}

net::awaitable<void> accept_loop(session_host& host, tcp::acceptor& acceptor) {
  auto executor = co_await net::this_coro::executor;
  net::steady_timer backoff_timer(executor);
  std::chrono::milliseconds backoff{0};
  for (;;) {
    // The socket is bound to a fresh strand: the connection's own, for its whole life.
    auto strand = net::any_io_executor(net::make_strand(executor));
    auto [ec, socket] = co_await acceptor.async_accept(strand, net::as_tuple(net::use_awaitable));
    if (!acceptor.is_open() || ec == net::error::operation_aborted) co_return;
    if (ec) {
      if (out_of_resources(ec)) {
        backoff = std::min(std::max(backoff * 2, std::chrono::milliseconds(10)), std::chrono::milliseconds(1000));
        spdlog::warn("accept paused reason={} backoff_ms={}", ec.message(), backoff.count());
        backoff_timer.expires_after(backoff);
        co_await backoff_timer.async_wait(net::as_tuple(net::use_awaitable));
      }
      continue;
    }
    backoff = std::chrono::milliseconds(0);
    net::co_spawn(strand, run_session(host, std::move(socket)), net::detached);
  }
}

}  // namespace easd::server
