#include "eas/core/config.hpp"

#include <gtest/gtest.h>

namespace easd {
namespace {

constexpr const char* minimal = R"(
[server]
external_url = "https://mail.example.test/"
[tls]
enabled = false
)";

std::string error_of(const std::string& text) {
  try {
    parse_config(text, "easd.toml");
  } catch (const config_error& e) {
    return e.what();
  }
  return {};
}

TEST(Config, MinimalFileGetsDefaults) {
  const auto c = parse_config(minimal, "easd.toml");
  EXPECT_EQ(c.server.external_url, "https://mail.example.test");  // trailing slash removed
  ASSERT_EQ(c.server.listen.size(), 1u);
  EXPECT_EQ(c.server.listen[0].port, 443);
  EXPECT_EQ(c.imap.security, imap_security::tls);
  EXPECT_EQ(c.eas.protocol_versions.size(), 5u);
  EXPECT_EQ(c.log.level, "info");
}

TEST(Config, ReadsEverySection) {
  const auto c = parse_config(R"(
[server]
listen = ["127.0.0.1:8443", "[::1]:8444"]
external_url = "https://mail.example.test"
io_threads = 2
trusted_proxies = ["10.0.0.0/8"]
[tls]
certificate = "/c.pem"
private_key = "/k.pem"
[imap]
host = "imap.example.test"
port = 143
security = "starttls"
verify_certificate = false
timeout_seconds = 5
[auth]
cache_ttl_seconds = 60
failure_floor_ms = 10
[eas]
protocol_versions = ["16.1", "14.1", "14.1"]
[log]
level = "debug"
)", "easd.toml");
  ASSERT_EQ(c.server.listen.size(), 2u);
  EXPECT_EQ(c.server.listen[1].host, "::1");
  EXPECT_EQ(c.server.listen[1].port, 8444);
  EXPECT_EQ(c.imap.security, imap_security::starttls);
  EXPECT_EQ(c.imap.port, 143);
  EXPECT_EQ(c.auth.failure_floor.count(), 10);
  ASSERT_EQ(c.eas.protocol_versions.size(), 2u);  // sorted, duplicates dropped
  EXPECT_EQ(c.eas.protocol_versions[0], protocol_version::v14_1);
}

TEST(Config, ErrorsNameFileLineAndKey) {
  const auto e = error_of("[server]\nexternal_url = \"https://x\"\n[imap]\nport = 70000\n[tls]\nenabled = false\n");
  EXPECT_NE(e.find("port"), std::string::npos) << e;
  EXPECT_NE(e.find("easd.toml"), std::string::npos) << e;
  EXPECT_NE(e.find("4"), std::string::npos) << e;  // the line
}

TEST(Config, RejectsUnknownKeysAndBadValues) {
  EXPECT_NE(error_of(std::string(minimal) + "[imap]\nhots = \"x\"\n").find("imap.hots"), std::string::npos);
  EXPECT_NE(error_of(std::string(minimal) + "[imap]\nsecurity = \"ssl\"\n").find("security"), std::string::npos);
  EXPECT_NE(error_of(std::string(minimal) + "[imap]\nport = \"143\"\n"), "");
  EXPECT_NE(error_of(std::string(minimal) + "[eas]\nprotocol_versions = [\"2.5\"]\n"), "");
  EXPECT_NE(error_of(std::string(minimal) + "[bogus]\n"), "");
  EXPECT_NE(error_of("[server]\nexternal_url = \"https://x\"\nlisten = [\"localhost:1\"]\n[tls]\nenabled=false\n"), "");
  EXPECT_NE(error_of("[server]\nexternal_url = \"https://x\"\n").find("certificate"), std::string::npos);
  EXPECT_NE(error_of("[tls]\nenabled = false\n").find("external_url"), std::string::npos);
  EXPECT_NE(error_of("this is not toml"), "");
}

}  // namespace
}  // namespace easd
