#include "provisioning/policy_book.hpp"

#include "eas/core/log_escape.hpp"

#include <spdlog/spdlog.h>

namespace easd::provisioning {

std::string_view to_string(policy_source s) noexcept {
  switch (s) {
    case policy_source::builtin:
      return "builtin";
    case policy_source::config:
      return "config";
    case policy_source::api:
      return "api";
  }
  return "builtin";
}

policy_book::policy_book(settings configured, const std::vector<stored_policy>& stored,
                         const std::vector<user_assignment>& users, std::int64_t generation)
    : settings_(std::move(configured)), users_(users), generation_(generation) {
  const auto builtin = fingerprint(default_policy());
  policies_ = settings_.policies;
  if (!policies_.count("default")) policies_.emplace("default", default_policy());
  for (const auto& [name, p] : policies_) {
    const bool untouched_default = name == "default" && fingerprint(p) == builtin;
    sources_.insert_or_assign(name, untouched_default ? policy_source::builtin : policy_source::config);
  }
  for (const auto& s : stored) {
    if (!valid_policy_name(s.name)) {
      spdlog::warn("policy_book stored policy skipped name={} reason=bad_name", log_escape(s.name));
      continue;
    }
    // A stored row holds every field (policy_to_json), so the base matters only for rows written by an
    // older easd that knew fewer fields: they keep the configured values, else the defaults.
    const auto it = policies_.find(s.name);
    const policy base = it != policies_.end() ? it->second : default_policy();
    std::string why;
    auto p = policy_from_json(s.json, base, &why);
    if (!p) {
      spdlog::warn("policy_book stored policy skipped name={} reason={}", log_escape(s.name), log_escape(why));
      continue;
    }
    p->name = s.name;
    policies_.insert_or_assign(s.name, std::move(*p));
    sources_.insert_or_assign(s.name, policy_source::api);
  }
  for (const auto& u : users_) {
    if (!u.policy.empty()) user_policy_.insert_or_assign(u.user, u.policy);
  }
}

const policy& policy_book::policy_for(std::string_view user, const device& d) const {
  if (!d.assigned_policy.empty()) {
    if (const auto* p = find(d.assigned_policy)) return *p;
  }
  if (const auto it = user_policy_.find(user); it != user_policy_.end()) {
    if (const auto* p = find(it->second)) return *p;
  }
  device_facts facts;
  facts.device_type = d.device_type;
  facts.model = d.info.model;
  facts.os = d.info.os;
  // The HTTP header of the last request; DeviceInformation's copy when none was recorded.
  facts.user_agent = !d.user_agent.empty() ? d.user_agent : d.info.user_agent;
  if (const auto* p = find(configured_policy(settings_, user, facts))) return *p;
  return policies_.at("default");
}

const policy* policy_book::find(std::string_view name) const {
  const auto it = policies_.find(name);
  return it == policies_.end() ? nullptr : &it->second;
}

policy_source policy_book::source(std::string_view name) const {
  const auto it = sources_.find(name);
  return it == sources_.end() ? policy_source::builtin : it->second;
}

}  // namespace easd::provisioning
