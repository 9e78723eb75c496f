#include "eas/server/eas_endpoint.hpp"

#include "eas/core/log_escape.hpp"
#include "eas/http/basic_auth.hpp"
#include "eas/http/eas_headers.hpp"
#include "eas/http/request_target.hpp"
#include "eas/server/auth_gate.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace easd::server {

namespace net = boost::asio;

namespace {

constexpr std::string_view human_page =
    "<!DOCTYPE html><html><head><title>easd</title></head><body><h1>easd</h1>"
    "<p>This is an Exchange ActiveSync endpoint. Point your phone's mail app at this server's address; "
    "there is nothing to see in a browser.</p></body></html>";

void options(server_context& ctx, exchange& ex) {
  set_response(ex, 200);
  ex.response.set("MS-Server-ActiveSync", ctx.server_version);
  ex.response.set("MS-ASProtocolVersions", ctx.protocol_versions);
  ex.response.set("MS-ASProtocolCommands", ctx.protocol_commands);
  ex.response.set(http_wire::field::allow, "OPTIONS,POST");
  ex.response.set(http_wire::field::public_, "OPTIONS,POST");
}

bool version_enabled(const server_context& ctx, protocol_version v) {
  const auto& enabled = ctx.cfg.eas.protocol_versions;
  return std::find(enabled.begin(), enabled.end(), v) != enabled.end();
}

// The HTTP response for a command's reply.
void answer(server_context& ctx, exchange& ex, protocol::reply reply) {
  ex.summary.eas_status = reply.eas_status;
  set_response(ex, reply.http_status, std::move(reply.body), reply.content_type);
  for (auto& [name, value] : reply.headers) ex.response.set(name, value);
  ex.response.set("MS-Server-ActiveSync", ctx.server_version);
}

// A held Ping, once the session has released its request.
class parked_eas final : public parked_exchange {
public:
  parked_eas(server_context& ctx, std::unique_ptr<protocol::parked_request> request)
      : ctx_(ctx), request_(std::move(request)) {}

  net::awaitable<void> finish(exchange& ex) override {
    // The subscription and the IMAP watch lease end before the answer is written.
    auto resumed = protocol::resume_parked(std::move(request_));
    protocol::reply reply = co_await std::move(resumed);
    answer(ctx_, ex, std::move(reply));
  }

private:
  server_context& ctx_;
  std::unique_ptr<protocol::parked_request> request_;
};

net::awaitable<void> post(server_context& ctx, exchange& ex) {
  const auto who = co_await authenticate(ctx, ex);
  if (!who) co_return;

  auto target = http::parse_request_target(ex.request.target());
  if (!target) {
    spdlog::debug("bad request target client={} reason={}", ex.client_address, target.error().message());
    set_response(ex, 400);
    ex.close_after = true;
    co_return;
  }
  ex.summary.command = target->command;
  ex.summary.device_id = target->device_id;
  ex.summary.device_type = target->device_type;
  if (!target->user.empty() && !http::query_user_matches(target->user, who->user)) {
    // The authenticated login is what easd acts as; a different User in the query is only suspicious.
    spdlog::info("query user differs from login user={} query_user={}", log_escape(who->user),
                 log_escape(target->user));
  }

  auto params = http::effective_parameters(*target, http::eas_header_values_from(ex.request));
  if (!params || !version_enabled(ctx, params->version)) {
    set_response(ex, 400);
    ex.close_after = true;
    co_return;
  }
  ex.summary.version = std::string(to_string(params->version));

  const auto* cmd = ctx.dispatcher.table().find(target->command);
  if (!cmd) {
    set_response(ex, 400);
    ex.close_after = true;
    co_return;
  }

  auto body = co_await ex.read_body(std::min(cmd->body_limit, ctx.cfg.limits.body_bytes));
  if (body.status != body_status::ok) {
    set_response(ex, body.status == body_status::too_large ? 413 : 400);
    ex.close_after = true;
    co_return;
  }
  ex.summary.bytes_in = body.bytes.size();

  protocol::request_context rc;
  rc.command = target->command;
  rc.user = who->user;
  rc.password = who->password;
  rc.device_id = std::move(target->device_id);
  rc.device_type = std::move(target->device_type);
  rc.user_agent = std::string(ex.request[http_wire::field::user_agent]);
  rc.client_address = ex.client_address;
  rc.version = params->version;
  rc.policy_key = params->policy_key;
  rc.save_in_sent = target->save_in_sent;
  rc.accept_multipart = params->accept_multipart;
  rc.attachment_name = std::move(target->attachment_name);
  rc.collection_id = std::move(target->collection_id);
  rc.item_id = std::move(target->item_id);
  rc.long_id = std::move(target->long_id);
  rc.occurrence = std::move(target->occurrence);
  rc.content_type = std::string(ex.request[http_wire::field::content_type]);

  // No read is pending while a handler runs, and a held Ping may wait an hour: no deadline until the
  // response is written (write_response arms one).
  if (cmd->long_poll && ex.lift_deadline) ex.lift_deadline();
  auto reply = co_await ctx.dispatcher.dispatch_parkable(rc, body.bytes);
  if (reply.parked) {
    ex.parked = std::make_unique<parked_eas>(ctx, std::move(reply.parked));
    co_return;
  }
  answer(ctx, ex, std::move(reply));
}

}  // namespace

// Written as an if-chain with co_await only in plain statements: g++ 12 miscompiles co_await inside
// switch cases and conditions.
net::awaitable<void> serve_eas(server_context& ctx, exchange& ex) {
  const auto method = ex.request.method();
  if (method == http_wire::verb::post) {
    co_await post(ctx, ex);
  } else if (method == http_wire::verb::options) {
    ex.summary.command = "OPTIONS";
    const auto who = co_await authenticate(ctx, ex);
    if (who) options(ctx, ex);
  } else if (method == http_wire::verb::get || method == http_wire::verb::head) {
    ex.summary.command = "GET";
    set_response(ex, 200, std::string(human_page), "text/html; charset=utf-8");
  } else {
    ex.summary.command = "-";
    set_response(ex, 405);
    ex.response.set(http_wire::field::allow, "GET,OPTIONS,POST");
    ex.close_after = true;
  }
}

}  // namespace easd::server
