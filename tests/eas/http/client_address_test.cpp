#include "eas/http/client_address.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace easd::http {
namespace {

namespace net = boost::asio;

net::ip::address ip(const char* s) { return net::ip::make_address(s); }

trusted_proxies proxies(std::vector<std::string> entries) {
  auto p = trusted_proxies::parse(entries);
  EXPECT_TRUE(p) << p.error().message();
  return p ? *p : trusted_proxies{};
}

TEST(TrustedProxies, ParseErrors) {
  const std::pair<const char*, address_error> bad[] = {
      {"", address_error::bad_address},           {"nonsense", address_error::bad_address},
      {"10.0.0", address_error::bad_address},     {"10.0.0.256", address_error::bad_address},
      {"/8", address_error::bad_address},         {"10.0.0.0/33", address_error::bad_prefix},
      {"10.0.0.0/", address_error::bad_prefix},   {"10.0.0.0/abc", address_error::bad_prefix},
      {"10.0.0.0/8/9", address_error::bad_prefix}, {"10.0.0.0/-1", address_error::bad_prefix},
      {"fd00::/129", address_error::bad_prefix},  {"::ffff:10.0.0.0/64", address_error::bad_prefix},
      {"10.0.0.0/ 8", address_error::bad_prefix},
  };
  for (auto [text, e] : bad) {
    const std::vector<std::string> v{"127.0.0.1", text};
    auto p = trusted_proxies::parse(v);
    ASSERT_FALSE(p) << text;
    EXPECT_EQ(p.error(), e) << text;
    EXPECT_STREQ(p.error().category().name(), "easd.http.address");
  }
}

TEST(TrustedProxies, Contains) {
  const auto p = proxies({"10.0.0.0/8", "192.168.1.1", "fd00::/8", "::1", "172.16.0.0/23", "::ffff:100.64.0.0/106",
                          " 198.51.100.0/24 "});
  EXPECT_TRUE(p.contains(ip("10.1.2.3")));
  EXPECT_TRUE(p.contains(ip("::ffff:10.1.2.3")));  // dual-stack socket
  EXPECT_FALSE(p.contains(ip("11.0.0.1")));
  EXPECT_TRUE(p.contains(ip("192.168.1.1")));
  EXPECT_FALSE(p.contains(ip("192.168.1.2")));
  EXPECT_TRUE(p.contains(ip("fd12:3456::1")));
  EXPECT_FALSE(p.contains(ip("fe80::1")));
  EXPECT_TRUE(p.contains(ip("::1")));
  EXPECT_FALSE(p.contains(ip("::2")));
  EXPECT_TRUE(p.contains(ip("172.16.1.255")));
  EXPECT_FALSE(p.contains(ip("172.16.2.0")));
  EXPECT_TRUE(p.contains(ip("100.127.255.255")));  // ::ffff:100.64.0.0/106 = 100.64.0.0/10
  EXPECT_FALSE(p.contains(ip("100.128.0.0")));
  EXPECT_TRUE(p.contains(ip("198.51.100.7")));
  EXPECT_FALSE(p.contains(ip("127.0.0.1")));

  EXPECT_TRUE(proxies({"0.0.0.0/0"}).contains(ip("203.0.113.9")));
  EXPECT_FALSE(proxies({"0.0.0.0/0"}).contains(ip("2001:db8::1")));
  EXPECT_TRUE(trusted_proxies{}.empty());
  EXPECT_FALSE(trusted_proxies{}.contains(ip("127.0.0.1")));
}

TEST(ForwardedEntry, Forms) {
  EXPECT_EQ(*parse_forwarded_entry("203.0.113.7"), ip("203.0.113.7"));
  EXPECT_EQ(*parse_forwarded_entry(" 203.0.113.7 "), ip("203.0.113.7"));
  EXPECT_EQ(*parse_forwarded_entry("203.0.113.7:443"), ip("203.0.113.7"));
  EXPECT_EQ(*parse_forwarded_entry("2001:db8::1"), ip("2001:db8::1"));
  EXPECT_EQ(*parse_forwarded_entry("[2001:db8::1]"), ip("2001:db8::1"));
  EXPECT_EQ(*parse_forwarded_entry("[2001:db8::1]:8443"), ip("2001:db8::1"));
  EXPECT_EQ(*parse_forwarded_entry("::ffff:203.0.113.7"), ip("203.0.113.7"));
  for (const char* bad : {"", "unknown", "203.0.113.7:", "203.0.113.7:http", "203.0.113.7:123456", "[2001:db8::1",
                          "[2001:db8::1]x", "[203.0.113.7]", "2001:db8::1:", "_hidden", "1.2.3.4 5.6.7.8"}) {
    EXPECT_FALSE(parse_forwarded_entry(bad)) << bad;
  }
}

TEST(ClientAddress, UntrustedPeerIsTheClient) {
  const auto p = proxies({"10.0.0.0/8"});
  EXPECT_EQ(client_address(ip("203.0.113.7"), "198.51.100.1", p), ip("203.0.113.7"));
  EXPECT_EQ(client_address(ip("203.0.113.7"), "", trusted_proxies{}), ip("203.0.113.7"));
  EXPECT_EQ(client_address(ip("::ffff:203.0.113.7"), "", p), ip("203.0.113.7"));
}

TEST(ClientAddress, TrustedProxyChain) {
  const auto p = proxies({"10.0.0.0/8", "fd00::/8"});
  const auto peer = ip("10.0.0.1");
  EXPECT_EQ(client_address(peer, "203.0.113.7", p), ip("203.0.113.7"));
  EXPECT_EQ(client_address(peer, "203.0.113.7, 10.0.0.2", p), ip("203.0.113.7"));
  EXPECT_EQ(client_address(peer, "203.0.113.7,10.0.0.2,fd00::5", p), ip("203.0.113.7"));
  // Entries left of the first untrusted one were written by the client: ignored, even if garbage.
  EXPECT_EQ(client_address(peer, "1.1.1.1, 203.0.113.7", p), ip("203.0.113.7"));
  EXPECT_EQ(client_address(peer, "garbage, <script>, 203.0.113.7, 10.0.0.2", p), ip("203.0.113.7"));
  EXPECT_EQ(client_address(peer, "[2001:db8::9]:1234", p), ip("2001:db8::9"));
  // All trusted: the leftmost.
  EXPECT_EQ(client_address(peer, "10.0.0.3, 10.0.0.2", p), ip("10.0.0.3"));
  EXPECT_EQ(client_address(ip("fd00::1"), "203.0.113.7", p), ip("203.0.113.7"));
}

TEST(ClientAddress, MalformedHeaderFallsBackToPeer) {
  const auto p = proxies({"10.0.0.0/8"});
  const auto peer = ip("10.0.0.1");
  for (const char* xff : {"", "   ", "unknown", "203.0.113.7, garbage", "203.0.113.7, ", ", 10.0.0.2",
                          "203.0.113.7,,10.0.0.2"}) {
    EXPECT_EQ(client_address(peer, xff, p), peer) << xff;
  }
  std::string many;
  for (std::size_t i = 0; i < max_forwarded_hops + 1; ++i) many += (i ? ", " : "") + std::string("10.0.0.9");
  EXPECT_EQ(client_address(peer, many, p), peer);
}

}  // namespace
}  // namespace easd::http
