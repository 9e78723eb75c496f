// Push end to end (issue 4): the real easd binary against a real Dovecot (NOTIFY offered), Pings and
// long-poll Syncs held on their own connections while another IMAP client changes the mailbox, every Ping
// response checked against the schemas.
//
// Held requests run on std::async threads, each with its own eas_client (a phone holds its Ping on a
// connection of its own). A held request is given `settle` to park and for easd's IMAP watch to log in and
// set up NOTIFY before the test changes mail.
//
// Nodes: hold() takes the client to send on, so a second node sharing Redis (issue 4 "two nodes") is a
// second easd_service with `[redis] url` in its extra_toml and clients of it passed to hold().
#include "tests/integration/held_request.hpp"
#include "tests/integration/mail_support.hpp"
#include "tests/support/ping_request.hpp"

#include <csignal>
#include <future>

namespace easd::test::push_e2e {
namespace {

using namespace std::chrono_literals;
using namespace easd::test::mail;
using clock = std::chrono::steady_clock;

// Short heartbeats so expiry is quick; a low MaxFolders so Status 6 is cheap to provoke.
constexpr const char* push_toml =
    "[push]\n"
    "min_heartbeat_seconds = 1\n"
    "max_folders = 8\n";
constexpr auto settle = 1500ms;

std::vector<std::string> changed_folders(const eas_response& r) {
  std::vector<std::string> out;
  if (!r.document) return out;
  if (const auto* fs = r.document->child("Ping:Folders")) {
    for (const auto& f : fs->children()) out.push_back(f.text());
  }
  return out;
}

std::string message(const std::string& subject) {
  return "From: Bob <bob@example.test>\r\nTo: someone@example.test\r\nSubject: " + subject +
         "\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\nMessage-ID: <" + subject +
         "@example.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n";
}

using held = held_request;

class PushTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    env_ = new environment;
    env_->start(/*condstore=*/true, /*plain=*/false, /*count_imap=*/false, push_toml);
  }
  static void TearDownTestSuite() {
    env_->stop();
    delete env_;
    env_ = nullptr;
  }
  void SetUp() override {
    if (!env_->easd->running()) env_->easd->start();
  }

  environment& env() { return *env_; }

  // Sends `cmd` with `request` (nullptr: empty body) on `c`'s own connection and returns at once. Any
  // node's client will do (a second easd node: a client of that node).
  static held hold(eas_client c, const std::string& cmd, std::optional<wbxml::element> request) {
    auto shared = std::make_shared<eas_client>(std::move(c));
    held h;
    h.reply = std::async(std::launch::async, [shared, cmd, request] {
      return shared->command(cmd, request ? &*request : nullptr);
    });
    return h;
  }
  held ping(const std::string& user, const std::string& device, std::optional<wbxml::element> request) {
    return hold(env().client(user, "14.1", device), "Ping", std::move(request));
  }
  // A Ping answered at once (or within `limit`), schema-checked.
  eas_response ping_now(const std::string& user, const std::string& device, std::optional<wbxml::element> request,
                        std::chrono::milliseconds limit = 15000ms) {
    auto r = ping(user, device, std::move(request)).get(limit);
    env().schemas("Ping", r);
    return r;
  }

  // A phone of `user` whose Inbox (and `mailboxes`) are synced to the end.
  std::unique_ptr<phone> synced_phone(const std::string& user, const std::string& device,
                                      const std::vector<std::string>& mailboxes = {"INBOX"}) {
    auto p = new_phone(env(), user, "14.1", device);
    for (const auto& m : mailboxes) {
      auto t = p->device.sync_all(p->id(m));
      EXPECT_EQ(t.last_status, 1u) << m << "\n" << env().context();
    }
    return p;
  }

  static inline environment* env_ = nullptr;
};

TEST_F(PushTest, AppendByAnotherClientWakesTheHeldPingWithTheFolder) {
  const std::string user = "push-append";
  {
    auto imap = env().imap(user);
    imap.create("Work");
  }
  auto p = synced_phone(user, "pushappend1", {"INBOX", "Work"});
  auto h = ping(user, "pushappend1", ping_request(300, {p->id("INBOX"), p->id("Work")}));
  std::this_thread::sleep_for(settle);
  ASSERT_FALSE(h.answered()) << h.get().describe();
  const auto appended = clock::now();
  env().imap(user).append("Work", message("work-mail"));
  const auto r = h.get();
  env().schemas("Ping", r);
  ASSERT_EQ(r.status, 200u) << r.describe();
  EXPECT_EQ(r.eas_status(), 2u) << r.describe() << "\n" << env().context();
  EXPECT_EQ(changed_folders(r), std::vector<std::string>{p->id("Work")});
  EXPECT_LT(clock::now() - appended, 5s);
  // The device syncs what it was told about and gets the new message.
  auto round = p->device.sync(p->id("Work"));
  EXPECT_EQ(round.adds, 1u);
}

TEST_F(PushTest, FlagChangeAndExpungeWakeTheHeldPingToo) {
  const std::string user = "push-flags";
  std::uint32_t uid = 0;
  {
    auto imap = env().imap(user);
    uid = imap.append("INBOX", message("flag-me"));
  }
  auto p = synced_phone(user, "pushflags1");
  const auto inbox = p->id("INBOX");

  auto h = ping(user, "pushflags1", ping_request(300, {inbox}));
  std::this_thread::sleep_for(settle);
  {
    auto imap = env().imap(user);
    imap.select("INBOX");
    imap.add_flags(std::to_string(uid), "\\Flagged");
  }
  auto r = h.get();
  env().schemas("Ping", r);
  EXPECT_EQ(r.eas_status(), 2u) << r.describe() << "\n" << env().context();
  EXPECT_EQ(changed_folders(r), std::vector<std::string>{inbox});
  EXPECT_EQ(p->device.sync(inbox).changes, 1u);

  auto g = ping(user, "pushflags1", ping_request(300, {inbox}));
  std::this_thread::sleep_for(settle);
  {
    auto imap = env().imap(user);
    imap.select("INBOX");
    imap.expunge(std::to_string(uid));
  }
  r = g.get();
  EXPECT_EQ(r.eas_status(), 2u) << r.describe() << "\n" << env().context();
  EXPECT_EQ(p->device.sync(inbox).deletes, 1u);
}

TEST_F(PushTest, HeartbeatExpiryIsStatus1) {
  const std::string user = "push-expiry";
  auto p = synced_phone(user, "pushexpiry1");
  auto h = ping(user, "pushexpiry1", ping_request(2, {p->id("INBOX")}));
  const auto r = h.get(20000ms);
  env().schemas("Ping", r);
  EXPECT_EQ(r.eas_status(), 1u) << r.describe();
  EXPECT_GE(h.elapsed(), 1900ms);
  EXPECT_LT(h.elapsed(), 10s);
}

TEST_F(PushTest, BoundsAreStatus5And6AndUnknownFoldersStatus7) {
  const std::string user = "push-bounds";
  {
    auto imap = env().imap(user);
    imap.create("Never");
  }
  auto p = synced_phone(user, "pushbounds1");
  const auto inbox = p->id("INBOX");

  auto high = ping_now(user, "pushbounds1", ping_request(3541, {inbox}));
  EXPECT_EQ(high.eas_status(), 5u) << high.describe();
  EXPECT_EQ(text_of(*high.document, "Ping:HeartbeatInterval"), "3540");

  const std::vector<std::string> nine = {inbox, "101", "102", "103", "104", "105", "106", "107", "108"};
  auto many = ping_now(user, "pushbounds1", ping_request(60, nine));
  EXPECT_EQ(many.eas_status(), 6u) << many.describe();
  EXPECT_EQ(text_of(*many.document, "Ping:MaxFolders"), "8");

  auto unknown = ping_now(user, "pushbounds1", ping_request(60, {inbox, "9999"}));
  EXPECT_EQ(unknown.eas_status(), 7u) << unknown.describe();
  // Known from FolderSync but never synced: nothing to compare with, so FolderSync/Sync first.
  auto never = ping_now(user, "pushbounds1", ping_request(60, {p->id("Never")}));
  EXPECT_EQ(never.eas_status(), 7u) << never.describe();

  auto missing = ping_now(user, "pushbounds-none", std::nullopt);
  EXPECT_EQ(missing.eas_status(), 3u) << missing.describe();
}

TEST_F(PushTest, EmptyPingReusesTheParameters) {
  const std::string user = "push-empty";
  auto p = synced_phone(user, "pushempty1");
  const auto inbox = p->id("INBOX");
  auto first = ping_now(user, "pushempty1", ping_request(2, {inbox}), 20000ms);
  EXPECT_EQ(first.eas_status(), 1u) << first.describe();

  auto h = ping(user, "pushempty1", std::nullopt);
  std::this_thread::sleep_for(500ms);
  env().imap(user).append("INBOX", message("for-empty-ping"));
  const auto r = h.get(20000ms);
  env().schemas("Ping", r);
  EXPECT_EQ(r.eas_status(), 2u) << r.describe() << "\n" << env().context();
  EXPECT_EQ(changed_folders(r), std::vector<std::string>{inbox});
}

TEST_F(PushTest, ANewerPingOfTheSameDeviceEndsTheOlderAtOnce) {
  const std::string user = "push-newer";
  auto p = synced_phone(user, "pushnewer1");
  const auto inbox = p->id("INBOX");
  auto older = ping(user, "pushnewer1", ping_request(300, {inbox}));
  std::this_thread::sleep_for(settle);
  auto newer = ping(user, "pushnewer1", ping_request(300, {inbox}));
  const auto r = older.get(5000ms);
  env().schemas("Ping", r);
  EXPECT_EQ(r.eas_status(), 1u) << r.describe();
  EXPECT_LT(older.elapsed(), settle + 3s);
  std::this_thread::sleep_for(500ms);
  EXPECT_FALSE(newer.answered());
  env().imap(user).append("INBOX", message("for-the-newer"));
  const auto n = newer.get();
  EXPECT_EQ(n.eas_status(), 2u) << n.describe();
}

TEST_F(PushTest, AChangeByDeviceAWakesDeviceBButNotA) {
  const std::string user = "push-two";
  {
    auto imap = env().imap(user);
    imap.append("INBOX", message("shared"));
  }
  auto a = synced_phone(user, "pushtwoa");
  auto b = synced_phone(user, "pushtwob");
  const auto inbox = a->id("INBOX");
  ASSERT_EQ(b->id("INBOX"), inbox);
  auto held_a = ping(user, "pushtwoa", ping_request(6, {inbox}));
  auto held_b = ping(user, "pushtwob", ping_request(300, {inbox}));
  std::this_thread::sleep_for(settle);

  // A marks the message read through easd.
  const auto sid = a->collection("INBOX").items.begin()->first;
  auto round = a->device.sync(inbox, {}, {client_change{client_change::read, sid, true}});
  EXPECT_EQ(round.status, 1u);

  const auto rb = held_b.get(10000ms);
  env().schemas("Ping", rb);
  EXPECT_EQ(rb.eas_status(), 2u) << rb.describe() << "\n" << env().context();
  EXPECT_LT(held_b.elapsed(), settle + 5s);
  EXPECT_FALSE(held_a.answered()) << "A's own change woke A";
  const auto ra = held_a.get(20000ms);
  EXPECT_EQ(ra.eas_status(), 1u) << ra.describe();
  EXPECT_GE(held_a.elapsed(), 5500ms);
  auto seen = b->device.sync(inbox);
  EXPECT_EQ(seen.changes, 1u);
}

TEST_F(PushTest, LongPollSyncWokenByAnAppendReturnsTheNewItem) {
  const std::string user = "push-longpoll";
  auto p = synced_phone(user, "pushlong1");
  auto& inbox = p->collection("INBOX");
  auto request = p->device.sync_request(inbox, sync_options{}, {});
  request.add("AirSync:HeartbeatInterval", "300");
  auto h = hold(env().client(user, "14.1", "pushlong1"), "Sync", request);
  std::this_thread::sleep_for(settle);
  ASSERT_FALSE(h.answered()) << h.get().describe();
  env().imap(user).append("INBOX", message("long-poll-mail"));
  auto r = h.get();
  env().schemas("Sync", r);
  ASSERT_EQ(r.status, 200u) << r.describe();
  auto round = p->device.apply_sync(inbox, r);
  EXPECT_EQ(round.status, 1u) << r.describe();
  EXPECT_EQ(round.adds, 1u) << r.describe();
  bool found = false;
  for (const auto& [sid, item] : inbox.items) found = found || item.subject == "long-poll-mail";
  EXPECT_TRUE(found);
  EXPECT_LT(h.elapsed(), settle + 5s);
}

// Last: it stops easd (SetUp starts it again for any test after it).
TEST_F(PushTest, SigtermAnswersEveryHeldPingPromptly) {
  std::vector<std::unique_ptr<phone>> phones;
  std::vector<held> pings;
  for (int i = 0; i < 3; ++i) {
    const std::string user = "push-term" + std::to_string(i);
    auto p = synced_phone(user, "pushterm" + std::to_string(i));
    pings.push_back(ping(user, "pushterm" + std::to_string(i), ping_request(600, {p->id("INBOX")})));
    phones.push_back(std::move(p));
  }
  std::this_thread::sleep_for(settle);
  const auto signalled = clock::now();
  env().easd->signal(SIGTERM);
  for (auto& h : pings) {
    const auto r = h.get(5000ms);
    env().schemas("Ping", r);
    EXPECT_EQ(r.status, 200u) << r.describe();
    EXPECT_EQ(r.eas_status(), 1u) << r.describe();
  }
  EXPECT_LT(clock::now() - signalled, 3s);
}

}  // namespace
}  // namespace easd::test::push_e2e
