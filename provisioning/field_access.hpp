// Typed access to one policy field through its field_info row (fields(), policy.hpp): what the JSON and
// TOML readers, the writers and the fingerprint share, so that a value's type and bounds are checked in
// exactly one place. Internal to easd_provisioning.
#pragma once

#include "provisioning/policy.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace easd::provisioning {

// The empty element of an uint_or_empty field ("not set / no limit").
struct empty_value {
  friend bool operator==(empty_value, empty_value) = default;
};

// boolean ↔ bool; uint_or_empty ↔ std::int64_t or empty_value; uint, integer ↔ std::int64_t;
// string_list ↔ std::vector<std::string>.
using field_value = std::variant<bool, std::int64_t, empty_value, std::vector<std::string>>;

// Bounds of string_list fields (the admin API and the config file are the only writers, but a policy
// goes to every device of its users on each Provision).
inline constexpr std::size_t max_list_entries = 256;
inline constexpr std::size_t max_list_entry_bytes = 256;

// The row of `key`, or nullptr.
const field_info* find_field(std::string_view key) noexcept;

field_value get_field(const policy& p, const field_info& f);

// Stores `v` when its type fits the field and it is within the field's bounds; otherwise leaves `p`
// unchanged and returns why, naming the key ("max_email_age_filter: must be between 0 and 5").
std::optional<std::string> set_field(policy& p, const field_info& f, field_value v);

// A short, log-safe rendering of a key an outsider sent, for error messages.
std::string quote_key(std::string_view key);

}  // namespace easd::provisioning
