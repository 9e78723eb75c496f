#include "eas/protocol/status.hpp"

#include <gtest/gtest.h>

namespace easd::protocol {
namespace {

// [MS-ASCMD] 2.2.2 / [MS-ASHTTP] 2.2.2.1.1: what 12.1 devices get instead of a body Status.
TEST(Status, LegacyHttpCodes) {
  EXPECT_EQ(legacy_http_status(common_status::invalid_wbxml), 400u);
  EXPECT_EQ(legacy_http_status(common_status::server_error), 500u);
  EXPECT_EQ(legacy_http_status(common_status::server_error_retry_later), 503u);
  EXPECT_EQ(legacy_http_status(common_status::command_not_supported), 501u);
  EXPECT_EQ(legacy_http_status(common_status::device_not_provisioned), 449u);
  EXPECT_EQ(legacy_http_status(common_status::remote_wipe_requested, false), 403u);
  EXPECT_EQ(legacy_http_status(common_status::remote_wipe_requested, true), 449u);
  EXPECT_EQ(legacy_http_status(common_status::mailbox_quota_exceeded), 507u);
  EXPECT_EQ(name(common_status::invalid_policy_key), "InvalidPolicyKey");
}

}  // namespace
}  // namespace easd::protocol
