#include "eas/protocol/commands/device_information.hpp"
#include "eas/protocol/commands/provision.hpp"
#include "eas/wbxml/code_pages.hpp"

#include <charconv>

namespace easd::protocol {
namespace {

constexpr std::size_t max_key_text = 64;  // [MS-ASPROV] 2.2.2.42

std::optional<unsigned> small_number(const wbxml::element& e) {
  const auto& t = e.text();
  if (t.empty() || t.size() > 3 || !e.children().empty()) return std::nullopt;
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc{} || end != t.data() + t.size()) return std::nullopt;
  return v;
}

std::optional<std::uint32_t> key_value(const std::string& t) {
  if (t.empty() || t.size() > max_key_text) return std::nullopt;
  std::uint32_t v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc{} || end != t.data() + t.size()) return std::nullopt;
  return v;
}

// RemoteWipe / AccountOnlyRemoteWipe: empty in an initial request is not sent by clients; with Status it is
// the acknowledgement.
bool read_wipe(const wbxml::element& e, std::optional<unsigned>& out) {
  if (e.children().empty()) return true;
  if (e.children().size() != 1 || e.children()[0].id() != wbxml::tag_of("Provision:Status")) return false;
  out = small_number(e.children()[0]);
  return out.has_value();
}

bool read_policy(const wbxml::element& policy, provision_request& out) {
  for (const auto& c : policy.children()) {
    if (c.id() == wbxml::tag_of("Provision:PolicyType")) {
      if (!c.children().empty() || c.text().size() > 64) return false;
      out.policy_type = c.text();
    } else if (c.id() == wbxml::tag_of("Provision:PolicyKey")) {
      out.policy_key_present = true;
      out.policy_key = key_value(c.text());
    } else if (c.id() == wbxml::tag_of("Provision:Status")) {
      out.policy_status = small_number(c);
      if (!out.policy_status) return false;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<provision_request> parse_provision_request(const wbxml::element& provision) {
  provision_request out;
  for (const auto& c : provision.children()) {
    if (c.id() == wbxml::tag_of("Settings:DeviceInformation")) {
      if (out.has_device_information) return std::nullopt;
      out.has_device_information = true;
      out.device_information = parse_device_information(c);
    } else if (c.id() == wbxml::tag_of("Provision:Policies")) {
      if (out.has_policy || c.children().size() != 1 || c.children()[0].id() != wbxml::tag_of("Provision:Policy")) {
        return std::nullopt;
      }
      out.has_policy = true;
      if (!read_policy(c.children()[0], out)) return std::nullopt;
    } else if (c.id() == wbxml::tag_of("Provision:RemoteWipe")) {
      if (!read_wipe(c, out.remote_wipe_status)) return std::nullopt;
    } else if (c.id() == wbxml::tag_of("Provision:AccountOnlyRemoteWipe")) {
      if (!read_wipe(c, out.account_wipe_status)) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace easd::protocol
