// The texts of the registry's enums: the admin API's JSON, the CLI's tables and the logs use these.
#include "provisioning/device_registry.hpp"

namespace easd::provisioning {

std::string_view to_string(compliance c) noexcept {
  switch (c) {
    case compliance::unknown: return "unknown";
    case compliance::applied: return "applied";
    case compliance::partial: return "partial";
    case compliance::not_applied: return "not_applied";
    case compliance::external: return "external";
  }
  return "unknown";
}

std::string_view to_string(access_state a) noexcept {
  switch (a) {
    case access_state::allowed: return "allowed";
    case access_state::quarantined: return "quarantined";
    case access_state::blocked: return "blocked";
  }
  return "blocked";
}

std::string_view to_string(wipe_kind w) noexcept {
  switch (w) {
    case wipe_kind::none: return "none";
    case wipe_kind::full: return "full";
    case wipe_kind::account_only: return "account_only";
  }
  return "none";
}

std::string_view to_string(wipe_state w) noexcept {
  switch (w) {
    case wipe_state::none: return "none";
    case wipe_state::requested: return "requested";
    case wipe_state::delivered: return "delivered";
    case wipe_state::acknowledged: return "acknowledged";
    case wipe_state::failed: return "failed";
  }
  return "none";
}

std::optional<access_state> parse_access_state(std::string_view s) noexcept {
  for (auto a : {access_state::allowed, access_state::quarantined, access_state::blocked}) {
    if (s == to_string(a)) return a;
  }
  return std::nullopt;
}

std::optional<wipe_state> parse_wipe_state(std::string_view s) noexcept {
  for (auto w : {wipe_state::none, wipe_state::requested, wipe_state::delivered, wipe_state::acknowledged,
                 wipe_state::failed}) {
    if (s == to_string(w)) return w;
  }
  return std::nullopt;
}

}  // namespace easd::provisioning
