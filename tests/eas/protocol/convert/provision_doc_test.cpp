#include "eas/protocol/convert/provision_doc.hpp"

#include "eas/wbxml/code_pages.hpp"
#include "eas/wbxml/codec.hpp"
#include "tests/eas/protocol/validate_response.hpp"

#include <gtest/gtest.h>

namespace easd::protocol::convert {
namespace {

using provisioning::policy;

policy strict_policy() {
  auto p = provisioning::default_policy();
  p.name = "strict";
  p.device_password_enabled = true;
  p.alphanumeric_device_password_required = true;
  p.require_device_encryption = true;
  p.min_device_password_length = 8;
  p.max_device_password_failed_attempts.reset();
  p.max_attachment_size = 10u << 20;
  p.allow_simple_device_password = false;
  p.device_password_history = 5;
  p.allow_bluetooth = 1;
  p.max_calendar_age_filter = 5;
  p.max_email_age_filter = 3;
  p.max_email_body_truncation_size = 100;
  p.require_encryption_smime_algorithm = 2;
  p.unapproved_in_rom_application_list = {"Internet Explorer", "Solitaire"};
  p.approved_application_list = {"0123456789abcdef0123456789abcdef01234567"};
  p.allow_non_compliant = false;
  p.refresh_interval = std::chrono::hours(24);
  return p;
}

// Provision/Status 1/Policies/Policy(PolicyType, Status 1, PolicyKey, Data/EASProvisionDoc): the initial
// response of [MS-ASPROV] 3.2.5.1.
wbxml::element provision_response(const policy& p, protocol_version v) {
  auto root = wbxml::element::named("Provision:Provision");
  root.add("Provision:Status", "1");
  auto& pol = root.add("Provision:Policies").add("Provision:Policy");
  pol.add("Provision:PolicyType", "MS-EAS-Provisioning-WBXML");
  pol.add("Provision:Status", "1");
  pol.add("Provision:PolicyKey", "123");
  pol.add("Provision:Data").add(provision_doc(p, v));
  return root;
}

// libwbxml 0.11.8, which the validator decodes with, names Provision 0x10 DeviceEncryptionEnabled (its
// 12.0 name, wbxml.md §7.2), which the schema rejects; the tests above check that element themselves,
// and the copy that goes to the validator leaves it out.
wbxml::element without_storage_card_encryption(wbxml::element e) {
  static const auto misnamed = wbxml::tag_of("Provision:RequireStorageCardEncryption");
  std::erase_if(e.children(), [](const wbxml::element& c) { return c.id() == misnamed; });
  for (auto& c : e.children()) c = without_storage_card_encryption(std::move(c));
  return e;
}

const wbxml::element* child(const wbxml::element& e, std::string_view local) {
  return e.child(std::string("Provision:") + std::string(local));
}

TEST(ProvisionDoc, DefaultCarriesEveryDocumentSettingInOrder) {
  const auto doc = provision_doc(provisioning::default_policy(), protocol_version::v14_1);
  EXPECT_EQ(doc.qualified_name(), "Provision:EASProvisionDoc");
  std::vector<std::string> names;
  for (const auto& c : doc.children()) names.push_back(c.qualified_name());
  std::vector<std::string> expected;
  for (const auto& f : provisioning::fields()) {
    if (f.document && f.type != provisioning::field_type::string_list) {
      expected.push_back("Provision:" + std::string(f.element));
    }
  }
  EXPECT_EQ(names, expected);  // empty application lists left out
  EXPECT_EQ(names.size(), 40u);
  EXPECT_EQ(child(doc, "DevicePasswordEnabled")->text(), "0");
  EXPECT_EQ(child(doc, "MinDevicePasswordLength")->text(), "4");
  EXPECT_TRUE(child(doc, "MaxAttachmentSize")->empty());
  // Token 0x10, between AlphanumericDevicePasswordRequired and PasswordRecoveryEnabled on the code page
  // but after PasswordRecoveryEnabled in the document.
  EXPECT_EQ(doc.children()[3].id(), (wbxml::tag{14, 0x10}));
  EXPECT_EQ(doc.children()[3].text(), "0");
  EXPECT_EQ(child(doc, "MaxEmailBodyTruncationSize")->text(), "-1");
  EXPECT_EQ(child(doc, "AllowSMIMEEncryptionAlgorithmNegotiation")->text(), "2");
  EXPECT_EQ(child(doc, "ApprovedApplicationList"), nullptr);
  EXPECT_EQ(child(doc, "UnapprovedInROMApplicationList"), nullptr);
}

TEST(ProvisionDoc, ListsAndEmptyElements) {
  const auto doc = provision_doc(strict_policy(), protocol_version::v16_1);
  EXPECT_TRUE(child(doc, "MaxDevicePasswordFailedAttempts")->empty());
  EXPECT_EQ(child(doc, "MaxAttachmentSize")->text(), "10485760");
  const auto* rom = child(doc, "UnapprovedInROMApplicationList");
  ASSERT_NE(rom, nullptr);
  ASSERT_EQ(rom->children().size(), 2u);
  EXPECT_EQ(rom->children()[0].qualified_name(), "Provision:ApplicationName");
  EXPECT_EQ(rom->children()[1].text(), "Solitaire");
  const auto* approved = child(doc, "ApprovedApplicationList");
  ASSERT_NE(approved, nullptr);
  ASSERT_EQ(approved->children().size(), 1u);
  EXPECT_EQ(approved->children()[0].qualified_name(), "Provision:Hash");
  EXPECT_EQ(doc.children().back().qualified_name(), "Provision:ApprovedApplicationList");
  // Server behaviour never reaches the device.
  EXPECT_EQ(doc.children().size(), 42u);
}

TEST(ProvisionDoc, OnlyTheSettingsTheVersionKnows) {
  // 12.0 is not served, but its document is the twelve 12.0 settings less RequireStorageCardEncryption
  // (token 0x10 was DeviceEncryptionEnabled then) — commands.md §8.6.
  const auto doc = provision_doc(strict_policy(), protocol_version::v12_0);
  EXPECT_EQ(doc.children().size(), 11u);
  EXPECT_EQ(child(doc, "RequireStorageCardEncryption"), nullptr);
  EXPECT_EQ(child(doc, "AllowBluetooth"), nullptr);
  EXPECT_EQ(provision_doc(strict_policy(), protocol_version::v2_5).children().size(), 0u);
  EXPECT_EQ(provision_doc(strict_policy(), protocol_version::v12_1).children().size(), 42u);
}

TEST(ProvisionDoc, FullResponsesValidateAgainstTheSchema) {
  if (!test::have_validator()) GTEST_SKIP() << "validate-eas-response or its tools are not installed";
  for (const auto v : {protocol_version::v12_1, protocol_version::v14_1, protocol_version::v16_1}) {
    for (const auto& p : {provisioning::default_policy(), strict_policy()}) {
      const auto name = p.name + "-" + std::string(to_string(v));
      SCOPED_TRACE(name);
      const auto body = wbxml::encode_to_string(provision_response(p, v));
      const auto back = wbxml::decode(body);
      ASSERT_TRUE(back);
      EXPECT_EQ(*back, provision_response(p, v));
      EASD_EXPECT_VALID("provision-" + name,
                        wbxml::encode_to_string(without_storage_card_encryption(provision_response(p, v))));
    }
  }
}

}  // namespace
}  // namespace easd::protocol::convert
