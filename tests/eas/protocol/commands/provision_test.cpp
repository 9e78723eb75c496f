// Provision and the provisioning gate through the real dispatcher, over the SQLite registry.
#include "eas/protocol/commands/provision.hpp"

#include "tests/eas/protocol/commands/provisioning_fixture.hpp"

#include <gtest/gtest.h>

namespace easd::protocol::test {
namespace {

using v = protocol_version;

const auto folder_sync_request = node("FolderHierarchy:FolderSync", {leaf("FolderHierarchy:SyncKey", "0")});

class Provision : public ProvisioningFixture {
protected:
  unsigned folder_sync_status(std::optional<std::uint32_t> key, v version = v::v14_1) {
    const auto r = send("FolderSync", &folder_sync_request, key, version);
    if (version < v::v14_0) return r.http_status == 200 ? 1u : r.http_status;
    const auto doc = decode(r);
    const auto s = doc.child_text("FolderHierarchy:Status");
    return s ? number(std::string(*s)) : 0u;
  }
};

TEST_F(Provision, InitialRequestGetsTheDocumentAndATemporaryKey) {
  for (const auto version : {v::v12_1, v::v14_1, v::v16_1}) {
    const auto request = initial_request();
    const auto r = send("Provision", &request, std::nullopt, version);
    ASSERT_EQ(r.http_status, 200u);
    const auto doc = decode(r);
    EXPECT_EQ(doc.child_text("Provision:Status"), "1");
    EXPECT_EQ(policy_status_of(doc), 1u);
    const auto key = policy_key_of(doc);
    EXPECT_NE(number(key), 0u);
    const auto* data = doc.child("Provision:Policies")->child("Provision:Policy")->child("Provision:Data");
    ASSERT_NE(data, nullptr);
    EXPECT_NE(data->child("Provision:EASProvisionDoc"), nullptr);
    EXPECT_EQ(device().pending_key, number(key));
    expect_valid("provision-initial", r.body);
  }
}

TEST_F(Provision, AcknowledgementGetsTheFinalKeyAndOpensTheGate) {
  EXPECT_EQ(folder_sync_status(std::nullopt), 142u);
  const auto key = provision();
  ASSERT_NE(key, 0u);
  const auto d = device();
  EXPECT_EQ(d.policy_key, key);
  EXPECT_EQ(d.compliance_state, provisioning::compliance::applied);
  EXPECT_EQ(d.policy_name, "default");
  EXPECT_EQ(folder_sync_status(key), 1u);
  EXPECT_EQ(folder_sync_status(key + 1), 144u);
}

TEST_F(Provision, TemporaryKeyMayComeFromTheHeaderAlone) {
  const auto request = initial_request();
  const auto temporary = policy_key_of(decode(send("Provision", &request, std::nullopt, v::v14_1)));
  auto ack = node("Provision:Provision",
                  {node("Provision:Policies", {node("Provision:Policy", {leaf("Provision:PolicyType",
                                                                              "MS-EAS-Provisioning-WBXML"),
                                                                         leaf("Provision:Status", "1")})})});
  const auto r = send("Provision", &ack, number(temporary), v::v14_1);
  const auto doc = decode(r);
  EXPECT_EQ(policy_status_of(doc), 1u);
  EXPECT_NE(number(policy_key_of(doc)), 0u);
  EXPECT_NE(policy_key_of(doc), temporary);
  expect_valid("provision-ack", r.body);
}

TEST_F(Provision, WrongTemporaryKeyGetsPolicyStatus5) {
  const auto request = initial_request();
  const auto temporary = number(policy_key_of(decode(send("Provision", &request, std::nullopt, v::v14_1))));
  const auto ack = ack_request(std::to_string(temporary + 1));
  const auto doc = decode(send("Provision", &ack, temporary + 1, v::v14_1));
  EXPECT_EQ(policy_status_of(doc), 5u);
  EXPECT_EQ(device().policy_key, 0u);
}

TEST_F(Provision, RetriedAcknowledgementGetsTheSameFinalKey) {
  const auto request = initial_request();
  const auto temporary = policy_key_of(decode(send("Provision", &request, std::nullopt, v::v14_1)));
  const auto ack = ack_request(temporary);
  const auto first = policy_key_of(decode(send("Provision", &ack, number(temporary), v::v14_1)));
  const auto again = decode(send("Provision", &ack, number(temporary), v::v14_1));
  const auto second = policy_key_of(again);
  if (policy_status_of(again) == 1u) {
    EXPECT_EQ(first, second);
  } else {
    // A registry that forgets the temporary key at confirmation answers 5 and the device starts over.
    EXPECT_EQ(policy_status_of(again), 5u);
  }
}

TEST_F(Provision, Legacy12_1GetsHttp449) {
  EXPECT_EQ(folder_sync_status(std::nullopt, v::v12_1), 449u);
  const auto key = provision(v::v12_1);
  EXPECT_EQ(folder_sync_status(key, v::v12_1), 1u);
  EXPECT_EQ(folder_sync_status(key ^ 0x5a5a, v::v12_1), 449u);
}

TEST_F(Provision, PolicyChangeMakesTheKeyStale) {
  const auto key = provision();
  EXPECT_EQ(folder_sync_status(key), 1u);
  configure("[policy.default]\ndevice_password_enabled = true\n");
  EXPECT_EQ(folder_sync_status(key), 144u);
  const auto fresh = provision();
  EXPECT_EQ(folder_sync_status(fresh), 1u);
}

TEST_F(Provision, RefreshIntervalGives143) {
  configure("[policy.default]\nrefresh_interval_seconds = 3600\n");
  const auto key = provision();
  EXPECT_EQ(folder_sync_status(key), 1u);
  now_ += 3600;
  EXPECT_EQ(folder_sync_status(key), 143u);
}

TEST_F(Provision, NonCompliantAcknowledgementsFollowThePolicy) {
  configure(
      "[policy.default]\nallow_non_compliant = false\nallow_non_provisionable = false\n"
      "allow_externally_managed = false\n");
  const std::pair<unsigned, unsigned> cases[] = {{2, 139}, {3, 141}, {4, 145}};
  for (const auto& [device_status, expected] : cases) {
    const auto request = initial_request();
    const auto temporary = policy_key_of(decode(send("Provision", &request, std::nullopt, v::v14_1)));
    const auto ack = ack_request(temporary, device_status);
    const auto doc = decode(send("Provision", &ack, number(temporary), v::v14_1));
    EXPECT_EQ(doc.child_text("Provision:Status"), std::to_string(expected)) << device_status;
    EXPECT_EQ(device().policy_key, 0u);
  }
  configure("");
  const auto request = initial_request();
  const auto temporary = policy_key_of(decode(send("Provision", &request, std::nullopt, v::v14_1)));
  const auto ack = ack_request(temporary, 2);
  const auto doc = decode(send("Provision", &ack, number(temporary), v::v14_1));
  EXPECT_EQ(policy_status_of(doc), 1u);
  EXPECT_EQ(device().compliance_state, provisioning::compliance::partial);
}

TEST_F(Provision, DeviceInformationInsideProvisionIsStored) {
  const auto request = initial_request(true);
  const auto r = send("Provision", &request, std::nullopt, v::v16_1);
  const auto doc = decode(r);
  const auto* di = doc.child("Settings:DeviceInformation");
  ASSERT_NE(di, nullptr);
  EXPECT_EQ(di->child_text("Settings:Status"), "1");
  EXPECT_EQ(device().info.model, "iPhone15,2");
  EXPECT_EQ(device().info.friendly_name, "Ann's phone");
  expect_valid("provision-device-information", r.body);
}

TEST_F(Provision, RequiredDeviceInformationMissingGives165) {
  configure("[policy.default]\nrequire_device_information = true\n");
  const auto without = initial_request(false);
  EXPECT_EQ(decode(send("Provision", &without, std::nullopt, v::v14_1)).child_text("Provision:Status"), "165");
  // 14.0 has no DeviceInformation in Provision: not required there.
  EXPECT_EQ(policy_status_of(decode(send("Provision", &without, std::nullopt, v::v14_0))), 1u);
  const auto with = initial_request(true);
  EXPECT_EQ(policy_status_of(decode(send("Provision", &with, std::nullopt, v::v14_1))), 1u);
}

TEST_F(Provision, RemoteWipeIsDeliveredAcknowledgedAndKeepsTheDeviceOut) {
  const auto key = provision();
  ASSERT_TRUE(store_->request_wipe({user_, device_}, provisioning::wipe_kind::full, "admin", now_));
  EXPECT_EQ(folder_sync_status(key), 140u);
  EXPECT_EQ(folder_sync_status(key, v::v12_1), 449u);
  EXPECT_EQ(folder_sync_status(std::nullopt, v::v12_1), 403u);

  const auto empty = node("Provision:Provision");
  const auto r = send("Provision", &empty, key, v::v14_1);
  const auto doc = decode(r);
  EXPECT_EQ(doc.child_text("Provision:Status"), "1");
  EXPECT_NE(doc.child("Provision:RemoteWipe"), nullptr);
  EXPECT_EQ(doc.child("Provision:Policies"), nullptr);
  expect_valid("provision-remote-wipe", r.body);
  EXPECT_EQ(device().wipe_status, provisioning::wipe_state::delivered);

  // A normal policy request is answered with the wipe too.
  const auto initial = initial_request();
  EXPECT_NE(decode(send("Provision", &initial, key, v::v14_1)).child("Provision:RemoteWipe"), nullptr);

  const auto ack = node("Provision:Provision", {node("Provision:RemoteWipe", {leaf("Provision:Status", "1")})});
  EXPECT_EQ(decode(send("Provision", &ack, key, v::v14_1)).child_text("Provision:Status"), "1");
  const auto d = device();
  EXPECT_EQ(d.wipe_status, provisioning::wipe_state::acknowledged);
  EXPECT_EQ(d.wipe_acknowledged_at, now_);
  EXPECT_EQ(folder_sync_status(key), 140u);
}

TEST_F(Provision, AccountOnlyWipeUsesItsOwnElement) {
  const auto key = provision(v::v16_1);
  ASSERT_TRUE(store_->request_wipe({user_, device_}, provisioning::wipe_kind::account_only, "admin", now_));
  const auto empty = node("Provision:Provision");
  const auto doc = decode(send("Provision", &empty, key, v::v16_1));
  EXPECT_NE(doc.child("Provision:AccountOnlyRemoteWipe"), nullptr);
  EXPECT_EQ(doc.child("Provision:RemoteWipe"), nullptr);
  // (libwbxml 0.11.8 does not know AccountOnlyRemoteWipe, so the validator cannot read this one.)
  const auto ack =
      node("Provision:Provision", {node("Provision:AccountOnlyRemoteWipe", {leaf("Provision:Status", "1")})});
  EXPECT_EQ(decode(send("Provision", &ack, key, v::v16_1)).child_text("Provision:Status"), "1");
  EXPECT_EQ(device().wipe_status, provisioning::wipe_state::acknowledged);
}

TEST_F(Provision, CancelledWipeIsNotDelivered) {
  const auto key = provision();
  ASSERT_TRUE(store_->request_wipe({user_, device_}, provisioning::wipe_kind::full, "admin", now_));
  ASSERT_TRUE(store_->cancel_wipe({user_, device_}));
  EXPECT_EQ(folder_sync_status(key), 1u);
}

TEST_F(Provision, BlockedDeviceGets129Everywhere) {
  const auto key = provision();
  ASSERT_TRUE(store_->set_access({user_, device_}, provisioning::access_state::blocked, "admin test"));
  EXPECT_EQ(folder_sync_status(key), 129u);
  EXPECT_EQ(folder_sync_status(key, v::v12_1), 403u);
  const auto request = initial_request();
  EXPECT_EQ(decode(send("Provision", &request, std::nullopt, v::v14_1)).child_text("Provision:Status"), "129");
}

TEST_F(Provision, QuarantinedDeviceMayOnlyProvisionUntilApproved) {
  configure("[access]\ndefault = \"quarantine\"\n");
  const auto key = provision();
  EXPECT_NE(key, 0u);
  EXPECT_EQ(device().access, provisioning::access_state::quarantined);
  EXPECT_EQ(folder_sync_status(key), 129u);
  ASSERT_TRUE(store_->set_access({user_, device_}, provisioning::access_state::allowed, "admin test"));
  EXPECT_EQ(folder_sync_status(key), 1u);
}

TEST_F(Provision, AccessRulesMatchTheDeviceType) {
  configure("[[access.rule]]\naction = \"block\"\ndevice_type = \"iph*\"\n");
  EXPECT_EQ(folder_sync_status(std::nullopt), 129u);
  device_ = "other";
  device_type_ = "Android";
  EXPECT_EQ(folder_sync_status(std::nullopt), 142u);
}

TEST_F(Provision, ProvisioningOffNeedsNoKey) {
  configure("[provisioning]\nenabled = false\n");
  EXPECT_EQ(folder_sync_status(std::nullopt), 1u);
  const auto request = initial_request();
  const auto r = send("Provision", &request, std::nullopt, v::v14_1);
  EXPECT_EQ(policy_status_of(decode(r)), 2u);
  expect_valid("provision-no-policy", r.body);
}

TEST_F(Provision, DeviceLimitGives177) {
  configure("[provisioning]\nmax_devices_per_user = 1\n");
  EXPECT_EQ(folder_sync_status(std::nullopt), 142u);
  device_ = "second";
  EXPECT_EQ(folder_sync_status(std::nullopt), 177u);
  EXPECT_EQ(folder_sync_status(std::nullopt, v::v12_1), 403u);
}

TEST_F(Provision, PingIsNotGatedByTheKey) {
  auto ping = node("Ping:Ping");
  const auto r = send("Ping", &ping, std::nullopt, v::v14_1);
  const auto doc = decode(r);
  EXPECT_NE(doc.child_text("Ping:Status"), "142");
}

TEST_F(Provision, MalformedRequestsAreProtocolErrors) {
  const auto unknown = node("Provision:Provision", {leaf("Provision:Status", "1")});
  EXPECT_EQ(decode(send("Provision", &unknown, std::nullopt, v::v14_1)).child_text("Provision:Status"), "2");
  const auto two = node("Provision:Provision",
                        {node("Provision:Policies", {node("Provision:Policy", {leaf("Provision:PolicyType", "x")}),
                                                     node("Provision:Policy", {leaf("Provision:PolicyType", "y")})})});
  EXPECT_EQ(decode(send("Provision", &two, std::nullopt, v::v14_1)).child_text("Provision:Status"), "2");
  const auto wap = node("Provision:Provision",
                        {node("Provision:Policies",
                              {node("Provision:Policy", {leaf("Provision:PolicyType", "MS-WAP-Provisioning-XML")})})});
  EXPECT_EQ(policy_status_of(decode(send("Provision", &wap, std::nullopt, v::v14_1))), 3u);
}

}  // namespace
}  // namespace easd::protocol::test
