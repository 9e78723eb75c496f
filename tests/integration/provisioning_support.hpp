// Shared pieces of the provisioning end-to-end tests (issue 5): the real easd with the gate on, against a
// real Dovecot, its admin API on a loopback port with a bearer token, and the `easd device|policy` CLI run
// as a subprocess against that daemon. One easd per suite; every test uses users of its own.
#pragma once

#include "tests/integration/held_request.hpp"
#include "tests/integration/mail_support.hpp"
#include "tests/support/lmtp_client.hpp"
#include "tests/support/ping_request.hpp"

#include <boost/json.hpp>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <future>

namespace easd::test::provisioning_e2e {

using namespace std::chrono_literals;
using namespace easd::test::mail;

inline constexpr const char* admin_token = "provisioning-test-token-0123456789";

// The suite's configuration beyond the gate's defaults: a strict policy to assign, access rules keyed on
// DeviceType so each test picks a device's fate by its type, short Ping heartbeats.
inline std::string suite_toml(std::uint16_t admin_port) {
  return "[push]\nmin_heartbeat_seconds = 1\n"
         "[admin]\nlisten = \"127.0.0.1:" + std::to_string(admin_port) + "\"\napi_token = \"" + admin_token + "\"\n"
         "[policy.strict]\ndevice_password_enabled = true\nmin_device_password_length = 6\n"
         "[[access.rule]]\naction = \"quarantine\"\ndevice_type = \"Quarantine*\"\n"
         "[[access.rule]]\naction = \"block\"\ndevice_type = \"Blocked*\"\n";
}

enum class key_in { body, header, query };

inline wbxml::element initial_request(bool with_device_information) {
  auto root = node("Provision:Provision");
  if (with_device_information) {
    root.add(node("Settings:DeviceInformation",
                  {node("Settings:Set", {leaf("Settings:Model", "TestPhone 3"), leaf("Settings:OS", "TestOS 1.0"),
                                         leaf("Settings:FriendlyName", "desk phone"),
                                         leaf("Settings:UserAgent", "easd-test/1")})}));
  }
  root.add(node("Provision:Policies",
                {node("Provision:Policy", {leaf("Provision:PolicyType", "MS-EAS-Provisioning-WBXML")})}));
  return root;
}

inline wbxml::element ack_request(const std::string& key, bool key_in_body, unsigned status = 1) {
  auto policy = node("Provision:Policy", {leaf("Provision:PolicyType", "MS-EAS-Provisioning-WBXML")});
  if (key_in_body) policy.add(leaf("Provision:PolicyKey", key));
  policy.add(leaf("Provision:Status", std::to_string(status)));
  return node("Provision:Provision", {node("Provision:Policies", {std::move(policy)})});
}

inline std::string policy_text(const eas_response& r, std::string_view child) {
  if (!r.document) return {};
  const auto* policies = r.document->child("Provision:Policies");
  const auto* policy = policies ? policies->child("Provision:Policy") : nullptr;
  const auto v = policy ? policy->child_text(std::string("Provision:") + std::string(child)) : std::nullopt;
  return v ? std::string(*v) : std::string();
}

// The two-step exchange the way a phone does it; the final key goes into c's X-MS-PolicyKey. Each
// response is checked against the schemas.
inline std::string provision(environment& env, eas_client& c, key_in where = key_in::body,
                             bool with_device_information = false) {
  c.config().policy_key.reset();
  const auto first_request = initial_request(with_device_information);
  const auto first = c.command("Provision", &first_request);
  env.schemas("Provision", first);
  EXPECT_EQ(first.eas_status(), 1u) << first.describe();
  const auto temporary = policy_text(first, "PolicyKey");
  EXPECT_FALSE(temporary.empty()) << first.describe();
  const auto ack = ack_request(temporary, where == key_in::body);
  eas_response second;
  if (where == key_in::header) {
    second = c.command("Provision", &ack, {}, {{"X-MS-PolicyKey", temporary}});
  } else if (where == key_in::query) {
    second = c.command("Provision", &ack, {{"PolicyKey", temporary}});
  } else {
    second = c.command("Provision", &ack);
  }
  env.schemas("Provision", second);
  EXPECT_EQ(policy_text(second, "Status"), "1") << second.describe();
  const auto final_key = policy_text(second, "PolicyKey");
  EXPECT_FALSE(final_key.empty()) << second.describe();
  EXPECT_NE(final_key, temporary);
  c.config().policy_key = final_key;
  return final_key;
}

// 449 / 403 for 12.1, else the body's top-level Status (0: none).
inline unsigned gate_status(const eas_response& r) {
  if (r.status != 200) return r.status;
  const auto s = r.eas_status();
  return s ? *s : 0u;
}

inline bool refused_by_gate(const eas_response& r) {
  const unsigned s = gate_status(r);
  return s == 449 || s == 403 || s == 129 || (s >= 139 && s <= 145) || s == 177;
}

inline unsigned folder_sync_status(eas_client& c) {
  const auto request = node("FolderHierarchy:FolderSync", {leaf("FolderHierarchy:SyncKey", "0")});
  return gate_status(c.command("FolderSync", &request));
}

// A Ping on the phone's Inbox, held on a connection of its own with the phone's policy key; waits until
// it is parked (it must not have answered yet).
inline held_request hold_ping(environment& env, phone& p, const std::string& user, const std::string& device) {
  auto c = std::make_shared<eas_client>(env.client(user, p.client.config().protocol_version, device));
  c->config().policy_key = p.client.config().policy_key;
  const auto request = ping_request(300, {p.id("INBOX")});
  held_request h;
  h.reply = std::async(std::launch::async, [c, request] { return c->command("Ping", &request); });
  std::this_thread::sleep_for(1500ms);
  EXPECT_FALSE(h.answered()) << "the Ping answered at once";
  return h;
}

// The admin API over plain HTTP on its own listener.
struct admin_api {
  std::uint16_t port = 0;
  eas_response call(const std::string& method, const std::string& target, const std::string& body = {},
                    std::optional<std::string> token = std::string(admin_token)) const {
    eas_client_options o;
    o.port = port;
    o.tls = false;
    eas_client c(o);
    field_list headers = {{"X-Easd-Actor", "provisioning-test"}};
    if (token) headers.emplace_back("Authorization", "Bearer " + *token);
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return c.raw(method, target, body, headers);
  }
  boost::json::value json(const std::string& method, const std::string& target, const std::string& body = {}) const {
    const auto r = call(method, target, body);
    EXPECT_EQ(r.status, 200u) << method << " " << target << ": " << r.body;
    boost::system::error_code ec;
    auto v = boost::json::parse(r.body, ec);
    return ec ? boost::json::value() : v;
  }
};

struct cli_result {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// `easd ARGS... --config FILE`, the way an admin runs it on the server.
inline cli_result run_cli(const std::filesystem::path& config, const std::vector<std::string>& args) {
  std::string cmd = "'" + easd_binary().string() + "'";
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += " --config '" + config.string() + "' 2>&1";
  cli_result out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  std::array<char, 4096> buf{};
  while (const auto n = std::fread(buf.data(), 1, buf.size(), p)) out.output.append(buf.data(), n);
  const int status = ::pclose(p);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

// `easd device show USER DEVICE --json`, parsed.
inline boost::json::object device_json(const std::filesystem::path& config, const std::string& user,
                                       const std::string& device) {
  const auto r = run_cli(config, {"device", "show", user, device, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  boost::system::error_code ec;
  auto v = boost::json::parse(r.output, ec);
  if (ec || !v.is_object()) {
    ADD_FAILURE() << "device show printed no JSON object: " << r.output;
    return {};
  }
  return v.as_object();
}

inline std::string text_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
inline std::int64_t number_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : (v && v->is_uint64() ? static_cast<std::int64_t>(v->as_uint64()) : -1);
}

class ProvisioningSuite : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    env_ = new environment;
    env_->provisioning = true;
    admin_.port = free_loopback_port();
    env_->start(/*condstore=*/true, /*plain=*/false, /*count_imap=*/false, suite_toml(admin_.port));
  }
  static void TearDownTestSuite() {
    env_->stop();
    delete env_;
    env_ = nullptr;
  }

  environment& env() { return *env_; }
  std::filesystem::path config() const { return env_->easd->config_file(); }
  eas_client client(const std::string& user, const std::string& version, const std::string& device,
                    const std::string& type = "TestClient") {
    auto c = env().client(user, version, device);
    c.config().device_type = type;
    return c;
  }

  static inline environment* env_ = nullptr;
  static inline admin_api admin_;
};

}  // namespace easd::test::provisioning_e2e
