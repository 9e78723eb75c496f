#include "eas/core/redis_url.hpp"

#include <boost/asio/ip/address_v6.hpp>

#include <optional>

namespace easd {
namespace {

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class redis_url_category_impl final : public boost::system::error_category {
public:
  const char* name() const noexcept override { return "easd.redis_url"; }
  std::string message(int ev) const override {
    switch (static_cast<redis_url_error>(ev)) {
      case redis_url_error::too_long:
        return "the URL is too long";
      case redis_url_error::bad_scheme:
        return "the URL must start with redis://";
      case redis_url_error::tls_unsupported:
        return "rediss:// (TLS) is not supported; use redis:// on a trusted network";
      case redis_url_error::bad_userinfo:
        return "bad user or password (percent-encode '@', ':', '/' and spaces)";
      case redis_url_error::bad_escape:
        return "bad percent-escape (use %XX with two hex digits)";
      case redis_url_error::bad_host:
        return "bad host (a name, an IPv4 address or [IPv6])";
      case redis_url_error::bad_port:
        return "bad port (a number 1..65535)";
      case redis_url_error::bad_database:
        return "bad database (\"/N\" with N from 0 to 65535)";
      case redis_url_error::unsupported_part:
        return "query and fragment (?… #…) are not supported";
    }
    return "bad Redis URL";
  }
};
#pragma GCC diagnostic pop

bool is_control_or_space(unsigned char c) { return c <= 0x20 || c == 0x7f; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes one userinfo part. Raw '@', '/', '?', '#' cannot occur here (they end the authority);
// ':' separates user from password and so must be escaped inside either.
result<std::string> decode_part(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ':' || s[i] == '[' || s[i] == ']') return redis_url_error::bad_userinfo;
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return redis_url_error::bad_escape;
    const int hi = hex_value(s[i + 1]);
    const int lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return redis_url_error::bad_escape;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  if (out.size() > redis_secret_max_size) return redis_url_error::bad_userinfo;
  return out;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

// Digits only, no sign, no leading '+', at most `max_digits`; nullopt otherwise.
std::optional<unsigned long> parse_digits(std::string_view s, std::size_t max_digits) {
  if (s.empty() || s.size() > max_digits) return std::nullopt;
  unsigned long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned long>(c - '0');
  }
  return v;
}

bool starts_with_icase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

const boost::system::error_category& redis_url_category() noexcept {
  static const redis_url_category_impl category;
  return category;
}

result<redis_endpoint> parse_redis_url(std::string_view url) {
  if (url.size() > redis_url_max_size) return redis_url_error::too_long;
  for (char c : url) {
    if (is_control_or_space(static_cast<unsigned char>(c))) return redis_url_error::bad_host;
  }
  if (starts_with_icase(url, "rediss://")) return redis_url_error::tls_unsupported;
  if (!starts_with_icase(url, "redis://")) return redis_url_error::bad_scheme;
  std::string_view rest = url.substr(8);
  if (rest.find_first_of("?#") != std::string_view::npos) return redis_url_error::unsupported_part;

  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  const std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);

  redis_endpoint out;
  const auto at = authority.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    if (userinfo.find('@') != std::string_view::npos) return redis_url_error::bad_userinfo;
    const auto colon = userinfo.find(':');
    // "redis://secret@host" is ambiguous between clients (user or password?): require the colon.
    if (colon == std::string_view::npos) return redis_url_error::bad_userinfo;
    auto user = decode_part(userinfo.substr(0, colon));
    if (!user) return user.error();
    auto password = decode_part(userinfo.substr(colon + 1));
    if (!password) return password.error();
    if (password->empty()) return redis_url_error::bad_userinfo;
    out.user = std::move(*user);
    out.password = std::move(*password);
  }

  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return redis_url_error::bad_host;
    const std::string_view literal = authority.substr(1, close - 1);
    // Hex digits, colons and a dotted IPv4 tail only: no zone ids ("%eth0"), which Boost would accept
    // with any bytes after the '%'.
    if (literal.size() > 45 || literal.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos) {
      return redis_url_error::bad_host;
    }
    boost::system::error_code ec;
    boost::asio::ip::make_address_v6(std::string(literal), ec);
    if (ec) return redis_url_error::bad_host;
    out.host = std::string(literal);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return redis_url_error::bad_host;
      port_text = after.substr(1);
      if (port_text.empty()) return redis_url_error::bad_port;
    }
  } else {
    const auto colon = authority.find(':');
    const std::string_view host = authority.substr(0, colon);
    if (host.empty() || host.size() > redis_host_max_size) return redis_url_error::bad_host;
    for (char c : host) {
      if (!is_name_char(c)) return redis_url_error::bad_host;
    }
    out.host = std::string(host);
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return redis_url_error::bad_port;
    }
  }
  if (!port_text.empty()) {
    const auto port = parse_digits(port_text, 5);
    if (!port || *port == 0 || *port > 65535) return redis_url_error::bad_port;
    out.port = static_cast<std::uint16_t>(*port);
  }

  if (!path.empty()) {
    const auto db = parse_digits(path, 5);
    if (!db || *db > redis_database_max) return redis_url_error::bad_database;
    out.database = static_cast<unsigned>(*db);
  }
  return out;
}

std::string redacted_redis_url(const redis_endpoint& e) {
  std::string s = "redis://";
  if (!e.password.empty()) s += ":***@";
  const bool v6 = e.host.find(':') != std::string::npos;
  s += v6 ? "[" + e.host + "]" : e.host;
  s += ":" + std::to_string(e.port) + "/" + std::to_string(e.database);
  return s;
}

}  // namespace easd
