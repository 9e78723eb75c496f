// Push across nodes (issue 4 "two easd processes sharing one Redis"): node A and node B serve the same
// users from one Dovecot and one state store (the SQLite file in A's run directory, which B's run
// directory links to), and share one Redis. Both run with `[push] imap_watch = false`, so a wake can only
// have come through Redis, never from a node's own IMAP watch.
#include "tests/integration/held_request.hpp"
#include "tests/integration/mail_support.hpp"
#include "tests/support/ping_request.hpp"

#include <future>

namespace easd::test::push_nodes {
namespace {

using namespace std::chrono_literals;
using namespace easd::test::mail;
using clock = std::chrono::steady_clock;

constexpr auto settle = 1000ms;  // for a held Ping to park (and its node to subscribe the user's channel)

using held = held_request;

// A device on one node: its own connection and its mail state.
struct node_device {
  eas_client client;
  eas_device device;
  explicit node_device(eas_client c) : client(std::move(c)), device(client) {}
  std::string inbox() { return device.folder_of_type(2)->server_id; }
};

class PushNodes : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    auto* e = new environment;
    env_ = e;
    e->run = std::make_unique<run_dir>("push-nodes");
    e->dovecot = std::make_unique<dovecot_service>(e->run->path());
    redis_ = new redis_service(e->run->path());
    const std::string extra = std::string(auth_toml) + "[push]\nmin_heartbeat_seconds = 1\nimap_watch = false\n" +
                              "[redis]\nurl = \"redis://127.0.0.1:" + std::to_string(redis_->port()) + "/0\"\n";
    easd_service::options a;
    a.extra_toml = extra;
    e->easd = std::make_unique<easd_service>(e->run->path(), easd_binary(), a);
    // Node B: a run directory of its own (one easd per directory), the same state store and Dovecot.
    run_b_ = new run_dir("push-nodes-b");
    std::filesystem::create_directory_symlink(e->run->path() / "easd-state", run_b_->path() / "easd-state");
    easd_service::options b;
    b.extra_toml = extra;
    b.imap_security = "none";
    b.imap_port = e->dovecot->imap_port();
    node_b_ = new easd_service(run_b_->path(), easd_binary(), b);
  }
  static void TearDownTestSuite() {
    delete node_b_;
    delete run_b_;
    env_->easd.reset();
    delete redis_;
    env_->stop();
    delete env_;
  }

  static eas_client client_of(const easd_service& node, const std::string& user, const std::string& device_id) {
    eas_client_options o;
    o.port = node.port();
    o.tls = true;
    o.ca_file = node.cert_file().string();
    o.user = user;
    o.password = "secret";
    o.protocol_version = "14.1";
    o.device_id = device_id;
    o.timeout = 120s;
    return eas_client(std::move(o));
  }
  static std::unique_ptr<node_device> synced(const easd_service& node, const std::string& user,
                                             const std::string& device_id) {
    auto d = std::make_unique<node_device>(client_of(node, user, device_id));
    EXPECT_EQ(d->device.folder_sync().status, 1u);
    EXPECT_EQ(d->device.sync_all(d->inbox()).last_status, 1u);
    return d;
  }
  static held ping(const easd_service& node, const std::string& user, const std::string& device_id,
                   wbxml::element request) {
    auto c = std::make_shared<eas_client>(client_of(node, user, device_id));
    held h;
    h.reply = std::async(std::launch::async, [c, request] { return c->command("Ping", &request); });
    return h;
  }
  // A user with a message and two synced devices: "<user>a" on node A, "<user>b" on node B (dashes dropped).
  struct two_devices {
    std::unique_ptr<node_device> on_a, on_b;
    std::string id_a, id_b;
  };
  static two_devices seeded_on_both_nodes(const std::string& user) {
    seed(user);
    two_devices t;
    std::string base = user;
    std::erase(base, '-');
    t.id_a = base + "a";
    t.id_b = base + "b";
    t.on_a = synced(*env_->easd, user, t.id_a);
    t.on_b = synced(*node_b_, user, t.id_b);
    return t;
  }
  static std::string context() {
    return env_->context() + "\nnode B log:\n" + log_tail(node_b_->log_file(), 25);
  }
  static void seed(const std::string& user) { env_->imap(user).append("INBOX", mail_message(user)); }
  static std::string mail_message(const std::string& subject) {
    return "From: Bob <bob@example.test>\r\nTo: x@example.test\r\nSubject: " + subject +
           "\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\nMessage-ID: <" + subject +
           "@example.test>\r\nContent-Type: text/plain\r\n\r\nhello\r\n";
  }

  static inline environment* env_ = nullptr;
  static inline redis_service* redis_ = nullptr;
  static inline run_dir* run_b_ = nullptr;
  static inline easd_service* node_b_ = nullptr;
};

// Toggles a message's read flag through the device's node: a real change, so the other device's Ping
// (on the other node) has something to be told about.
void change_through(node_device& d) {
  const auto& items = d.device.folder(d.inbox()).items;
  ASSERT_FALSE(items.empty());
  const auto& [sid, item] = *items.begin();
  const auto r = d.device.sync(d.inbox(), {}, {client_change{client_change::read, sid, !item.read}});
  EXPECT_EQ(r.status, 1u);
}

TEST_F(PushNodes, APingHeldOnNodeAIsWokenByAChangeMadeThroughNodeB) {
  const std::string user = "nodes-wake";
  auto [on_a, on_b, id_a, id_b] = seeded_on_both_nodes(user);
  auto h = ping(*env_->easd, user, id_a, ping_request(300, {on_a->inbox()}));
  std::this_thread::sleep_for(settle);
  ASSERT_FALSE(h.answered()) << h.get().describe();
  change_through(*on_b);
  const auto r = h.get(10000ms);
  env_->schemas("Ping", r);
  EXPECT_EQ(r.eas_status(), 2u) << r.describe() << "\n" << context();
  EXPECT_LT(h.elapsed(), settle + 5s);
}

TEST_F(PushNodes, ANewerPingOnNodeBEndsTheOlderOnNodeAAtOnce) {
  const std::string user = "nodes-newer";
  seed(user);
  auto d = synced(*env_->easd, user, "nodesnewer");
  auto older = ping(*env_->easd, user, "nodesnewer", ping_request(300, {d->inbox()}));
  std::this_thread::sleep_for(settle);
  auto newer = ping(*node_b_, user, "nodesnewer", ping_request(3, {d->inbox()}));
  const auto r = older.get(5000ms);
  EXPECT_EQ(r.eas_status(), 1u) << r.describe() << "\n" << context();
  EXPECT_LT(older.elapsed(), settle + 3s);
  EXPECT_EQ(newer.get(15000ms).eas_status(), 1u);  // its own heartbeat
}

TEST_F(PushNodes, RedisStoppedAndRestartedWhilePingsAreHeld) {
  const std::string user = "nodes-redis";
  auto [on_a, on_b, id_a, id_b] = seeded_on_both_nodes(user);
  auto during = ping(*env_->easd, user, id_a, ping_request(4, {on_a->inbox()}));
  std::this_thread::sleep_for(settle);
  redis_->stop();
  // No Ping fails because of Redis: it answers at its heartbeat.
  const auto r = during.get(15000ms);
  ASSERT_EQ(r.status, 200u) << r.describe() << "\n" << context();
  EXPECT_EQ(r.eas_status(), 1u) << r.describe();
  redis_->start();
  // Pushes work again once the nodes have reconnected (back-off ≤ 5 s): retried until one wakes.
  bool woken = false;
  for (int attempt = 0; attempt < 6 && !woken; ++attempt) {
    auto h = ping(*env_->easd, user, id_a, ping_request(6, {on_a->inbox()}));
    std::this_thread::sleep_for(settle);
    change_through(*on_b);
    const auto w = h.get(15000ms);
    ASSERT_EQ(w.status, 200u) << w.describe();
    woken = w.eas_status() == 2u && h.elapsed() < settle + 4s;
    // The device catches up, so the next attempt starts without pending changes.
    on_a->device.sync_all(on_a->inbox());
  }
  EXPECT_TRUE(woken) << context();
}

}  // namespace
}  // namespace easd::test::push_nodes
