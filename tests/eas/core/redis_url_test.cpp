#include "eas/core/redis_url.hpp"

#include <gtest/gtest.h>

namespace easd {
namespace {

redis_endpoint ok(std::string_view url) {
  auto r = parse_redis_url(url);
  EXPECT_TRUE(r.has_value()) << url << ": " << (r ? "" : r.error().message());
  return r ? *r : redis_endpoint{};
}

redis_url_error fails(std::string_view url) {
  auto r = parse_redis_url(url);
  EXPECT_FALSE(r.has_value()) << url;
  if (r) return {};
  EXPECT_EQ(&r.error().category(), &redis_url_category()) << url;
  return static_cast<redis_url_error>(r.error().value());
}

TEST(RedisUrl, HostPortDatabase) {
  auto e = ok("redis://127.0.0.1:6380/2");
  EXPECT_EQ(e.host, "127.0.0.1");
  EXPECT_EQ(e.port, 6380);
  EXPECT_EQ(e.database, 2u);
  EXPECT_EQ(e.password, "");

  e = ok("redis://redis.internal");
  EXPECT_EQ(e.host, "redis.internal");
  EXPECT_EQ(e.port, 6379);
  EXPECT_EQ(e.database, 0u);

  e = ok("REDIS://[::1]:7000/");
  EXPECT_EQ(e.host, "::1");
  EXPECT_EQ(e.port, 7000);
  EXPECT_EQ(ok("redis://[fe80::1]").port, 6379);
}

TEST(RedisUrl, PasswordAndUser) {
  auto e = ok("redis://:secret@host:1/0");
  EXPECT_EQ(e.user, "");
  EXPECT_EQ(e.password, "secret");
  e = ok("redis://easd:p%40ss%3Aw%2Fd@host");
  EXPECT_EQ(e.user, "easd");
  EXPECT_EQ(e.password, "p@ss:w/d");
  EXPECT_EQ(e.host, "host");
  EXPECT_EQ(ok("redis://:%00%ff@h").password, std::string("\0\xff", 2));
}

TEST(RedisUrl, RefusesWhatItDoesNotSupport) {
  EXPECT_EQ(fails(""), redis_url_error::bad_scheme);
  EXPECT_EQ(fails("127.0.0.1:6379"), redis_url_error::bad_scheme);
  EXPECT_EQ(fails("http://host"), redis_url_error::bad_scheme);
  EXPECT_EQ(fails("rediss://host"), redis_url_error::tls_unsupported);
  EXPECT_EQ(fails("unix:///run/redis.sock"), redis_url_error::bad_scheme);
  EXPECT_EQ(fails("redis://host/0?timeout=1"), redis_url_error::unsupported_part);
  EXPECT_EQ(fails("redis://host#x"), redis_url_error::unsupported_part);
}

TEST(RedisUrl, RefusesMalformedParts) {
  EXPECT_EQ(fails("redis://"), redis_url_error::bad_host);
  EXPECT_EQ(fails("redis://:6379"), redis_url_error::bad_host);
  EXPECT_EQ(fails("redis://ho st"), redis_url_error::bad_host);
  EXPECT_EQ(fails("redis://host\r\n"), redis_url_error::bad_host);
  EXPECT_EQ(fails("redis://h*st"), redis_url_error::bad_host);
  EXPECT_EQ(fails("redis://[::1"), redis_url_error::bad_host);
  EXPECT_EQ(fails("redis://[nothex]:1"), redis_url_error::bad_host);
  EXPECT_EQ(fails("redis://[::1]x"), redis_url_error::bad_host);
  EXPECT_EQ(fails("redis://[fe80::1%25eth0]"), redis_url_error::bad_host);  // zone ids: not supported
  EXPECT_EQ(fails("redis://[]"), redis_url_error::bad_host);
  EXPECT_EQ(fails("redis://" + std::string(254, 'a')), redis_url_error::bad_host);

  EXPECT_EQ(fails("redis://host:"), redis_url_error::bad_port);
  EXPECT_EQ(fails("redis://host:0"), redis_url_error::bad_port);
  EXPECT_EQ(fails("redis://host:65536"), redis_url_error::bad_port);
  EXPECT_EQ(fails("redis://host:+1"), redis_url_error::bad_port);
  EXPECT_EQ(fails("redis://host:123456"), redis_url_error::bad_port);
  EXPECT_EQ(fails("redis://host:1:2"), redis_url_error::bad_port);
  EXPECT_EQ(fails("redis://[::1]:"), redis_url_error::bad_port);

  EXPECT_EQ(fails("redis://host/x"), redis_url_error::bad_database);
  EXPECT_EQ(fails("redis://host/65536"), redis_url_error::bad_database);
  EXPECT_EQ(fails("redis://host/1/2"), redis_url_error::bad_database);
  EXPECT_EQ(fails("redis://host/-1"), redis_url_error::bad_database);

  EXPECT_EQ(fails("redis://secret@host"), redis_url_error::bad_userinfo);  // user or password? ambiguous
  EXPECT_EQ(fails("redis://a@b@host"), redis_url_error::bad_userinfo);
  EXPECT_EQ(fails("redis://user:@host"), redis_url_error::bad_userinfo);
  EXPECT_EQ(fails("redis://u:p:q@host"), redis_url_error::bad_userinfo);
  EXPECT_EQ(fails("redis://:%zz@host"), redis_url_error::bad_escape);
  EXPECT_EQ(fails("redis://:%4@host"), redis_url_error::bad_escape);
  EXPECT_EQ(fails("redis://:" + std::string(513, 'p') + "@host"), redis_url_error::bad_userinfo);
  EXPECT_EQ(fails("redis://host/" + std::string(3000, '0')), redis_url_error::too_long);
}

TEST(RedisUrl, RedactedFormHidesThePassword) {
  EXPECT_EQ(redacted_redis_url(ok("redis://:secret@10.0.0.1:7000/3")), "redis://:***@10.0.0.1:7000/3");
  EXPECT_EQ(redacted_redis_url(ok("redis://[::1]")), "redis://[::1]:6379/0");
}

}  // namespace
}  // namespace easd
