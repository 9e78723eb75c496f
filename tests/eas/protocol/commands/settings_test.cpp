// Settings through the real dispatcher with the provisioning gate on.
#include "eas/protocol/commands/settings.hpp"

#include "tests/eas/protocol/commands/provisioning_fixture.hpp"

#include <gtest/gtest.h>

namespace easd::protocol::test {
namespace {

using v = protocol_version;

wbxml::element device_information(std::initializer_list<wbxml::element> values) {
  return node("Settings:DeviceInformation", {node("Settings:Set", values)});
}

class Settings : public ProvisioningFixture {};

TEST_F(Settings, DeviceInformationPassesTheGateBeforeProvisioning) {
  const auto request = node("Settings:Settings",
                            {device_information({leaf("Settings:Model", "SM-S911B"), leaf("Settings:IMEI", "35000"),
                                                 leaf("Settings:OS", "Android 14"),
                                                 leaf("Settings:PhoneNumber", "+4912345"),
                                                 leaf("Settings:UserAgent", "Android-Mail/2023"),
                                                 leaf("Settings:EnableOutboundSMS", "1"),
                                                 leaf("Settings:MobileOperator", "Op")})});
  const auto r = send("Settings", &request, std::nullopt, v::v14_1);
  const auto doc = decode(r);
  EXPECT_EQ(doc.child_text("Settings:Status"), "1");
  ASSERT_NE(doc.child("Settings:DeviceInformation"), nullptr);
  EXPECT_EQ(doc.child("Settings:DeviceInformation")->child_text("Settings:Status"), "1");
  expect_valid("settings-device-information", r.body);
  const auto d = device();
  EXPECT_EQ(d.info.model, "SM-S911B");
  EXPECT_EQ(d.info.imei, "35000");
  EXPECT_EQ(d.info.os, "Android 14");
  EXPECT_EQ(d.info.phone_number, "+4912345");
  EXPECT_TRUE(d.info.enable_outbound_sms);
}

TEST_F(Settings, MalformedDeviceInformationGetsStatus5) {
  const auto request =
      node("Settings:Settings", {device_information({leaf("Settings:Model", std::string("bad\x01", 4))})});
  const auto doc = decode(send("Settings", &request, std::nullopt, v::v14_1));
  EXPECT_EQ(doc.child("Settings:DeviceInformation")->child_text("Settings:Status"), "5");
}

TEST_F(Settings, AccessRulesOnTheModelApplyOnceItIsKnown) {
  configure("[[access.rule]]\naction = \"quarantine\"\nmodel = \"SM-*\"\n");
  const auto request = node("Settings:Settings", {device_information({leaf("Settings:Model", "SM-S911B")})});
  send("Settings", &request, std::nullopt, v::v14_1);
  EXPECT_EQ(device().access, provisioning::access_state::quarantined);
}

TEST_F(Settings, UserInformationNeedsProvisioningThenAnswersTheAddress) {
  const auto request = node("Settings:Settings", {node("Settings:UserInformation", {node("Settings:Get")})});
  EXPECT_EQ(decode(send("Settings", &request, std::nullopt, v::v14_1)).child_text("Settings:Status"), "142");
  for (const auto version : {v::v12_1, v::v14_1, v::v16_1}) {
    const auto key = provision(version);
    const auto r = send("Settings", &request, key, version);
    const auto doc = decode(r);
    EXPECT_EQ(doc.child_text("Settings:Status"), "1");
    const auto* info = doc.child("Settings:UserInformation");
    ASSERT_NE(info, nullptr);
    const auto* get = info->child("Settings:Get");
    ASSERT_NE(get, nullptr);
    const auto* addresses = version >= v::v14_1
                                ? get->child("Settings:Accounts")->child("Settings:Account")->child("Settings:EmailAddresses")
                                : get->child("Settings:EmailAddresses");
    ASSERT_NE(addresses, nullptr);
    EXPECT_EQ(addresses->child_text("Settings:SMTPAddress"), user_);
    expect_valid("settings-user-information", r.body);
  }
}

TEST_F(Settings, OofAndDevicePasswordAreRefusedHonestly) {
  const auto key = provision();
  const auto request = node(
      "Settings:Settings",
      {node("Settings:Oof", {node("Settings:Get", {leaf("Settings:BodyType", "Text")})}),
       node("Settings:DevicePassword", {node("Settings:Set", {leaf("Settings:Password", "1234")})}),
       node("Settings:RightsManagementInformation", {node("Settings:Get")})});
  const auto r = send("Settings", &request, key, v::v14_1);
  const auto doc = decode(r);
  EXPECT_EQ(doc.child_text("Settings:Status"), "1");
  EXPECT_EQ(doc.child("Settings:Oof")->child_text("Settings:Status"), "3");
  EXPECT_EQ(doc.child("Settings:DevicePassword")->child_text("Settings:Status"), "7");
  EXPECT_EQ(doc.child("Settings:RightsManagementInformation")->child_text("Settings:Status"), "1");
  expect_valid("settings-refusals", r.body);
}

TEST_F(Settings, UnknownPropertyIsAProtocolError) {
  const auto key = provision();
  const auto request = node("Settings:Settings", {leaf("Settings:Model", "x")});
  const auto doc = decode(send("Settings", &request, key, v::v14_1));
  EXPECT_EQ(doc.child_text("Settings:Status"), "2");
  EXPECT_EQ(doc.children().size(), 1u);
}

}  // namespace
}  // namespace easd::protocol::test
