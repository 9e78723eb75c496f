#include "provisioning/policy_book.hpp"

#include <gtest/gtest.h>

namespace easd::provisioning {
namespace {

settings configured() {
  return parse_settings(R"(
[policy.default]
device_password_enabled = true
[policy.strict]
require_device_encryption = true
[policy.iphones]
allow_bluetooth = 1
[[provisioning.assign]]
policy = "iphones"
device_types = ["iPhone"]
[[provisioning.assign]]
policy = "strict"
models = ["Pixel*"]
)",
                        "easd.toml");
}

device dev(std::string type, std::string assigned = "", std::string model = "") {
  device d;
  d.key = {"alice", "DEV1"};
  d.device_type = std::move(type);
  d.assigned_policy = std::move(assigned);
  d.info.model = std::move(model);
  return d;
}

stored_policy stored(std::string name, std::string json) {
  stored_policy s;
  s.name = std::move(name);
  s.json = std::move(json);
  s.updated = 1;
  return s;
}

user_assignment assign(std::string user, std::string policy) {
  user_assignment u;
  u.user = std::move(user);
  u.policy = std::move(policy);
  return u;
}

TEST(PolicySource, Names) {
  EXPECT_EQ(to_string(policy_source::builtin), "builtin");
  EXPECT_EQ(to_string(policy_source::config), "config");
  EXPECT_EQ(to_string(policy_source::api), "api");
}

TEST(PolicyBook, BuiltinDefaultWithoutConfiguration) {
  const policy_book book(settings{}, {}, {}, 7);
  EXPECT_EQ(book.generation(), 7);
  ASSERT_EQ(book.policies().size(), 1u);
  EXPECT_EQ(book.source("default"), policy_source::builtin);
  EXPECT_EQ(book.policy_for("anyone", dev("iPhone")).name, "default");
  EXPECT_EQ(book.find("strict"), nullptr);
  EXPECT_EQ(fingerprint(book.policy_for("anyone", dev("x"))), fingerprint(default_policy()));
}

TEST(PolicyBook, SourcesOfConfiguredAndApiPolicies) {
  auto s = parse_settings("[policy.strict]\nallow_wifi = false\n", "easd.toml");
  const policy_book plain(s, {}, {}, 0);
  EXPECT_EQ(plain.source("default"), policy_source::builtin);  // configured file without [policy.default]
  EXPECT_EQ(plain.source("strict"), policy_source::config);

  const policy_book book(
      configured(),
      {stored("strict", R"({"name":"strict","allow_camera":false})"), stored("made", policy_to_json(default_policy()))},
      {}, 3);
  EXPECT_EQ(book.source("default"), policy_source::config);
  EXPECT_EQ(book.source("strict"), policy_source::api);
  EXPECT_EQ(book.source("iphones"), policy_source::config);
  EXPECT_EQ(book.source("made"), policy_source::api);
  EXPECT_EQ(book.policies().size(), 4u);
  // An API row over a configured policy starts from the configured values for keys it lacks.
  const auto* strict = book.find("strict");
  ASSERT_NE(strict, nullptr);
  EXPECT_FALSE(strict->allow_camera);
  EXPECT_TRUE(strict->require_device_encryption);
  // The row's name is the stored name, whatever its JSON says.
  EXPECT_EQ(book.find("made")->name, "made");
}

TEST(PolicyBook, BadStoredRowsAreSkipped) {
  const policy_book book(configured(),
                         {stored("broken", "{not json"), stored("Bad Name", "{}"),
                          stored("strict", R"({"allow_bluetooth": 7})"), stored("fine", "{}")},
                         {}, 0);
  EXPECT_EQ(book.find("broken"), nullptr);
  EXPECT_EQ(book.find("Bad Name"), nullptr);
  EXPECT_EQ(book.source("strict"), policy_source::config);  // the configured one stays
  EXPECT_EQ(book.find("strict")->allow_bluetooth, 2u);
  ASSERT_NE(book.find("fine"), nullptr);
  EXPECT_EQ(book.source("fine"), policy_source::api);
}

TEST(PolicyBook, PrecedenceDeviceThenUserThenRuleThenDefault) {
  const policy_book book(configured(), {stored("vip", "{}"), stored("field", "{}")},
                         {assign("alice", "field"), assign("bob", "")}, 1);
  EXPECT_EQ(book.policy_for("alice", dev("iPhone", "vip")).name, "vip");
  EXPECT_EQ(book.policy_for("alice", dev("iPhone")).name, "field");
  EXPECT_EQ(book.policy_for("bob", dev("iPhone")).name, "iphones");  // "" assignment: none
  EXPECT_EQ(book.policy_for("carol", dev("Android", "", "Pixel 8")).name, "strict");
  EXPECT_EQ(book.policy_for("carol", dev("Android")).name, "default");
  EXPECT_TRUE(book.policy_for("carol", dev("Android")).device_password_enabled);  // configured default
  EXPECT_EQ(book.user_assignments().size(), 2u);
}

TEST(PolicyBook, DeletedNamesFallThrough) {
  // "gone" was deleted through the API: the assignments naming it remain in the registry.
  const policy_book book(configured(), {}, {assign("alice", "gone"), assign("dave", "also-gone")}, 2);
  EXPECT_EQ(book.policy_for("alice", dev("iPhone", "gone")).name, "iphones");
  EXPECT_EQ(book.policy_for("dave", dev("Android", "gone")).name, "default");
  EXPECT_EQ(book.policy_for("erin", dev("Android", "gone", "Pixel 7")).name, "strict");

  // A rule whose (configured) policy an API row replaced, then deleted again: the configured one is back.
  const policy_book before(configured(), {stored("strict", R"({"allow_wifi":false})")}, {}, 3);
  EXPECT_FALSE(before.policy_for("x", dev("Android", "", "Pixel")).allow_wifi);
  const policy_book after(configured(), {}, {}, 4);
  EXPECT_TRUE(after.policy_for("x", dev("Android", "", "Pixel")).allow_wifi);
}

TEST(PolicyBook, RulesSeeTheRecordedDeviceTypeAndModel) {
  auto s = parse_settings(R"(
[policy.outlook]
allow_camera = false
[[provisioning.assign]]
policy = "outlook"
device_types = ["Outlook"]
models = ["Outlook for *"]
)",
                          "easd.toml");
  const policy_book book(s, {}, {}, 0);
  EXPECT_EQ(book.policy_for("u", dev("Outlook", "", "Outlook for iOS")).name, "outlook");
  EXPECT_EQ(book.policy_for("u", dev("Outlook")).name, "default");
  EXPECT_EQ(book.policy_for("u", dev("iPhone", "", "Outlook for iOS")).name, "default");
}

}  // namespace
}  // namespace easd::provisioning
