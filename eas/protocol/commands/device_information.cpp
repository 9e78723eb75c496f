#include "eas/protocol/commands/device_information.hpp"

#include "eas/wbxml/code_pages.hpp"

#include <algorithm>
#include <string>

namespace easd::protocol {
namespace {

constexpr std::size_t max_value = 1024;

bool acceptable(const std::string& v) {
  if (v.size() > max_value) return false;
  return std::none_of(v.begin(), v.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

}  // namespace

std::optional<provisioning::device_information> parse_device_information(const wbxml::element& device_information) {
  const auto* set = device_information.child(wbxml::tag_of("Settings:Set"));
  if (!set || device_information.children().size() != 1) return std::nullopt;
  provisioning::device_information info;
  struct field {
    wbxml::tag tag;
    std::string provisioning::device_information::*member;
  };
  const field fields[] = {
      {wbxml::tag_of("Settings:Model"), &provisioning::device_information::model},
      {wbxml::tag_of("Settings:IMEI"), &provisioning::device_information::imei},
      {wbxml::tag_of("Settings:FriendlyName"), &provisioning::device_information::friendly_name},
      {wbxml::tag_of("Settings:OS"), &provisioning::device_information::os},
      {wbxml::tag_of("Settings:OSLanguage"), &provisioning::device_information::os_language},
      {wbxml::tag_of("Settings:PhoneNumber"), &provisioning::device_information::phone_number},
      {wbxml::tag_of("Settings:UserAgent"), &provisioning::device_information::user_agent},
      {wbxml::tag_of("Settings:MobileOperator"), &provisioning::device_information::mobile_operator},
  };
  const auto outbound_sms = wbxml::tag_of("Settings:EnableOutboundSMS");
  for (const auto& child : set->children()) {
    if (!child.children().empty() || child.is_opaque() || !acceptable(child.text())) return std::nullopt;
    if (child.id() == outbound_sms) {
      if (child.text() != "0" && child.text() != "1") return std::nullopt;
      info.enable_outbound_sms = child.text() == "1";
      continue;
    }
    const auto it = std::find_if(std::begin(fields), std::end(fields), [&](const field& f) { return f.tag == child.id(); });
    if (it == std::end(fields)) return std::nullopt;
    info.*(it->member) = child.text();
  }
  return info;
}

}  // namespace easd::protocol
