#include "bench/push_http.hpp"

#include "eas/core/ascii.hpp"
#include "eas/wbxml/codec.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <optional>

namespace easd::bench {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
// Sync responses of the generator's small mailboxes are a few KiB; anything near this is a bug.
constexpr std::size_t max_body = 4u << 20;

using response_parser = http::response_parser<http::string_body>;

test::eas_response to_response(http::response<http::string_body>&& res) {
  test::eas_response out;
  out.status = res.result_int();
  // Only the headers the generator reads; copying all of them for every Ping would be measured too.
  if (auto it = res.find(http::field::content_type); it != res.end())
    out.headers.emplace("Content-Type", std::string(it->value()));
  if (auto it = res.find(http::field::retry_after); it != res.end())
    out.headers.emplace("Retry-After", std::string(it->value()));
  out.body = std::move(res.body());
  const std::string type = out.header("Content-Type");
  if (!out.body.empty() && istarts_with_ascii(type, "application/vnd.ms-sync") &&
      !istarts_with_ascii(type, "application/vnd.ms-sync.multipart")) {
    auto doc = wbxml::decode(std::string_view(out.body));
    if (doc) out.document = std::move(*doc);
    else out.decode_error = doc.error();
  }
  return out;
}

}  // namespace

struct eas_connection::impl {
  impl(net::any_io_executor e, const server_target& t, ssl::context* c, net::ip::address_v4 s)
      : ex(std::move(e)), target(t), ctx(c), source(s) {}

  net::any_io_executor ex;
  server_target target;
  ssl::context* ctx;
  net::ip::address_v4 source;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  bool used = false;  // the open connection carried a request already
  bool shut = false;  // shutdown() ran

  bool is_open() const {
    return (plain && plain->socket().is_open()) || (tls && beast::get_lowest_layer(*tls).socket().is_open());
  }
  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

  void close_socket() noexcept {
    error_code ignored;
    if (tls) beast::get_lowest_layer(*tls).socket().close(ignored);
    if (plain) plain->socket().close(ignored);
  }
  // Only with no operation pending.
  void close() noexcept {
    close_socket();
    tls.reset();
    plain.reset();
    buffer.clear();
    buffer.shrink_to_fit();
    used = false;
  }

  net::awaitable<error_code> connect(std::chrono::steady_clock::time_point deadline) {
    close();
    error_code ec;
    const auto address = net::ip::make_address_v4(target.host, ec);
    if (ec) co_return ec;
    tcp::socket socket(ex);
    socket.open(tcp::v4(), ec);
    if (ec) co_return ec;
    // Bind the address only; the port is chosen at connect time per (source, destination) pair.
    int one = 1;
    ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    socket.bind(tcp::endpoint(source, 0), ec);
    if (ec) co_return ec;
    auto stream = std::make_unique<beast::tcp_stream>(std::move(socket));
    stream->expires_at(deadline);
    const tcp::endpoint peer(address, target.port);
    auto [cec] = co_await stream->async_connect(peer, use_tuple);
    if (cec) co_return cec;
    if (shut) co_return net::error::operation_aborted;
    stream->socket().set_option(tcp::no_delay(true), ec);
    if (!target.tls) {
      plain = std::move(stream);
      co_return error_code{};
    }
    tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(*stream), *ctx);
    SSL_set_tlsext_host_name(tls->native_handle(), target.server_name.c_str());
    tls->set_verify_callback(ssl::host_name_verification(target.server_name));
    beast::get_lowest_layer(*tls).expires_at(deadline);
    auto [hec] = co_await tls->async_handshake(ssl::stream_base::client, use_tuple);
    if (hec) close();
    if (!hec && shut) {
      close();
      co_return net::error::operation_aborted;
    }
    co_return hec;
  }

  template <class Stream>
  net::awaitable<error_code> exchange(Stream& s, http::request<http::string_body>& req,
                                      std::optional<response_parser>& parser,
                                      std::chrono::steady_clock::time_point deadline) {
    lowest().expires_at(deadline);
    auto [wec, written] = co_await http::async_write(s, req, use_tuple);
    (void)written;
    if (wec) co_return wec;
    for (;;) {
      parser.emplace();
      parser->body_limit(max_body);
      parser->header_limit(64 * 1024);
      lowest().expires_at(deadline);
      auto [rec, read] = co_await http::async_read(s, buffer, *parser, use_tuple);
      (void)read;
      if (rec) co_return rec;
      const unsigned status = parser->get().result_int();
      if (status >= 200 || status == 101) break;  // skip interim 1xx answers
    }
    lowest().expires_never();
    co_return error_code{};
  }
};

eas_connection::eas_connection(net::any_io_executor ex, const server_target& target, ssl::context* tls_context,
                               net::ip::address_v4 source)
    : impl_(std::make_unique<impl>(std::move(ex), target, tls_context, source)) {}

eas_connection::~eas_connection() {
  if (impl_) impl_->close();
}

void eas_connection::shutdown() noexcept {
  impl_->shut = true;
  impl_->close_socket();
}

net::awaitable<http_result> eas_connection::post(std::string target, std::string body, std::string authorization,
                                                 std::string protocol_version,
                                                 std::chrono::steady_clock::duration timeout) {
  auto& d = *impl_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  http::request<http::string_body> req{http::verb::post, target, 11};
  req.set(http::field::host, d.target.server_name + ":" + std::to_string(d.target.port));
  req.set(http::field::authorization, authorization);
  req.set(http::field::user_agent, "easd-push-load/1");
  req.set("MS-ASProtocolVersion", protocol_version);
  if (!body.empty()) req.set(http::field::content_type, "application/vnd.ms-sync.wbxml");
  req.body() = std::move(body);
  req.prepare_payload();

  http_result out;
  for (int attempt = 0;; ++attempt) {
    if (d.shut) {
      out.ec = net::error::operation_aborted;
      co_return out;
    }
    if (!d.is_open()) {
      ++connects_;
      error_code cec = co_await d.connect(deadline);
      if (cec) {
        d.close();
        out.ec = cec;
        co_return out;
      }
    }
    const bool reused = d.used;
    d.used = true;
    std::optional<response_parser> parser;
    error_code ec;
    if (d.tls) ec = co_await d.exchange(*d.tls, req, parser, deadline);
    else ec = co_await d.exchange(*d.plain, req, parser, deadline);
    if (ec) {
      const bool nothing_read = !parser || !parser->got_some();
      d.close();
      if (reused && nothing_read && attempt == 0 && test::stale_connection_error(ec)) continue;
      out.ec = ec;
      co_return out;
    }
    auto res = parser->release();
    const bool keep = res.keep_alive();
    out.response = to_response(std::move(res));
    if (!keep) d.close();
    co_return out;
  }
}

}  // namespace easd::bench
