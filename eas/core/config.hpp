// The one configuration file (TOML): typed structs per module with defaults and bounds, validated at start.
//
// Loading is start-up work, so failures are exceptions (`config_error`) whose message names the file, the
// line and the key — admins fix the file from the message alone. Unknown sections and keys are errors too:
// a misspelt key silently ignored is worse than a refusal to start.
#pragma once

#include "eas/core/protocol_version.hpp"
#include "eas/core/redis_url.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace easd {

class config_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct listen_endpoint {
  std::string host;  // literal address: "0.0.0.0", "127.0.0.1", "::"
  std::uint16_t port = 0;
};

struct server_config {
  std::vector<listen_endpoint> listen{{"0.0.0.0", 443}};
  std::string external_url;  // base URL phones use; Autodiscover returns external_url + EAS path
  unsigned io_threads = 0;   // 0: one per core
  std::vector<std::string> trusted_proxies;
  std::chrono::seconds shutdown_grace{10};
  std::size_t max_connections = 100'000;
};

struct tls_config {
  bool enabled = true;
  std::filesystem::path certificate;
  std::filesystem::path private_key;
};

enum class imap_security { tls, starttls, none };

struct imap_config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 993;
  imap_security security = imap_security::tls;
  bool verify_certificate = true;
  std::filesystem::path ca_file;
  std::chrono::seconds timeout{10};
};

// The SMTP submission server mail is sent through (issue 6), as the user. Same shape as [imap]; the
// default is implicit TLS on 465 (RFC 8314 §3.3), "starttls" is normally port 587.
enum class smtp_security { tls, starttls, none };

struct smtp_config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 465;
  smtp_security security = smtp_security::tls;
  bool verify_certificate = true;
  std::filesystem::path ca_file;
  std::chrono::seconds timeout{30};
  // Our name in EHLO; "" = the host of [server] external_url, else "localhost".
  std::string helo_name;
  // What easd itself checks before submitting (the submission server still decides what it accepts):
  std::string domain;         // a login without '@' sends as login@domain ("" = the login as it is)
  bool rewrite_from = false;  // from_policy = "rewrite": a foreign From becomes the user's; "reject" (default)
  bool save_sent = true;      // APPEND the Sent copy; false where the submission server files it itself
  std::size_t max_message_bytes = 32u << 20;
  std::size_t max_recipients = 500;
  unsigned max_messages_per_hour = 200;  // per user, every device and node together; 0 = no limit
  unsigned max_recipients_per_hour = 2000;
};

struct auth_config {
  std::chrono::seconds cache_ttl{300};
  std::chrono::milliseconds failure_floor{1000};
  unsigned max_failures_per_address = 20;
  unsigned max_failures_per_user = 10;
  std::chrono::seconds failure_window{300};
};

struct limits_config {
  std::size_t header_bytes_unauthenticated = 8 * 1024;
  std::size_t header_bytes = 32 * 1024;
  std::size_t body_bytes = 64u << 20;  // the largest command body (SendMail with attachments)
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds write_timeout{30};
  std::chrono::seconds idle_timeout{120};  // keep-alive wait for the next request
};

struct eas_config {
  std::vector<protocol_version> protocol_versions{protocol_version::v12_1, protocol_version::v14_0,
                                                  protocol_version::v14_1, protocol_version::v16_0,
                                                  protocol_version::v16_1};
};

struct state_config {
  std::filesystem::path path = "/var/lib/easd";
};

struct log_config {
  std::string level = "info";
};

// Ping and long-poll Sync (issue 4). Exchange's defaults: HeartbeatInterval 60 … 3540 s
// ([MS-ASCMD] 2.2.3.88.1 <6>, shared/protocol/commands.md §7).
struct push_config {
  std::chrono::seconds min_heartbeat{60};
  std::chrono::seconds max_heartbeat{3540};
  std::size_t max_folders = 300;  // Ping Status 6 + MaxFolders above this
  // How long a device's Ping parameters (interval, folders) are kept for an empty Ping.
  std::chrono::seconds ping_parameters_ttl{7 * 24 * 3600};
  // IMAP change watch without NOTIFY: how often the watched folders other than the Inbox get a STATUS.
  std::chrono::seconds status_poll_interval{60};
  // One IMAP connection per user with a held request, watching for changes (NOTIFY, else IDLE + STATUS).
  // Off where Dovecot's push_notification plugin posts new mail to the admin listener instead: then no
  // IMAP connection is held per user at all, and only Inbox deliveries push.
  bool imap_watch = true;
};

// The push bus between nodes (issue 4). An empty url: no Redis, the in-process bus.
struct redis_config {
  std::string url;          // "redis://[:password@]host[:port][/db]"; validated at load
  redis_endpoint endpoint;  // parsed from url when set
  bool enabled() const noexcept { return !url.empty(); }
};

// The admin listener (issue 4 §4): Dovecot's push notifications, later the admin API. Off unless `listen`
// names an address; plain HTTP, so keep it on loopback or a private network.
struct admin_config {
  std::vector<listen_endpoint> listen;  // empty: no admin listener
  // Required in Authorization (Basic password, any user name, as Dovecot sends URL userinfo; or Bearer)
  // when set. Unreserved URL characters only, 16..256 of them, so it fits a URL's userinfo unencoded.
  std::string push_secret;
  // Client networks allowed at all ("127.0.0.1", "10.0.0.0/8", "::1/128"); others get 403. Non-loopback
  // entries need a push_secret (checked when the listener starts).
  std::vector<std::string> push_allow{"127.0.0.1/32", "::1/128"};
  // The admin API's bearer token (issue 5), at least 16 characters; empty: the /api routes answer 404.
  std::string api_token;
};

struct config {
  std::filesystem::path source;
  server_config server;
  tls_config tls;
  imap_config imap;
  smtp_config smtp;
  auth_config auth;
  limits_config limits;
  eas_config eas;
  state_config state;
  log_config log;
  push_config push;
  redis_config redis;
  admin_config admin;
};

// Parses and validates. Throws config_error.
config load_config(const std::filesystem::path& file);
// Same, from text (tests); `name` stands in for the file name in messages.
config parse_config(const std::string& text, const std::string& name);

}  // namespace easd
