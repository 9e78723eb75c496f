// SendMail ([MS-ASCMD] 2.2.1.17). 12.1: the body is the message itself (message/rfc822) and SaveInSent
// is a query parameter; 14.0+: ComposeMail:SendMail with ClientId, SaveInSentItems and Mime (OPAQUE).
// AccountId (14.1+) would pick a send-as account from Settings UserInformation, which lists only the
// user's own; it is accepted and ignored, as is rm:TemplateID (easd has no IRM).
#include "eas/core/ascii.hpp"
#include "eas/core/log_escape.hpp"
#include "eas/protocol/commands/send.hpp"
#include "eas/protocol/dispatcher.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace easd::protocol {

reply send_reply(const command_info& cmd, const request_context& ctx, const send_outcome& outcome) {
  if (outcome.ok) {
    spdlog::info("{}: {} user={} device={}", cmd.name, outcome.detail, log_escape(ctx.user), log_escape(ctx.device_id));
    reply r;
    r.eas_status = 1;
    return r;
  }
  spdlog::info("{}: refused status={} ({}) user={} device={} why={}", cmd.name, static_cast<unsigned>(outcome.status),
               name(outcome.status), log_escape(ctx.user), log_escape(ctx.device_id), outcome.detail);
  reply r = status_reply(cmd, outcome.status, ctx.version);
  // A throttled or unavailable send: the device may try again later ([MS-ASHTTP] 3.2.5.1 uses 503).
  if (r.http_status == 503) r.headers.emplace_back("Retry-After", "60");
  return r;
}

namespace {

std::optional<std::string> client_id_of(const wbxml::element& request) {
  const auto id = request.child_text("ComposeMail:ClientId");
  if (!id || id->empty() || id->size() > 64) return std::nullopt;
  if (!std::all_of(id->begin(), id->end(), [](char c) { return c > 0x20 && c < 0x7F; })) return std::nullopt;
  return std::string(*id);
}

}  // namespace

bool take_legacy_body(const request_context& ctx, send_request& req) {
  if (istarts_with_ascii(ctx.content_type, wbxml_content_type) || ctx.raw_body.empty()) return false;
  req.mime = ctx.raw_body;
  req.save_in_sent = ctx.save_in_sent;
  req.ledger_key = request_digest(ctx, ctx.raw_body);
  return true;
}

bool take_common_elements(const wbxml::element& request, send_request& req) {
  const auto client_id = client_id_of(request);
  const wbxml::element* mime = request.child("ComposeMail:Mime");
  if (!client_id || mime == nullptr || mime->text().empty()) return false;
  req.mime = mime->text();
  req.save_in_sent = request.child("ComposeMail:SaveInSentItems") != nullptr;
  req.ledger_key = "c:" + *client_id;
  return true;
}

boost::asio::awaitable<reply> send_mail(services& svc, request_context& ctx, const wbxml::element* request) {
  const command_info& cmd = *command_table::standard().find("SendMail");
  send_request req;
  req.kind = send_kind::send;
  const bool taken = request == nullptr ? take_legacy_body(ctx, req) : take_common_elements(*request, req);
  if (!taken) {
    const auto s = request == nullptr ? common_status::invalid_content : common_status::invalid_xml;
    co_return status_reply(cmd, s, ctx.version);
  }
  const send_outcome outcome = co_await send_message(svc, ctx, req);
  co_return send_reply(cmd, ctx, outcome);
}

}  // namespace easd::protocol
