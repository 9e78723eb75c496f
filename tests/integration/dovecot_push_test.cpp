// Dovecot's push_notification plugin (OX driver) end to end (issue 4 §4): a real Dovecot configured with
// the plugin PUTs to a real easd's admin listener when LMTP delivers into a user's INBOX; easd accepts it
// with the shared secret and publishes it to the hub, which wakes the user's held Ping with Status 2 and
// the Inbox. Dovecot notifies only users with the http-notify METADATA, only for INBOX, and not for IMAP
// APPEND — the test pins those facts, since the README's set-up depends on them.
#include "tests/support/eas_client.hpp"
#include "tests/support/eas_device.hpp"
#include "tests/support/imap_test_client.hpp"
#include "tests/support/lmtp_client.hpp"
#include "tests/support/services.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <regex>
#include <thread>

namespace easd::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* push_secret = "dovecot-push-0123456789";
constexpr const char* metadata_key = "/private/vendor/vendor.dovecot/http-notify";

struct push_stats {
  unsigned received = 0, published = 0, refused = 0;
};

class DovecotPushTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    run_ = new run_dir("dovecot-push");
    admin_port_ = free_loopback_port();
    dovecot_options d;
    d.push_url = "http://easd:" + std::string(push_secret) + "@127.0.0.1:" + std::to_string(admin_port_) +
                 "/push/dovecot";
    dovecot_ = new dovecot_service(run_->path(), d);
    easd_options e;
    e.plain = true;
    e.imap_security = "none";
    e.extra_toml = "[admin]\nlisten = \"127.0.0.1:" + std::to_string(admin_port_) + "\"\npush_secret = \"" +
                   push_secret + "\"\n[push]\nmin_heartbeat_seconds = 1\n";
    easd_ = new easd_service(run_->path(), easd_binary(), e);
  }
  static void TearDownTestSuite() {
    delete easd_;
    delete dovecot_;
    delete run_;
  }

  static eas_client client(const std::string& user) {
    eas_client_options o;
    o.port = easd_->port();
    o.tls = false;
    o.user = user;
    o.password = dovecot_->password();
    o.timeout = 120s;
    return eas_client(o);
  }
  static eas_response admin_get(const std::string& target, const std::string& password = push_secret) {
    eas_client_options o;
    o.port = admin_port_;
    o.tls = false;
    o.user = "monitor";
    o.password = password;
    eas_client c(o);
    return c.raw("GET", target, {}, {{"Authorization", c.authorization()}});
  }
  static push_stats stats() {
    const auto r = admin_get("/push/stats");
    EXPECT_EQ(r.status, 200u) << r.body;
    push_stats s;
    std::smatch m;
    if (std::regex_search(r.body, m, std::regex(R"re(\{"received":(\d+),"published":(\d+),"refused":(\d+)\})re"))) {
      s.received = static_cast<unsigned>(std::stoul(m[1]));
      s.published = static_cast<unsigned>(std::stoul(m[2]));
      s.refused = static_cast<unsigned>(std::stoul(m[3]));
    }
    return s;
  }
  // Waits until easd has published `n` Dovecot notifications; returns the count reached.
  static unsigned wait_published(unsigned n, std::chrono::milliseconds limit = 10s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    unsigned got = 0;
    while ((got = stats().published) < n && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(50ms);
    return got;
  }
  static void enable_push(const std::string& user) {
    imap_test_client imap(dovecot_->imap_port(), user, dovecot_->password());
    imap.ok("SETMETADATA \"\" (" + std::string(metadata_key) + " \"user=" + user + "\")");
  }

  static run_dir* run_;
  static dovecot_service* dovecot_;
  static easd_service* easd_;
  static std::uint16_t admin_port_;
};

run_dir* DovecotPushTest::run_ = nullptr;
dovecot_service* DovecotPushTest::dovecot_ = nullptr;
easd_service* DovecotPushTest::easd_ = nullptr;
std::uint16_t DovecotPushTest::admin_port_ = 0;

TEST_F(DovecotPushTest, DeliveryToInboxIsPublished) {
  const std::string user = "push-deliver@example.test";
  enable_push(user);
  const auto before = stats();
  lmtp_deliver(dovecot_->lmtp_port(), user, "delivered-1");
  EXPECT_EQ(wait_published(before.published + 1), before.published + 1) << log_tail(easd_->log_file());
  const auto after = stats();
  EXPECT_EQ(after.refused, before.refused);
  // The request log names the command and the user Dovecot sent.
  const auto log = log_tail(easd_->log_file(), 400);
  EXPECT_NE(log.find("DovecotPush"), std::string::npos) << log;
  EXPECT_NE(log.find("push-deliver@example.test"), std::string::npos) << log;
}

TEST_F(DovecotPushTest, DovecotNotifiesOnlyWithMetadataOnlyForInboxAndNotForAppend) {
  const std::string quiet = "push-quiet@example.test";  // no http-notify metadata
  const std::string user = "push-scope@example.test";
  enable_push(user);
  const auto before = stats();
  lmtp_deliver(dovecot_->lmtp_port(), quiet, "quiet-1");
  {
    imap_test_client imap(dovecot_->imap_port(), user, dovecot_->password());
    imap.append("INBOX", "From: a@example.test\r\nSubject: appended\r\n\r\nAPPEND, not delivery.\r\n");
  }
  // A marker that is notified: once it has arrived, the two before it would have too.
  lmtp_deliver(dovecot_->lmtp_port(), user, "marker-1");
  EXPECT_EQ(wait_published(before.published + 1), before.published + 1);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(stats().received, before.received + 1);
}

TEST_F(DovecotPushTest, WrongSecretIsRefused) {
  EXPECT_EQ(admin_get("/push/stats", "not-the-secret").status, 401u);
  EXPECT_EQ(admin_get("/push/elsewhere").status, 404u);
}

// The whole point: a Ping held by the user's phone answers Status 2 with the Inbox when Dovecot pushes.
TEST_F(DovecotPushTest, HeldPingWakesOnDelivery) {
  const std::string user = "push-ping@example.test";
  enable_push(user);
  auto c = client(user);
  eas_device device(c);
  device.folder_sync();
  auto* inbox = device.folder_of_type(2);
  ASSERT_NE(inbox, nullptr);
  device.sync_all(inbox->server_id);

  wbxml::element ping = wbxml::element::named("Ping:Ping");
  ping.add("Ping:HeartbeatInterval", "120");
  auto& folders = ping.add("Ping:Folders");
  auto& f = folders.add("Ping:Folder");
  f.add("Ping:Id", inbox->server_id);
  f.add("Ping:Class", "Email");

  const auto before = stats();
  auto held = std::async(std::launch::async, [&] { return c.command("Ping", &ping); });
  // Let the Ping park (subscribe) before the delivery; a lost wakeup would show as a 120 s Status 1.
  std::this_thread::sleep_for(1s);
  const auto sent = std::chrono::steady_clock::now();
  lmtp_deliver(dovecot_->lmtp_port(), user, "ping-1");
  ASSERT_EQ(held.wait_for(60s), std::future_status::ready) << "the Ping was not woken";
  const auto r = held.get();
  const auto waited = std::chrono::steady_clock::now() - sent;
  ASSERT_EQ(r.status, 200u) << r.body;
  ASSERT_TRUE(r.document);
  EXPECT_EQ(r.document->child_text("Ping:Status").value_or(""), "2");
  const auto* changed = r.document->child("Ping:Folders");
  ASSERT_NE(changed, nullptr);
  EXPECT_EQ(changed->child_text("Ping:Folder").value_or(""), inbox->server_id);
  EXPECT_LT(waited, 30s);
  EXPECT_GE(stats().published, before.published + 1);
}

}  // namespace
}  // namespace easd::test
