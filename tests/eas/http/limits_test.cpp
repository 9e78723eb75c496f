#include "eas/http/limits.hpp"

#include <gtest/gtest.h>

namespace easd::http {
namespace {

TEST(HttpLimits, DefaultsAreStricterBeforeAuthentication) {
  const http_limits l;
  EXPECT_EQ(l.header_bytes_before_auth, 8u * 1024);
  EXPECT_EQ(l.header_bytes_after_auth, 32u * 1024);
  EXPECT_LT(l.header_bytes_before_auth, l.header_bytes_after_auth);
  EXPECT_EQ(l.body_bytes_before_auth, 0u);
  EXPECT_GT(l.default_body_bytes, l.body_bytes_before_auth);
  EXPECT_GT(l.read_timeout.count(), 0);
  EXPECT_GT(l.write_timeout.count(), 0);
  EXPECT_GT(l.keep_alive_idle_timeout.count(), 0);
  EXPECT_GT(l.max_connections, 0u);
}

}  // namespace
}  // namespace easd::http
