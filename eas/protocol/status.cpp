#include "eas/protocol/status.hpp"

namespace easd::protocol {

unsigned legacy_http_status(common_status s, bool has_policy_key) noexcept {
  switch (s) {
    case common_status::invalid_content:
    case common_status::invalid_wbxml:
    case common_status::invalid_xml:
    case common_status::invalid_date_time:
    case common_status::invalid_combination_of_ids:
    case common_status::invalid_ids:
    case common_status::invalid_mime:
    case common_status::device_id_missing_or_invalid:
    case common_status::device_type_missing_or_invalid:
    case common_status::version_not_supported:
      return 400;
    case common_status::server_error:
    // 12.1 sending failures ([MS-ASCMD] 2.2.1.17: "HTTP 500 on failure"), except the send quota below.
    case common_status::message_previously_sent:
    case common_status::message_has_no_recipient:
    case common_status::mail_submission_failed:
    case common_status::message_reply_failed:
    case common_status::attachment_is_too_large:
    case common_status::item_not_found:
    case common_status::invalid_mime_body_combination:
    case common_status::invalid_smart_forward_parameters:
    case common_status::invalid_recipients:
      return 500;
    case common_status::send_quota_exceeded:  // throttled: "retry later" is what a 12.1 device can hear
    case common_status::server_error_retry_later:
      return 503;
    case common_status::mailbox_quota_exceeded:
      return 507;
    case common_status::user_disabled_for_sync:
    case common_status::device_blocked_for_user:
    case common_status::access_denied:
    case common_status::sync_state_not_found:
      return 403;
    case common_status::command_not_supported:
      return 501;
    case common_status::remote_wipe_requested:
      return has_policy_key ? 449 : 403;
    case common_status::device_not_fully_provisionable:
    case common_status::legacy_device_on_strict_policy:
    case common_status::device_not_provisioned:
    case common_status::policy_refresh:
    case common_status::invalid_policy_key:
      return 449;
    case common_status::maximum_devices_reached:
      return 403;
  }
  return 500;
}

std::string_view name(common_status s) noexcept {
  switch (s) {
    case common_status::invalid_content:
      return "InvalidContent";
    case common_status::invalid_wbxml:
      return "InvalidWBXML";
    case common_status::invalid_xml:
      return "InvalidXML";
    case common_status::invalid_date_time:
      return "InvalidDateTime";
    case common_status::invalid_combination_of_ids:
      return "InvalidCombinationOfIDs";
    case common_status::invalid_ids:
      return "InvalidIDs";
    case common_status::invalid_mime:
      return "InvalidMIME";
    case common_status::device_id_missing_or_invalid:
      return "DeviceIdMissingOrInvalid";
    case common_status::device_type_missing_or_invalid:
      return "DeviceTypeMissingOrInvalid";
    case common_status::server_error:
      return "ServerError";
    case common_status::server_error_retry_later:
      return "ServerErrorRetryLater";
    case common_status::mailbox_quota_exceeded:
      return "MailboxQuotaExceeded";
    case common_status::user_disabled_for_sync:
      return "UserDisabledForSync";
    case common_status::device_blocked_for_user:
      return "DeviceIsBlockedForThisUser";
    case common_status::access_denied:
      return "AccessDenied";
    case common_status::sync_state_not_found:
      return "SyncStateNotFound";
    case common_status::command_not_supported:
      return "CommandNotSupported";
    case common_status::version_not_supported:
      return "VersionNotSupported";
    case common_status::device_not_fully_provisionable:
      return "DeviceNotFullyProvisionable";
    case common_status::remote_wipe_requested:
      return "RemoteWipeRequested";
    case common_status::legacy_device_on_strict_policy:
      return "LegacyDeviceOnStrictPolicy";
    case common_status::device_not_provisioned:
      return "DeviceNotProvisioned";
    case common_status::policy_refresh:
      return "PolicyRefresh";
    case common_status::invalid_policy_key:
      return "InvalidPolicyKey";
    case common_status::maximum_devices_reached:
      return "MaximumDevicesReached";
    case common_status::send_quota_exceeded:
      return "SendQuotaExceeded";
    case common_status::message_previously_sent:
      return "MessagePreviouslySent";
    case common_status::message_has_no_recipient:
      return "MessageHasNoRecipient";
    case common_status::mail_submission_failed:
      return "MailSubmissionFailed";
    case common_status::message_reply_failed:
      return "MessageReplyFailed";
    case common_status::attachment_is_too_large:
      return "AttachmentIsTooLarge";
    case common_status::item_not_found:
      return "ItemNotFound";
    case common_status::invalid_mime_body_combination:
      return "InvalidMimeBodyCombination";
    case common_status::invalid_smart_forward_parameters:
      return "InvalidSmartForwardParameters";
    case common_status::invalid_recipients:
      return "InvalidRecipients";
  }
  return "Unknown";
}

}  // namespace easd::protocol
