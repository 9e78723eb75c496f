#include "eas/protocol/dispatcher.hpp"

#include "eas/protocol/provisioning_gate.hpp"
#include "eas/wbxml/code_pages.hpp"

#include <spdlog/spdlog.h>

#include <string>

namespace easd::protocol {
namespace {

// "AirSync:Sync" → "AirSync:Status"; every command namespace that has a top-level Status defines one.
std::optional<wbxml::tag> status_tag_for(std::string_view root) {
  const auto colon = root.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return wbxml::find_tag(std::string(root.substr(0, colon)) + ":Status");
}

}  // namespace

reply status_reply(const command_info& cmd, common_status s, protocol_version v, bool has_policy_key) {
  reply r;
  r.eas_status = static_cast<unsigned>(s);
  const auto status_tag = status_tag_for(cmd.root);
  if (status_in_body(v) && status_tag && cmd.top_level_status) {
    auto root = wbxml::element::named(cmd.root);
    root.add(wbxml::element(*status_tag, std::to_string(static_cast<unsigned>(s))));
    r.http_status = 200;
    r.content_type = wbxml_content_type;
    r.body = wbxml::encode_to_string(root);
    return r;
  }
  r.http_status = legacy_http_status(s, has_policy_key);
  return r;
}

boost::asio::awaitable<reply> resume_parked(std::unique_ptr<parked_request> parked) {
  for (;;) {
    auto resumed = parked->resume();
    reply r = co_await std::move(resumed);
    parked = std::move(r.parked);
    if (!parked) co_return r;
  }
}

boost::asio::awaitable<reply> dispatcher::dispatch(request_context& ctx, std::string_view body) const {
  reply r = co_await dispatch_parkable(ctx, body);
  if (!r.parked) co_return r;
  auto resumed = resume_parked(std::move(r.parked));
  co_return co_await std::move(resumed);
}

boost::asio::awaitable<reply> dispatcher::dispatch_parkable(request_context& ctx, std::string_view body) const {
  const command_info* cmd = table_.find(ctx.command);
  if (!cmd) {
    reply unknown;
    unknown.http_status = 400;
    co_return unknown;
  }

  if (ctx.version < cmd->min_version || ctx.version > cmd->max_version) {
    co_return status_reply(*cmd, common_status::version_not_supported, ctx.version);
  }

  const bool wbxml_body =
      cmd->body == body_kind::wbxml || (cmd->body == body_kind::mime_or_wbxml && status_in_body(ctx.version));
  if (!wbxml_body) {
    // Raw MIME (12.1 SendMail family) or no body at all: the handler reads ctx and the bytes itself.
    ctx.raw_body = body;
    auto refused = co_await provisioning_gate(services_, ctx, *cmd, nullptr);
    if (refused) co_return std::move(*refused);
    if (!cmd->handler) co_return status_reply(*cmd, common_status::command_not_supported, ctx.version);
    co_return co_await cmd->handler(services_, ctx, nullptr);
  }
  if (body.empty()) {
    if (!cmd->empty_body_allowed) co_return status_reply(*cmd, common_status::invalid_content, ctx.version);
    auto refused = co_await provisioning_gate(services_, ctx, *cmd, nullptr);
    if (refused) co_return std::move(*refused);
    if (!cmd->handler) co_return status_reply(*cmd, common_status::command_not_supported, ctx.version);
    co_return co_await cmd->handler(services_, ctx, nullptr);
  }
  auto doc = wbxml::decode(body, limits_);
  if (!doc) {
    spdlog::debug("undecodable WBXML cmd={} error={}", cmd->name, doc.error().message());
    co_return status_reply(*cmd, common_status::invalid_wbxml, ctx.version);
  }
  const auto expected_root = wbxml::find_tag(cmd->root);
  if (!expected_root || doc->id() != *expected_root) {
    // A Cmd that does not match its document is refused, never dispatched on the document's name.
    co_return status_reply(*cmd, common_status::invalid_xml, ctx.version);
  }
  // The gate after decoding: a malformed request is answered as such first, and a Settings request may
  // pass unprovisioned when it only carries DeviceInformation.
  auto refused = co_await provisioning_gate(services_, ctx, *cmd, &*doc);
  if (refused) co_return std::move(*refused);
  // A known command without a handler yet is "not supported" — after its request proved well-formed,
  // so a device learns about a malformed request first.
  if (!cmd->handler) co_return status_reply(*cmd, common_status::command_not_supported, ctx.version);
  co_return co_await cmd->handler(services_, ctx, &*doc);
}

}  // namespace easd::protocol
