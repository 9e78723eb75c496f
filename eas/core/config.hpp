// The one configuration file (TOML): typed structs per module with defaults and bounds, validated at start.
//
// Loading is start-up work, so failures are exceptions (`config_error`) whose message names the file, the
// line and the key — admins fix the file from the message alone. Unknown sections and keys are errors too:
// a misspelt key silently ignored is worse than a refusal to start.
#pragma once

#include "eas/core/protocol_version.hpp"

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

struct config {
  std::filesystem::path source;
  server_config server;
  tls_config tls;
  imap_config imap;
  auth_config auth;
  limits_config limits;
  eas_config eas;
  state_config state;
  log_config log;
};

// Parses and validates. Throws config_error.
config load_config(const std::filesystem::path& file);
// Same, from text (tests); `name` stands in for the file name in messages.
config parse_config(const std::string& text, const std::string& name);

}  // namespace easd
