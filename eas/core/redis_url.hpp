// The `[redis] url` setting: `redis://[[user]:password@]host[:port][/db]` (the scheme Redis clients
// share; IANA provisional registration "redis"). It lives in core, not push/, because the configuration
// validates it at load time and core must not depend on push (ARCHITECTURE.md §2).
//
// The text comes from an admin's file, but it is still parsed as outside input: bounded lengths, no control
// characters, percent-escapes checked, and anything we do not support (TLS, query options, Unix sockets)
// refused with a reason instead of being half-understood.
#pragma once

#include "eas/core/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace easd {

struct redis_endpoint {
  std::string host;  // a name, an IPv4 literal or an IPv6 literal without brackets
  std::uint16_t port = 6379;
  std::string user;       // Redis 6 ACL user; "" = the default user (AUTH with the password only)
  std::string password;   // "" = no AUTH; percent-decoded, may hold any byte
  unsigned database = 0;  // SELECT after connecting when not 0
};

enum class redis_url_error {
  too_long = 1,
  bad_scheme,
  tls_unsupported,
  bad_userinfo,
  bad_escape,
  bad_host,
  bad_port,
  bad_database,
  unsupported_part,
};

const boost::system::error_category& redis_url_category() noexcept;
inline boost::system::error_code make_error_code(redis_url_error e) noexcept {
  return {static_cast<int>(e), redis_url_category()};
}

inline constexpr std::size_t redis_url_max_size = 2048;
inline constexpr std::size_t redis_host_max_size = 253;    // a DNS name (RFC 1035 §2.3.4)
inline constexpr std::size_t redis_secret_max_size = 512;  // user and password, each, decoded
inline constexpr unsigned redis_database_max = 65535;

result<redis_endpoint> parse_redis_url(std::string_view url);

// "redis://host:port/db" with the password replaced by "***": safe for logs and error messages.
std::string redacted_redis_url(const redis_endpoint& e);

}  // namespace easd

template <>
struct boost::system::is_error_code_enum<easd::redis_url_error> : std::true_type {};
