#include "provisioning/settings.hpp"

#include "eas/core/config.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <fstream>

namespace easd::provisioning {
namespace {

// The example of settings.hpp's header comment, as written there.
constexpr const char* header_example = R"(
[provisioning]
enabled = true                  # false: no device has to provision (Provision answers "no policy")
max_devices_per_user = 20       # 0: unlimited; the next new device gets 177

[policy.default]                # overrides of the built-in permissive default (policy.hpp)
device_password_enabled = true
[policy.strict]                 # named policies start from the built-in default too
require_device_encryption = true

[groups]
sales = ["alice", "bob"]

[[provisioning.assign]]         # first match wins; no match: "default"
policy = "strict"
users = ["*@board.example.com"] # globs (* and ?), case-insensitive; any of them
groups = ["sales"]              # any of them (users OR groups; both empty: every user)
device_types = ["iPhone*"]      # globs on DeviceType; empty: any
models = []                     # globs on DeviceInformation Model; empty: any

[access]
default = "allow"               # allow | quarantine | block, for a device no rule matches
[[access.rule]]                 # first match wins; every non-empty glob must match
action = "block"
device_type = "SAMSUNG*"
model = ""
os = ""
user_agent = "Outlook-*"
)";

std::string error_of(const std::string& text) {
  try {
    parse_settings(text, "easd.toml");
  } catch (const settings_error& e) {
    return e.what();
  }
  return {};
}

device_facts facts(std::string type, std::string model = "", std::string os = "", std::string agent = "") {
  device_facts d;
  d.device_type = std::move(type);
  d.model = std::move(model);
  d.os = std::move(os);
  d.user_agent = std::move(agent);
  return d;
}

TEST(Settings, HeaderExampleParses) {
  const auto s = parse_settings(header_example, "easd.toml");
  EXPECT_TRUE(s.enabled);
  EXPECT_EQ(s.max_devices_per_user, 20u);
  ASSERT_EQ(s.policies.size(), 2u);
  EXPECT_TRUE(s.policies.at("default").device_password_enabled);
  EXPECT_EQ(s.policies.at("default").name, "default");
  const auto& strict = s.policies.at("strict");
  EXPECT_EQ(strict.name, "strict");
  EXPECT_TRUE(strict.require_device_encryption);
  EXPECT_FALSE(strict.device_password_enabled);  // from the built-in default, not [policy.default]
  EXPECT_EQ(s.groups.at("sales"), (std::vector<std::string>{"alice", "bob"}));
  ASSERT_EQ(s.assignments.size(), 1u);
  EXPECT_EQ(s.assignments[0].policy, "strict");
  EXPECT_EQ(s.assignments[0].users, std::vector<std::string>{"*@board.example.com"});
  EXPECT_EQ(s.assignments[0].groups, std::vector<std::string>{"sales"});
  EXPECT_EQ(s.assignments[0].device_types, std::vector<std::string>{"iPhone*"});
  EXPECT_TRUE(s.assignments[0].models.empty());
  EXPECT_EQ(s.default_access, access_level::allow);
  ASSERT_EQ(s.access_rules.size(), 1u);
  EXPECT_EQ(s.access_rules[0].action, access_level::block);
  EXPECT_EQ(s.access_rules[0].device_type, "SAMSUNG*");
  EXPECT_EQ(s.access_rules[0].user_agent, "Outlook-*");
  EXPECT_EQ(s.access_rules[0].model, "");
}

TEST(Settings, AbsentSectionsGiveDefaultsAndOtherSectionsAreIgnored) {
  const auto s = parse_settings("[server]\nexternal_url = \"https://x\"\n[imap]\nhost = \"h\"\n", "easd.toml");
  EXPECT_TRUE(s.enabled);
  EXPECT_EQ(s.max_devices_per_user, 0u);
  ASSERT_EQ(s.policies.size(), 1u);
  EXPECT_EQ(fingerprint(s.policies.at("default")), fingerprint(default_policy()));
  EXPECT_TRUE(s.groups.empty());
  EXPECT_TRUE(s.assignments.empty());
  EXPECT_EQ(s.default_access, access_level::allow);
  EXPECT_TRUE(s.access_rules.empty());
}

TEST(Settings, PolicyValuesOfEveryType) {
  const auto s = parse_settings(R"(
[provisioning]
enabled = false
[policy.tight]
min_device_password_length = 8
max_attachment_size = ""
max_inactivity_time_device_lock = 300
max_email_body_truncation_size = -1
allow_bluetooth = 1
max_calendar_age_filter = 6
approved_application_list = ["0123456789abcdef0123456789abcdef01234567"]
allow_non_compliant = false
refresh_interval_seconds = 86400
)",
                                "easd.toml");
  EXPECT_FALSE(s.enabled);
  const auto& p = s.policies.at("tight");
  EXPECT_EQ(p.min_device_password_length, 8u);
  EXPECT_FALSE(p.max_attachment_size);
  EXPECT_EQ(p.max_inactivity_time_device_lock, 300u);
  EXPECT_EQ(p.allow_bluetooth, 1u);
  EXPECT_EQ(p.max_calendar_age_filter, 6u);
  EXPECT_EQ(p.approved_application_list.size(), 1u);
  EXPECT_FALSE(p.allow_non_compliant);
  EXPECT_EQ(p.refresh_interval, std::chrono::hours(24));
}

struct bad_file {
  std::string text;
  std::string expect;  // a part of the message
};

TEST(Settings, RejectsWhatItDoesNotKnowNamingFileLineAndKey) {
  const bad_file cases[]{
      {"[provisioning]\nenable = true\n", "unknown key provisioning.enable"},
      {"[provisioning]\nmax_devices_per_user = -1\n", "provisioning.max_devices_per_user"},
      {"[provisioning]\nmax_devices_per_user = 100001\n", "provisioning.max_devices_per_user"},
      {"[provisioning]\nenabled = \"yes\"\n", "provisioning.enabled"},
      {"provisioning = 3\n", "[provisioning] must be a table"},
      {"[policy.strict]\nallow_wifii = false\n", "unknown key policy.strict.allow_wifii"},
      {"[policy.strict]\nname = \"x\"\n", "unknown key policy.strict.name"},
      {"[policy.strict]\nmax_email_age_filter = 6\n", "policy.strict.max_email_age_filter"},
      {"[policy.strict]\nmax_calendar_age_filter = 2\n", "must be 0, 4, 5, 6 or 7"},
      {"[policy.strict]\nallow_wifi = 1\n", "policy.strict.allow_wifi"},
      {"[policy.strict]\nmin_device_password_length = \"4\"\n", "policy.strict.min_device_password_length"},
      {"[policy.strict]\napproved_application_list = [1, 2]\n", "policy.strict.approved_application_list"},
      {"[policy.Strict]\nallow_wifi = false\n", "bad policy name"},
      {"[policy]\nstrict = 3\n", "policy.strict"},
      {"[groups]\nsales = \"alice\"\n", "groups.sales"},
      {"[groups]\nsales = [\"\"]\n", "groups.sales"},
      {"[[provisioning.assign]]\nusers = [\"*\"]\n", "without policy"},
      {"[[provisioning.assign]]\npolicy = \"nope\"\n", "unknown policy \"nope\""},
      {"[[provisioning.assign]]\npolicy = \"default\"\ngroups = [\"ghosts\"]\n", "unknown group \"ghosts\""},
      {"[[provisioning.assign]]\npolicy = \"default\"\nuser = [\"a\"]\n", "unknown key provisioning.assign.user"},
      {"[[provisioning.assign]]\npolicy = \"default\"\nusers = [\"SM-[GN]*\"]\n", "bad glob"},
      {"[[provisioning.assign]]\npolicy = \"default\"\nmodels = \"x\"\n", "provisioning.assign.models"},
      {"[access]\ndefault = \"deny\"\n", "access.default"},
      {"[access]\nrules = []\n", "unknown key access.rules"},
      {"[[access.rule]]\ndevice_type = \"x\"\n", "without action"},
      {"[[access.rule]]\naction = \"block\"\nagent = \"x\"\n", "unknown key access.rule.agent"},
      {"[[access.rule]]\naction = \"block\"\nmodel = \"a\\\\b\"\n", "bad glob"},
      {"[[access.rule]]\naction = \"quarantine\"\nos = 5\n", "access.rule.os"},
      {"[provisioning\n", "easd.toml"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const auto e = error_of(c.text);
    EXPECT_NE(e.find(c.expect), std::string::npos) << e;
    EXPECT_NE(e.find("easd.toml"), std::string::npos) << e;
  }
  // The line of the offending key.
  const auto e = error_of("[policy.strict]\nallow_wifi = true\n\nallow_bluetooth = 9\n");
  EXPECT_NE(e.find(" 4 "), std::string::npos) << e;
}

TEST(Settings, RulesMayReferToPoliciesDefinedLater) {
  const auto s = parse_settings(R"(
[[provisioning.assign]]
policy = "late"
groups = ["g"]
[groups]
g = ["u"]
[policy.late]
allow_camera = false
)",
                                "easd.toml");
  EXPECT_EQ(configured_policy(s, "u", {}), "late");
}

TEST(Settings, LoadSettingsReadsTheFile) {
  const auto path = std::filesystem::temp_directory_path() / ("easd-settings-" + std::to_string(::getpid()) + ".toml");
  std::ofstream(path) << header_example;
  const auto s = load_settings(path);
  std::filesystem::remove(path);
  EXPECT_EQ(s.max_devices_per_user, 20u);
  EXPECT_THROW(load_settings(path), settings_error);
}

// eas/core/config leaves these sections to this reader instead of calling them unknown.
TEST(Settings, TheMainConfigAcceptsTheSections) {
  std::string text = "[server]\nexternal_url = \"https://mail.example.test\"\n[tls]\nenabled = false\n";
  text += header_example;
  EXPECT_NO_THROW(parse_config(text, "easd.toml"));
}

TEST(AccessLevel, Names) {
  for (const auto a : {access_level::allow, access_level::quarantine, access_level::block}) {
    EXPECT_EQ(parse_access_level(to_string(a)), a);
  }
  EXPECT_FALSE(parse_access_level("Allow"));
  EXPECT_FALSE(parse_access_level(""));
}

TEST(Glob, Matches) {
  EXPECT_TRUE(glob_match("", ""));
  EXPECT_FALSE(glob_match("", "a"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("*", "anything"));
  EXPECT_TRUE(glob_match("iPhone*", "iPhone"));
  EXPECT_TRUE(glob_match("iPhone*", "IPHONE12C1"));
  EXPECT_FALSE(glob_match("iPhone*", "xiPhone"));
  EXPECT_TRUE(glob_match("*@board.example.com", "Alice@Board.Example.com"));
  EXPECT_FALSE(glob_match("*@board.example.com", "alice@board.example.com.evil"));
  EXPECT_TRUE(glob_match("a?c", "abc"));
  EXPECT_FALSE(glob_match("a?c", "ac"));
  EXPECT_TRUE(glob_match("a*b*c", "aXXbYYc"));
  EXPECT_TRUE(glob_match("a*b*c", "abcbc"));
  EXPECT_FALSE(glob_match("a*b*c", "acb"));
  EXPECT_TRUE(glob_match("**a**", "bab"));
  EXPECT_TRUE(glob_match("*?", "x"));
  EXPECT_FALSE(glob_match("*?", ""));
  EXPECT_TRUE(glob_match("Outlook-*", "Outlook-iOS/2.0"));
  EXPECT_TRUE(glob_match("[x]", "[X]"));  // no classes: literal (settings refuse such globs)
}

TEST(Glob, PathologicalPatternsStayFast) {
  const std::string text(200'000, 'a');
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(glob_match("*a*a*a*a*a*a*a*a*a*a*b", text));
  EXPECT_TRUE(glob_match("*a*a*a*a*a*a*a*a*a*a*a", text));
  EXPECT_FALSE(glob_match("*????????????????????b", text));
  EXPECT_FALSE(glob_match(std::string(200, '*') + "b", text));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, std::chrono::seconds(2));  // exponential backtracking would take ages
}

settings rules_example() {
  return parse_settings(R"(
[policy.board]
require_device_encryption = true
[policy.sales]
allow_camera = false
[policy.iphones]
allow_bluetooth = 1
[policy.everyone]
allow_irda = false
[groups]
sales = ["Alice", "bob"]
[[provisioning.assign]]
policy = "board"
users = ["*@board.example.com", "ceo"]
[[provisioning.assign]]
policy = "sales"
groups = ["sales"]
device_types = ["Android*", "SAMSUNG*"]
[[provisioning.assign]]
policy = "iphones"
device_types = ["iPhone"]
models = ["iPhone1?C*"]
)",
                        "easd.toml");
}

TEST(ConfiguredPolicy, FirstMatchingRuleWins) {
  const auto s = rules_example();
  EXPECT_EQ(configured_policy(s, "x@board.example.com", facts("Android")), "board");
  EXPECT_EQ(configured_policy(s, "CEO", facts("iPhone", "iPhone12C1")), "board");
  EXPECT_EQ(configured_policy(s, "alice", facts("AndroidPhone")), "sales");  // group members case-insensitive
  EXPECT_EQ(configured_policy(s, "bob", facts("samsungSM")), "sales");
  EXPECT_EQ(configured_policy(s, "bob", facts("iPhone", "iPhone12C1")), "iphones");    // rule 2 wants Android
  EXPECT_EQ(configured_policy(s, "carol", facts("iPhone", "iPhone12C1")), "iphones");  // no users: anyone
  EXPECT_EQ(configured_policy(s, "carol", facts("iPhone", "iPhone9C1")), "default");
  EXPECT_EQ(configured_policy(s, "carol", facts("iPhone")), "default");  // model unknown
  EXPECT_EQ(configured_policy(s, "carol", facts("Android")), "default");
  EXPECT_EQ(configured_policy(settings{}, "carol", facts("Android")), "default");

  auto everyone = s;
  assignment_rule all;
  all.policy = "everyone";
  everyone.assignments.push_back(all);
  EXPECT_EQ(configured_policy(everyone, "carol", facts("Android")), "everyone");
}

TEST(InitialAccess, FirstMatchingRuleElseTheDefault) {
  const auto s = parse_settings(R"(
[access]
default = "quarantine"
[[access.rule]]
action = "block"
device_type = "SAMSUNG*"
user_agent = "Outlook-*"
[[access.rule]]
action = "allow"
device_type = "iPhone"
os = "iOS 17*"
[[access.rule]]
action = "block"
model = "*"
os = "Android 4*"
)",
                                "easd.toml");
  EXPECT_EQ(initial_access(s, facts("SAMSUNGSM", "", "", "Outlook-Android/2")), access_level::block);
  EXPECT_EQ(initial_access(s, facts("SAMSUNGSM", "", "", "Android-Mail")), access_level::quarantine);
  EXPECT_EQ(initial_access(s, facts("iPhone", "iPhone15C2", "iOS 17.1 21B74")), access_level::allow);
  EXPECT_EQ(initial_access(s, facts("iPhone", "iPhone15C2", "iOS 16.1")), access_level::quarantine);
  EXPECT_EQ(initial_access(s, facts("Android", "", "Android 4.4")), access_level::block);  // "*" matches ""
  EXPECT_EQ(initial_access(s, facts("")), access_level::quarantine);

  settings open;
  EXPECT_EQ(initial_access(open, facts("anything")), access_level::allow);
  access_rule all;
  all.action = access_level::block;
  open.access_rules.push_back(all);
  EXPECT_EQ(initial_access(open, facts("anything")), access_level::block);  // a rule of empty globs: any device
}

}  // namespace
}  // namespace easd::provisioning
