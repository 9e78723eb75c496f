// The provisioning gate ([MS-ASPROV] 3.2.5.1, [MS-ASCMD] 2.2.2; shared/protocol/commands.md §8.2–8.4): runs
// before every command handler and decides from the device registry whether the device may run it.
//
// In this order:
//   1. the device is registered (created on first sight with the access level of the [access] rules; a
//      new device beyond [provisioning] max_devices_per_user: 177 MaximumDevicesReached);
//   2. blocked → 129 DeviceIsBlockedForThisUser, for every command, Provision included;
//   3. a remote wipe pending, delivered or done → Provision runs (it carries the wipe directive); every
//      other command: 140 RemoteWipeRequested — until an admin allows the device again, so a wiped phone
//      set up anew with the same DeviceId is wiped again, as Exchange does;
//   4. quarantined → Provision and Settings run (the device provisions and tells who it is, so the admin
//      can decide); anything else: 129 until an admin approves it;
//   5. provisioning off ([provisioning] enabled = false), or a command the table marks
//      needs_provisioning = false (Provision; Ping, which [MS-ASPROV] exempts — a policy change wakes a
//      held Ping with Status 7 so the device's next FolderSync meets this gate), or a Settings request
//      whose only property is DeviceInformation (3.1.5.2: sent right after provisioning or inside it) → run;
//   6. no policy key → 142 DeviceNotProvisioned; a key that is not the device's current one → 144
//      InvalidPolicyKey; the right key issued for another policy, or a policy since changed → 144 as well
//      (the key is stale); the policy's refresh_interval elapsed since the key was issued → 143
//      PolicyRefresh.
// 14.0+ carries the status in the body; 12.1 as HTTP (449; 403 for 129, 177 and a wipe without a key
// header) — status_reply() does that mapping.
#pragma once

#include "eas/protocol/command_table.hpp"
#include "eas/protocol/reply.hpp"
#include "eas/protocol/request_context.hpp"
#include "eas/protocol/services.hpp"
#include "eas/protocol/status.hpp"
#include "eas/wbxml/element.hpp"
#include "provisioning/device_registry.hpp"
#include "provisioning/policy.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>

namespace easd::protocol {

struct gate_input {
  std::string_view command;
  bool needs_provisioning = true;
  bool device_information_only = false;  // a Settings request with only DeviceInformation
  std::optional<std::uint32_t> policy_key;
  bool provisioning_enabled = true;
  std::int64_t now = 0;
};

// The pure decision (steps 2–6) for a registered device under its effective policy; nullopt: run it.
std::optional<common_status> gate_decision(const gate_input& in, const provisioning::device& d,
                                           const provisioning::policy& p);

// Steps 1–6 against the registry. Returns the reply that refuses the request, or nullopt to run it.
// Without svc.devices / svc.policies there is no gate.
boost::asio::awaitable<std::optional<reply>> provisioning_gate(services& svc, const request_context& ctx,
                                                               const command_info& cmd,
                                                               const wbxml::element* request);

// The access level the [access] rules give a device with these facts, applied unless an admin decided
// (access_reason starting "admin"): called when DeviceInformation arrives (Settings or Provision), since
// model and OS rules can only match then. Blocking.
void reapply_access_rules(services& svc, const provisioning::device& d, const provisioning::device_information& info);

}  // namespace easd::protocol
