#include "eas/http/client_address.hpp"

#include "eas/core/ascii.hpp"
#include "eas/http/text.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>

namespace easd::http {

namespace net = boost::asio;

namespace {

result<net::ip::address> parse_plain_address(std::string_view s) {
  // make_address wants a NUL-terminated string; bound the copy (the longest IPv6 text with a zone is
  // well under 64 bytes).
  if (s.empty() || s.size() > 64) return address_error::bad_address;
  boost::system::error_code ec;
  const auto a = net::ip::make_address(std::string(s), ec);
  if (ec) return address_error::bad_address;
  return normalize_address(a);
}

bool is_port(std::string_view s) noexcept {
  if (s.empty() || s.size() > 5) return false;
  for (char c : s) {
    if (!is_ascii_digit(c)) return false;
  }
  return true;
}

}  // namespace

net::ip::address normalize_address(const net::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6());
  return a;
}

result<net::ip::address> parse_forwarded_entry(std::string_view entry) {
  entry = detail::trim_ows(entry);
  if (!entry.empty() && entry.front() == '[') {
    const auto close = entry.find(']');
    if (close == std::string_view::npos) return address_error::bad_address;
    const auto rest = entry.substr(close + 1);
    if (!rest.empty() && !(rest.front() == ':' && is_port(rest.substr(1)))) return address_error::bad_address;
    auto a = parse_plain_address(entry.substr(1, close - 1));
    if (a && !a->is_v6()) return address_error::bad_address;
    return a;
  }
  if (const auto colon = entry.find(':'); colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos) {
    // Exactly one ':' can only be IPv4 with a port.
    if (!is_port(entry.substr(colon + 1))) return address_error::bad_address;
    auto a = parse_plain_address(entry.substr(0, colon));
    if (a && !a->is_v4()) return address_error::bad_address;
    return a;
  }
  return parse_plain_address(entry);
}

result<trusted_proxies> trusted_proxies::parse(std::span<const std::string> entries) {
  trusted_proxies p;
  for (const auto& e : entries) {
    if (auto r = p.add(e); !r) return r.error();
  }
  return p;
}

result<void> trusted_proxies::add(std::string_view entry) {
  entry = detail::trim_ows(entry);
  const auto slash = entry.find('/');
  const auto text = entry.substr(0, slash);
  if (text.empty() || text.size() > 64) return address_error::bad_address;
  boost::system::error_code ec;
  const auto raw = net::ip::make_address(std::string(text), ec);
  if (ec) return address_error::bad_address;
  const unsigned max_prefix = raw.is_v4() ? 32 : 128;
  unsigned prefix = max_prefix;
  if (slash != std::string_view::npos) {
    const auto digits = entry.substr(slash + 1);
    const auto [end, perr] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || perr != std::errc{} || end != digits.data() + digits.size() || prefix > max_prefix) {
      return address_error::bad_prefix;
    }
  }
  range r;
  const auto a = normalize_address(raw);
  if (a.is_v4() && raw.is_v6()) {
    // An IPv4-mapped network (::ffff:10.0.0.0/104) is the IPv4 network it maps, because addresses
    // are compared after normalize_address.
    if (prefix < 96) return address_error::bad_prefix;
    prefix -= 96;
  }
  r.v4 = a.is_v4();
  r.prefix = prefix;
  if (r.v4) {
    const auto b = a.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), r.bytes.begin());
  } else {
    const auto b = a.to_v6().to_bytes();
    std::copy(b.begin(), b.end(), r.bytes.begin());
  }
  ranges_.push_back(r);
  return {};
}

bool trusted_proxies::contains(const net::ip::address& address) const noexcept {
  const auto a = normalize_address(address);
  std::array<std::uint8_t, 16> bytes{};
  if (a.is_v4()) {
    const auto b = a.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), bytes.begin());
  } else {
    const auto b = a.to_v6().to_bytes();
    std::copy(b.begin(), b.end(), bytes.begin());
  }
  for (const auto& r : ranges_) {
    if (r.v4 != a.is_v4()) continue;
    const unsigned full = r.prefix / 8;
    const unsigned bits = r.prefix % 8;
    bool match = std::equal(r.bytes.begin(), r.bytes.begin() + full, bytes.begin());
    if (match && bits != 0) {
      const auto mask = static_cast<std::uint8_t>(0xff << (8 - bits));
      match = (r.bytes[full] & mask) == (bytes[full] & mask);
    }
    if (match) return true;
  }
  return false;
}

net::ip::address client_address(const net::ip::address& peer_address, std::string_view x_forwarded_for,
                                 const trusted_proxies& proxies) {
  const auto peer = normalize_address(peer_address);
  if (!proxies.contains(peer)) return peer;
  std::string_view rest = x_forwarded_for;
  std::optional<net::ip::address> leftmost;
  for (std::size_t hops = 0; hops < max_forwarded_hops; ++hops) {
    if (detail::trim_ows(rest).empty()) break;
    const auto comma = rest.rfind(',');
    const auto entry = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
    auto a = parse_forwarded_entry(entry);
    if (!a) return peer;
    if (!proxies.contains(*a)) return *a;
    leftmost = *a;
    if (comma == std::string_view::npos) return *leftmost;
    rest = rest.substr(0, comma);
  }
  return peer;
}

}  // namespace easd::http
