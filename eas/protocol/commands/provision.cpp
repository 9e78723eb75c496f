#include "eas/protocol/commands/provision.hpp"

#include "eas/core/log_escape.hpp"
#include "eas/protocol/commands/device_information.hpp"
#include "eas/protocol/convert/provision_doc.hpp"
#include "eas/protocol/dispatcher.hpp"
#include "eas/protocol/policy_source.hpp"
#include "eas/protocol/status.hpp"
#include "eas/wbxml/code_pages.hpp"
#include "eas/wbxml/codec.hpp"

#include <spdlog/spdlog.h>

#include <random>

namespace easd::protocol {
namespace {

namespace net = boost::asio;
namespace prov = easd::provisioning;

constexpr std::string_view wbxml_policy_type = "MS-EAS-Provisioning-WBXML";

// [MS-ASPROV] 2.2.2.54.2 (Provision) and 2.2.2.54.1 (Policy, in responses).
enum class provision_status : unsigned { success = 1, protocol_error = 2, server_error = 3 };
enum class policy_status : unsigned { success = 1, no_policy = 2, unknown_type = 3, wrong_key = 5 };

// A key the device has never seen: non-zero (0 means "none"; iOS 4 broke on 0, commands.md §8.2).
std::uint32_t fresh_key() {
  thread_local std::mt19937 gen{std::random_device{}()};
  std::uniform_int_distribution<std::uint32_t> dist(1, 0xffffffffu);
  return dist(gen);
}

// The response being built, in schema order: DeviceInformation, Status, Policies, RemoteWipe,
// AccountOnlyRemoteWipe (ProvisionResponse.xsd).
struct answer {
  std::optional<unsigned> device_information_status;
  unsigned status = static_cast<unsigned>(provision_status::success);
  std::optional<wbxml::element> policy;
  bool remote_wipe = false;
  bool account_wipe = false;
};

reply encode(const answer& a) {
  auto root = wbxml::element::named("Provision:Provision");
  if (a.device_information_status) {
    auto& di = root.add("Settings:DeviceInformation");
    di.add("Settings:Status", std::to_string(*a.device_information_status));
  }
  root.add("Provision:Status", std::to_string(a.status));
  if (a.policy) root.add("Provision:Policies").add(*a.policy);
  if (a.remote_wipe) root.add("Provision:RemoteWipe");
  if (a.account_wipe) root.add("Provision:AccountOnlyRemoteWipe");
  reply r;
  r.content_type = wbxml_content_type;
  r.body = wbxml::encode_to_string(root);
  r.eas_status = a.status;
  return r;
}

wbxml::element policy_element(std::string_view type, policy_status s) {
  auto p = wbxml::element::named("Provision:Policy");
  p.add("Provision:PolicyType", std::string(type));
  p.add("Provision:Status", std::to_string(static_cast<unsigned>(s)));
  return p;
}

reply protocol_error() {
  answer a;
  a.status = static_cast<unsigned>(provision_status::protocol_error);
  return encode(a);
}

// What the acknowledgement's Policy Status earns under `p`: the compliance to record, or the refusal.
struct ack_outcome {
  std::optional<prov::compliance> accepted;
  unsigned refusal = 0;  // Provision Status when not accepted
};

ack_outcome judge_ack(unsigned device_status, const prov::policy& p) {
  switch (device_status) {
    case 1: return {prov::compliance::applied, 0};
    case 2:
      if (p.allow_non_compliant) return {prov::compliance::partial, 0};
      return {std::nullopt, static_cast<unsigned>(common_status::device_not_fully_provisionable)};
    case 3:
      if (p.allow_non_provisionable) return {prov::compliance::not_applied, 0};
      return {std::nullopt, static_cast<unsigned>(common_status::legacy_device_on_strict_policy)};
    case 4:
      if (p.allow_externally_managed) return {prov::compliance::external, 0};
      return {std::nullopt, 145};  // ExternallyManagedDevicesNotAllowed
    default: return {std::nullopt, static_cast<unsigned>(provision_status::protocol_error)};
  }
}

// Everything after parsing, on the blocking pool (registry reads and writes).
answer provision(services& svc, const request_context& ctx, const provision_request& req) {
  answer a;
  const prov::device_key key{ctx.user, ctx.device_id};
  const std::int64_t now = svc.now ? svc.now() : 0;
  auto& registry = *svc.devices;

  if (req.has_device_information) {
    if (!req.device_information) {
      a.device_information_status = 5;  // invalid arguments
    } else {
      a.device_information_status = store_device_information(svc, key, *req.device_information) ? 1 : 4;
    }
  }

  auto device = registry.find(key);
  if (!device) {
    spdlog::warn("provision: device lookup failed user={} error={}", log_escape(ctx.user), device.error().message());
    a.status = static_cast<unsigned>(provision_status::server_error);
    return a;
  }

  // The wipe acknowledgement ([MS-ASPROV] 3.2.5.1.2.2/3): record it; the device is wiping now.
  if (req.remote_wipe_status || req.account_wipe_status) {
    const unsigned s = req.remote_wipe_status ? *req.remote_wipe_status : *req.account_wipe_status;
    if (auto r = registry.acknowledge_wipe(key, s == 1, now); !r) {
      spdlog::warn("provision: wipe acknowledgement not recorded user={} device={} error={}", log_escape(ctx.user),
                   log_escape(ctx.device_id), r.error().message());
    }
    spdlog::info("provision: wipe acknowledged user={} device={} status={}", log_escape(ctx.user),
                 log_escape(ctx.device_id), s);
    return a;
  }

  // A pending wipe answers every Provision, whatever it asked ([MS-ASPROV] 3.1.5.1.1).
  if (device->wipe_status != prov::wipe_state::none) {
    if (device->wipe == prov::wipe_kind::account_only) {
      a.account_wipe = true;
    } else {
      a.remote_wipe = true;
    }
    if (device->wipe_status == prov::wipe_state::requested) {
      if (auto r = registry.mark_wipe_delivered(key, now); !r) {
        spdlog::warn("provision: wipe delivery not recorded user={} error={}", log_escape(ctx.user),
                     r.error().message());
      }
      spdlog::info("provision: wipe delivered user={} device={} kind={}", log_escape(ctx.user),
                   log_escape(ctx.device_id), prov::to_string(device->wipe));
    }
    return a;
  }

  if (!req.has_policy) {
    a.status = static_cast<unsigned>(provision_status::protocol_error);
    return a;
  }
  if (req.policy_type != wbxml_policy_type) {
    a.policy = policy_element(req.policy_type, policy_status::unknown_type);
    return a;
  }
  const auto book = svc.policies->current();
  if (!book->configured().enabled) {
    a.policy = policy_element(wbxml_policy_type, policy_status::no_policy);
    return a;
  }

  if (!req.policy_status) {
    // Initial request: the document and a temporary key.
    const auto& policy = book->policy_for(ctx.user, *device);
    if (policy.require_device_information && ctx.version >= protocol_version::v14_1 && !req.has_device_information) {
      a.status = 165;  // DeviceInformationRequired
      return a;
    }
    const std::uint32_t temporary = fresh_key();
    // The old final key ends here: the device is re-provisioning, and a zero final key is how a retried
    // acknowledgement below tells "already confirmed" from "confirm now".
    if (auto r = registry.clear_keys(key); !r) {
      spdlog::warn("provision: keys not reset user={} error={}", log_escape(ctx.user), r.error().message());
    }
    if (auto r = registry.issue_pending_key(key, temporary, policy.name, prov::fingerprint(policy)); !r) {
      spdlog::warn("provision: key not stored user={} error={}", log_escape(ctx.user), r.error().message());
      a.status = static_cast<unsigned>(provision_status::server_error);
      return a;
    }
    auto p = policy_element(wbxml_policy_type, policy_status::success);
    p.add("Provision:PolicyKey", std::to_string(temporary));
    p.add("Provision:Data").add(convert::provision_doc(policy, ctx.version));
    a.policy = std::move(p);
    return a;
  }

  // Acknowledgement: the temporary key from the body, else from the header or query.
  std::optional<std::uint32_t> presented = req.policy_key_present ? req.policy_key : ctx.policy_key;
  if (!presented || *presented == 0 || *presented != device->pending_key) {
    a.policy = policy_element(wbxml_policy_type, policy_status::wrong_key);
    return a;
  }
  const prov::policy* issued_for = book->find(device->policy_name);
  const prov::policy& policy = issued_for ? *issued_for : book->policy_for(ctx.user, *device);
  const auto outcome = judge_ack(*req.policy_status, policy);
  if (!outcome.accepted) {
    spdlog::info("provision: acknowledgement refused user={} device={} device_status={} status={}",
                 log_escape(ctx.user), log_escape(ctx.device_id), *req.policy_status, outcome.refusal);
    a.status = outcome.refusal;
    return a;
  }
  // A retried acknowledgement (its response was lost) gets the key already issued for it.
  std::uint32_t final_key = device->policy_key;
  if (final_key == 0) {
    final_key = fresh_key();
    if (auto r = registry.confirm_key(key, *presented, final_key, *outcome.accepted, now); !r) {
      spdlog::warn("provision: final key not stored user={} error={}", log_escape(ctx.user), r.error().message());
      a.status = static_cast<unsigned>(provision_status::server_error);
      return a;
    }
  }
  spdlog::info("provision: provisioned user={} device={} policy={} compliance={}", log_escape(ctx.user),
               log_escape(ctx.device_id), log_escape(policy.name), prov::to_string(*outcome.accepted));
  auto p = policy_element(wbxml_policy_type, policy_status::success);
  p.add("Provision:PolicyKey", std::to_string(final_key));
  a.policy = std::move(p);
  return a;
}

}  // namespace

net::awaitable<reply> provision_handler(services& svc, request_context& ctx, const wbxml::element* request) {
  if (!request) co_return protocol_error();
  auto parsed = parse_provision_request(*request);
  if (!parsed) co_return protocol_error();
  if (!svc.devices || !svc.policies || !svc.blocking) {
    // No registry wired (hermetic tests of other commands): nothing to enforce.
    answer a;
    if (parsed->has_policy) a.policy = policy_element(wbxml_policy_type, policy_status::no_policy);
    co_return encode(a);
  }
  const provision_request req = std::move(*parsed);
  const answer a = co_await run_blocking(*svc.blocking, [&svc, &ctx, &req] { return provision(svc, ctx, req); });
  co_return encode(a);
}

}  // namespace easd::protocol
