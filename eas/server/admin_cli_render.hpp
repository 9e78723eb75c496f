// The admin CLI's output: the admin API's JSON answers as text for a terminal. Pure (JSON value in, text
// out). Every string in an answer came from a device or another admin, so none reaches the terminal raw:
// control characters (C0, DEL, C1), bidirectional overrides and invalid UTF-8 are escaped (\xHH, \u{HHHH})
// in tables and in the pretty-printed JSON alike (there as \uHHHH, still valid JSON).
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace easd::server::admin_cli {

// `s` safe for a terminal: printable ASCII and harmless UTF-8 pass; a backslash doubles.
std::string terminal_escape(std::string_view s);

// Unix seconds as "2024-05-01T12:00:00Z"; 0 (or below) as "never".
std::string iso_time(std::int64_t unix_seconds);

// JSON indented by two spaces, keys in the server's order, strings escaped for a terminal. Ends in "\n".
std::string pretty_json(const boost::json::value& v);

// GET /api/v1/devices: USER DEVICE TYPE MODEL ACCESS WIPE LAST-SEEN POLICY, one device a line.
std::string render_device_list(const boost::json::value& v);
// GET /api/v1/device: "key: value" lines, times as ISO times, then the folders' last syncs.
std::string render_device(const boost::json::value& v);
// GET /api/v1/policies: NAME SOURCE USERS (the users assigned to it).
std::string render_policy_list(const boost::json::value& v);
// GET /api/v1/policy and PUT's answer: name, source, then every setting.
std::string render_policy(const boost::json::value& v);
// The answer of a device action (DEVICE, or remove's {"removed":…}), one summary line.
std::string render_device_action(std::string_view action, const boost::json::value& v);
// policy delete / assign answers, one line.
std::string render_policy_action(std::string_view action, const boost::json::value& v);

}  // namespace easd::server::admin_cli
