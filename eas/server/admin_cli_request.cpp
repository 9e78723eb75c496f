#include "eas/server/admin_cli_request.hpp"

#include "eas/core/ascii.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <charconv>

namespace easd::server::admin_cli {

namespace json = boost::json;

namespace {

bool fail(std::string* why, std::string text) {
  if (why) *why = std::move(text);
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool valid_key(std::string_view k) {
  return !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

json::value setting_value(std::string_view text) {
  if (text == "true") return json::value(true);
  if (text == "false") return json::value(false);
  if (text.empty() || text == "\"\"") return json::value(json::string());
  const bool digits = std::all_of(text.begin() + (text.front() == '-' ? 1 : 0), text.end(),
                                  [](char c) { return c >= '0' && c <= '9'; });
  if (digits && text != "-") {
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    // Out of int64 range: leave it a string so the server names the key in its refusal.
    if (ec == std::errc() && end == text.data() + text.size()) return json::value(n);
  }
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    json::array list;
    std::string_view rest = text.substr(1, text.size() - 2);
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto item = trim(rest.substr(0, comma));
      if (!item.empty()) list.emplace_back(json::string(item));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    return json::value(std::move(list));
  }
  return json::value(json::string(text));
}

std::optional<api_request> refuse(std::string* why, std::string text) {
  fail(why, std::move(text));
  return std::nullopt;
}

api_request post(std::string path, const json::object& body) {
  return {"POST", std::move(path), json::serialize(body)};
}

json::object device_body(const invocation& inv) {
  json::object o;
  o["user"] = inv.user;
  o["device"] = inv.device;
  return o;
}

std::optional<api_request> device_request(const invocation& inv, std::string* why) {
  const auto& a = inv.action;
  if (a == "list") {
    std::string query;
    auto add = [&query](std::string_view key, std::string_view value) {
      query += query.empty() ? '?' : '&';
      query.append(key).append("=").append(query_escape(value));
    };
    if (!inv.filter_user.empty()) add("user", inv.filter_user);
    if (!inv.access.empty()) add("access", inv.access);
    if (!inv.wipe.empty()) add("wipe", inv.wipe);
    if (inv.seen_before) add("seen_before", std::to_string(*inv.seen_before));
    if (inv.seen_after) add("seen_after", std::to_string(*inv.seen_after));
    return api_request{"GET", "/api/v1/devices" + query, ""};
  }
  if (inv.user.empty() || inv.device.empty()) return refuse(why, "USER and DEVICE must not be empty");
  if (a == "show") {
    return api_request{"GET", "/api/v1/device?user=" + query_escape(inv.user) + "&device=" + query_escape(inv.device), ""};
  }
  static constexpr std::array actions{"wipe", "wipe-account", "cancel-wipe", "block", "allow", "approve", "remove"};
  if (std::find(actions.begin(), actions.end(), a) != actions.end()) return post("/api/v1/device/" + a, device_body(inv));
  if (a == "resync") {
    auto body = device_body(inv);
    if (!inv.folder.empty()) body["folder"] = inv.folder;
    return post("/api/v1/device/resync", body);
  }
  return refuse(why, "unknown device command " + a);
}

std::optional<api_request> policy_set(const invocation& inv, std::string_view file_text, std::string* why) {
  json::object body;
  if (!inv.file.empty()) {
    json::error_code ec;
    auto v = json::parse(file_text, ec);
    if (ec || !v.is_object()) return refuse(why, inv.file + ": not a JSON object" + (ec ? ": " + ec.message() : ""));
    body = std::move(v.as_object());
    if (const auto* n = body.if_contains("name"); n && !(n->is_string() && n->as_string() == inv.name)) {
      return refuse(why, inv.file + ": its \"name\" is not " + inv.name);
    }
  }
  if (!parse_settings(inv.settings, body, why)) return std::nullopt;
  body["name"] = inv.name;
  return api_request{"PUT", "/api/v1/policy", json::serialize(body)};
}

std::optional<api_request> policy_request(const invocation& inv, std::string_view file_text, std::string* why) {
  const auto& a = inv.action;
  if (a == "list") return api_request{"GET", "/api/v1/policies", ""};
  if (a == "assign") {
    if (inv.user.empty()) return refuse(why, "--user must not be empty");
    json::object body;
    body["policy"] = inv.name == "none" ? std::string() : inv.name;
    body["user"] = inv.user;
    if (!inv.device.empty()) body["device"] = inv.device;
    return post("/api/v1/policy/assign", body);
  }
  if (inv.name.empty()) return refuse(why, "NAME must not be empty");
  if (a == "show") return api_request{"GET", "/api/v1/policy?name=" + query_escape(inv.name), ""};
  if (a == "delete") return api_request{"DELETE", "/api/v1/policy?name=" + query_escape(inv.name), ""};
  if (a == "set") return policy_set(inv, file_text, why);
  return refuse(why, "unknown policy command " + a);
}

}  // namespace

std::optional<api_request> build_request(const invocation& inv, std::string_view file_text, std::string* why) {
  if (inv.group == "device") return device_request(inv, why);
  if (inv.group == "policy") return policy_request(inv, file_text, why);
  return refuse(why, "unknown command " + inv.group);
}

bool parse_settings(const std::vector<std::string>& words, json::object& into, std::string* why) {
  for (const auto& word : words) {
    const auto eq = word.find('=');
    if (eq == std::string::npos) return fail(why, "expected KEY=VALUE, got \"" + word + "\"");
    const std::string_view key = std::string_view(word).substr(0, eq);
    if (!valid_key(key)) return fail(why, "bad key \"" + std::string(key) + "\" (a-z 0-9 _)");
    if (key == "name") return fail(why, "the policy's name is the NAME argument, not a setting");
    into[key] = setting_value(std::string_view(word).substr(eq + 1));
  }
  return true;
}

std::string query_escape(std::string_view s) { return percent_encode(s, "-._~"); }

std::string choose_actor(const char* sudo_user, const char* user) {
  std::string_view who = sudo_user && *sudo_user ? sudo_user : user && *user ? user : "cli";
  std::string out(who.substr(0, 64));
  for (auto& c : out) {
    if (c < 0x21 || c > 0x7e) c = '?';
  }
  return out;
}

}  // namespace easd::server::admin_cli
