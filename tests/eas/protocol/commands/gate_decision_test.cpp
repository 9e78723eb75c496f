// The provisioning gate's decision table, without a registry: every state a device can be in × the kinds
// of command the table knows.
#include "eas/protocol/provisioning_gate.hpp"

#include <gtest/gtest.h>

namespace easd::protocol::test {
namespace {

namespace prov = easd::provisioning;

struct GateDecision : ::testing::Test {
  GateDecision() {
    policy = prov::default_policy();
    device.policy_key = 42;
    device.policy_name = policy.name;
    device.policy_fingerprint = prov::fingerprint(policy);
    device.provisioned_at = 1000;
    in.command = "FolderSync";
    in.policy_key = 42;
    in.now = 2000;
  }
  std::optional<common_status> decide() const { return gate_decision(in, device, policy); }

  prov::policy policy;
  prov::device device;
  gate_input in;
};

TEST_F(GateDecision, CurrentKeyRuns) { EXPECT_EQ(decide(), std::nullopt); }

TEST_F(GateDecision, MissingUnknownAndStaleKeys) {
  in.policy_key.reset();
  EXPECT_EQ(decide(), common_status::device_not_provisioned);
  in.policy_key = 43;
  EXPECT_EQ(decide(), common_status::invalid_policy_key);
  in.policy_key = 42;
  device.policy_fingerprint = "old";
  EXPECT_EQ(decide(), common_status::invalid_policy_key);
  device.policy_fingerprint = prov::fingerprint(policy);
  device.policy_name = "other";
  EXPECT_EQ(decide(), common_status::invalid_policy_key);
}

TEST_F(GateDecision, RefreshInterval) {
  policy.refresh_interval = std::chrono::seconds(500);
  device.policy_fingerprint = prov::fingerprint(policy);
  EXPECT_EQ(decide(), common_status::policy_refresh);
  policy.refresh_interval = std::chrono::seconds(5000);
  device.policy_fingerprint = prov::fingerprint(policy);
  EXPECT_EQ(decide(), std::nullopt);
}

TEST_F(GateDecision, ExemptCommands) {
  in.policy_key.reset();
  in.command = "Provision";
  in.needs_provisioning = false;
  EXPECT_EQ(decide(), std::nullopt);
  in.command = "Ping";
  EXPECT_EQ(decide(), std::nullopt);
  in.command = "Settings";
  in.needs_provisioning = true;
  EXPECT_EQ(decide(), common_status::device_not_provisioned);
  in.device_information_only = true;
  EXPECT_EQ(decide(), std::nullopt);
  in.command = "Sync";
  in.device_information_only = false;
  in.provisioning_enabled = false;
  EXPECT_EQ(decide(), std::nullopt);
}

TEST_F(GateDecision, WipeOutranksKeysButLetsProvisionThrough) {
  for (const auto s : {prov::wipe_state::requested, prov::wipe_state::delivered, prov::wipe_state::acknowledged,
                       prov::wipe_state::failed}) {
    device.wipe_status = s;
    in.command = "Sync";
    in.needs_provisioning = true;
    EXPECT_EQ(decide(), common_status::remote_wipe_requested);
    in.command = "Ping";
    in.needs_provisioning = false;
    EXPECT_EQ(decide(), common_status::remote_wipe_requested);
    in.command = "Provision";
    EXPECT_EQ(decide(), std::nullopt);
  }
}

TEST_F(GateDecision, BlockedAndQuarantined) {
  device.access = prov::access_state::blocked;
  in.command = "Provision";
  in.needs_provisioning = false;
  EXPECT_EQ(decide(), common_status::device_blocked_for_user);
  device.access = prov::access_state::quarantined;
  EXPECT_EQ(decide(), std::nullopt);
  in.command = "Settings";
  EXPECT_EQ(decide(), std::nullopt);
  in.command = "Ping";
  EXPECT_EQ(decide(), common_status::device_blocked_for_user);
  in.command = "Sync";
  in.needs_provisioning = true;
  in.provisioning_enabled = false;
  EXPECT_EQ(decide(), common_status::device_blocked_for_user);
}

}  // namespace
}  // namespace easd::protocol::test
