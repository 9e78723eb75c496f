#include "eas/protocol/commands/settings.hpp"

#include "eas/protocol/commands/device_information.hpp"
#include "eas/protocol/commands/send_flow.hpp"
#include "eas/wbxml/code_pages.hpp"
#include "eas/wbxml/codec.hpp"

#include <string>
#include <vector>

namespace easd::protocol {
namespace {

namespace net = boost::asio;

// Settings statuses ([MS-ASCMD] 2.2.3.177.15).
enum class settings_status : unsigned {
  success = 1,
  protocol_error = 2,
  access_denied = 3,
  server_unavailable = 4,
  invalid_arguments = 5,
  denied_by_policy = 7,
};

std::string text(settings_status s) { return std::to_string(static_cast<unsigned>(s)); }

// A property's answer: its element with a Status (and maybe more) in the response.
wbxml::element property(std::string_view name, settings_status s) {
  auto e = wbxml::element::named(name);
  e.add("Settings:Status", text(s));
  return e;
}

bool has_only(const wbxml::element& e, wbxml::tag child) {
  return e.children().size() == 1 && e.children()[0].id() == child;
}

// The address the phone should put in From: the one SendMail checks From against (send_flow.hpp).
wbxml::element user_information(const services& svc, const request_context& ctx) {
  auto e = property("Settings:UserInformation", settings_status::success);
  auto& get = e.add("Settings:Get");
  const std::string primary = user_addresses(svc.sending, ctx.user).front();
  const bool address = primary.find('@') != std::string::npos;
  if (ctx.version >= protocol_version::v14_1) {
    auto& account = get.add("Settings:Accounts").add("Settings:Account");
    auto& addresses = account.add("Settings:EmailAddresses");
    if (address) {
      addresses.add("Settings:SMTPAddress", primary);
      addresses.add("Settings:PrimarySmtpAddress", primary);
    }
  } else {
    auto& addresses = get.add("Settings:EmailAddresses");
    if (address) addresses.add("Settings:SMTPAddress", primary);
  }
  return e;
}

}  // namespace

net::awaitable<reply> settings_handler(services& svc, request_context& ctx, const wbxml::element* request) {
  auto root = wbxml::element::named("Settings:Settings");
  reply r;
  r.content_type = wbxml_content_type;
  if (!request || request->children().empty()) {
    root.add("Settings:Status", text(settings_status::protocol_error));
    r.body = wbxml::encode_to_string(root);
    r.eas_status = static_cast<unsigned>(settings_status::protocol_error);
    co_return r;
  }
  const auto get = wbxml::tag_of("Settings:Get");
  const auto set = wbxml::tag_of("Settings:Set");
  std::vector<wbxml::element> answers;
  bool malformed = false;
  for (const auto& p : request->children()) {
    if (p.id() == wbxml::tag_of("Settings:DeviceInformation")) {
      const auto info = parse_device_information(p);
      if (!info) {
        answers.push_back(property("Settings:DeviceInformation", settings_status::invalid_arguments));
        continue;
      }
      const provisioning::device_key key{ctx.user, ctx.device_id};
      bool stored = false;
      if (svc.devices && svc.blocking) {
        stored = co_await run_blocking(*svc.blocking, [&svc, &key, &info] {
          return store_device_information(svc, key, *info);
        });
      }
      answers.push_back(property("Settings:DeviceInformation",
                                 stored ? settings_status::success : settings_status::server_unavailable));
    } else if (p.id() == wbxml::tag_of("Settings:UserInformation")) {
      if (!has_only(p, get)) {
        malformed = true;
        break;
      }
      answers.push_back(user_information(svc, ctx));
    } else if (p.id() == wbxml::tag_of("Settings:RightsManagementInformation")) {
      if (!has_only(p, get)) {
        malformed = true;
        break;
      }
      auto e = property("Settings:RightsManagementInformation", settings_status::success);
      e.add("Settings:Get").add("RightsManagement:RightsManagementTemplates");
      answers.push_back(std::move(e));
    } else if (p.id() == wbxml::tag_of("Settings:Oof")) {
      if (!has_only(p, get) && !has_only(p, set)) {
        malformed = true;
        break;
      }
      answers.push_back(property("Settings:Oof", settings_status::access_denied));
    } else if (p.id() == wbxml::tag_of("Settings:DevicePassword")) {
      if (!has_only(p, set)) {
        malformed = true;
        break;
      }
      answers.push_back(property("Settings:DevicePassword", settings_status::denied_by_policy));
    } else {
      malformed = true;
      break;
    }
  }
  const auto overall = malformed ? settings_status::protocol_error : settings_status::success;
  root.add("Settings:Status", text(overall));
  if (!malformed) {
    for (auto& a : answers) root.add(std::move(a));
  }
  r.body = wbxml::encode_to_string(root);
  r.eas_status = static_cast<unsigned>(overall);
  co_return r;
}

}  // namespace easd::protocol
