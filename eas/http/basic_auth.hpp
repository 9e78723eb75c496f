// HTTP Basic credentials (RFC 7617) as EAS clients send them ([MS-ASHTTP] 2.2.1.1.2.2).
//
// parse_basic_authorization takes the value of one Authorization header:
//  * value ≤ 4 KiB; scheme "Basic" in any case, then one or more spaces and one base64 token (padding
//    optional); anything else is an error (Bearer etc. → not_basic, answered 401 like a missing header).
//  * split at the first ':' (RFC 7617 2: the user-id cannot contain ':').
//  * user: 1..256 bytes, valid UTF-8, no control characters (C0, DEL, C1). Kept exactly as sent,
//    `DOMAIN\user` and `user@domain` included: the directory (IMAP LOGIN) decides what a name means,
//    and rewriting it here would let two spellings share or dodge a cache entry or failure counter.
//  * password: 1..1024 bytes, any bytes except NUL, CR and LF (which cannot reach IMAP LOGIN safely).
//    Not required to be UTF-8: some clients send Latin-1. An empty password is refused because some
//    directories treat it as an anonymous bind that "succeeds".
//
// query_user_matches compares the informational User of the request target with the authenticated name;
// access is always decided by the authenticated name. Rule (ASCII case-insensitive throughout):
//  * an empty query user matches (the base64 form usually has none);
//  * equal names match;
//  * otherwise each name is reduced to its local part by dropping a `DOMAIN\` prefix and an `@domain`
//    suffix; the local parts must be equal, and if both names have an `@domain`, the domains too
//    (a NetBIOS `DOMAIN\` cannot be compared with a DNS domain, so it is not).
#pragma once

#include "eas/core/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

namespace easd::http {

enum class basic_auth_error {
  missing = 1,        // empty header value
  not_basic,          // another scheme (Bearer, Negotiate, ...) or no token
  too_long,           // header value over max_authorization_bytes
  bad_base64,         // token is not base64
  missing_colon,      // decoded text has no ':'
  empty_user,
  bad_user,           // control characters or invalid UTF-8
  user_too_long,
  bad_password,       // empty, or holds NUL/CR/LF
  password_too_long,
};

const boost::system::error_category& basic_auth_category() noexcept;
inline boost::system::error_code make_error_code(basic_auth_error e) noexcept {
  return {static_cast<int>(e), basic_auth_category()};
}

inline constexpr std::size_t max_authorization_bytes = 4096;
inline constexpr std::size_t max_auth_user_bytes = 256;
inline constexpr std::size_t max_auth_password_bytes = 1024;

struct basic_credentials {
  std::string user;
  std::string password;
};

result<basic_credentials> parse_basic_authorization(std::string_view header_value);

bool query_user_matches(std::string_view query_user, std::string_view authenticated_user) noexcept;

}  // namespace easd::http

template <>
struct boost::system::is_error_code_enum<easd::http::basic_auth_error> : std::true_type {};
