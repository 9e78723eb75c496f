#include "eas/protocol/provisioning_gate.hpp"

#include "eas/core/log_escape.hpp"
#include "eas/protocol/commands/device_information.hpp"
#include "eas/protocol/dispatcher.hpp"
#include "eas/protocol/policy_source.hpp"
#include "eas/protocol/state/error.hpp"
#include "eas/wbxml/code_pages.hpp"

#include <spdlog/spdlog.h>

namespace easd::protocol {
namespace {

namespace prov = easd::provisioning;
namespace net = boost::asio;

bool wipe_outstanding(const prov::device& d) noexcept { return d.wipe_status != prov::wipe_state::none; }

// Settings whose every property is DeviceInformation ([MS-ASCMD] 3.1.5.2): allowed before provisioning.
bool device_information_only(const wbxml::element* request) {
  if (!request) return false;
  const auto device_information = wbxml::find_tag("Settings:DeviceInformation");
  bool any = false;
  for (const auto& child : request->children()) {
    if (!device_information || child.id() != *device_information) return false;
    any = true;
  }
  return any;
}

prov::access_state to_state(prov::access_level level) noexcept {
  switch (level) {
    case prov::access_level::block: return prov::access_state::blocked;
    case prov::access_level::quarantine: return prov::access_state::quarantined;
    case prov::access_level::allow: break;
  }
  return prov::access_state::allowed;
}

struct gate_state {
  result<prov::device> device = make_error_code(state::state_error::not_found);
  std::shared_ptr<const prov::policy_book> book;
};

}  // namespace

std::optional<common_status> gate_decision(const gate_input& in, const prov::device& d, const prov::policy& p) {
  const bool is_provision = in.command == "Provision";
  if (d.access == prov::access_state::blocked) return common_status::device_blocked_for_user;
  if (wipe_outstanding(d)) {
    if (is_provision) return std::nullopt;
    return common_status::remote_wipe_requested;
  }
  if (d.access == prov::access_state::quarantined) {
    if (is_provision || in.command == "Settings") return std::nullopt;
    return common_status::device_blocked_for_user;
  }
  if (!in.provisioning_enabled || !in.needs_provisioning || in.device_information_only) return std::nullopt;
  if (!in.policy_key) return common_status::device_not_provisioned;
  if (d.policy_key == 0 || *in.policy_key != d.policy_key) return common_status::invalid_policy_key;
  if (d.policy_name != p.name || d.policy_fingerprint != prov::fingerprint(p)) {
    return common_status::invalid_policy_key;
  }
  if (p.refresh_interval.count() > 0 && in.now - d.provisioned_at >= p.refresh_interval.count()) {
    return common_status::policy_refresh;
  }
  return std::nullopt;
}

net::awaitable<std::optional<reply>> provisioning_gate(services& svc, const request_context& ctx,
                                                       const command_info& cmd, const wbxml::element* request) {
  if (!svc.devices || !svc.policies || !svc.blocking) co_return std::nullopt;
  auto* registry = svc.devices;
  auto* policies = svc.policies;
  const std::int64_t now = svc.now ? svc.now() : 0;
  const prov::device_key key{ctx.user, ctx.device_id};
  prov::request_facts facts;
  facts.device_type = ctx.device_type;
  facts.user_agent = ctx.user_agent;
  facts.protocol_version = std::string(to_string(ctx.version));
  facts.now = now;

  auto looked_up = co_await run_blocking(*svc.blocking, [registry, policies, &key, &facts]() {
    gate_state out;
    out.book = policies->current();
    const auto& configured = out.book->configured();
    prov::device_facts who;
    who.device_type = facts.device_type;
    who.user_agent = facts.user_agent;
    const auto initial = to_state(prov::initial_access(configured, who));
    out.device = registry->touch(key, facts, initial, "rule", configured.max_devices_per_user);
    return out;
  });
  if (!looked_up.device) {
    if (looked_up.device.error() == state::state_error::limit) {
      spdlog::info("provisioning: device limit reached user={} device={}", log_escape(ctx.user),
                   log_escape(ctx.device_id));
      co_return status_reply(cmd, common_status::maximum_devices_reached, ctx.version, ctx.policy_key.has_value());
    }
    spdlog::warn("provisioning: registry unavailable user={} error={}", log_escape(ctx.user),
                 looked_up.device.error().message());
    co_return status_reply(cmd, common_status::server_error_retry_later, ctx.version, ctx.policy_key.has_value());
  }
  const auto& device = *looked_up.device;
  const auto& policy = looked_up.book->policy_for(ctx.user, device);

  gate_input in;
  in.command = cmd.name;
  in.needs_provisioning = cmd.needs_provisioning;
  in.device_information_only = cmd.name == "Settings" && device_information_only(request);
  in.policy_key = ctx.policy_key;
  in.provisioning_enabled = looked_up.book->configured().enabled;
  in.now = now;
  const auto refused = gate_decision(in, device, policy);
  if (!refused) co_return std::nullopt;
  spdlog::debug("provisioning gate cmd={} user={} device={} status={}", cmd.name, log_escape(ctx.user),
                log_escape(ctx.device_id), static_cast<unsigned>(*refused));
  co_return status_reply(cmd, *refused, ctx.version, ctx.policy_key.has_value());
}

void reapply_access_rules(services& svc, const prov::device& d, const prov::device_information& info) {
  if (!svc.devices || !svc.policies) return;
  if (d.access_reason.rfind("admin", 0) == 0 || d.access_reason == "wiped") return;
  prov::device_facts who;
  who.device_type = d.device_type;
  who.model = info.model;
  who.os = info.os;
  who.user_agent = info.user_agent.empty() ? d.user_agent : info.user_agent;
  const auto book = svc.policies->current();
  const auto wanted = to_state(prov::initial_access(book->configured(), who));
  if (wanted == d.access) return;
  if (auto r = svc.devices->set_access(d.key, wanted, "rule"); !r) {
    spdlog::warn("provisioning: cannot apply access rules user={} error={}", log_escape(d.key.user),
                 r.error().message());
  }
}

bool store_device_information(services& svc, const provisioning::device_key& key,
                              const provisioning::device_information& info) {
  if (!svc.devices) return false;
  if (auto r = svc.devices->set_information(key, info); !r) {
    spdlog::warn("device information not stored user={} device={} error={}", log_escape(key.user),
                 log_escape(key.device_id), r.error().message());
    return false;
  }
  auto device = svc.devices->find(key);
  if (device) reapply_access_rules(svc, *device, info);
  return true;
}

}  // namespace easd::protocol
