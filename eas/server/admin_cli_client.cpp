#include "eas/server/admin_cli_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <charconv>

namespace easd::server::admin_cli {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

std::string admin_target::url() const {
  const bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<admin_target> parse_admin_url(std::string_view url, std::string* why) {
  auto fail = [&](std::string text) -> std::optional<admin_target> {
    if (why) *why = "bad --admin-url " + std::string(url) + ": " + text;
    return std::nullopt;
  };
  constexpr std::string_view scheme = "http://";
  if (url.substr(0, scheme.size()) != scheme) return fail("expected http://host:port (the admin listener has no TLS)");
  std::string_view rest = url.substr(scheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find_first_of("/?#@") != std::string_view::npos) return fail("no path, query or user name, just host:port");
  admin_target t;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return fail("unclosed [");
    t.host = rest.substr(1, close - 1);
    rest.remove_prefix(close + 1);
    if (!rest.empty() && rest.front() != ':') return fail("expected :port after ]");
    if (!rest.empty()) port = rest.substr(1);
  } else {
    const auto colon = rest.find(':');
    t.host = rest.substr(0, colon);
    if (colon != std::string_view::npos) port = rest.substr(colon + 1);
  }
  if (t.host.empty()) return fail("no host");
  t.port = 80;
  if (!port.empty() || rest.find(':') != std::string_view::npos) {
    unsigned n = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || n == 0 || n > 65535) {
      return fail("bad port");
    }
    t.port = static_cast<std::uint16_t>(n);
  }
  return t;
}

std::optional<admin_target> target_from_config(const config& cfg) {
  if (cfg.admin.listen.empty()) return std::nullopt;
  const auto& e = cfg.admin.listen.front();
  admin_target t{e.host, e.port};
  if (t.host == "0.0.0.0" || t.host.empty()) t.host = "127.0.0.1";
  if (t.host == "::") t.host = "::1";
  return t;
}

result<http_answer> send_request(const admin_target& target, const api_request& req, std::string_view token,
                                 std::string_view actor, const client_options& options) {
  net::io_context ioc(1);
  tcp::resolver resolver(ioc);
  tcp::socket socket(ioc);
  net::steady_timer deadline(ioc);
  bool timed_out = false;
  bool done = false;
  error_code failure;

  http::request<http::string_body> request;
  request.method_string(req.method);
  request.target(req.target);
  request.version(11);
  const bool v6 = target.host.find(':') != std::string::npos;
  request.set(http::field::host, (v6 ? "[" + target.host + "]" : target.host) + ":" + std::to_string(target.port));
  request.set(http::field::user_agent, "easd-cli");
  request.set(http::field::accept, "application/json");
  request.set(http::field::connection, "close");
  if (!token.empty()) request.set(http::field::authorization, "Bearer " + std::string(token));
  request.set("X-Easd-Actor", actor);
  if (!req.body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = req.body;
  }
  request.prepare_payload();

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(options.body_limit);

  // One deadline over everything; on expiry the pending operation ends with operation_aborted.
  deadline.expires_after(options.timeout);
  deadline.async_wait([&](const error_code& ec) {
    if (ec || done) return;
    timed_out = true;
    resolver.cancel();
    error_code ignored;
    socket.close(ignored);
  });
  auto finish = [&](const error_code& ec) {
    done = true;
    failure = ec;
    deadline.cancel();
  };
  resolver.async_resolve(target.host, std::to_string(target.port), [&](const error_code& ec, tcp::resolver::results_type eps) {
    if (ec) return finish(ec);
    net::async_connect(socket, eps, [&](const error_code& ec2, const tcp::endpoint&) {
      if (ec2) return finish(ec2);
      http::async_write(socket, request, [&](const error_code& ec3, std::size_t) {
        if (ec3) return finish(ec3);
        http::async_read(socket, buffer, parser, [&](const error_code& ec4, std::size_t) { finish(ec4); });
      });
    });
  });
  ioc.run();

  if (timed_out) return error_code(beast::error::timeout);
  if (failure) return failure;
  http_answer answer;
  answer.status = parser.get().result_int();
  answer.body = std::move(parser.get().body());
  return answer;
}

}  // namespace easd::server::admin_cli
