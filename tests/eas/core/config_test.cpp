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

TEST(Config, SmtpSection) {
  auto c = parse_config(minimal, "easd.toml");
  EXPECT_EQ(c.smtp.host, "127.0.0.1");
  EXPECT_EQ(c.smtp.port, 465);
  EXPECT_EQ(c.smtp.security, smtp_security::tls);
  EXPECT_TRUE(c.smtp.verify_certificate);
  c = parse_config(std::string(minimal) + R"(
[smtp]
host = "smtp.example.test"
port = 587
security = "starttls"
verify_certificate = false
ca_file = "/ca.pem"
timeout_seconds = 20
)", "easd.toml");
  EXPECT_EQ(c.smtp.host, "smtp.example.test");
  EXPECT_EQ(c.smtp.port, 587);
  EXPECT_EQ(c.smtp.security, smtp_security::starttls);
  EXPECT_FALSE(c.smtp.verify_certificate);
  EXPECT_EQ(c.smtp.ca_file, "/ca.pem");
  EXPECT_EQ(c.smtp.timeout.count(), 20);
  EXPECT_NE(error_of(std::string(minimal) + "[smtp]\nsecurity = \"ssl\"\n").find("smtp.security"), std::string::npos);
  EXPECT_NE(error_of(std::string(minimal) + "[smtp]\nport = 0\n").find("smtp.port"), std::string::npos);
  EXPECT_NE(error_of(std::string(minimal) + "[smtp]\nhost = \"\"\n").find("smtp.host"), std::string::npos);
  EXPECT_NE(error_of(std::string(minimal) + "[smtp]\ntimeout_seconds = 0\n"), "");
  EXPECT_NE(error_of(std::string(minimal) + "[smtp]\nuser = \"x\"\n").find("smtp.user"), std::string::npos);
}

TEST(Config, SmtpSendingBounds) {
  auto c = parse_config(minimal, "easd.toml");
  EXPECT_EQ(c.smtp.helo_name, "");
  EXPECT_FALSE(c.smtp.rewrite_from);
  EXPECT_TRUE(c.smtp.save_sent);
  EXPECT_EQ(c.smtp.max_messages_per_hour, 200u);
  c = parse_config(std::string(minimal) + R"(
[smtp]
helo_name = "eas.example.test"
domain = "example.test"
from_policy = "rewrite"
save_sent = false
max_message_bytes = 2048
max_recipients = 7
max_messages_per_hour = 0
max_recipients_per_hour = 9
)", "easd.toml");
  EXPECT_EQ(c.smtp.helo_name, "eas.example.test");
  EXPECT_EQ(c.smtp.domain, "example.test");
  EXPECT_TRUE(c.smtp.rewrite_from);
  EXPECT_FALSE(c.smtp.save_sent);
  EXPECT_EQ(c.smtp.max_message_bytes, 2048u);
  EXPECT_EQ(c.smtp.max_recipients, 7u);
  EXPECT_EQ(c.smtp.max_messages_per_hour, 0u);
  EXPECT_EQ(c.smtp.max_recipients_per_hour, 9u);
  EXPECT_NE(error_of(std::string(minimal) + "[smtp]\nfrom_policy = \"allow\"\n").find("smtp.from_policy"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(minimal) + "[smtp]\nhelo_name = \"a b\"\n").find("smtp.helo_name"), std::string::npos);
  EXPECT_NE(error_of(std::string(minimal) + "[smtp]\ndomain = \"@x\"\n").find("smtp.domain"), std::string::npos);
  EXPECT_NE(error_of(std::string(minimal) + "[smtp]\nmax_message_bytes = 10\n"), "");
}

TEST(Config, RedisUrlIsValidatedAtLoad) {
  EXPECT_FALSE(parse_config(minimal, "easd.toml").redis.enabled());  // no Redis: the in-process bus
  EXPECT_FALSE(parse_config(std::string(minimal) + "[redis]\nurl = \"\"\n", "easd.toml").redis.enabled());

  const auto c =
      parse_config(std::string(minimal) + "[redis]\nurl = \"redis://:s3cret@10.0.0.5:6380/2\"\n", "easd.toml");
  EXPECT_TRUE(c.redis.enabled());
  EXPECT_EQ(c.redis.endpoint.host, "10.0.0.5");
  EXPECT_EQ(c.redis.endpoint.port, 6380);
  EXPECT_EQ(c.redis.endpoint.password, "s3cret");
  EXPECT_EQ(c.redis.endpoint.database, 2u);

  // A bad URL names the file, the line and the problem, and never echoes the password.
  const auto e = error_of(std::string(minimal) + "[redis]\nurl = \"redis://:s3cret@host:99999\"\n");
  EXPECT_NE(e.find("easd.toml:7"), std::string::npos) << e;
  EXPECT_NE(e.find("redis.url"), std::string::npos) << e;
  EXPECT_NE(e.find("port"), std::string::npos) << e;
  EXPECT_EQ(e.find("s3cret"), std::string::npos) << e;
  EXPECT_NE(error_of(std::string(minimal) + "[redis]\nurl = \"rediss://host\"\n").find("TLS"), std::string::npos);
  EXPECT_NE(error_of(std::string(minimal) + "[redis]\nurl = 6379\n"), "");
  EXPECT_NE(error_of(std::string(minimal) + "[redis]\nhost = \"x\"\n").find("redis.host"), std::string::npos);
}

TEST(Config, PushStatusPollInterval) {
  EXPECT_EQ(parse_config(minimal, "easd.toml").push.status_poll_interval, std::chrono::seconds(60));
  const auto c = parse_config(std::string(minimal) + "[push]\nstatus_poll_interval_seconds = 30\n", "easd.toml");
  EXPECT_EQ(c.push.status_poll_interval, std::chrono::seconds(30));
  EXPECT_NE(error_of(std::string(minimal) + "[push]\nstatus_poll_interval_seconds = 1\n"), "");
}

TEST(Config, PushImapWatchCanBeSwitchedOff) {
  EXPECT_TRUE(parse_config(minimal, "easd.toml").push.imap_watch);
  EXPECT_FALSE(parse_config(std::string(minimal) + "[push]\nimap_watch = false\n", "easd.toml").push.imap_watch);
  EXPECT_NE(error_of(std::string(minimal) + "[push]\nimap_watch = 3\n"), "");
}

TEST(Config, PushHeartbeatBoundsAndPingLimits) {
  const auto d = parse_config(minimal, "easd.toml").push;
  EXPECT_EQ(d.min_heartbeat, std::chrono::seconds(60));  // Exchange's defaults
  EXPECT_EQ(d.max_heartbeat, std::chrono::seconds(3540));
  EXPECT_EQ(d.max_folders, 300u);
  const auto c = parse_config(std::string(minimal) +
                                  "[push]\nmin_heartbeat_seconds = 1\nmax_heartbeat_seconds = 600\nmax_folders = 8\n"
                                  "ping_parameters_ttl_seconds = 7200\n",
                              "easd.toml")
                     .push;
  EXPECT_EQ(c.min_heartbeat, std::chrono::seconds(1));
  EXPECT_EQ(c.max_heartbeat, std::chrono::seconds(600));
  EXPECT_EQ(c.max_folders, 8u);
  EXPECT_EQ(c.ping_parameters_ttl, std::chrono::seconds(7200));
  EXPECT_NE(error_of(std::string(minimal) + "[push]\nmin_heartbeat_seconds = 900\nmax_heartbeat_seconds = 600\n"),
            "");
  EXPECT_NE(error_of(std::string(minimal) + "[push]\nmax_heartbeat_seconds = 3541\n"), "");
  EXPECT_NE(error_of(std::string(minimal) + "[push]\nmax_folders = 0\n"), "");
}

}  // namespace
}  // namespace easd
