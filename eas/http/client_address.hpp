// The address a request really comes from, for rate limits, logs and the directory's logs.
//
// It is the TCP peer, unless the peer is a configured trusted proxy: then X-Forwarded-For is read from
// the right (each proxy appends the address it saw) and the first entry that is not itself a trusted
// proxy is the client. Entries left of that one were written by the client and are never looked at, so
// a client cannot choose its address, and garbage it puts there cannot push us back to the proxy's
// address (which would put every user behind that proxy into one rate-limit bucket). If every entry is
// trusted, the leftmost is used. If the peer is trusted but the header is absent, empty or an entry
// we must read is not an address, the peer address is used. At most max_forwarded_hops entries are read.
//
// Entries may be `1.2.3.4`, `1.2.3.4:port`, `2001:db8::1`, `[2001:db8::1]` or `[2001:db8::1]:port`.
// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, from dual-stack sockets) are treated as IPv4 everywhere.
// RFC 7239 `Forwarded` is not read. Several X-Forwarded-For fields must be joined with ',' in order
// (RFC 9110 5.3) before the call.
#pragma once

#include "eas/core/result.hpp"

#include <boost/asio/ip/address.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace easd::http {

enum class address_error {
  bad_address = 1,  // not an IPv4 or IPv6 address
  bad_prefix,       // CIDR prefix not a number within 0..32 / 0..128
};

const boost::system::error_category& address_category() noexcept;
inline boost::system::error_code make_error_code(address_error e) noexcept {
  return {static_cast<int>(e), address_category()};
}

inline constexpr std::size_t max_forwarded_hops = 64;

// The set of trusted proxies, built once from configuration ("10.0.0.1", "10.0.0.0/8", "::1",
// "fd00::/8"). Immutable after start: safe to share between threads.
class trusted_proxies {
public:
  trusted_proxies() = default;  // trusts nobody

  static result<trusted_proxies> parse(std::span<const std::string> entries);
  result<void> add(std::string_view entry);

  bool contains(const boost::asio::ip::address& a) const noexcept;
  bool empty() const noexcept { return ranges_.empty(); }

private:
  struct range {
    std::array<std::uint8_t, 16> bytes{};
    unsigned prefix = 0;
    bool v4 = false;
  };
  std::vector<range> ranges_;
};

// IPv4-mapped IPv6 → IPv4; anything else unchanged.
boost::asio::ip::address normalize_address(const boost::asio::ip::address& a);

// Parses one X-Forwarded-For entry (forms above, surrounding whitespace allowed).
result<boost::asio::ip::address> parse_forwarded_entry(std::string_view entry);

boost::asio::ip::address client_address(const boost::asio::ip::address& peer, std::string_view x_forwarded_for,
                                        const trusted_proxies& proxies);

}  // namespace easd::http

template <>
struct boost::system::is_error_code_enum<easd::http::address_error> : std::true_type {};
