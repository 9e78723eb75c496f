#include "eas/server/session.hpp"

#include "eas/core/ascii.hpp"
#include "eas/server/exchange.hpp"
#include "eas/server/lean_tls_stream.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <array>

namespace easd::server {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using request_parser = http_wire::request_parser<http_wire::string_body>;

namespace {

using easd::iequals_ascii;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
// close_notify is sent, but the peer's answer is awaited only briefly: phones often just drop the socket.
constexpr std::chrono::seconds tls_shutdown_timeout{1};
// After refusing a request whose body is still arriving (401, 413), read and drop a bounded amount of it
// so the client finishes sending and reads our answer instead of a connection reset.
constexpr std::chrono::seconds linger_timeout{2};
constexpr std::size_t linger_bytes_unauthenticated = 64 * 1024;
constexpr std::size_t linger_bytes = 4u << 20;

template <class Stream>
net::awaitable<void> discard_pending_body(Stream& stream, std::size_t max_bytes) {
  beast::get_lowest_layer(stream).expires_after(linger_timeout);
  std::array<char, 16 * 1024> scratch;
  for (std::size_t total = 0; total < max_bytes;) {
    auto [ec, n] = co_await stream.async_read_some(net::buffer(scratch), use_tuple);
    if (ec) co_return;
    total += n;
  }
}

template <class Stream>
net::awaitable<body_read> read_body_from(Stream& stream, beast::flat_buffer& buffer, request_parser& parser,
                                         std::chrono::seconds timeout, std::size_t limit) {
  body_read out;
  // Beast checks Content-Length against the limit when the header completes, so a limit chosen after
  // routing is applied here by hand; body_limit still bounds chunked bodies as they arrive.
  if (const auto length = parser.content_length(); length && *length > limit) {
    out.status = body_status::too_large;
    co_return out;
  }
  parser.body_limit(limit);
  if (!parser.is_done()) {
    beast::get_lowest_layer(stream).expires_after(timeout);
    if (iequals_ascii(parser.get()[http_wire::field::expect], "100-continue")) {
      // The client waits for this before sending the body (RFC 9110 §10.1.1); refused requests never get it,
      // so their bodies are never sent.
      http_wire::response<http_wire::empty_body> go_on{http_wire::status::continue_, 11};
      auto [wec, wn] = co_await http_wire::async_write(stream, go_on, use_tuple);
      if (wec) co_return out;
    }
    auto [ec, n] = co_await http_wire::async_read(stream, buffer, parser, use_tuple);
    if (ec) {
      out.status = ec == http_wire::error::body_limit ? body_status::too_large : body_status::failed;
      co_return out;
    }
  }
  out.status = body_status::ok;
  out.bytes = std::move(parser.get().body());
  co_return out;
}

template <class Stream>
net::awaitable<bool> write_response(Stream& stream, exchange& ex, std::chrono::seconds timeout) {
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto [ec, n] = co_await http_wire::async_write(stream, ex.response, use_tuple);
  ex.summary.bytes_out = ex.response.body().size();
  co_return !ec;
}

// A request the parser refused before routing (header too large, malformed): answer and close.
template <class Stream>
net::awaitable<void> refuse(Stream& stream, session_host& host, unsigned status, const std::string& client) {
  http_wire::request_header<> none;
  exchange ex{none, client, nullptr, nullptr, nullptr, {}, true, false, {}};
  set_response(ex, status);
  ex.response.keep_alive(false);
  ex.summary.command = "-";
  ex.summary.client = client;
  co_await write_response(stream, ex, host.limits.write_timeout);
  log_request(ex.summary);
}

std::string client_address_of(session_host& host, const tcp::endpoint& peer, const http_wire::request_header<>& req) {
  return http::client_address(peer.address(), req["X-Forwarded-For"], host.proxies).to_string();
}

// Where one request left the connection.
enum class next { more, close };

// A request whose handler parked (a held Ping), separated from everything else the request held: its
// header, parser and the frame of serve_one are gone while it waits (bench/RESULTS.md "Push").
struct held_request {
  static inline const http_wire::request_header<> no_header{};
  exchange ex{no_header, {}, nullptr, nullptr, nullptr, {}, false, false, {}};
  std::chrono::steady_clock::time_point started;
  bool keep_alive_asked = false;
};

// Writes the answer of a finished request and logs it; whether the connection goes on.
// `linger`: bytes of an unread body to drop afterwards, so the client reads the answer (0: none).
template <class Stream>
net::awaitable<next> answer(Stream& stream, session_host& host, connection_control& control, exchange& ex,
                            std::chrono::steady_clock::time_point started, bool keep_alive, bool body_pending,
                            std::size_t linger) {
  ex.response.keep_alive(keep_alive && !ex.close_after && !body_pending && !control.closing &&
                         !host.connections.shutting_down());
  const bool written = co_await write_response(stream, ex, host.limits.write_timeout);
  ex.summary.latency = std::chrono::steady_clock::now() - started;
  log_request(ex.summary);
  if (written && linger) co_await discard_pending_body(stream, linger);
  co_return written && ex.response.keep_alive() ? next::more : next::close;
}

// Reads and serves one request. A parked one comes back in `held` (answer() after it finishes).
template <class Stream>
net::awaitable<next> serve_one(Stream& stream, session_host& host, connection_control& control,
                               const tcp::endpoint& peer, beast::flat_buffer& buffer, bool first,
                               bool& authenticated_before, std::unique_ptr<held_request>& held) {
  const auto& limits = host.limits;
  request_parser parser;
  // Before a connection has carried an authenticated request, allow only small headers.
  parser.header_limit(
      static_cast<std::uint32_t>(authenticated_before ? limits.header_bytes : limits.header_bytes_unauthenticated));
  parser.body_limit(limits.body_bytes);  // the largest any command allows; routing narrows it
  // An idle keep-alive connection holds no read buffer (reading a body grows it).
  if (buffer.size() == 0) buffer.shrink_to_fit();
  control.idle = true;
  beast::get_lowest_layer(stream).expires_after(first ? limits.read_timeout : limits.idle_timeout);
  auto [ec, n] = co_await http_wire::async_read_header(stream, buffer, parser, use_tuple);
  control.idle = false;
  if (ec) {
    if (ec == http_wire::error::header_limit) {
      co_await refuse(stream, host, 431, peer.address().to_string());
      co_await discard_pending_body(stream, linger_bytes_unauthenticated);
    } else if (ec.category() == make_error_code(http_wire::error::bad_method).category() &&
               ec != http_wire::error::end_of_stream && ec != http_wire::error::partial_message) {
      // Bytes that are not HTTP: one 400, then the connection ends.
      co_await refuse(stream, host, 400, peer.address().to_string());
    }
    co_return next::close;
  }

  const auto started = std::chrono::steady_clock::now();
  bool body_consumed = false;
  auto& header = parser.get().base();
  exchange ex{header,
              client_address_of(host, peer, header),
              [&](std::size_t limit) {
                body_consumed = true;
                return read_body_from(stream, buffer, parser, limits.read_timeout, limit);
              },
              [&] {
                // The handler parks for up to an hour (Ping, a waiting Sync): release the read buffer too.
                beast::get_lowest_layer(stream).expires_never();
                buffer.shrink_to_fit();
              },
              nullptr,
              {},
              false,
              false,
              {}};
  auto routed = host.route(ex);
  co_await std::move(routed);
  authenticated_before = authenticated_before || ex.authenticated;
  const bool body_pending = !body_consumed && !parser.is_done();
  const bool body_unfinished = body_pending || (body_consumed && !parser.is_done());
  if (ex.parked) {
    // Nothing of the request is needed while it waits; a body still on the wire ends the connection.
    held = std::make_unique<held_request>();
    held->ex.parked = std::move(ex.parked);
    held->ex.close_after = ex.close_after || body_unfinished;
    held->ex.authenticated = ex.authenticated;
    held->ex.summary = std::move(ex.summary);
    held->started = started;
    held->keep_alive_asked = parser.get().keep_alive();
    co_return next::more;
  }
  const std::size_t linger =
      body_unfinished ? (authenticated_before ? linger_bytes : linger_bytes_unauthenticated) : 0;
  auto answered = answer(stream, host, control, ex, started, parser.get().keep_alive(), body_pending, linger);
  co_return co_await std::move(answered);
}

template <class Stream>
net::awaitable<void> serve_requests(Stream& stream, session_host& host, connection_control& control,
                                    tcp::endpoint peer) {
  beast::flat_buffer buffer;
  bool authenticated_before = false;
  for (bool first = true;; first = false) {
    if (control.closing) co_return;
    std::unique_ptr<held_request> held;
    auto serving = serve_one(stream, host, control, peer, buffer, first, authenticated_before, held);
    next after = co_await std::move(serving);
    if (held) {
      auto finishing = held->ex.parked->finish(held->ex);
      co_await std::move(finishing);
      held->ex.parked.reset();
      auto answered = answer(stream, host, control, held->ex, held->started, held->keep_alive_asked, false, 0);
      after = co_await std::move(answered);
    }
    if (after == next::close) co_return;
  }
}

// Plain and TLS connections are separate coroutines so that a plain one's frame, held for as long as a
// Ping is, does not carry the TLS stream.
[[gnu::noinline]] net::awaitable<void> serve_plain(session_host& host, connection_control& control,
                                                   tcp::socket socket, tcp::endpoint peer) {
  beast::tcp_stream stream(std::move(socket));
  control.lowest = &stream;
  co_await serve_requests(stream, host, control, peer);
  control.lowest = nullptr;
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

[[gnu::noinline]] net::awaitable<void> serve_tls(session_host& host, connection_control& control,
                                                 tcp::socket socket, tcp::endpoint peer) {
  auto tls = host.tls->current();  // this connection keeps the context it started with across reloads
  // Not Asio's ssl::stream: it holds ~68 KiB of buffers per connection for its whole life, and a held
  // Ping idles for up to an hour (bench/RESULTS.md, "Push").
  lean_tls_stream stream(beast::tcp_stream(std::move(socket)), *tls);
  control.lowest = &beast::get_lowest_layer(stream);
  beast::get_lowest_layer(stream).expires_after(host.limits.read_timeout);
  auto [hs_ec] = co_await stream.async_handshake(net::ssl::stream_base::server, use_tuple);
  if (hs_ec) {
    spdlog::debug("TLS handshake failed client={} reason={}", peer.address().to_string(), hs_ec.message());
    control.lowest = nullptr;
    co_return;
  }
  co_await serve_requests(stream, host, control, peer);
  if (!control.closing) {  // at server shutdown, don't wait for peers
    beast::get_lowest_layer(stream).expires_after(tls_shutdown_timeout);
    co_await stream.async_shutdown(use_tuple);
  }
  control.lowest = nullptr;
}

}  // namespace

net::awaitable<void> run_session(session_host& host, tcp::socket socket) {
  auto control = std::make_shared<connection_control>(socket.get_executor());
  auto registration = host.connections.admit(control);
  if (!registration) {
    boost::system::error_code ignored;
    socket.close(ignored);  // over the connection limit or shutting down
    co_return;
  }
  boost::system::error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  if (ec) co_return;

  try {
    if (host.tls) {
      auto serving = serve_tls(host, *control, std::move(socket), peer);
      co_await std::move(serving);
    } else {
      auto serving = serve_plain(host, *control, std::move(socket), peer);
      co_await std::move(serving);
    }
  } catch (const std::exception& e) {
    // A bug, not input: the connection ends, the process and every other connection go on.
    control->lowest = nullptr;
    spdlog::error("connection failed client={} error={}", peer.address().to_string(), e.what());
  }
}

}  // namespace easd::server
