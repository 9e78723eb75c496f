// What the configuration file says about provisioning ([provisioning], [policy.NAME], [groups],
// [[provisioning.assign]], [[access.rule]], [access]), typed, and the pure decisions drawn from it: which
// policy a device gets and which access level a new device starts with. Pure values, no I/O beyond
// reading the file.
//
//   [provisioning]
//   enabled = true                  # false: no device has to provision (Provision answers "no policy")
//   max_devices_per_user = 20       # 0: unlimited; the next new device gets 177
//
//   [policy.default]                # overrides of the built-in permissive default (policy.hpp)
//   device_password_enabled = true
//   [policy.strict]                 # named policies start from the built-in default too
//   require_device_encryption = true
//
//   [groups]
//   sales = ["alice", "bob"]
//
//   [[provisioning.assign]]         # first match wins; no match: "default"
//   policy = "strict"
//   users = ["*@board.example.com"] # globs (* and ?), case-insensitive; any of them
//   groups = ["sales"]              # any of them (users OR groups; both empty: every user)
//   device_types = ["iPhone*"]      # globs on DeviceType; empty: any
//   models = []                     # globs on DeviceInformation Model; empty: any
//
//   [access]
//   default = "allow"               # allow | quarantine | block, for a device no rule matches
//   [[access.rule]]                 # first match wins; every non-empty glob must match
//   action = "block"
//   device_type = "SAMSUNG*"
//   model = ""
//   os = ""
//   user_agent = "Outlook-*"
#pragma once

#include "provisioning/policy.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace easd::provisioning {

enum class access_level { allow, quarantine, block };
std::string_view to_string(access_level a) noexcept;
std::optional<access_level> parse_access_level(std::string_view s) noexcept;

// What a device says about itself: DeviceType from the request line, the rest from DeviceInformation
// (Settings or Provision) and the User-Agent header. Empty when unknown.
struct device_facts {
  std::string device_type;
  std::string model;
  std::string os;
  std::string user_agent;
};

struct assignment_rule {
  std::string policy;
  std::vector<std::string> users;   // globs
  std::vector<std::string> groups;  // names of [groups]
  std::vector<std::string> device_types;
  std::vector<std::string> models;
};

struct access_rule {
  access_level action = access_level::allow;
  std::string device_type, model, os, user_agent;  // globs; "" matches anything
};

struct settings {
  bool enabled = true;
  unsigned max_devices_per_user = 0;
  std::map<std::string, policy, std::less<>> policies;  // always has "default"
  std::map<std::string, std::vector<std::string>, std::less<>> groups;
  std::vector<assignment_rule> assignments;
  access_level default_access = access_level::allow;
  std::vector<access_rule> access_rules;
};

class settings_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// Reads those sections of the file (the rest belongs to eas/core/config); absent sections give the
// defaults. Throws settings_error naming the file, line and key for anything wrong: unknown keys, bad
// types or bounds, a rule naming an unknown policy or group, a bad glob.
settings load_settings(const std::filesystem::path& file);
settings parse_settings(const std::string& text, const std::string& name);

// Case-insensitive glob with * and ? (no classes); bounded work (no exponential backtracking).
bool glob_match(std::string_view pattern, std::string_view text) noexcept;

// The configured policy name for the device: the first assignment rule that matches, else "default".
std::string configured_policy(const settings& s, std::string_view user, const device_facts& d);

// The access level a device starts with: the first access rule that matches, else default_access.
access_level initial_access(const settings& s, const device_facts& d);

}  // namespace easd::provisioning
