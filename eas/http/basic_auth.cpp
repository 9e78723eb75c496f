#include "eas/http/basic_auth.hpp"

#include "eas/core/ascii.hpp"
#include "eas/core/base64.hpp"
#include "eas/http/text.hpp"

#include <string>

namespace easd::http {

namespace {

struct name_parts {
  std::string_view local;
  std::string_view domain;  // after '@'; empty if none
  bool has_domain = false;
};

name_parts split_name(std::string_view name) noexcept {
  if (const auto bs = name.find('\\'); bs != std::string_view::npos) name.remove_prefix(bs + 1);
  name_parts p;
  if (const auto at = name.rfind('@'); at != std::string_view::npos) {
    p.local = name.substr(0, at);
    p.domain = name.substr(at + 1);
    p.has_domain = true;
  } else {
    p.local = name;
  }
  return p;
}

}  // namespace

result<basic_credentials> parse_basic_authorization(std::string_view value) {
  if (value.size() > max_authorization_bytes) return basic_auth_error::too_long;
  value = detail::trim_ows(value);
  if (value.empty()) return basic_auth_error::missing;
  const auto space = value.find(' ');
  if (space == std::string_view::npos || !iequals_ascii(value.substr(0, space), "Basic")) {
    return basic_auth_error::not_basic;
  }
  const std::string_view token = detail::trim_ows(value.substr(space + 1));
  if (token.empty()) return basic_auth_error::not_basic;

  // 4 KiB of base64 decodes to 3 KiB, above user + ':' + password at their maxima. Some clients drop the
  // padding; stray bits in the last symbol change no decoded byte. Neither is worth refusing a login over.
  auto decoded =
      decode_base64(token, max_authorization_bytes, {.allow_missing_padding = true, .allow_nonzero_pad_bits = true});
  if (!decoded) return basic_auth_error::bad_base64;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return basic_auth_error::missing_colon;

  basic_credentials c;
  c.user = decoded->substr(0, colon);
  c.password = decoded->substr(colon + 1);
  if (c.user.empty()) return basic_auth_error::empty_user;
  if (c.user.size() > max_auth_user_bytes) return basic_auth_error::user_too_long;
  if (!detail::is_clean_text(c.user)) return basic_auth_error::bad_user;
  if (c.password.size() > max_auth_password_bytes) return basic_auth_error::password_too_long;
  if (c.password.empty() || c.password.find_first_of(std::string_view("\0\r\n", 3)) != std::string::npos) {
    return basic_auth_error::bad_password;
  }
  return c;
}

bool query_user_matches(std::string_view query_user, std::string_view authenticated_user) noexcept {
  if (query_user.empty() || iequals_ascii(query_user, authenticated_user)) return true;
  const auto q = split_name(query_user);
  const auto a = split_name(authenticated_user);
  if (q.local.empty() || !iequals_ascii(q.local, a.local)) return false;
  return !(q.has_domain && a.has_domain) || iequals_ascii(q.domain, a.domain);
}

}  // namespace easd::http
