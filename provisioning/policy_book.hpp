// Which policy applies to which device: the configured policies and rules (settings.hpp) overlaid with
// what admins made through the API (device_registry's stored policies and assignments). An immutable
// value: the server builds a new book when the registry's policy_generation changes and swaps it in.
//
// Precedence for a device: its per-device assignment, then the user's assignment, then the first
// configured assignment rule that matches, then "default". A name that no longer exists (a deleted
// policy) falls through to the next step.
#pragma once

#include "provisioning/device_registry.hpp"
#include "provisioning/policy.hpp"
#include "provisioning/settings.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace easd::provisioning {

enum class policy_source { builtin, config, api };
std::string_view to_string(policy_source s) noexcept;

class policy_book {
public:
  // Stored policies that do not parse are skipped with a warning (never fatal: the file is shared).
  policy_book(settings configured, const std::vector<stored_policy>& stored,
              const std::vector<user_assignment>& users, std::int64_t generation);

  const settings& configured() const noexcept { return settings_; }
  std::int64_t generation() const noexcept { return generation_; }

  // Never null: falls back to "default".
  const policy& policy_for(std::string_view user, const device& d) const;
  const policy* find(std::string_view name) const;  // nullptr
  policy_source source(std::string_view name) const;  // of an existing name
  // Every policy by name.
  const std::map<std::string, policy, std::less<>>& policies() const noexcept { return policies_; }
  const std::vector<user_assignment>& user_assignments() const noexcept { return users_; }

private:
  settings settings_;
  std::map<std::string, policy, std::less<>> policies_;
  std::map<std::string, policy_source, std::less<>> sources_;
  std::vector<user_assignment> users_;
  std::map<std::string, std::string, std::less<>> user_policy_;
  std::int64_t generation_ = 0;
};

}  // namespace easd::provisioning
