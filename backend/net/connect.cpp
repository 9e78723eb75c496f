#include "backend/net/connect.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <variant>

namespace easd::backend::transport {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

asio::awaitable<connect_result> connect_before(asio::ip::tcp::socket& socket, const std::string& host,
                                               std::uint16_t port, std::chrono::steady_clock::time_point deadline) {
  constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
  auto ex = socket.get_executor();
  asio::ip::tcp::resolver resolver(ex);
  asio::steady_timer timer(ex, deadline);
  auto resolved = co_await (resolver.async_resolve(host, std::to_string(port),
                                                   asio::ip::tcp::resolver::numeric_service, use_tuple) ||
                            timer.async_wait(use_tuple));
  if (resolved.index() == 1) co_return connect_result::timed_out;
  auto [rec, endpoints] = std::get<0>(std::move(resolved));
  if (rec) co_return connect_result::failed;

  auto connected = co_await (asio::async_connect(socket, endpoints, use_tuple) || timer.async_wait(use_tuple));
  if (connected.index() == 1) co_return connect_result::timed_out;
  if (std::get<0>(std::get<0>(connected))) co_return connect_result::failed;
  boost::system::error_code ec;
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  co_return connect_result::connected;
}

}  // namespace easd::backend::transport
