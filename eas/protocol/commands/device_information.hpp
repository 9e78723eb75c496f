// Settings:DeviceInformation ([MS-ASCMD] 2.2.3.50; shared/protocol/commands.md §14): what a device says
// about itself, sent in Settings or (14.1+) inside Provision. Shared by both commands, stored in the
// device registry and matched by the [access] rules.
#pragma once

#include "eas/protocol/services.hpp"
#include "eas/wbxml/element.hpp"
#include "provisioning/device_registry.hpp"

#include <optional>

namespace easd::protocol {

// `device_information` is the Settings:DeviceInformation element. nullopt when it is malformed: no Set,
// an unknown child, a value over 1024 bytes or with a NUL or control character, EnableOutboundSMS not 0/1
// (the caller answers DeviceInformation Status 5, invalid arguments).
std::optional<provisioning::device_information> parse_device_information(const wbxml::element& device_information);

// Stores it and re-applies the [access] rules that match on model and OS (provisioning_gate.cpp, beside
// the rest of the registry side). Blocking (run_blocking). False when the registry refused.
bool store_device_information(services& svc, const provisioning::device_key& key,
                              const provisioning::device_information& info);

}  // namespace easd::protocol
