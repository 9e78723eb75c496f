// Tables and key: value listings of the admin API's answers (admin_cli_render.hpp). Shapes follow the
// contract's DEVICE and POLICY objects; a missing or mistyped field shows as empty rather than failing,
// so a newer server's answer still renders.
#include "eas/server/admin_cli_render.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

namespace easd::server::admin_cli {

namespace json = boost::json;

namespace {

const json::object empty_object;

const json::object& object_of(const json::value& v) { return v.is_object() ? v.as_object() : empty_object; }

std::int64_t number(const json::value* v) {
  if (!v) return 0;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  // Out of range, the conversion would be undefined: such a time is no time.
  if (v->is_double()) return std::abs(v->as_double()) < 9e18 ? static_cast<std::int64_t>(v->as_double()) : 0;
  return 0;
}

// A scalar as escaped text: strings as they are, lists comma-joined, others as JSON.
std::string text(const json::value* v) {
  if (!v || v->is_null()) return "";
  if (v->is_string()) return terminal_escape(v->as_string());
  if (v->is_array()) {
    std::string out;
    for (const auto& e : v->as_array()) {
      if (!out.empty()) out += ",";
      out += text(&e);
    }
    return out;
  }
  return terminal_escape(json::serialize(*v));
}

std::string field(const json::object& o, std::string_view key) { return text(o.if_contains(key)); }

std::string or_dash(std::string s) { return s.empty() ? "-" : s; }

bool is_time_key(std::string_view k) {
  return k == "first_seen" || k == "last_seen" || k == "provisioned_at" || k == "wipe_requested_at" ||
         k == "wipe_delivered_at" || k == "wipe_acknowledged_at" || k == "last_sync" || k == "updated";
}

// Display width: code points, which is right for the common (narrow) scripts.
std::size_t width(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xc0) != 0x80; }));
}

std::string table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> w(head.size());
  for (std::size_t i = 0; i < head.size(); ++i) w[i] = width(head[i]);
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], width(r[i]));
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::string l;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      l += cells[i];
      if (i + 1 < cells.size()) l.append(w[i] - width(cells[i]) + 2, ' ');
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l + "\n";
  };
  line(head);
  for (const auto& r : rows) line(r);
  return out;
}

std::string wipe_text(const json::object& d) {
  const auto status = field(d, "wipe_status");
  const auto kind = field(d, "wipe");
  if (kind.empty() || kind == "none") return or_dash(status);
  return or_dash(status) + " (" + kind + ")";
}

// "key: value" lines with the values aligned.
std::string key_values(const std::vector<std::pair<std::string, std::string>>& lines) {
  std::size_t w = 0;
  for (const auto& [k, v] : lines) w = std::max(w, width(k));
  std::string out;
  for (const auto& [k, v] : lines) {
    out += k + ":";
    if (!v.empty()) out += std::string(w - width(k) + 1, ' ') + v;
    out += "\n";
  }
  return out;
}

}  // namespace

std::string render_device_list(const json::value& v) {
  const auto* list = object_of(v).if_contains("devices");
  std::vector<std::vector<std::string>> rows;
  if (list && list->is_array()) {
    for (const auto& e : list->as_array()) {
      const auto& d = object_of(e);
      rows.push_back({field(d, "user"), field(d, "device_id"), or_dash(field(d, "device_type")),
                      or_dash(field(d, "model")), field(d, "access"), wipe_text(d),
                      iso_time(number(d.if_contains("last_seen"))), or_dash(field(d, "policy_name"))});
    }
  }
  if (rows.empty()) return "no devices\n";
  return table({"USER", "DEVICE", "TYPE", "MODEL", "ACCESS", "WIPE", "LAST-SEEN", "POLICY"}, rows);
}

std::string render_device(const json::value& v) {
  const auto& d = object_of(v);
  std::vector<std::pair<std::string, std::string>> lines;
  for (const auto& kv : d) {
    const std::string key = terminal_escape(kv.key());
    if (kv.key() == "folders") continue;
    if (is_time_key(kv.key())) {
      lines.emplace_back(key, iso_time(number(&kv.value())));
    } else {
      lines.emplace_back(key, text(&kv.value()));
    }
  }
  std::string out = key_values(lines);
  const auto* folders = d.if_contains("folders");
  if (!folders || !folders->is_array() || folders->as_array().empty()) return out + "folders: none synced\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& f : folders->as_array()) {
    const auto& fo = object_of(f);
    rows.push_back({"  " + field(fo, "collection_id"), iso_time(number(fo.if_contains("last_sync")))});
  }
  return out + "folders:\n" + table({"  FOLDER", "LAST-SYNC"}, rows);
}

std::string render_policy_list(const json::value& v) {
  const auto& root = object_of(v);
  std::map<std::string, std::string, std::less<>> users;  // policy → "alice,bob"
  if (const auto* u = root.if_contains("users"); u && u->is_array()) {
    for (const auto& e : u->as_array()) {
      const auto& a = object_of(e);
      auto& joined = users[field(a, "policy")];
      if (!joined.empty()) joined += ",";
      joined += field(a, "user");
    }
  }
  std::vector<std::vector<std::string>> rows;
  if (const auto* p = root.if_contains("policies"); p && p->is_array()) {
    for (const auto& e : p->as_array()) {
      const auto& po = object_of(e);
      const auto name = field(po, "name");
      const auto it = users.find(name);
      rows.push_back({name, field(po, "source"), it == users.end() ? "-" : it->second});
    }
  }
  if (rows.empty()) return "no policies\n";
  return table({"NAME", "SOURCE", "USERS"}, rows);
}

std::string render_policy(const json::value& v) {
  const auto& root = object_of(v);
  std::vector<std::pair<std::string, std::string>> lines{{"name", field(root, "name")},
                                                         {"source", field(root, "source")}};
  const auto* p = root.if_contains("policy");
  for (const auto& kv : p ? object_of(*p) : empty_object) {
    if (kv.key() == "name") continue;
    const auto& val = kv.value();
    std::string shown = text(&val);
    if (val.is_array() && shown.empty()) shown = "(none)";
    if ((val.is_string() || val.is_null()) && shown.empty()) shown = "(empty)";
    lines.emplace_back("  " + terminal_escape(kv.key()), shown);
  }
  return key_values(lines);
}

std::string render_device_action(std::string_view action, const json::value& v) {
  const auto& d = object_of(v);
  if (action == "remove") return "removed " + field(d, "user") + " " + field(d, "device") + "\n";
  return std::string(action) + ": " + field(d, "user") + " " + field(d, "device_id") + " access=" +
         field(d, "access") + " wipe=" + wipe_text(d) + "\n";
}

std::string render_policy_action(std::string_view action, const json::value& v) {
  const auto& o = object_of(v);
  if (action == "delete") return "deleted " + field(o, "deleted") + "\n";
  std::string who = "user " + field(o, "user");
  if (const auto d = field(o, "device"); !d.empty()) who += " device " + d;
  const auto policy = field(o, "policy");
  return who + (policy.empty() ? ": assignment cleared\n" : ": policy " + policy + "\n");
}

}  // namespace easd::server::admin_cli
