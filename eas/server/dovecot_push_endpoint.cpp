#include "eas/server/dovecot_push_endpoint.hpp"

#include "eas/core/log_escape.hpp"
#include "eas/server/dovecot_push.hpp"
#include "push/hub.hpp"

#include <spdlog/spdlog.h>

namespace easd::server {

dovecot_push_endpoint::dovecot_push_endpoint(push::hub& hub)
    : publish_([&hub](const push::message& m) { hub.publish(m); }) {}

std::vector<admin_route> dovecot_push_endpoint::routes() {
  std::vector<admin_route> r;
  r.push_back({.path = "/push/dovecot",
               .name = "DovecotPush",
               .methods = {http_wire::verb::put, http_wire::verb::post},
               .body_limit = dovecot_push_limits::max_body,
               .handle = [this](exchange& ex, std::string_view body) { handle_push(ex, body); }});
  r.push_back({.path = "/push/stats",
               .name = "PushStats",
               .methods = {http_wire::verb::get},
               .body_limit = 0,
               .handle = [this](exchange& ex, std::string_view body) { handle_stats(ex, body); }});
  return r;
}

void dovecot_push_endpoint::handle_push(exchange& ex, std::string_view body) {
  ++received_;
  auto n = parse_dovecot_push(body);
  if (!n) {
    ++refused_;
    spdlog::warn("dovecot push refused client={} reason={}", ex.client_address, n.error().message());
    set_response(ex, n.error() == dovecot_push_error::too_large ? 413 : 400);
    return;
  }
  const auto m = to_push_message(*n);
  ex.summary.user = m.user;
  spdlog::debug("dovecot push user={} folder={} event={}", log_escape(m.user), log_escape(m.folder),
                log_escape(n->event));
  publish_(m);
  ++published_;
  set_response(ex, 204);
}

void dovecot_push_endpoint::handle_stats(exchange& ex, std::string_view) {
  auto body = "{\"received\":" + std::to_string(received()) + ",\"published\":" + std::to_string(published()) +
              ",\"refused\":" + std::to_string(refused()) + "}";
  set_response(ex, 200, std::move(body), "application/json");
}

}  // namespace easd::server
