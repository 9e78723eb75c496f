// ProtocolFixture with the provisioning gate on: the fixture's SQLite store is also the device registry,
// and the policies come from a [provisioning] TOML text the test chooses.
#pragma once

#include "eas/protocol/policy_source.hpp"
#include "provisioning/settings.hpp"
#include "tests/eas/protocol/commands/protocol_fixture.hpp"
#include "tests/support/eas_client.hpp"

#include <charconv>
#include <optional>
#include <string>

namespace easd::protocol::test {

using easd::test::leaf;
using easd::test::node;

class ProvisioningFixture : public ProtocolFixture {
protected:
  ProvisioningFixture() { configure(""); }

  // Replaces the configured layer (the admin layer stays in the store).
  void configure(const std::string& toml) {
    policies_ = std::make_unique<policy_source>(provisioning::parse_settings(toml, "test.toml"), *store_,
                                                std::chrono::milliseconds(0));
    svc_.devices = store_.get();
    svc_.policies = policies_.get();
  }

  static std::string wbxml_of(const wbxml::element& e) { return wbxml::encode_to_string(e); }

  // One request from the fixture's device with `key` as X-MS-PolicyKey (nullopt: none).
  reply send(const std::string& cmd, const wbxml::element* body, std::optional<std::uint32_t> key,
             protocol_version v) {
    auto ctx = context(cmd, v);
    ctx.policy_key = key;
    return dispatch(ctx, body ? wbxml_of(*body) : std::string());
  }

  static wbxml::element initial_request(bool with_device_information = false) {
    auto root = node("Provision:Provision");
    if (with_device_information) {
      root.add(node("Settings:DeviceInformation",
                    {node("Settings:Set", {leaf("Settings:Model", "iPhone15,2"), leaf("Settings:OS", "iOS 17.1"),
                                           leaf("Settings:FriendlyName", "Ann's phone")})}));
    }
    root.add(node("Provision:Policies",
                  {node("Provision:Policy", {leaf("Provision:PolicyType", "MS-EAS-Provisioning-WBXML")})}));
    return root;
  }

  static wbxml::element ack_request(const std::string& key, unsigned status = 1) {
    return node("Provision:Provision",
                {node("Provision:Policies",
                      {node("Provision:Policy", {leaf("Provision:PolicyType", "MS-EAS-Provisioning-WBXML"),
                                                 leaf("Provision:PolicyKey", key),
                                                 leaf("Provision:Status", std::to_string(status))})})});
  }

  // Policy/PolicyKey of a Provision response ("" without one).
  static std::string policy_key_of(const wbxml::element& response) {
    const auto* policies = response.child("Provision:Policies");
    const auto* policy = policies ? policies->child("Provision:Policy") : nullptr;
    const auto key = policy ? policy->child_text("Provision:PolicyKey") : std::nullopt;
    return key ? std::string(*key) : std::string();
  }
  static std::optional<unsigned> policy_status_of(const wbxml::element& response) {
    const auto* policies = response.child("Provision:Policies");
    const auto* policy = policies ? policies->child("Provision:Policy") : nullptr;
    const auto s = policy ? policy->child_text("Provision:Status") : std::nullopt;
    if (!s) return std::nullopt;
    unsigned v = 0;
    std::from_chars(s->data(), s->data() + s->size(), v);
    return v;
  }
  static std::uint32_t number(const std::string& s) {
    std::uint32_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
  }

  // The whole two-step exchange; returns the final key.
  std::uint32_t provision(protocol_version v = protocol_version::v14_1, bool with_device_information = false) {
    const auto first_request = initial_request(with_device_information);
    const auto first = decode(send("Provision", &first_request, std::nullopt, v));
    const auto temporary = policy_key_of(first);
    const auto ack = ack_request(temporary);
    const auto second = decode(send("Provision", &ack, number(temporary), v));
    return number(policy_key_of(second));
  }

  provisioning::device device() {
    auto d = store_->find({user_, device_});
    EXPECT_TRUE(d) << "device not registered";
    return d ? *d : provisioning::device{};
  }

  // Schema-checks a response the way libwbxml can read it (validate_response.hpp's misnamed elements out).
  static void expect_valid(const std::string& name, const std::string& body) {
    auto doc = wbxml::decode(body);
    ASSERT_TRUE(doc) << name;
    drop_misnamed_by_libwbxml(*doc);
    const auto readable = wbxml::encode_to_string(*doc);
    EASD_EXPECT_VALID(name, readable);
  }

  std::unique_ptr<policy_source> policies_;
};

}  // namespace easd::protocol::test
