#include "eas/http/basic_auth.hpp"

#include "eas/core/base64.hpp"

#include <gtest/gtest.h>

#include <string>

namespace easd::http {
namespace {

using err = basic_auth_error;

std::string basic(std::string_view user_colon_password) {
  return "Basic " + encode_base64(user_colon_password);
}

error_code error_of(std::string_view value) {
  auto r = parse_basic_authorization(value);
  EXPECT_FALSE(r.has_value()) << value;
  return r ? error_code{} : r.error();
}

TEST(BasicAuth, RealClientHeader) {
  // Every fixture client sends this (user@example.test:secret).
  auto r = parse_basic_authorization("Basic dXNlckBleGFtcGxlLnRlc3Q6c2VjcmV0");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->user, "user@example.test");
  EXPECT_EQ(r->password, "secret");
}

TEST(BasicAuth, SchemeAndSpacing) {
  for (const char* v : {"basic dXNlckBleGFtcGxlLnRlc3Q6c2VjcmV0", "BASIC dXNlckBleGFtcGxlLnRlc3Q6c2VjcmV0",
                        "Basic   dXNlckBleGFtcGxlLnRlc3Q6c2VjcmV0  ", " Basic dXNlckBleGFtcGxlLnRlc3Q6c2VjcmV0",
                        "Basic dXNlckBleGFtcGxlLnRlc3Q6c2VjcmV0"}) {
    auto r = parse_basic_authorization(v);
    ASSERT_TRUE(r) << v;
    EXPECT_EQ(r->user, "user@example.test");
  }
  // Unpadded base64: "a:bc" → YTpiYw (padding optional).
  EXPECT_EQ(parse_basic_authorization("Basic YTpiYw")->password, "bc");
}

TEST(BasicAuth, NotBasic) {
  EXPECT_EQ(error_of(""), err::missing);
  EXPECT_EQ(error_of("   "), err::missing);
  for (const char* v : {"Bearer eyJhbGciOi", "Basic", "Basic ", "Basicx YTpi", "Negotiate YTpi", "Basic\tYTpi",
                        "Digest username=\"a\""}) {
    EXPECT_EQ(error_of(v), err::not_basic) << v;
  }
}

TEST(BasicAuth, Bounds) {
  std::string long_value = "Basic " + std::string(max_authorization_bytes - 6 + 1, 'A');
  EXPECT_EQ(error_of(long_value), err::too_long);

  EXPECT_TRUE(parse_basic_authorization(basic(std::string(256, 'u') + ":" + std::string(1024, 'p'))));
  EXPECT_EQ(error_of(basic(std::string(257, 'u') + ":pw")), err::user_too_long);
  EXPECT_EQ(error_of(basic("u:" + std::string(1025, 'p'))), err::password_too_long);
}

TEST(BasicAuth, BadBase64AndStructure) {
  for (const char* v : {"Basic !!!!", "Basic YTpi=Yw==", "Basic YTpiYw===", "Basic Y", "Basic YTpi Yw==",
                        "Basic YTpiYw%3D%3D", "Basic YTpiY-_"}) {
    EXPECT_EQ(error_of(v), err::bad_base64) << v;
  }
  EXPECT_EQ(error_of(basic("user")), err::missing_colon);
  EXPECT_EQ(error_of(basic("")), err::not_basic);  // "Basic " with no token
  EXPECT_EQ(error_of(basic(":pw")), err::empty_user);
  EXPECT_EQ(error_of(basic("user:")), err::bad_password);

  auto r = parse_basic_authorization(basic("user:pa:ss:"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->user, "user");
  EXPECT_EQ(r->password, "pa:ss:");  // split at the first ':' (RFC 7617 2)
}

TEST(BasicAuth, HostileUserNames) {
  for (const std::string& user : {std::string("a\r\nb"), std::string("a\nb"), std::string("a\0b", 3),
                                  std::string("\x1b[31m"), std::string("a\x7f"), std::string("\xc2\x85"),
                                  std::string("\xff"), std::string("\xc0\xaf"), std::string("a\tb")}) {
    EXPECT_EQ(error_of(basic(user + ":pw")), err::bad_user) << user;
  }
  // Printable names are kept exactly: the directory decides what they mean.
  for (const char* user : {"'; DROP TABLE users;--", "DOMAIN\\jane", "jane@example.com", "J\xc3\xb6rg", "a b",
                           "\"quoted\"", "{literal}"}) {
    auto r = parse_basic_authorization(basic(std::string(user) + ":pw"));
    ASSERT_TRUE(r) << user;
    EXPECT_EQ(r->user, user);
  }
}

TEST(BasicAuth, Passwords) {
  for (const std::string& pw : {std::string("a\rb"), std::string("a\nb"), std::string("a\0b", 3)}) {
    EXPECT_EQ(error_of(basic("u:" + pw)), err::bad_password);
  }
  // Latin-1, spaces, tabs and quotes pass through untouched.
  for (const char* pw : {"\xe9t\xe9", "with space", "tab\there", "\"q\"\\", "p@ss:w0rd"}) {
    auto r = parse_basic_authorization(basic(std::string("u:") + pw));
    ASSERT_TRUE(r) << pw;
    EXPECT_EQ(r->password, pw);
  }
}

TEST(QueryUser, MatchRule) {
  EXPECT_TRUE(query_user_matches("", "jane@example.com"));
  EXPECT_TRUE(query_user_matches("jane@example.com", "jane@example.com"));
  EXPECT_TRUE(query_user_matches("Jane@Example.COM", "jane@example.com"));
  EXPECT_TRUE(query_user_matches("EXAMPLE\\jane", "jane@example.com"));
  EXPECT_TRUE(query_user_matches("jane", "jane@example.com"));
  EXPECT_TRUE(query_user_matches("jane@example.com", "jane"));
  EXPECT_TRUE(query_user_matches("EXAMPLE\\Jane", "OTHER\\jane"));

  EXPECT_FALSE(query_user_matches("john", "jane"));
  EXPECT_FALSE(query_user_matches("jane@other.org", "jane@example.com"));
  EXPECT_FALSE(query_user_matches("@example.com", "jane@example.com"));
  EXPECT_FALSE(query_user_matches("EXAMPLE\\", "jane"));
  EXPECT_FALSE(query_user_matches("janet", "jane"));
  EXPECT_FALSE(query_user_matches("'; DROP TABLE users;--", "jane"));
}

TEST(BasicAuthErrors, HaveCategoryAndMessages) {
  for (int e = 1; e <= static_cast<int>(err::password_too_long); ++e) {
    const error_code ec = static_cast<err>(e);
    EXPECT_STREQ(ec.category().name(), "easd.http.basic_auth");
    EXPECT_NE(ec.message(), "unknown basic auth error");
  }
}

}  // namespace
}  // namespace easd::http
