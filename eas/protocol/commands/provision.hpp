// The Provision command ([MS-ASPROV] 3.2.5.1, [MS-ASCMD] 2.2.1.14; shared/protocol/commands.md §8):
//   initial request  → the policy document and a temporary key (Policy Status 1), or "no policy"
//                      (Policy Status 2) when provisioning is off;
//   acknowledgement  → the final key, when the device's Policy Status is one its policy accepts
//                      (1 applied; 2 partial → 139 unless allow_non_compliant; 3 not applied → 141 unless
//                      allow_non_provisionable; 4 externally managed → 145 unless allow_externally_managed);
//                      a key that is not the temporary one issued → Policy Status 5;
//   wipe pending     → RemoteWipe (AccountOnlyRemoteWipe for an account-only wipe, 16.1) instead of any
//                      policy, whatever the request asked, recorded as delivered;
//   wipe acknowledgement (RemoteWipe/Status, AccountOnlyRemoteWipe/Status) → recorded, Status 1.
// DeviceInformation inside Provision (14.1+) is stored like Settings' and answered with its own Status;
// a policy with require_device_information refuses an initial 14.1+ request without it (165).
// The temporary key of an acknowledgement is read from the body's PolicyKey, else from the X-MS-PolicyKey
// header or the PolicyKey query parameter (the request context carries whichever came).
// Only PolicyType MS-EAS-Provisioning-WBXML is served (12.0+); 2.5's MS-WAP-Provisioning-XML gets Policy
// Status 3, since easd never negotiates 2.5.
#pragma once

#include "eas/protocol/reply.hpp"
#include "eas/protocol/request_context.hpp"
#include "eas/protocol/services.hpp"
#include "eas/wbxml/element.hpp"
#include "provisioning/device_registry.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace easd::protocol {

struct provision_request {
  bool has_device_information = false;
  std::optional<provisioning::device_information> device_information;  // nullopt when malformed
  bool has_policy = false;
  std::string policy_type;
  bool policy_key_present = false;
  std::optional<std::uint32_t> policy_key;  // nullopt when present but not a decimal uint32
  std::optional<unsigned> policy_status;    // set: this is an acknowledgement
  std::optional<unsigned> remote_wipe_status;
  std::optional<unsigned> account_wipe_status;
};

// nullopt: a protocol error (Provision Status 2) — unknown elements, several Policy elements, a Status
// that is not a small number.
std::optional<provision_request> parse_provision_request(const wbxml::element& provision);

boost::asio::awaitable<reply> provision_handler(services& svc, request_context& ctx, const wbxml::element* request);

}  // namespace easd::protocol
