#include "eas/server/exchange.hpp"

#include "eas/server/auth_gate.hpp"
#include "eas/server/eas_endpoint.hpp"

#include "eas/core/log_escape.hpp"
#include "eas/http/request_target.hpp"

#include <spdlog/spdlog.h>

namespace easd::server {

namespace net = boost::asio;

void set_response(exchange& ex, unsigned status, std::string body, std::string_view content_type) {
  auto& res = ex.response;
  res.result(status);
  res.version(11);
  res.set(http_wire::field::server, "easd");
  // Some devices misread an empty body typed text/html; the EAS type is harmless everywhere.
  if (!content_type.empty()) res.set(http_wire::field::content_type, content_type);
  res.set(http_wire::field::cache_control, "private");
  res.body() = std::move(body);
  res.prepare_payload();
  ex.summary.http_status = status;
}

namespace {

net::awaitable<void> autodiscover(server_context& ctx, exchange& ex) {
  ex.summary.command = "Autodiscover";
  if (ex.request.method() != http_wire::verb::post) {
    set_response(ex, 405);
    ex.response.set(http_wire::field::allow, "POST");
    co_return;
  }
  const auto who = co_await authenticate(ctx, ex);
  if (!who) co_return;
  ex.summary.user = who->user;
  // One byte over the limit lets answer_autodiscover see and refuse an oversize request itself.
  auto body = co_await ex.read_body(ctx.autodiscover.max_request_bytes + 1);
  if (body.status == body_status::failed) {
    set_response(ex, 400);
    ex.close_after = true;
    co_return;
  }
  if (body.status == body_status::too_large) {
    body.bytes.assign(ctx.autodiscover.max_request_bytes + 1, ' ');
    ex.close_after = true;
  }
  ex.summary.bytes_in = body.bytes.size();
  auto reply = answer_autodiscover(body.bytes, who->user, ctx.autodiscover);
  if (reply.outcome != autodiscover_outcome::settings) {
    spdlog::info("autodiscover refused user={} client={} reason={}", log_escape(who->user), ex.client_address,
                 reply.reason);
  }
  set_response(ex, reply.http_status, std::move(reply.body), reply.content_type);
}

}  // namespace

net::awaitable<void> route_request(server_context& ctx, exchange& ex) {
  ex.summary.method = std::string(ex.request.method_string());
  ex.summary.client = ex.client_address;
  const std::string_view target = ex.request.target();
  if (http::is_eas_path(target)) {
    co_await serve_eas(ctx, ex);
  } else if (http::is_autodiscover_path(target)) {
    co_await autodiscover(ctx, ex);
  } else {
    ex.summary.command = "-";
    set_response(ex, 404);
  }
}

}  // namespace easd::server
