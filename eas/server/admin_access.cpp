#include "eas/server/admin_access.hpp"

#include "eas/core/ascii.hpp"
#include "eas/http/basic_auth.hpp"

#include <openssl/crypto.h>

#include <charconv>

namespace easd::server {

namespace net = boost::asio;

namespace {

// True if the entry ("addr" or "addr/prefix", already known to parse) covers loopback addresses only.
bool loopback_only(std::string_view entry) {
  const auto slash = entry.find('/');
  boost::system::error_code ec;
  const auto a = http::normalize_address(net::ip::make_address(entry.substr(0, slash), ec));
  if (ec) return false;
  unsigned prefix = a.is_v4() ? 32 : 128;
  if (slash != std::string_view::npos) {
    const auto digits = entry.substr(slash + 1);
    std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
  }
  if (a.is_v4()) return a.is_loopback() && prefix >= 8;  // inside 127.0.0.0/8
  return a.is_loopback() && prefix == 128;                // ::1 alone
}

bool same_secret(std::string_view given, std::string_view secret) {
  return given.size() == secret.size() && CRYPTO_memcmp(given.data(), secret.data(), secret.size()) == 0;
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

admin_policy admin_policy::from_config(const config& cfg) {
  const auto where = cfg.source.string() + ": [admin] push_allow: ";
  admin_policy p;
  p.secret = cfg.admin.push_secret;
  for (const auto& entry : cfg.admin.push_allow) {
    if (auto added = p.allow.add(entry); !added) {
      throw config_error(where + "\"" + entry + "\": " + added.error().message());
    }
    if (p.secret.empty() && !loopback_only(entry)) {
      throw config_error(where + "\"" + entry +
                         "\" is not loopback: set [admin] push_secret, or allow only 127.0.0.1 and ::1");
    }
  }
  return p;
}

admin_access check_admin_access(const admin_policy& policy, const net::ip::address& client,
                                std::string_view authorization) {
  if (!policy.allow.contains(http::normalize_address(client))) return admin_access::forbidden;
  if (policy.secret.empty()) return admin_access::granted;
  if (authorization.size() > http::max_authorization_bytes) return admin_access::unauthorized;
  const auto value = trim_spaces(authorization);
  constexpr std::string_view bearer = "Bearer ";
  if (istarts_with_ascii(value, bearer)) {
    return same_secret(trim_spaces(value.substr(bearer.size())), policy.secret) ? admin_access::granted
                                                                                 : admin_access::unauthorized;
  }
  const auto basic = http::parse_basic_authorization(value);
  if (basic && same_secret(basic->password, policy.secret)) return admin_access::granted;
  return admin_access::unauthorized;
}

}  // namespace easd::server
