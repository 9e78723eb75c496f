#include "backend/smtp/connection.hpp"

#include "backend/net/connect.hpp"
#include "backend/smtp/error.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <openssl/ssl.h>

#include <string>
#include <utility>
#include <variant>

namespace easd::backend::smtp {

namespace net = boost::asio;
using namespace net::experimental::awaitable_operators;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

bool is_ip_literal(const std::string& name) {
  error_code ec;
  (void)net::ip::make_address(name, ec);
  return !ec;
}

}  // namespace

connection::connection(net::any_io_executor ex, net::ssl::context& tls, options opts)
    : opts_(std::move(opts)), stream_(std::move(ex), tls), rbuf_(4096) {}

connection::~connection() { close(); }

void connection::close() noexcept {
  broken_ = true;
  error_code ec;
  stream_.next_layer().close(ec);
}

// A read or write failed or timed out: the stream is in an unknown state, nothing more may be sent.
error_code connection::lost(error_code ec) {
  close();
  return ec;
}

net::awaitable<result<reply>> connection::open(clock::time_point deadline) {
  const auto connected = co_await transport::connect_before(stream_.next_layer(), opts_.host, opts_.port, deadline);
  if (connected == transport::connect_result::timed_out) co_return lost(error::timeout);
  if (connected == transport::connect_result::failed) co_return lost(error::connect_failed);

  if (opts_.sec == security::tls) {
    auto h = co_await handshake(deadline);
    if (!h) co_return h.error();
  }
  co_return co_await read_reply(deadline);
}

net::awaitable<result<void>> connection::write(std::string_view bytes, clock::time_point deadline) {
  if (broken_) co_return error::connection_lost;
  net::steady_timer timer(stream_.get_executor(), deadline);
  auto buf = net::buffer(bytes.data(), bytes.size());
  auto op = tls_ ? net::async_write(stream_, buf, use_tuple) : net::async_write(stream_.next_layer(), buf, use_tuple);
  auto r = co_await (std::move(op) || timer.async_wait(use_tuple));
  if (r.index() == 1) co_return lost(error::timeout);
  if (std::get<0>(std::get<0>(r))) co_return lost(error::connection_lost);
  co_return result<void>{};
}

net::awaitable<result<reply>> connection::read_reply(clock::time_point deadline) {
  if (broken_) co_return error::connection_lost;
  for (;;) {
    if (rbegin_ < rend_) {
      auto used = parser_.feed(std::string_view(rbuf_.data() + rbegin_, rend_ - rbegin_));
      if (!used) co_return lost(used.error());
      rbegin_ += *used;
      if (parser_.ready()) co_return parser_.take();
    }
    rbegin_ = rend_ = 0;
    net::steady_timer timer(stream_.get_executor(), deadline);
    auto buf = net::buffer(rbuf_);
    auto op = tls_ ? stream_.async_read_some(buf, use_tuple) : stream_.next_layer().async_read_some(buf, use_tuple);
    auto r = co_await (std::move(op) || timer.async_wait(use_tuple));
    if (r.index() == 1) co_return lost(error::timeout);
    auto [ec, n] = std::get<0>(r);
    if (ec) co_return lost(error::connection_lost);
    rend_ = n;
  }
}

net::awaitable<result<reply>> connection::command(std::string_view line, clock::time_point deadline) {
  auto w = co_await write(line, deadline);
  if (!w) co_return w.error();
  co_return co_await read_reply(deadline);
}

net::awaitable<result<void>> connection::start_tls(clock::time_point deadline) {
  if (broken_) co_return error::connection_lost;
  if (tls_) co_return lost(error::protocol_error);
  if (rbegin_ != rend_ || !parser_.idle()) co_return lost(error::protocol_error);
  co_return co_await handshake(deadline);
}

net::awaitable<result<void>> connection::handshake(clock::time_point deadline) {
  const std::string& name = opts_.sni.empty() ? opts_.host : opts_.sni;
  // RFC 6066 §3: SNI carries host names only, never address literals.
  if (!is_ip_literal(name) && SSL_set_tlsext_host_name(stream_.native_handle(), name.c_str()) != 1) {
    co_return lost(error::tls_failed);
  }
  error_code ec;
  if (opts_.verify_certificate) {
    stream_.set_verify_mode(net::ssl::verify_peer, ec);
    if (!ec) stream_.set_verify_callback(net::ssl::host_name_verification(name), ec);
  } else {
    stream_.set_verify_mode(net::ssl::verify_none, ec);
  }
  if (ec) co_return lost(error::tls_failed);

  net::steady_timer timer(stream_.get_executor(), deadline);
  auto r = co_await (stream_.async_handshake(net::ssl::stream_base::client, use_tuple) || timer.async_wait(use_tuple));
  if (r.index() == 1) co_return lost(error::timeout);
  if (std::get<0>(std::get<0>(r))) co_return lost(error::tls_failed);
  tls_ = true;
  co_return result<void>{};
}

}  // namespace easd::backend::smtp
