// Resolves host:port and connects a TCP socket before `deadline`, with Nagle off (the wire clients send a
// command and wait for its answer, so Nagle would only add delay).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace easd::backend::transport {

enum class connect_result { connected, timed_out, failed };

boost::asio::awaitable<connect_result> connect_before(boost::asio::ip::tcp::socket& socket, const std::string& host,
                                                      std::uint16_t port,
                                                      std::chrono::steady_clock::time_point deadline);

}  // namespace easd::backend::transport
