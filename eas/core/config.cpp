#include "eas/core/config.hpp"

#include <toml.hpp>

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

namespace easd {
namespace {

using table_value = toml::value;

[[noreturn]] void fail_at(const table_value& v, const std::string& what, const std::string& hint) {
  throw config_error(toml::format_error("[error] " + what, v, hint));
}

// Rejects keys the schema does not know, naming the key and its line.
void check_keys(const table_value& section, const std::string& name, const std::set<std::string>& known) {
  for (const auto& [key, value] : section.as_table()) {
    if (!known.count(key)) fail_at(value, "unknown key " + name + "." + key, "not a setting of [" + name + "]");
  }
}

template <class T>
T get_or(const table_value& section, const std::string& key, T fallback) {
  if (!section.contains(key)) return fallback;
  try {
    return toml::find<T>(section, key);
  } catch (const toml::type_error& e) {
    throw config_error(e.what());
  }
}

std::int64_t get_int(const table_value& section, const std::string& name, const std::string& key, std::int64_t fallback,
                     std::int64_t lo, std::int64_t hi) {
  const auto v = get_or<std::int64_t>(section, key, fallback);
  if (v < lo || v > hi) {
    fail_at(section.at(key), name + "." + key + " out of range",
            "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  }
  return v;
}

listen_endpoint parse_endpoint(const table_value& v) {
  const auto text = toml::get<std::string>(v);
  std::string host;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      fail_at(v, "bad listen address", "use \"[::1]:8443\" for IPv6");
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) fail_at(v, "bad listen address", "use \"host:port\", e.g. \"0.0.0.0:443\"");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  if (ec) fail_at(v, "bad listen address", "the host must be a literal IPv4 or IPv6 address");
  unsigned long n = 0;
  try {
    std::size_t used = 0;
    n = std::stoul(port, &used);
    if (used != port.size()) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    fail_at(v, "bad listen port", "the port must be a number 0..65535");
  }
  if (n > 65535) fail_at(v, "bad listen port", "the port must be a number 0..65535");
  return {host, static_cast<std::uint16_t>(n)};
}

void read_server(const table_value& s, server_config& out) {
  check_keys(s, "server",
             {"listen", "external_url", "io_threads", "trusted_proxies", "shutdown_grace_seconds", "max_connections"});
  if (s.contains("listen")) {
    out.listen.clear();
    const auto& list = s.at("listen");
    if (list.is_string()) {
      out.listen.push_back(parse_endpoint(list));
    } else {
      if (!list.is_array() || list.as_array().empty()) fail_at(list, "bad listen", "a non-empty list of \"host:port\"");
      for (const auto& e : list.as_array()) {
        if (!e.is_string()) fail_at(e, "bad listen address", "a string \"host:port\"");
        out.listen.push_back(parse_endpoint(e));
      }
    }
  }
  out.external_url = get_or<std::string>(s, "external_url", out.external_url);
  if (!out.external_url.empty()) {
    if (out.external_url.rfind("https://", 0) != 0 && out.external_url.rfind("http://", 0) != 0) {
      fail_at(s.at("external_url"), "bad external_url", "must start with https:// (or http://)");
    }
    while (!out.external_url.empty() && out.external_url.back() == '/') out.external_url.pop_back();
  }
  out.io_threads = static_cast<unsigned>(get_int(s, "server", "io_threads", out.io_threads, 0, 256));
  out.trusted_proxies = get_or<std::vector<std::string>>(s, "trusted_proxies", out.trusted_proxies);
  out.shutdown_grace =
      std::chrono::seconds(get_int(s, "server", "shutdown_grace_seconds", out.shutdown_grace.count(), 0, 3600));
  out.max_connections = static_cast<std::size_t>(
      get_int(s, "server", "max_connections", static_cast<std::int64_t>(out.max_connections), 1, 10'000'000));
}

void read_tls(const table_value& s, tls_config& out) {
  check_keys(s, "tls", {"enabled", "certificate", "private_key"});
  out.enabled = get_or<bool>(s, "enabled", out.enabled);
  out.certificate = get_or<std::string>(s, "certificate", out.certificate.string());
  out.private_key = get_or<std::string>(s, "private_key", out.private_key.string());
}

void read_imap(const table_value& s, imap_config& out) {
  check_keys(s, "imap", {"host", "port", "security", "verify_certificate", "ca_file", "timeout_seconds"});
  out.host = get_or<std::string>(s, "host", out.host);
  if (out.host.empty()) fail_at(s.at("host"), "empty imap.host", "the IMAP server's host name or address");
  out.port = static_cast<std::uint16_t>(get_int(s, "imap", "port", out.port, 1, 65535));
  if (s.contains("security")) {
    const auto sec = toml::find<std::string>(s, "security");
    if (sec == "tls")
      out.security = imap_security::tls;
    else if (sec == "starttls")
      out.security = imap_security::starttls;
    else if (sec == "none")
      out.security = imap_security::none;
    else
      fail_at(s.at("security"), "bad imap.security", "one of \"tls\", \"starttls\", \"none\"");
  }
  out.verify_certificate = get_or<bool>(s, "verify_certificate", out.verify_certificate);
  out.ca_file = get_or<std::string>(s, "ca_file", out.ca_file.string());
  out.timeout = std::chrono::seconds(get_int(s, "imap", "timeout_seconds", out.timeout.count(), 1, 300));
}

void read_smtp(const table_value& s, smtp_config& out) {
  check_keys(s, "smtp", {"host", "port", "security", "verify_certificate", "ca_file", "timeout_seconds", "helo_name",
                         "domain", "from_policy", "save_sent", "max_message_bytes", "max_recipients",
                         "max_messages_per_hour", "max_recipients_per_hour"});
  out.host = get_or<std::string>(s, "host", out.host);
  if (out.host.empty()) fail_at(s.at("host"), "empty smtp.host", "the SMTP submission server's host name or address");
  out.port = static_cast<std::uint16_t>(get_int(s, "smtp", "port", out.port, 1, 65535));
  if (s.contains("security")) {
    const auto sec = toml::find<std::string>(s, "security");
    if (sec == "tls")
      out.security = smtp_security::tls;
    else if (sec == "starttls")
      out.security = smtp_security::starttls;
    else if (sec == "none")
      out.security = smtp_security::none;
    else
      fail_at(s.at("security"), "bad smtp.security", "one of \"tls\", \"starttls\", \"none\"");
  }
  out.verify_certificate = get_or<bool>(s, "verify_certificate", out.verify_certificate);
  out.ca_file = get_or<std::string>(s, "ca_file", out.ca_file.string());
  out.timeout = std::chrono::seconds(get_int(s, "smtp", "timeout_seconds", out.timeout.count(), 1, 300));
  out.helo_name = get_or<std::string>(s, "helo_name", out.helo_name);
  if (!out.helo_name.empty() && !std::all_of(out.helo_name.begin(), out.helo_name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
      })) {
    fail_at(s.at("helo_name"), "bad smtp.helo_name", "a host name: letters, digits, '-' and '.'");
  }
  out.domain = get_or<std::string>(s, "domain", out.domain);
  if (out.domain.find_first_of("@ <>\"\r\n\t") != std::string::npos) {
    fail_at(s.at("domain"), "bad smtp.domain", "a mail domain such as \"example.org\"");
  }
  if (s.contains("from_policy")) {
    const auto policy = toml::find<std::string>(s, "from_policy");
    if (policy == "reject")
      out.rewrite_from = false;
    else if (policy == "rewrite")
      out.rewrite_from = true;
    else
      fail_at(s.at("from_policy"), "bad smtp.from_policy", "\"reject\" or \"rewrite\"");
  }
  out.save_sent = get_or<bool>(s, "save_sent", out.save_sent);
  out.max_message_bytes = static_cast<std::size_t>(get_int(
      s, "smtp", "max_message_bytes", static_cast<std::int64_t>(out.max_message_bytes), 1024, 256ll << 20));
  out.max_recipients = static_cast<std::size_t>(
      get_int(s, "smtp", "max_recipients", static_cast<std::int64_t>(out.max_recipients), 1, 100000));
  out.max_messages_per_hour = static_cast<unsigned>(
      get_int(s, "smtp", "max_messages_per_hour", out.max_messages_per_hour, 0, 1'000'000));
  out.max_recipients_per_hour = static_cast<unsigned>(
      get_int(s, "smtp", "max_recipients_per_hour", out.max_recipients_per_hour, 0, 10'000'000));
}

void read_auth(const table_value& s, auth_config& out) {
  check_keys(s, "auth",
             {"cache_ttl_seconds", "failure_floor_ms", "max_failures_per_address", "max_failures_per_user",
              "failure_window_seconds"});
  out.cache_ttl = std::chrono::seconds(get_int(s, "auth", "cache_ttl_seconds", out.cache_ttl.count(), 0, 86400));
  out.failure_floor =
      std::chrono::milliseconds(get_int(s, "auth", "failure_floor_ms", out.failure_floor.count(), 0, 30'000));
  out.max_failures_per_address =
      static_cast<unsigned>(get_int(s, "auth", "max_failures_per_address", out.max_failures_per_address, 1, 1'000'000));
  out.max_failures_per_user =
      static_cast<unsigned>(get_int(s, "auth", "max_failures_per_user", out.max_failures_per_user, 1, 1'000'000));
  out.failure_window =
      std::chrono::seconds(get_int(s, "auth", "failure_window_seconds", out.failure_window.count(), 1, 86400));
}

void read_limits(const table_value& s, limits_config& out) {
  check_keys(s, "limits",
             {"header_bytes_unauthenticated", "header_bytes", "body_bytes", "read_timeout_seconds",
              "write_timeout_seconds", "idle_timeout_seconds"});
  auto size = [&](const char* key, std::size_t v, std::int64_t lo, std::int64_t hi) {
    return static_cast<std::size_t>(get_int(s, "limits", key, static_cast<std::int64_t>(v), lo, hi));
  };
  out.header_bytes_unauthenticated =
      size("header_bytes_unauthenticated", out.header_bytes_unauthenticated, 1024, 1 << 20);
  out.header_bytes = size("header_bytes", out.header_bytes, 1024, 1 << 20);
  out.body_bytes = size("body_bytes", out.body_bytes, 1024, std::int64_t{1} << 32);
  out.read_timeout =
      std::chrono::seconds(get_int(s, "limits", "read_timeout_seconds", out.read_timeout.count(), 1, 3600));
  out.write_timeout =
      std::chrono::seconds(get_int(s, "limits", "write_timeout_seconds", out.write_timeout.count(), 1, 3600));
  out.idle_timeout =
      std::chrono::seconds(get_int(s, "limits", "idle_timeout_seconds", out.idle_timeout.count(), 1, 3600));
}

void read_eas(const table_value& s, eas_config& out) {
  check_keys(s, "eas", {"protocol_versions"});
  if (!s.contains("protocol_versions")) return;
  const auto& list = s.at("protocol_versions");
  if (!list.is_array() || list.as_array().empty()) fail_at(list, "bad protocol_versions", "a non-empty list");
  out.protocol_versions.clear();
  for (const auto& e : list.as_array()) {
    const auto v = e.is_string() ? parse_protocol_version(e.as_string().str) : std::nullopt;
    // 2.5 and 12.0 need the legacy provisioning and body formats that easd does not implement.
    if (!v || *v < protocol_version::v12_1)
      fail_at(e, "unsupported protocol version", "one of 12.1 14.0 14.1 16.0 16.1");
    out.protocol_versions.push_back(*v);
  }
  std::sort(out.protocol_versions.begin(), out.protocol_versions.end());
  out.protocol_versions.erase(std::unique(out.protocol_versions.begin(), out.protocol_versions.end()),
                              out.protocol_versions.end());
}

void read_state(const table_value& s, state_config& out) {
  check_keys(s, "state", {"path"});
  out.path = get_or<std::string>(s, "path", out.path.string());
}

void read_log(const table_value& s, log_config& out) {
  check_keys(s, "log", {"level"});
  out.level = get_or<std::string>(s, "level", out.level);
  static const std::set<std::string> levels{"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (!levels.count(out.level)) fail_at(s.at("level"), "bad log.level", "one of trace debug info warn error off");
}

void read_push(const table_value& s, push_config& out) {
  check_keys(s, "push",
             {"min_heartbeat_seconds", "max_heartbeat_seconds", "max_folders", "ping_parameters_ttl_seconds",
              "status_poll_interval_seconds", "imap_watch"});
  out.min_heartbeat =
      std::chrono::seconds(get_int(s, "push", "min_heartbeat_seconds", out.min_heartbeat.count(), 1, 3540));
  out.max_heartbeat =
      std::chrono::seconds(get_int(s, "push", "max_heartbeat_seconds", out.max_heartbeat.count(), 1, 3540));
  if (out.min_heartbeat > out.max_heartbeat) {
    fail_at(s.contains("min_heartbeat_seconds") ? s.at("min_heartbeat_seconds") : s.at("max_heartbeat_seconds"),
            "push.min_heartbeat_seconds above push.max_heartbeat_seconds", "the minimum must not exceed the maximum");
  }
  out.max_folders = static_cast<std::size_t>(
      get_int(s, "push", "max_folders", static_cast<std::int64_t>(out.max_folders), 1, 5000));
  out.ping_parameters_ttl = std::chrono::seconds(
      get_int(s, "push", "ping_parameters_ttl_seconds", out.ping_parameters_ttl.count(), 3600, 365 * 86400));
  out.status_poll_interval = std::chrono::seconds(
      get_int(s, "push", "status_poll_interval_seconds", out.status_poll_interval.count(), 5, 3600));
  out.imap_watch = get_or<bool>(s, "imap_watch", out.imap_watch);
}

void read_redis(const table_value& s, redis_config& out) {
  check_keys(s, "redis", {"url"});
  out.url = get_or<std::string>(s, "url", out.url);
  if (out.url.empty()) return;
  auto endpoint = parse_redis_url(out.url);
  if (!endpoint) {
    // Not fail_at: its excerpt of the line would copy the URL, and with it the password, into the log.
    const auto where = s.at("url").location();
    throw config_error(where.file_name() + ":" + std::to_string(where.line()) + ": bad redis.url: " +
                       endpoint.error().message() + " (expected redis://[:password@]host[:port][/db])");
  }
  out.endpoint = std::move(*endpoint);
}

void read_admin(const table_value& s, admin_config& out) {
  check_keys(s, "admin", {"listen", "push_secret", "push_allow", "api_token"});
  if (s.contains("listen")) {
    out.listen.clear();
    const auto& list = s.at("listen");
    if (list.is_string()) {
      if (!list.as_string().str.empty()) out.listen.push_back(parse_endpoint(list));
    } else {
      if (!list.is_array()) fail_at(list, "bad admin.listen", "a list of \"host:port\" ([] or \"\": off)");
      for (const auto& e : list.as_array()) {
        if (!e.is_string()) fail_at(e, "bad listen address", "a string \"host:port\"");
        out.listen.push_back(parse_endpoint(e));
      }
    }
  }
  out.push_secret = get_or<std::string>(s, "push_secret", out.push_secret);
  if (!out.push_secret.empty()) {
    const bool unreserved = std::all_of(out.push_secret.begin(), out.push_secret.end(), [](char ch) {
      return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
             ch == '.' || ch == '_' || ch == '~';
    });
    if (!unreserved || out.push_secret.size() < 16 || out.push_secret.size() > 256) {
      // Not fail_at: its excerpt of the line would copy the secret into the log.
      const auto where = s.at("push_secret").location();
      throw config_error(where.file_name() + ":" + std::to_string(where.line()) +
                         ": bad admin.push_secret: 16..256 characters of A-Z a-z 0-9 - . _ ~");
    }
  }
  out.push_allow = get_or<std::vector<std::string>>(s, "push_allow", out.push_allow);
  out.api_token = get_or<std::string>(s, "api_token", out.api_token);
  if (!out.api_token.empty() && out.api_token.size() < 16) {
    // Not fail_at: its excerpt of the line would copy the token into the log.
    const auto where = s.at("api_token").location();
    throw config_error(where.file_name() + ":" + std::to_string(where.line()) +
                       ": bad admin.api_token: at least 16 characters");
  }
}

config from_value(const table_value& root, const std::filesystem::path& source) {
  config c;
  c.source = source;
  // provisioning, policy, groups and access belong to provisioning/settings.cpp, which reads the same file.
  check_keys(root, "", {"server", "tls", "imap", "smtp", "auth", "limits", "eas", "state", "log", "push", "redis",
                        "admin", "provisioning", "policy", "groups", "access"});
  auto section = [&](const char* name, auto reader, auto& out) {
    if (!root.contains(name)) return;
    const auto& s = root.at(name);
    if (!s.is_table()) fail_at(s, std::string("[") + name + "] must be a table", "");
    reader(s, out);
  };
  section("server", read_server, c.server);
  section("tls", read_tls, c.tls);
  section("imap", read_imap, c.imap);
  section("smtp", read_smtp, c.smtp);
  section("auth", read_auth, c.auth);
  section("limits", read_limits, c.limits);
  section("eas", read_eas, c.eas);
  section("state", read_state, c.state);
  section("log", read_log, c.log);
  section("push", read_push, c.push);
  section("redis", read_redis, c.redis);
  section("admin", read_admin, c.admin);

  const std::string file = source.string();
  if (c.tls.enabled && (c.tls.certificate.empty() || c.tls.private_key.empty())) {
    throw config_error(file + ": [tls] certificate and private_key are required while tls.enabled = true");
  }
  if (c.server.external_url.empty()) {
    throw config_error(file +
                       ": [server] external_url is required (the base URL phones use, e.g. "
                       "\"https://mail.example.com\")");
  }
  return c;
}

}  // namespace

config parse_config(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  try {
    return from_value(toml::parse(in, name), name);
  } catch (const toml::exception& e) {
    throw config_error(e.what());
  } catch (const std::out_of_range& e) {
    throw config_error(name + ": " + e.what());
  }
}

config load_config(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw config_error(file.string() + ": cannot open the configuration file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), file.string());
}

}  // namespace easd
