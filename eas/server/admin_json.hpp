// The admin API's outside bytes (admin_api.hpp): query strings and JSON bodies parsed into typed requests,
// bounded and strict (unknown parameters and members are errors, every string is capped), and the
// registry's values written as JSON. Pure functions, no I/O, fuzzed (tests/fuzz/admin_api_request).
//
// Errors are values: errc::invalid_argument with a human `why` for the caller's {"error": …} (400). `why`
// never echoes the input bytes, so an answer cannot carry them back.
#pragma once

#include "eas/core/result.hpp"
#include "provisioning/device_registry.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::server::admin_json {

struct limits {
  static constexpr std::size_t max_body = 64 * 1024;  // a request body
  static constexpr std::size_t max_depth = 16;        // of a body's JSON
  static constexpr std::size_t max_query = 8 * 1024;  // the query part of the target
  static constexpr std::size_t max_parameters = 16;
  static constexpr std::size_t max_id = 256;      // user, device id, folder, policy name (the state store's cap)
  static constexpr std::size_t max_actor = 64;    // X-Easd-Actor
};

struct query_parameter {
  std::string name;
  std::string value;  // percent-decoded ('+' stays '+': user names like bob+tag@example.com)
};

// The parameters of the target's query ("" or no '?': none). A name given twice, a bad %-escape, a
// decoded NUL, more than max_parameters or a query over max_query: error.
result<std::vector<query_parameter>> parse_query(std::string_view target, std::string* why);

// GET /api/v1/devices?user=&access=&wipe=&seen_before=&seen_after= (all optional).
result<provisioning::device_filter> parse_device_filter(std::string_view target, std::string* why);
// GET /api/v1/device?user=U&device=D (both required).
result<provisioning::device_key> parse_device_query(std::string_view target, std::string* why);
// GET|DELETE /api/v1/policy?name=N (required).
result<std::string> parse_name_query(std::string_view target, std::string* why);

// POST /api/v1/device/<action>: {"user":U,"device":D}, plus "folder" (non-empty) when `folder_allowed`.
struct device_action {
  provisioning::device_key key;
  std::optional<std::string> folder;
};
result<device_action> parse_device_action(std::string_view body, bool folder_allowed, std::string* why);

// POST /api/v1/policy/assign: {"policy":N,"user":U} or with "device":D; "policy":"" clears.
struct assignment {
  std::string policy;
  std::string user;
  std::optional<std::string> device;
};
result<assignment> parse_assignment(std::string_view body, std::string* why);

// PUT /api/v1/policy: the "name" of the body (a valid policy name); the rest is policy_from_json's.
result<std::string> policy_name_of(std::string_view body, std::string* why);

// X-Easd-Actor: 1..max_actor printable ASCII characters (space included).
bool valid_actor(std::string_view actor) noexcept;

// --- output

// Text as a JSON string, repaired to well-formed UTF-8 (each ill-formed byte becomes U+FFFD): device
// strings are whatever the device sent.
boost::json::value text(std::string_view bytes);
// The contract's DEVICE object.
boost::json::object device_json(const provisioning::device& d);
// {"error":"message"}
std::string error_body(std::string_view message);

}  // namespace easd::server::admin_json
