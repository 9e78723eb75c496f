// The common EAS status codes ([MS-ASCMD] 2.2.2) and the one place that maps them to HTTP codes for
// protocol versions that carry them in HTTP instead of the body (12.1 and earlier; [MS-ASHTTP] 3.2.5.1).
#pragma once

#include "eas/core/protocol_version.hpp"

#include <cstdint>
#include <string_view>

namespace easd::protocol {

enum class common_status : std::uint16_t {
  invalid_content = 101,
  invalid_wbxml = 102,
  invalid_xml = 103,
  invalid_date_time = 104,
  invalid_combination_of_ids = 105,
  invalid_ids = 106,
  invalid_mime = 107,
  device_id_missing_or_invalid = 108,
  device_type_missing_or_invalid = 109,
  server_error = 110,
  server_error_retry_later = 111,
  mailbox_quota_exceeded = 113,
  send_quota_exceeded = 115,
  message_previously_sent = 118,
  message_has_no_recipient = 119,
  mail_submission_failed = 120,
  message_reply_failed = 121,
  attachment_is_too_large = 122,
  user_disabled_for_sync = 126,
  device_blocked_for_user = 129,
  access_denied = 130,
  sync_state_not_found = 132,
  command_not_supported = 137,
  version_not_supported = 138,
  device_not_fully_provisionable = 139,
  remote_wipe_requested = 140,
  legacy_device_on_strict_policy = 141,
  device_not_provisioned = 142,
  policy_refresh = 143,
  invalid_policy_key = 144,
  item_not_found = 150,
  maximum_devices_reached = 177,
  invalid_mime_body_combination = 178,
  invalid_smart_forward_parameters = 179,
  invalid_recipients = 183,
};

// The HTTP status a 12.1-or-older response uses instead of `s` ([MS-ASHTTP] 2.2.2.1.1, [MS-ASCMD] 2.2.2).
// `has_policy_key` matters only for remote_wipe_requested (403 without the header, else 449).
unsigned legacy_http_status(common_status s, bool has_policy_key = true) noexcept;

std::string_view name(common_status s) noexcept;

}  // namespace easd::protocol
