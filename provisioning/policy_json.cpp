// Policies as JSON: the admin API's bodies and the policy rows of the state store. The input comes from
// an admin's HTTP request, so it is bounded (size, depth) and every fault is reported by key.
#include "provisioning/field_access.hpp"
#include "provisioning/policy.hpp"

#include <boost/json.hpp>

#include <boost/system/errc.hpp>

#include <limits>

namespace easd::provisioning {

namespace json = boost::json;

namespace {

// A full policy is about 2 KB; 256 entries of 256 bytes in both lists stay below this.
constexpr std::size_t max_json_bytes = 64 * 1024;
// object → array → string.
constexpr std::size_t max_json_depth = 4;

error_code invalid() { return boost::system::errc::make_error_code(boost::system::errc::invalid_argument); }

// The JSON value as the field's value, or why not.
std::optional<std::string> to_field_value(const field_info& f, const json::value& v, field_value& out) {
  const std::string key(f.key);
  switch (f.type) {
    case field_type::boolean:
      if (!v.is_bool()) return key + ": must be true or false";
      out = v.get_bool();
      return std::nullopt;
    case field_type::uint_or_empty:
      if (v.is_null() || (v.is_string() && v.get_string().empty())) {
        out = empty_value{};
        return std::nullopt;
      }
      [[fallthrough]];
    case field_type::uint:
    case field_type::integer:
      if (v.is_int64()) {
        out = v.get_int64();
      } else if (v.is_uint64()) {
        // Above int64: out of every field's range; set_field names the bounds.
        out = std::numeric_limits<std::int64_t>::max();
      } else {
        return key + (f.type == field_type::uint_or_empty ? ": must be an integer or null" : ": must be an integer");
      }
      return std::nullopt;
    case field_type::string_list: {
      if (!v.is_array()) return key + ": must be a list of strings";
      const auto& a = v.get_array();
      if (a.size() > max_list_entries) return key + ": more than " + std::to_string(max_list_entries) + " entries";
      std::vector<std::string> items;
      items.reserve(a.size());
      for (const auto& e : a) {
        if (!e.is_string()) return key + ": must be a list of strings";
        items.emplace_back(e.get_string());
      }
      out = std::move(items);
      return std::nullopt;
    }
  }
  return key + ": unsupported field type";
}

std::optional<std::string> apply(const json::object& o, policy& p) {
  for (const auto& [k, v] : o) {
    const std::string_view key(k.data(), k.size());
    if (key == "name") {
      if (!v.is_string()) return "name: must be a string";
      const std::string_view name(v.get_string().data(), v.get_string().size());
      if (!valid_policy_name(name)) return "name: 1..64 characters of a-z 0-9 _ . -";
      p.name = name;
      continue;
    }
    const auto* f = find_field(key);
    if (!f) return "unknown key " + quote_key(key);
    field_value value;
    if (auto why = to_field_value(*f, v, value)) return why;
    if (auto why = set_field(p, *f, std::move(value))) return why;
  }
  return std::nullopt;
}

}  // namespace

result<policy> policy_from_json(std::string_view text, const policy& base, std::string* why) {
  auto fail = [&](std::string message) -> result<policy> {
    if (why) *why = std::move(message);
    return invalid();
  };
  if (text.size() > max_json_bytes) return fail("policy larger than " + std::to_string(max_json_bytes / 1024) + " KiB");
  json::parse_options options;
  options.max_depth = max_json_depth;
  json::error_code ec;
  const auto doc = json::parse(json::string_view(text.data(), text.size()), ec, {}, options);
  if (ec) {
    if (ec == json::error::too_deep) return fail("policy nested too deeply");
    return fail("not a JSON document: " + ec.message());
  }
  if (!doc.is_object()) return fail("not a JSON object");
  policy p = base;
  if (auto problem = apply(doc.get_object(), p)) return fail(std::move(*problem));
  return p;
}

std::string policy_to_json(const policy& p) {
  json::object o;
  o["name"] = p.name;
  for (const auto& f : fields()) {
    const auto v = get_field(p, f);
    const auto key = json::string_view(f.key.data(), f.key.size());
    if (const auto* b = std::get_if<bool>(&v)) {
      o[key] = *b;
    } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
      o[key] = *n;
    } else if (std::holds_alternative<empty_value>(v)) {
      o[key] = nullptr;
    } else {
      json::array a;
      for (const auto& item : std::get<std::vector<std::string>>(v)) a.emplace_back(item);
      o[key] = std::move(a);
    }
  }
  return json::serialize(o);
}

}  // namespace easd::provisioning
