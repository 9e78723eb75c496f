// The pure decisions drawn from the settings: glob matching, the configured policy of a device and the
// access level a new device starts with.
#include "eas/core/ascii.hpp"
#include "provisioning/settings.hpp"

#include <algorithm>

namespace easd::provisioning {

std::string_view to_string(access_level a) noexcept {
  switch (a) {
    case access_level::allow:
      return "allow";
    case access_level::quarantine:
      return "quarantine";
    case access_level::block:
      return "block";
  }
  return "allow";
}

std::optional<access_level> parse_access_level(std::string_view s) noexcept {
  if (s == "allow") return access_level::allow;
  if (s == "quarantine") return access_level::quarantine;
  if (s == "block") return access_level::block;
  return std::nullopt;
}

// Greedy matching that remembers only the last '*': on a mismatch it retries from one character further
// after that star. A later star supersedes earlier ones (whatever the earlier star would have matched,
// the later one can match too), so this is exact and takes at most O(|pattern| · |text|) steps — no
// exponential backtracking on "*a*a*a*b". '?' is one byte; the texts matched (DeviceType, models, user
// agents, logins) are ASCII in practice.
bool glob_match(std::string_view pattern, std::string_view text) noexcept {
  std::size_t p = 0, t = 0;
  std::size_t star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || ascii_lower(pattern[p]) == ascii_lower(text[t]))) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

namespace {

bool any_glob(const std::vector<std::string>& globs, std::string_view text) {
  return std::any_of(globs.begin(), globs.end(), [&](const std::string& g) { return glob_match(g, text); });
}

bool in_group(const settings& s, const std::string& group, std::string_view user) {
  const auto it = s.groups.find(group);
  if (it == s.groups.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(),
                     [&](const std::string& member) { return iequals_ascii(member, user); });
}

bool rule_matches(const settings& s, const assignment_rule& r, std::string_view user, const device_facts& d) {
  const bool any_user = r.users.empty() && r.groups.empty();
  const bool user_ok =
      any_user || any_glob(r.users, user) ||
      std::any_of(r.groups.begin(), r.groups.end(), [&](const std::string& g) { return in_group(s, g, user); });
  if (!user_ok) return false;
  if (!r.device_types.empty() && !any_glob(r.device_types, d.device_type)) return false;
  if (!r.models.empty() && !any_glob(r.models, d.model)) return false;
  return true;
}

bool glob_or_any(const std::string& glob, std::string_view text) { return glob.empty() || glob_match(glob, text); }

}  // namespace

std::string configured_policy(const settings& s, std::string_view user, const device_facts& d) {
  for (const auto& r : s.assignments) {
    if (rule_matches(s, r, user, d)) return r.policy;
  }
  return "default";
}

access_level initial_access(const settings& s, const device_facts& d) {
  for (const auto& r : s.access_rules) {
    if (glob_or_any(r.device_type, d.device_type) && glob_or_any(r.model, d.model) && glob_or_any(r.os, d.os) &&
        glob_or_any(r.user_agent, d.user_agent)) {
      return r.action;
    }
  }
  return s.default_access;
}

}  // namespace easd::provisioning
