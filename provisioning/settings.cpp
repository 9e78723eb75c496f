// Reads the provisioning sections of the configuration file with toml11, the way eas/core/config.cpp
// reads the rest: every fault names the file, line and key (toml::format_error).
#include "provisioning/settings.hpp"

#include "provisioning/field_access.hpp"

#include <toml.hpp>

#include <fstream>
#include <set>
#include <sstream>

namespace easd::provisioning {
namespace {

using value = toml::value;

constexpr std::int64_t max_devices_limit = 100'000;
constexpr std::size_t max_glob_bytes = 256;
constexpr std::size_t max_group_members = 100'000;

[[noreturn]] void fail_at(const value& v, const std::string& what, const std::string& hint) {
  throw settings_error(toml::format_error("[error] " + what, v, hint));
}

void check_keys(const value& section, const std::string& name, const std::set<std::string>& known) {
  for (const auto& [key, v] : section.as_table()) {
    if (!known.count(key)) fail_at(v, "unknown key " + name + "." + key, "not a setting of [" + name + "]");
  }
}

const value& table_at(const value& parent, const std::string& key, const std::string& name) {
  const auto& v = parent.at(key);
  if (!v.is_table()) fail_at(v, "[" + name + "] must be a table", "");
  return v;
}

std::string string_at(const value& v, const std::string& name) {
  if (!v.is_string()) fail_at(v, "bad " + name, "must be a string");
  return v.as_string().str;
}

std::vector<std::string> strings_at(const value& v, const std::string& name) {
  if (!v.is_array()) fail_at(v, "bad " + name, "must be a list of strings");
  std::vector<std::string> out;
  for (const auto& e : v.as_array()) out.push_back(string_at(e, name));
  return out;
}

// A glob of * and ?: no classes or escapes, so '[' and '\' are refused rather than taken literally
// (an admin who writes "SM-[GN]*" expects a class).
std::string glob_at(const value& v, const std::string& name) {
  auto g = string_at(v, name);
  if (g.size() > max_glob_bytes) fail_at(v, "bad glob in " + name, "at most 256 bytes");
  for (const unsigned char c : g) {
    if (c < 0x20 || c == 0x7F) fail_at(v, "bad glob in " + name, "no control characters");
    if (c == '[' || c == ']' || c == '\\') fail_at(v, "bad glob in " + name, "only * and ? are special; no [ ] or \\");
  }
  return g;
}

std::vector<std::string> globs_at(const value& section, const std::string& key, const std::string& name) {
  std::vector<std::string> out;
  if (!section.contains(key)) return out;
  const auto& list = section.at(key);
  if (!list.is_array()) fail_at(list, "bad " + name + "." + key, "must be a list of globs");
  for (const auto& e : list.as_array()) out.push_back(glob_at(e, name + "." + key));
  return out;
}

field_value toml_field_value(const field_info& f, const value& v, const std::string& where) {
  switch (f.type) {
    case field_type::boolean:
      if (!v.is_boolean()) fail_at(v, "bad " + where, "must be true or false");
      return v.as_boolean();
    case field_type::uint_or_empty:
      if (v.is_string() && v.as_string().str.empty()) return empty_value{};
      if (!v.is_integer()) fail_at(v, "bad " + where, "must be an integer, or \"\" for the empty element");
      return static_cast<std::int64_t>(v.as_integer());
    case field_type::uint:
    case field_type::integer:
      if (!v.is_integer()) fail_at(v, "bad " + where, "must be an integer");
      return static_cast<std::int64_t>(v.as_integer());
    case field_type::string_list:
      if (!v.is_array()) fail_at(v, "bad " + where, "must be a list of strings");
      return strings_at(v, where);
  }
  fail_at(v, "bad " + where, "unsupported field type");
}

policy read_policy(const value& t, const std::string& name) {
  const std::string section = "policy." + name;
  if (!valid_policy_name(name)) fail_at(t, "bad policy name [" + section + "]", "1..64 characters of a-z 0-9 _ . -");
  if (!t.is_table()) fail_at(t, "[" + section + "] must be a table", "");
  auto p = default_policy();
  p.name = name;
  for (const auto& [key, v] : t.as_table()) {
    const auto* f = find_field(key);
    if (!f) fail_at(v, "unknown key " + section + "." + key, "not a policy setting");
    if (auto why = set_field(p, *f, toml_field_value(*f, v, section + "." + key))) {
      fail_at(v, "bad " + section + "." + key, *why);
    }
  }
  return p;
}

void read_groups(const value& g, settings& out) {
  for (const auto& [name, members] : g.as_table()) {
    if (name.empty() || name.size() > 64) fail_at(members, "bad group name groups." + name, "1..64 characters");
    auto list = strings_at(members, "groups." + name);
    if (list.size() > max_group_members) fail_at(members, "too many members in groups." + name, "at most 100000");
    for (const auto& m : list) {
      if (m.empty() || m.size() > 256) fail_at(members, "bad member of groups." + name, "1..256 bytes each");
    }
    out.groups.emplace(name, std::move(list));
  }
}

assignment_rule read_assignment(const value& r, const settings& s) {
  const std::string name = "provisioning.assign";
  if (!r.is_table()) fail_at(r, "[[" + name + "]] must be a table", "");
  check_keys(r, name, {"policy", "users", "groups", "device_types", "models"});
  if (!r.contains("policy")) fail_at(r, "[[" + name + "]] without policy", "name the policy it assigns");
  assignment_rule a;
  a.policy = string_at(r.at("policy"), name + ".policy");
  if (!s.policies.count(a.policy)) {
    fail_at(r.at("policy"), "unknown policy \"" + a.policy + "\" in " + name, "define [policy." + a.policy + "] first");
  }
  a.users = globs_at(r, "users", name);
  if (r.contains("groups")) {
    a.groups = strings_at(r.at("groups"), name + ".groups");
    for (const auto& g : a.groups) {
      if (!s.groups.count(g))
        fail_at(r.at("groups"), "unknown group \"" + g + "\" in " + name, "define it in [groups]");
    }
  }
  a.device_types = globs_at(r, "device_types", name);
  a.models = globs_at(r, "models", name);
  return a;
}

void read_provisioning(const value& s, settings& out) {
  check_keys(s, "provisioning", {"enabled", "max_devices_per_user", "assign"});
  if (s.contains("enabled")) {
    const auto& v = s.at("enabled");
    if (!v.is_boolean()) fail_at(v, "bad provisioning.enabled", "must be true or false");
    out.enabled = v.as_boolean();
  }
  if (s.contains("max_devices_per_user")) {
    const auto& v = s.at("max_devices_per_user");
    if (!v.is_integer() || v.as_integer() < 0 || v.as_integer() > max_devices_limit) {
      fail_at(v, "bad provisioning.max_devices_per_user", "an integer between 0 (unlimited) and 100000");
    }
    out.max_devices_per_user = static_cast<unsigned>(v.as_integer());
  }
  if (s.contains("assign")) {
    const auto& list = s.at("assign");
    if (!list.is_array()) fail_at(list, "bad provisioning.assign", "use [[provisioning.assign]] tables");
    for (const auto& r : list.as_array()) out.assignments.push_back(read_assignment(r, out));
  }
}

access_level level_at(const value& v, const std::string& name) {
  const auto level = parse_access_level(string_at(v, name));
  if (!level) fail_at(v, "bad " + name, "one of \"allow\", \"quarantine\", \"block\"");
  return *level;
}

void read_access(const value& s, settings& out) {
  check_keys(s, "access", {"default", "rule"});
  if (s.contains("default")) out.default_access = level_at(s.at("default"), "access.default");
  if (!s.contains("rule")) return;
  const auto& list = s.at("rule");
  if (!list.is_array()) fail_at(list, "bad access.rule", "use [[access.rule]] tables");
  for (const auto& r : list.as_array()) {
    if (!r.is_table()) fail_at(r, "[[access.rule]] must be a table", "");
    check_keys(r, "access.rule", {"action", "device_type", "model", "os", "user_agent"});
    if (!r.contains("action")) fail_at(r, "[[access.rule]] without action", "allow, quarantine or block");
    access_rule a;
    a.action = level_at(r.at("action"), "access.rule.action");
    auto glob = [&](const char* key) {
      return r.contains(key) ? glob_at(r.at(key), std::string("access.rule.") + key) : "";
    };
    a.device_type = glob("device_type");
    a.model = glob("model");
    a.os = glob("os");
    a.user_agent = glob("user_agent");
    out.access_rules.push_back(std::move(a));
  }
}

settings from_value(const value& root) {
  settings s;
  s.policies.emplace("default", default_policy());
  // Policies and groups first: the rules refer to them, wherever they stand in the file.
  if (root.contains("policy")) {
    const auto& p = table_at(root, "policy", "policy");
    for (const auto& [name, t] : p.as_table()) s.policies.insert_or_assign(name, read_policy(t, name));
  }
  if (root.contains("groups")) read_groups(table_at(root, "groups", "groups"), s);
  if (root.contains("provisioning")) read_provisioning(table_at(root, "provisioning", "provisioning"), s);
  if (root.contains("access")) read_access(table_at(root, "access", "access"), s);
  return s;
}

}  // namespace

settings parse_settings(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  try {
    return from_value(toml::parse(in, name));
  } catch (const toml::exception& e) {
    throw settings_error(e.what());
  } catch (const std::out_of_range& e) {
    throw settings_error(name + ": " + e.what());
  }
}

settings load_settings(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw settings_error(file.string() + ": cannot open the configuration file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_settings(text.str(), file.string());
}

}  // namespace easd::provisioning
