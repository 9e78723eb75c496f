#include "eas/server/admin_json.hpp"

#include "eas/core/utf8.hpp"
#include "provisioning/policy.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>

namespace easd::server::admin_json {

namespace json = boost::json;
namespace prov = provisioning;

namespace {

error_code invalid() { return boost::system::errc::make_error_code(boost::system::errc::invalid_argument); }

template <class T>
result<T> fail(std::string* why, std::string message) {
  if (why) *why = std::move(message);
  return invalid();
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = hex_value(s[i + 1]);
    const int lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

bool valid_id(std::string_view s) noexcept {
  return !s.empty() && s.size() <= limits::max_id && s.find('\0') == std::string_view::npos;
}

// The query's parameters, each name at most once and from `known`.
result<std::vector<query_parameter>> known_parameters(std::string_view target,
                                                     std::initializer_list<std::string_view> known,
                                                     std::string* why) {
  auto params = parse_query(target, why);
  if (!params) return params;
  for (const auto& p : *params) {
    bool ok = false;
    for (auto k : known) ok = ok || p.name == k;
    if (!ok) return fail<std::vector<query_parameter>>(why, "unknown query parameter");
  }
  return params;
}

const std::string* find_parameter(const std::vector<query_parameter>& params, std::string_view name) {
  for (const auto& p : params) {
    if (p.name == name) return &p.value;
  }
  return nullptr;
}

std::optional<std::int64_t> parse_unix_time(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

// A body that must be a JSON object of at most `max_body` bytes.
result<json::object> parse_object(std::string_view body, std::string* why) {
  if (body.size() > limits::max_body) return fail<json::object>(why, "body larger than 64 KiB");
  json::parse_options options;
  options.max_depth = limits::max_depth;
  json::error_code ec;
  auto doc = json::parse(json::string_view(body.data(), body.size()), ec, {}, options);
  if (ec) return fail<json::object>(why, ec == json::error::too_deep ? "JSON nested too deeply" : "not a JSON document");
  if (!doc.is_object()) return fail<json::object>(why, "not a JSON object");
  return std::move(doc.get_object());
}

// Every member of `o` must be in `known` and a string.
bool only_strings(const json::object& o, std::initializer_list<std::string_view> known, std::string* why) {
  for (const auto& m : o) {
    bool ok = false;
    for (auto k : known) ok = ok || std::string_view(m.key()) == k;
    if (!ok) {
      if (why) {
        *why = "unknown member; expected";
        for (auto k : known) *why += " " + std::string(k);
      }
      return false;
    }
    if (!m.value().is_string()) {
      if (why) *why = std::string(m.key()) + " must be a string";
      return false;
    }
  }
  return true;
}

std::optional<std::string> member(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(json::string_view(key.data(), key.size()));
  if (!v) return std::nullopt;
  return std::string(v->get_string());
}

}  // namespace

result<std::vector<query_parameter>> parse_query(std::string_view target, std::string* why) {
  std::vector<query_parameter> out;
  const auto q = target.find('?');
  if (q == std::string_view::npos) return out;
  std::string_view query = target.substr(q + 1);
  if (query.size() > limits::max_query) return fail<std::vector<query_parameter>>(why, "query too long");
  const auto fragment = query.find('#');
  if (fragment != std::string_view::npos) query = query.substr(0, fragment);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq));
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!name || !value) return fail<std::vector<query_parameter>>(why, "bad %-escape in the query");
    if (name->find('\0') != std::string::npos || value->find('\0') != std::string::npos) {
      return fail<std::vector<query_parameter>>(why, "NUL in the query");
    }
    if (find_parameter(out, *name)) return fail<std::vector<query_parameter>>(why, "query parameter given twice");
    if (out.size() == limits::max_parameters) return fail<std::vector<query_parameter>>(why, "too many query parameters");
    out.push_back({std::move(*name), std::move(*value)});
  }
  return out;
}

result<prov::device_filter> parse_device_filter(std::string_view target, std::string* why) {
  auto params = known_parameters(target, {"user", "access", "wipe", "seen_before", "seen_after"}, why);
  if (!params) return params.error();
  prov::device_filter f;
  if (const auto* user = find_parameter(*params, "user")) {
    if (user->size() > limits::max_id) return fail<prov::device_filter>(why, "user too long");
    f.user = *user;
  }
  if (const auto* access = find_parameter(*params, "access")) {
    f.access = prov::parse_access_state(*access);
    if (!f.access) return fail<prov::device_filter>(why, "access: one of allowed, quarantined, blocked");
  }
  if (const auto* wipe = find_parameter(*params, "wipe")) {
    f.wipe = prov::parse_wipe_state(*wipe);
    if (!f.wipe) return fail<prov::device_filter>(why, "wipe: one of none, requested, delivered, acknowledged, failed");
  }
  if (const auto* before = find_parameter(*params, "seen_before")) {
    f.seen_before = parse_unix_time(*before);
    if (!f.seen_before) return fail<prov::device_filter>(why, "seen_before: unix seconds");
  }
  if (const auto* after = find_parameter(*params, "seen_after")) {
    f.seen_after = parse_unix_time(*after);
    if (!f.seen_after) return fail<prov::device_filter>(why, "seen_after: unix seconds");
  }
  return f;
}

result<prov::device_key> parse_device_query(std::string_view target, std::string* why) {
  auto params = known_parameters(target, {"user", "device"}, why);
  if (!params) return params.error();
  const auto* user = find_parameter(*params, "user");
  const auto* device = find_parameter(*params, "device");
  if (!user || !valid_id(*user)) return fail<prov::device_key>(why, "user: required, 1..256 bytes");
  if (!device || !valid_id(*device)) return fail<prov::device_key>(why, "device: required, 1..256 bytes");
  return prov::device_key{*user, *device};
}

result<std::string> parse_name_query(std::string_view target, std::string* why) {
  auto params = known_parameters(target, {"name"}, why);
  if (!params) return params.error();
  const auto* name = find_parameter(*params, "name");
  if (!name || !prov::valid_policy_name(*name)) {
    return fail<std::string>(why, "name: required, 1..64 characters of a-z 0-9 _ . -");
  }
  return *name;
}

result<device_action> parse_device_action(std::string_view body, bool folder_allowed, std::string* why) {
  auto o = parse_object(body, why);
  if (!o) return o.error();
  const bool ok = folder_allowed ? only_strings(*o, {"user", "device", "folder"}, why)
                                 : only_strings(*o, {"user", "device"}, why);
  if (!ok) return invalid();
  device_action a;
  auto user = member(*o, "user");
  auto device = member(*o, "device");
  if (!user || !valid_id(*user)) return fail<device_action>(why, "user: required, 1..256 bytes");
  if (!device || !valid_id(*device)) return fail<device_action>(why, "device: required, 1..256 bytes");
  a.key = {std::move(*user), std::move(*device)};
  a.folder = member(*o, "folder");
  if (a.folder && !valid_id(*a.folder)) return fail<device_action>(why, "folder: 1..256 bytes (absent: every folder)");
  return a;
}

result<assignment> parse_assignment(std::string_view body, std::string* why) {
  auto o = parse_object(body, why);
  if (!o) return o.error();
  if (!only_strings(*o, {"policy", "user", "device"}, why)) return invalid();
  assignment a;
  auto policy = member(*o, "policy");
  auto user = member(*o, "user");
  if (!policy) return fail<assignment>(why, "policy: required (\"\" clears the assignment)");
  if (!policy->empty() && !prov::valid_policy_name(*policy)) {
    return fail<assignment>(why, "policy: 1..64 characters of a-z 0-9 _ . -");
  }
  if (!user || !valid_id(*user)) return fail<assignment>(why, "user: required, 1..256 bytes");
  a.policy = std::move(*policy);
  a.user = std::move(*user);
  a.device = member(*o, "device");
  if (a.device && !valid_id(*a.device)) return fail<assignment>(why, "device: 1..256 bytes");
  return a;
}

result<std::string> policy_name_of(std::string_view body, std::string* why) {
  auto o = parse_object(body, why);
  if (!o) return o.error();
  const auto* name = o->if_contains("name");
  if (!name) return fail<std::string>(why, "name: required");
  if (!name->is_string()) return fail<std::string>(why, "name must be a string");
  std::string n(name->get_string());
  if (!prov::valid_policy_name(n)) return fail<std::string>(why, "name: 1..64 characters of a-z 0-9 _ . -");
  return n;
}

bool valid_actor(std::string_view actor) noexcept {
  if (actor.empty() || actor.size() > limits::max_actor) return false;
  for (char c : actor) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

json::value text(std::string_view bytes) {
  if (utf8::is_valid(bytes)) return json::string(bytes.data(), bytes.size());
  std::string out;
  out.reserve(bytes.size() + 8);
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const auto start = pos;
    if (utf8::decode_one(bytes, pos)) {
      out.append(bytes.substr(start, pos - start));
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++pos;
    }
  }
  return json::string(out);
}

json::object device_json(const prov::device& d) {
  json::object o;
  o["user"] = text(d.key.user);
  o["device_id"] = text(d.key.device_id);
  o["device_type"] = text(d.device_type);
  o["model"] = text(d.info.model);
  o["imei"] = text(d.info.imei);
  o["friendly_name"] = text(d.info.friendly_name);
  o["os"] = text(d.info.os);
  o["os_language"] = text(d.info.os_language);
  o["phone_number"] = text(d.info.phone_number);
  o["mobile_operator"] = text(d.info.mobile_operator);
  // The HTTP User-Agent of the last request; DeviceInformation's UserAgent when none was seen.
  o["user_agent"] = text(d.user_agent.empty() ? d.info.user_agent : d.user_agent);
  o["protocol_version"] = text(d.protocol_version);
  o["first_seen"] = d.first_seen;
  o["last_seen"] = d.last_seen;
  o["policy_key"] = d.policy_key;
  o["pending_key"] = d.pending_key;
  o["policy_name"] = text(d.policy_name);
  o["provisioned_at"] = d.provisioned_at;
  o["compliance"] = std::string(to_string(d.compliance_state));
  o["assigned_policy"] = text(d.assigned_policy);
  o["access"] = std::string(to_string(d.access));
  o["access_reason"] = text(d.access_reason);
  o["wipe"] = std::string(to_string(d.wipe));
  o["wipe_status"] = std::string(to_string(d.wipe_status));
  o["wipe_requested_by"] = text(d.wipe_requested_by);
  o["wipe_requested_at"] = d.wipe_requested_at;
  o["wipe_delivered_at"] = d.wipe_delivered_at;
  o["wipe_acknowledged_at"] = d.wipe_acknowledged_at;
  return o;
}

std::string error_body(std::string_view message) {
  json::object o;
  o["error"] = text(message);
  return json::serialize(o);
}

}  // namespace easd::server::admin_json
