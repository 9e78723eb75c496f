// The admin CLI's pure half: what `easd device …` / `easd policy …` asked for, and the admin API request
// (method, target, JSON body) that does it (the contract: /tmp/easd-team-brief.md "Admin API", the
// README's "Devices, policies and remote wipe"). No I/O: the caller reads --file and the environment.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::server::admin_cli {

// One parsed command line. `group` and `action` name the leaf subcommand ("device" "wipe-account").
struct invocation {
  std::string group;
  std::string action;
  std::string user, device;  // device USER DEVICE positionals, or policy assign's --user/--device
  std::string name;          // policy NAME
  std::vector<std::string> settings;  // policy set KEY=VALUE …
  std::string file;                   // policy set --file
  std::string folder;                 // device resync --folder
  std::string access, wipe;           // device list filters
  std::optional<std::int64_t> seen_before, seen_after;
  std::string filter_user;  // device list --user
  bool json = false;

  // Where the daemon is. An empty admin_url / token: from the configuration file (and EASD_ADMIN_TOKEN).
  std::string config_path = "/etc/easd/easd.toml";
  std::string admin_url;
  std::string token;
};

struct api_request {
  std::string method;  // "GET" "POST" "PUT" "DELETE"
  std::string target;  // path and query, e.g. "/api/v1/device?user=bob&device=ABC"
  std::string body;    // JSON, or "" for none
  friend bool operator==(const api_request&, const api_request&) = default;
};

// The request for `inv`. `file_text` is the content of --file (policy set), already read. nullopt with
// `why` for input the API would refuse anyway or that is ambiguous (a usage error, exit 2).
std::optional<api_request> build_request(const invocation& inv, std::string_view file_text, std::string* why);

// policy set's KEY=VALUE words, merged into `into` (later words win):
//   true / false           → JSON boolean
//   -?[0-9]+               → integer
//   "" (or nothing)        → "" (an empty element, e.g. max_attachment_size=)
//   [a,b,c]  /  []         → list of strings (items trimmed; empty items dropped)
//   anything else          → string (the server says which keys take what)
// KEY is [a-z0-9_]+ and may not be "name" (that is the NAME argument). false with `why` otherwise.
bool parse_settings(const std::vector<std::string>& words, boost::json::object& into, std::string* why);

// Percent-encoding of a query parameter value (RFC 3986 unreserved characters pass).
std::string query_escape(std::string_view s);

// X-Easd-Actor: $SUDO_USER, else $USER, else "cli"; cut to the contract's 64 printable ASCII characters
// (anything else becomes '?').
std::string choose_actor(const char* sudo_user, const char* user);

}  // namespace easd::server::admin_cli
