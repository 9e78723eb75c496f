// Provisioning end to end (issue 5): the two-step exchange in its variants, a policy change that wakes a
// held Ping and forces re-provisioning, remote wipe and account-only wipe driven by the CLI, quarantine
// and approval, blocking, removal (a full resync), and the admin API's own protection.
#include "tests/integration/provisioning_support.hpp"

namespace easd::test::provisioning_e2e {
namespace {

class ProvisioningFlow : public ProvisioningSuite {};

TEST_F(ProvisioningFlow, TwoStepExchangeWithTheKeyInBodyHeaderOrQuery) {
  int n = 0;
  for (const std::string version : {"14.1", "16.1"}) {
    for (const auto where : {key_in::body, key_in::header, key_in::query}) {
      for (const bool with_info : {false, true}) {
        const std::string user = "exchange-" + std::to_string(++n);
        auto c = client(user, version, "exchange" + std::to_string(n));
        EXPECT_EQ(folder_sync_status(c), 142u);
        provision(env(), c, where, with_info);
        EXPECT_EQ(folder_sync_status(c), 1u) << user;
        const auto d = device_json(config(), user, c.config().device_id);
        EXPECT_EQ(text_of(d, "compliance"), "applied");
        EXPECT_EQ(text_of(d, "policy_name"), "default");
        EXPECT_EQ(text_of(d, "protocol_version"), version);
        EXPECT_EQ(text_of(d, "model"), with_info ? "TestPhone 3" : "") << user;
      }
    }
  }
  // 12.1: HTTP 449 first, no DeviceInformation in Provision.
  auto c = client("exchange-legacy", "12.1", "exchangelegacy");
  EXPECT_EQ(folder_sync_status(c), 449u);
  provision(env(), c);
  EXPECT_EQ(folder_sync_status(c), 1u);
}

TEST_F(ProvisioningFlow, PolicyChangeWakesTheHeldPingAndForcesReprovisioning) {
  const std::string user = "policy-wake";
  // The user's own policy, so changing it touches no other test's devices' keys.
  admin_.json("PUT", "/api/v1/policy", R"({"name":"wake","device_password_enabled":false})");
  admin_.json("POST", "/api/v1/policy/assign", R"({"policy":"wake","user":"policy-wake"})");
  auto p = std::make_unique<phone>(env(), user, "14.1", "policywake1");
  provision(env(), p->client);
  ASSERT_EQ(p->device.folder_sync().status, 1u);
  ASSERT_EQ(p->device.sync_all(p->id("INBOX")).last_status, 1u);
  EXPECT_EQ(text_of(device_json(config(), user, "policywake1"), "policy_name"), "wake");

  auto h = hold_ping(env(), *p, user, "policywake1");

  const auto changed = run_cli(config(), {"policy", "set", "wake", "device_password_enabled=true"});
  ASSERT_EQ(changed.exit_code, 0) << changed.output;
  const auto r = h.get(10s);
  env().schemas("Ping", r);
  EXPECT_EQ(r.eas_status(), 7u) << r.describe();  // FolderSync required: the device meets the gate there
  EXPECT_EQ(folder_sync_status(p->client), 144u);
  provision(env(), p->client);
  EXPECT_EQ(folder_sync_status(p->client), 1u);
}

TEST_F(ProvisioningFlow, RemoteWipeFromTheCliIsDeliveredAndAcknowledged) {
  const std::string user = "wipe-full";
  auto p = std::make_unique<phone>(env(), user, "14.1", "wipefull1");
  auto& c = p->client;
  provision(env(), c);
  ASSERT_EQ(p->device.folder_sync().status, 1u);
  ASSERT_EQ(p->device.sync_all(p->id("INBOX")).last_status, 1u);
  auto held = hold_ping(env(), *p, user, "wipefull1");

  const auto wiped = run_cli(config(), {"device", "wipe", user, "wipefull1"});
  ASSERT_EQ(wiped.exit_code, 0) << wiped.output;
  // The held Ping comes back at once, so the device meets the wipe now, not at its heartbeat.
  EXPECT_EQ(held.get(10s).eas_status(), 7u);
  auto d = device_json(config(), user, "wipefull1");
  EXPECT_EQ(text_of(d, "wipe"), "full");
  EXPECT_EQ(text_of(d, "wipe_status"), "requested");
  EXPECT_GT(number_of(d, "wipe_requested_at"), 0);
  EXPECT_FALSE(text_of(d, "wipe_requested_by").empty());

  EXPECT_EQ(folder_sync_status(c), 140u);
  const auto empty = node("Provision:Provision");
  const auto delivered = c.command("Provision", &empty);
  env().schemas("Provision", delivered);
  ASSERT_TRUE(delivered.document && delivered.document->child("Provision:RemoteWipe")) << delivered.describe();
  d = device_json(config(), user, "wipefull1");
  EXPECT_EQ(text_of(d, "wipe_status"), "delivered");
  EXPECT_GT(number_of(d, "wipe_delivered_at"), 0);

  const auto ack = node("Provision:Provision", {node("Provision:RemoteWipe", {leaf("Provision:Status", "1")})});
  const auto acked = c.command("Provision", &ack);
  env().schemas("Provision", acked);
  EXPECT_EQ(acked.eas_status(), 1u);
  d = device_json(config(), user, "wipefull1");
  EXPECT_EQ(text_of(d, "wipe_status"), "acknowledged");
  EXPECT_GT(number_of(d, "wipe_acknowledged_at"), 0);
  // The wiped device stays out until an admin lets it back.
  EXPECT_EQ(folder_sync_status(c), 140u);
  const auto allowed = run_cli(config(), {"device", "allow", user, "wipefull1"});
  ASSERT_EQ(allowed.exit_code, 0) << allowed.output;
  provision(env(), c);
  EXPECT_EQ(folder_sync_status(c), 1u);
}

TEST_F(ProvisioningFlow, AccountOnlyWipeNeeds16_1) {
  const std::string user = "wipe-account";
  auto old = client(user, "14.1", "wipeacct14");
  provision(env(), old);
  const auto refused = run_cli(config(), {"device", "wipe-account", user, "wipeacct14"});
  EXPECT_NE(refused.exit_code, 0) << refused.output;

  auto c = client(user, "16.1", "wipeacct16");
  provision(env(), c);
  const auto wiped = run_cli(config(), {"device", "wipe-account", user, "wipeacct16"});
  ASSERT_EQ(wiped.exit_code, 0) << wiped.output;
  EXPECT_EQ(folder_sync_status(c), 140u);
  const auto empty = node("Provision:Provision");
  const auto delivered = c.command("Provision", &empty);
  ASSERT_TRUE(delivered.document && delivered.document->child("Provision:AccountOnlyRemoteWipe"))
      << delivered.describe();
  EXPECT_FALSE(delivered.document->child("Provision:RemoteWipe"));
  const auto ack =
      node("Provision:Provision", {node("Provision:AccountOnlyRemoteWipe", {leaf("Provision:Status", "1")})});
  EXPECT_EQ(c.command("Provision", &ack).eas_status(), 1u);
  const auto d = device_json(config(), user, "wipeacct16");
  EXPECT_EQ(text_of(d, "wipe"), "account_only");
  EXPECT_EQ(text_of(d, "wipe_status"), "acknowledged");
}

TEST_F(ProvisioningFlow, CancelledWipeIsNeverDelivered) {
  const std::string user = "wipe-cancel";
  auto c = client(user, "14.1", "wipecancel1");
  provision(env(), c);
  ASSERT_EQ(run_cli(config(), {"device", "wipe", user, "wipecancel1"}).exit_code, 0);
  ASSERT_EQ(run_cli(config(), {"device", "cancel-wipe", user, "wipecancel1"}).exit_code, 0);
  EXPECT_EQ(folder_sync_status(c), 1u);
  EXPECT_EQ(text_of(device_json(config(), user, "wipecancel1"), "wipe_status"), "none");
}

TEST_F(ProvisioningFlow, QuarantinedDeviceWorksOnceApproved) {
  const std::string user = "quarantine";
  auto c = client(user, "14.1", "quarantine1", "QuarantinePhone");
  provision(env(), c);  // a quarantined device may provision, so the admin sees what it is
  EXPECT_EQ(folder_sync_status(c), 129u);
  const auto listed = run_cli(config(), {"device", "list", "--access", "quarantined", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("quarantine1"), std::string::npos) << listed.output;
  const auto approved = run_cli(config(), {"device", "approve", user, "quarantine1"});
  ASSERT_EQ(approved.exit_code, 0) << approved.output;
  EXPECT_EQ(folder_sync_status(c), 1u);
}

TEST_F(ProvisioningFlow, BlockedDevicesGetNothing) {
  auto by_rule = client("blocked", "14.1", "blocked1", "BlockedPhone");
  EXPECT_EQ(folder_sync_status(by_rule), 129u);
  const auto request = initial_request(false);
  EXPECT_EQ(by_rule.command("Provision", &request).eas_status(), 129u);

  auto c = client("blocked", "12.1", "blocked2");
  provision(env(), c);
  ASSERT_EQ(folder_sync_status(c), 1u);
  ASSERT_EQ(run_cli(config(), {"device", "block", "blocked", "blocked2"}).exit_code, 0);
  EXPECT_EQ(folder_sync_status(c), 403u);
  EXPECT_EQ(text_of(device_json(config(), "blocked", "blocked2"), "access"), "blocked");
}

TEST_F(ProvisioningFlow, RemovedDeviceStartsOverWithAFullResync) {
  const std::string user = "removed";
  auto p = std::make_unique<phone>(env(), user, "14.1", "removed1");
  provision(env(), p->client);
  const auto first = p->device.folder_sync();
  ASSERT_EQ(first.status, 1u);
  const auto old_hierarchy_key = p->device.folder_key();
  ASSERT_EQ(p->device.sync_all(p->id("INBOX")).last_status, 1u);
  const auto inbox = p->id("INBOX");
  const auto old_sync_key = p->collection("INBOX").sync_key;

  const auto removed = run_cli(config(), {"device", "remove", user, "removed1"});
  ASSERT_EQ(removed.exit_code, 0) << removed.output;
  // Unknown to the registry now: the key it presents is not one easd issued (144, InvalidPolicyKey).
  const auto fs = node("FolderHierarchy:FolderSync", {leaf("FolderHierarchy:SyncKey", old_hierarchy_key)});
  EXPECT_EQ(gate_status(p->client.command("FolderSync", &fs)), 144u);
  provision(env(), p->client);
  EXPECT_EQ(gate_status(p->client.command("FolderSync", &fs)), 9u);  // hierarchy key gone: resync
  const auto sync = node("AirSync:Sync", {node("AirSync:Collections",
                                               {node("AirSync:Collection", {leaf("AirSync:SyncKey", old_sync_key),
                                                                            leaf("AirSync:CollectionId", inbox)})})});
  const auto r = p->client.command("Sync", &sync);
  ASSERT_TRUE(r.document) << r.describe();
  const auto* collection = r.document->child("AirSync:Collections");
  const auto* col = collection ? collection->child("AirSync:Collection") : nullptr;
  ASSERT_TRUE(col) << r.describe();
  EXPECT_EQ(col->child_text("AirSync:Status"), "3");  // invalid SyncKey: the device syncs from 0
}

TEST_F(ProvisioningFlow, AdminApiWantsTheTokenAndIsNotOnThePublicListener) {
  EXPECT_EQ(admin_.call("GET", "/api/v1/devices", {}, std::nullopt).status, 401u);
  EXPECT_EQ(admin_.call("GET", "/api/v1/devices", {}, std::string("wrong-token-wrong-token")).status, 401u);
  EXPECT_EQ(admin_.call("GET", "/api/v1/devices").status, 200u);
  // The public (EAS) listener knows nothing of /api.
  auto c = env().client("api-probe", "14.1", "apiprobe1");
  const auto r = c.raw("GET", "/api/v1/devices", {}, {{"Authorization", std::string("Bearer ") + admin_token}});
  EXPECT_NE(r.status, 200u) << r.describe();
  EXPECT_EQ(r.body.find("devices"), std::string::npos);
  const auto post = c.raw("POST", "/api/v1/device/wipe", R"({"user":"x","device":"y"})",
                          {{"Authorization", std::string("Bearer ") + admin_token}});
  EXPECT_NE(post.status, 200u);
}

}  // namespace
}  // namespace easd::test::provisioning_e2e
