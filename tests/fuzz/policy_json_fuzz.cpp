// Parses the input as a policy over the default. A rejection must say why; an accepted policy must keep
// every value within its field's bounds, write back to JSON that parses to the same policy (the same
// fingerprint), and survive a second parse over a different base unchanged (to_json writes every field).
#include "provisioning/policy.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace easd::provisioning;

bool within_bounds(const policy& p) {
  for (const auto& f : fields()) {
    if (f.type == field_type::string_list) {
      const auto& items = field_values(p, f);
      if (items.size() > 256) return false;
      for (const auto& s : items) {
        if (s.empty() || s.size() > 256) return false;
      }
      continue;
    }
    const auto text = field_text(p, f);
    if (text.empty()) {
      if (f.type != field_type::uint_or_empty) return false;
      continue;
    }
    const auto v = std::stoll(text);
    if (v < f.min || v > f.max) return false;
  }
  return valid_policy_name(p.name);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string why;
  const auto p = policy_from_json(text, default_policy(), &why);
  if (!p) {
    if (why.empty()) std::abort();
    return 0;
  }
  if (!within_bounds(*p)) std::abort();
  const auto json = policy_to_json(*p);
  policy other;
  other.name = "other";
  other.allow_wifi = !p->allow_wifi;
  other.approved_application_list = {"x"};
  const auto again = policy_from_json(json, other, &why);
  if (!again || fingerprint(*again) != fingerprint(*p) || policy_to_json(*again) != json) std::abort();
  return 0;
}
