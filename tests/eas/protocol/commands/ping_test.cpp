// Ping and long-poll Sync over the real dispatcher, fake_mail_store, a temp-file SQLite state store and
// the in-process push hub. Held requests run on the fixture's io_context while the test changes mail and
// publishes as a change source would; heartbeats are configured down to 1 s so expiry is quick.
#include "eas/protocol/commands/ping.hpp"

#include "backend/fake/fake_mail_watch.hpp"
#include "eas/protocol/commands/folder_hierarchy.hpp"
#include "eas/protocol/commands/push_publish.hpp"

#include "push/hub.hpp"
#include "push/local_bus.hpp"
#include "tests/eas/protocol/commands/sync_fixture.hpp"
#include "tests/support/ping_request.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <future>
#include <list>

namespace easd::protocol::sync_test {
namespace {

using namespace std::chrono_literals;
using ping_detail::folder_class;
using ping_detail::ping_folder;
using ping_detail::ping_parameters;
using ::easd::test::ping_request;

class PingTest : public SyncTest {
protected:
  PingTest() : bus_(push::make_local_bus()), hub_(*bus_), watch_(mail_watch_sink(hub_)) {
    svc_.push = &hub_;
    svc_.watch = &watch_;
    svc_.push_limits.min_heartbeat = 1s;
    svc_.push_limits.max_heartbeat = 3540s;
    svc_.push_limits.max_folders = 5;
    cid_ = collection(inbox_);
  }
  ~PingTest() override {
    hub_.shutdown();
    drain();
  }

  // A Ping or Sync of `device` started on the fixture's io_context; the reply arrives in the future.
  std::future<reply> start(const std::string& command, std::string body, const std::string& device = "dev1") {
    auto& slot = running_.emplace_back();
    slot.ctx = context(command);
    slot.ctx.device_id = device;
    slot.body = std::move(body);
    return net::co_spawn(ioc_, dispatcher_.dispatch(slot.ctx, slot.body), net::use_future);
  }
  std::future<reply> start_ping(const wbxml::element& request, const std::string& device = "dev1") {
    return start("Ping", wbxml::encode_to_string(request), device);
  }

  // Runs the io_context until `done` holds (or `limit` passes); false on timeout.
  template <class Pred>
  bool run_until(Pred done, std::chrono::milliseconds limit = 5000ms) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= end) return false;
      ioc_.restart();
      ioc_.run_for(2ms);
    }
    return true;
  }
  bool parked(std::size_t n) {
    return run_until([&] { return hub_.waiting() == n; });
  }
  static bool ready(std::future<reply>& f) { return f.wait_for(0s) == std::future_status::ready; }
  reply finish(std::future<reply>& f, std::chrono::milliseconds limit = 5000ms) {
    EXPECT_TRUE(run_until([&] { return ready(f); }, limit)) << "the held request did not answer";
    return ready(f) ? f.get() : reply{};
  }
  void drain() {
    ioc_.restart();
    ioc_.run_for(50ms);
  }
  reply ping_now(const wbxml::element& request, const std::string& device = "dev1") {
    auto f = start_ping(request, device);
    return finish(f);
  }
  reply empty_ping(const std::string& device = "dev1") {
    auto f = start("Ping", {}, device);
    return finish(f);
  }

  // The IMAP server reports a change of the inbox (through the watch, as easd wires it).
  void imap_reports(std::string folder = "") { EXPECT_TRUE(watch_.fire(user_, folder.empty() ? inbox_ : folder)); }
  // easd's own publish: content of the inbox changed (origin device, if any).
  void publish_inbox(const std::string& origin = {}, std::string folder = "") {
    push::message m;
    m.user = user_;
    m.folder = folder.empty() ? mail_folder_identity(inbox_) : folder;
    m.device = origin;
    hub_.publish(m);
  }
  void publish(push::message_kind kind, const std::string& device = {}) {
    push::message m;
    m.kind = kind;
    m.user = user_;
    m.device = device;
    hub_.publish(m);
  }

  static std::string status(const reply& r) {
    auto doc = wbxml::decode(r.body);
    if (!doc) return "undecodable";
    return std::string(doc->child_text("Ping:Status").value_or(""));
  }
  static std::vector<std::string> folders_of(const reply& r) {
    std::vector<std::string> out;
    auto doc = wbxml::decode(r.body);
    if (!doc) return out;
    if (const auto* fs = doc->child("Ping:Folders")) {
      for (const auto& f : fs->children()) out.push_back(f.text());
    }
    return out;
  }
  static std::optional<std::string> text(const reply& r, const char* name) {
    auto doc = wbxml::decode(r.body);
    if (!doc) return std::nullopt;
    auto t = doc->child_text(name);
    return t ? std::optional<std::string>(*t) : std::nullopt;
  }

  // The inbox synced to the end by the fixture's device (dev1) or another one.
  device_view synced(const std::string& device = "dev1") {
    const auto saved = device_;
    device_ = device;
    device_view d;
    full_sync(d, cid_);
    device_ = saved;
    return d;
  }

  // dev1 and dev2 with the inbox synced, each with a Ping of the inbox held.
  struct two_pings {
    device_view d1;
    std::future<reply> dev1, dev2;
  };
  two_pings two_devices_pinging() {
    two_pings t;
    t.d1 = synced("dev1");
    synced("dev2");
    t.dev1 = start_ping(ping_request(3000, {cid_}), "dev1");
    t.dev2 = start_ping(ping_request(3000, {cid_}), "dev2");
    EXPECT_TRUE(parked(2));
    return t;
  }

  std::unique_ptr<push::bus> bus_;
  push::hub hub_;
  backend::fake_mail_watch watch_;  // the IMAP watch's part: fire() is a change the server reports
  struct slot {
    request_context ctx;
    std::string body;
  };
  std::list<slot> running_;  // outlives ioc_: the held requests refer to their slots
  net::io_context ioc_;
  std::string cid_;
};

// --- request and parameter parsing -----------------------------------------------------------------

TEST(PingRequest, ParsesHeartbeatAndFoldersAndDropsDuplicates) {
  auto root = wbxml::element::named("Ping:Ping");
  root.add("Ping:HeartbeatInterval", "0480");
  auto& fs = root.add("Ping:Folders");
  for (const char* id : {"1", "4", "1"}) {
    auto& f = fs.add("Ping:Folder");
    f.add("Ping:Id", id);
    f.add("Ping:Class", "Email");
  }
  auto parsed = ping_detail::parse_ping_request(root);
  ASSERT_TRUE(std::holds_alternative<ping_parameters>(parsed));
  const auto& p = std::get<ping_parameters>(parsed);
  EXPECT_EQ(p.heartbeat, 480u);
  ASSERT_TRUE(p.folders);
  EXPECT_EQ(*p.folders, (std::vector<ping_folder>{{"1", folder_class::email}, {"4", folder_class::email}}));
}

TEST(PingRequest, RefusesMalformedRequests) {
  const auto syntax = [](const wbxml::element& e) {
    auto parsed = ping_detail::parse_ping_request(e);
    return std::holds_alternative<ping_detail::ping_status>(parsed) &&
           std::get<ping_detail::ping_status>(parsed) == ping_detail::ping_status::syntax_error;
  };
  auto bad_number = wbxml::element::named("Ping:Ping");
  bad_number.add("Ping:HeartbeatInterval", "-60");
  EXPECT_TRUE(syntax(bad_number));
  auto empty_folders = wbxml::element::named("Ping:Ping");
  empty_folders.add("Ping:Folders");
  EXPECT_TRUE(syntax(empty_folders));
  auto no_id = wbxml::element::named("Ping:Ping");
  no_id.add("Ping:Folders").add("Ping:Folder").add("Ping:Class", "Email");
  EXPECT_TRUE(syntax(no_id));
  auto bad_class = wbxml::element::named("Ping:Ping");
  auto& f = bad_class.add("Ping:Folders").add("Ping:Folder");
  f.add("Ping:Id", "1");
  f.add("Ping:Class", "Journal");
  EXPECT_TRUE(syntax(bad_class));
  auto stray = wbxml::element::named("Ping:Ping");
  stray.add("Ping:MaxFolders", "3");
  EXPECT_TRUE(syntax(stray));
  auto long_id = wbxml::element::named("Ping:Ping");
  long_id.add("Ping:Folders").add("Ping:Folder").add("Ping:Id", std::string(65, '1'));
  EXPECT_TRUE(syntax(long_id));
  auto two_heartbeats = wbxml::element::named("Ping:Ping");
  two_heartbeats.add("Ping:HeartbeatInterval", "60");
  two_heartbeats.add("Ping:HeartbeatInterval", "60");
  EXPECT_TRUE(syntax(two_heartbeats));
}

TEST(PingRequest, HugeHeartbeatSaturatesInsteadOfFailing) {
  auto root = wbxml::element::named("Ping:Ping");
  root.add("Ping:HeartbeatInterval", "99999999999999");
  auto parsed = ping_detail::parse_ping_request(root);
  ASSERT_TRUE(std::holds_alternative<ping_parameters>(parsed));
  EXPECT_EQ(std::get<ping_parameters>(parsed).heartbeat, 0xFFFFFFFFu);
}

TEST(PingParameters, RoundTripAndRefuseWhatTheyDidNotWrite) {
  ping_parameters p;
  p.heartbeat = 470;
  p.folders = std::vector<ping_folder>{{"1", folder_class::email}, {"12", folder_class::calendar}};
  const auto blob = ping_detail::serialize_parameters(p);
  EXPECT_EQ(ping_detail::parse_parameters(blob), p);
  ping_parameters only_folders;
  only_folders.folders = p.folders;
  EXPECT_EQ(ping_detail::parse_parameters(ping_detail::serialize_parameters(only_folders)), only_folders);

  for (std::string bad : {std::string(), std::string("easd-ping 1"), std::string("easd-ping 2\n"),
                          blob.substr(0, blob.size() - 1), blob + "x\n",
                          std::string("easd-ping 1\nfolders 2\nf Email 1\n"),
                          std::string("easd-ping 1\nfolders 1\nf Journal 1\n"),
                          std::string("easd-ping 1\nfolders 2\nf Email 1\nf Email 1\n"),
                          std::string("easd-ping 1\nhb x\n"), std::string("easd-ping 1\nfolders 1\nf Email a b\n"),
                          std::string("easd-ping 1\nfolders 0\n")}) {
    EXPECT_FALSE(ping_detail::parse_parameters(bad)) << bad;
  }
}

// --- statuses that need no waiting ---------------------------------------------------------------

TEST_F(PingTest, EmptyPingWithNothingSavedIsStatus3) {
  const auto r = empty_ping();
  EXPECT_EQ(status(r), "3");
  EASD_EXPECT_VALID("ping-3", r.body);
  // Folders without a heartbeat (and none saved) are missing parameters too.
  const auto f = ping_now(ping_request(std::nullopt, {cid_}));
  EXPECT_EQ(status(f), "3");
}

TEST_F(PingTest, MalformedRequestIsStatus4) {
  auto root = wbxml::element::named("Ping:Ping");
  root.add("Ping:HeartbeatInterval", "sixty");
  const auto r = ping_now(root);
  EXPECT_EQ(status(r), "4");
  EASD_EXPECT_VALID("ping-4", r.body);
}

TEST_F(PingTest, HeartbeatOutsideTheBoundsIsStatus5WithTheBound) {
  synced();
  svc_.push_limits.min_heartbeat = 60s;
  auto low = ping_now(ping_request(59, {cid_}));
  EXPECT_EQ(status(low), "5");
  EXPECT_EQ(text(low, "Ping:HeartbeatInterval"), "60");
  EASD_EXPECT_VALID("ping-5", low.body);
  auto high = ping_now(ping_request(3541, {cid_}));
  EXPECT_EQ(status(high), "5");
  EXPECT_EQ(text(high, "Ping:HeartbeatInterval"), "3540");
}

TEST_F(PingTest, TooManyFoldersIsStatus6WithMaxFolders) {
  const auto r = ping_now(ping_request(60, {"1", "2", "3", "4", "5", "6"}));
  EXPECT_EQ(status(r), "6");
  EXPECT_EQ(text(r, "Ping:MaxFolders"), "5");
  EASD_EXPECT_VALID("ping-6", r.body);
}

TEST_F(PingTest, UnknownOrNeverSyncedFolderIsStatus7) {
  synced();
  const auto unknown = ping_now(ping_request(60, {cid_, "999"}));
  EXPECT_EQ(status(unknown), "7");
  EASD_EXPECT_VALID("ping-7", unknown.body);
  // A folder the device knows from FolderSync but has never synced: nothing to compare with.
  const auto work = collection(mail_.add_folder("Work"));
  EXPECT_EQ(status(ping_now(ping_request(60, {work}))), "7");
  // A forged id of the wrong shape is just unknown.
  EXPECT_EQ(status(ping_now(ping_request(60, {"mail:F1"}))), "7");
  EXPECT_EQ(hub_.waiting(), 0u);
}

TEST_F(PingTest, ChangesTheDeviceHasNotFetchedAnswerAtOnce) {
  auto d = synced();
  deliver(inbox_, "new");
  const auto r = ping_now(ping_request(3000, {cid_}));
  EXPECT_EQ(status(r), "2");
  EXPECT_EQ(folders_of(r), std::vector<std::string>{cid_});
  EASD_EXPECT_VALID("ping-2", r.body);
  // Once the device has synced them, the next Ping waits.
  sync(d, cid_);
  auto f = start_ping(ping_request(3000, {cid_}));
  EXPECT_TRUE(parked(1));
}

// --- held Pings --------------------------------------------------------------------------------------

TEST_F(PingTest, HeartbeatExpiryIsStatus1) {
  synced();
  const auto started = std::chrono::steady_clock::now();
  auto f = start_ping(ping_request(1, {cid_}));
  const auto r = finish(f, 5000ms);
  EXPECT_EQ(status(r), "1");
  EXPECT_GE(std::chrono::steady_clock::now() - started, 900ms);
  EASD_EXPECT_VALID("ping-1", r.body);
}

TEST_F(PingTest, NewMailWakesTheHeldPingWithTheFolder) {
  synced();
  const auto work_id = mail_.add_folder("Work");
  const auto work = collection(work_id);
  device_view w;
  full_sync(w, work);
  auto f = start_ping(ping_request(3000, {work, cid_}));
  ASSERT_TRUE(parked(1));
  // The folders are watched on the backend while the Ping is held.
  ASSERT_EQ(watch_.active().size(), 1u);
  EXPECT_EQ(watch_.active()[0].folder_ids, (std::vector<std::string>{work_id, inbox_}));
  EXPECT_EQ(watch_.active()[0].acct.user, user_);
  deliver(inbox_, "new");
  imap_reports();
  const auto r = finish(f);
  EXPECT_EQ(status(r), "2");
  EXPECT_EQ(folders_of(r), std::vector<std::string>{cid_});
  EXPECT_EQ(watch_.active_count(user_), 0u);
}

TEST_F(PingTest, FlagChangeAndExpungeWakeToo) {
  deliver(inbox_, "a");
  const auto uid = deliver(inbox_, "b");
  auto d = synced();
  auto f = start_ping(ping_request(3000, {cid_}));
  ASSERT_TRUE(parked(1));
  mail_.set_flags_external(inbox_, uid, flags_of(true, true));
  imap_reports();
  EXPECT_EQ(status(finish(f)), "2");
  sync(d, cid_);

  auto g = start_ping(ping_request(3000, {cid_}));
  ASSERT_TRUE(parked(1));
  uid_set gone;
  gone.add(uid);
  mail_.expunge_external(inbox_, gone);
  imap_reports();
  EXPECT_EQ(status(finish(g)), "2");
}

TEST_F(PingTest, AWakeWithoutARealChangeKeepsWaiting) {
  synced();
  auto f = start_ping(ping_request(3000, {cid_}));
  ASSERT_TRUE(parked(1));
  imap_reports();  // a hint, but nothing changed for this device
  drain();
  EXPECT_FALSE(ready(f));
  EXPECT_TRUE(parked(1));
  // Another folder's change is not even re-checked.
  mail_.reset_calls();
  publish_inbox({}, mail_folder_identity("F99"));
  drain();
  EXPECT_EQ(mail_.calls("status"), 0);
  deliver(inbox_, "now");
  imap_reports();
  EXPECT_EQ(status(finish(f)), "2");
}

TEST_F(PingTest, AnyFolderChangeRechecksEveryFolder) {
  synced();
  auto f = start_ping(ping_request(3000, {cid_}));
  ASSERT_TRUE(parked(1));
  deliver(inbox_, "x");
  EXPECT_TRUE(watch_.fire(user_, ""));  // the watcher cannot tell which folder changed (reconnect)
  EXPECT_EQ(status(finish(f)), "2");
}

TEST_F(PingTest, ADevicesOwnChangeWakesItsOtherDevicesOnly) {
  auto t = two_devices_pinging();
  auto& own = t.dev1;
  auto& other = t.dev2;
  // A change published with dev1 as its origin: dev2 is woken (and finds it), dev1 is not.
  deliver(inbox_, "m");
  publish_inbox("dev1");
  EXPECT_EQ(status(finish(other)), "2");
  drain();
  EXPECT_FALSE(ready(own));
  hub_.shutdown();
  EXPECT_EQ(status(finish(own)), "1");
}

TEST_F(PingTest, EmptyPingReusesTheSavedParameters) {
  synced();
  auto f = start_ping(ping_request(1, {cid_}));
  EXPECT_EQ(status(finish(f)), "1");
  // Empty body: heartbeat 1 s and the inbox again.
  auto g = start("Ping", {});
  ASSERT_TRUE(parked(1));
  deliver(inbox_, "n");
  imap_reports();
  const auto r = finish(g);
  EXPECT_EQ(status(r), "2");
  EXPECT_EQ(folders_of(r), std::vector<std::string>{cid_});
  // Only the heartbeat: the saved folders are kept.
  auto h = start_ping(ping_request(2, {}));
  EXPECT_EQ(status(finish(h)), "2");  // the new mail is still unsynced
}

TEST_F(PingTest, ParametersThatDidNotResolveAreNotSaved) {
  synced();
  EXPECT_EQ(status(ping_now(ping_request(1, {cid_}))), "1");
  EXPECT_EQ(status(ping_now(ping_request(1, {"999"}))), "7");
  // The empty Ping still has the inbox (not the stale id).
  EXPECT_EQ(status(empty_ping()), "1");
}

TEST_F(PingTest, ANewerPingOfTheDeviceEndsTheOlderAtOnce) {
  synced();
  auto older = start_ping(ping_request(3000, {cid_}));
  ASSERT_TRUE(parked(1));
  auto newer = start_ping(ping_request(3000, {cid_}));
  const auto r = finish(older, 2000ms);
  EXPECT_EQ(status(r), "1");
  EXPECT_TRUE(parked(1));
  EXPECT_FALSE(ready(newer));
  // Another device's Ping does not end it.
  synced("dev2");
  auto other = start_ping(ping_request(3000, {cid_}), "dev2");
  EXPECT_TRUE(parked(2));
  EXPECT_FALSE(ready(newer));
}

TEST_F(PingTest, HierarchyAndPolicyChangesAreStatus7) {
  synced();
  auto f = start_ping(ping_request(3000, {cid_}));
  ASSERT_TRUE(parked(1));
  publish(push::message_kind::hierarchy, "dev2");
  EXPECT_EQ(status(finish(f)), "7");

  auto g = start_ping(ping_request(3000, {cid_}));
  ASSERT_TRUE(parked(1));
  publish(push::message_kind::policy, "dev1");
  EXPECT_EQ(status(finish(g)), "7");
}

TEST_F(PingTest, ShutdownAnswersEveryHeldPingAtOnce) {
  auto t = two_devices_pinging();
  hub_.shutdown();
  EXPECT_EQ(status(finish(t.dev1, 1000ms)), "1");
  EXPECT_EQ(status(finish(t.dev2, 1000ms)), "1");
}

TEST_F(PingTest, BackendFailureWhileHeldAnswersAtTheHeartbeat) {
  synced();
  auto f = start_ping(ping_request(1, {cid_}));
  ASSERT_TRUE(parked(1));
  mail_.fail_next(make_error_code(boost::system::errc::connection_refused), "status");
  imap_reports();
  const auto r = finish(f);
  EXPECT_EQ(r.http_status, 200u);
  EXPECT_EQ(status(r), "1");
}

TEST_F(PingTest, AWakeWhoseCheckFailedIsCheckedAgain) {
  synced();
  auto f = start_ping(ping_request(120, {cid_}));
  ASSERT_TRUE(parked(1));
  deliver(inbox_, "while busy");
  // The wake's re-check fails (the pool at its limit, say); the change must not wait for the heartbeat.
  mail_.fail_next(make_error_code(boost::system::errc::connection_refused), "status");
  imap_reports();
  const auto started = std::chrono::steady_clock::now();
  const auto r = finish(f);
  EXPECT_EQ(status(r), "2");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
}

TEST_F(PingTest, BackendFailureAtTheStartStillHolds) {
  synced();
  mail_.fail_next(make_error_code(boost::system::errc::connection_refused), "status");
  auto f = start_ping(ping_request(1, {cid_}));
  const auto r = finish(f);
  EXPECT_EQ(r.http_status, 200u);
  EXPECT_EQ(status(r), "1");
}

TEST_F(PingTest, DeletedFolderWhileHeldIsStatus7) {
  const auto work_id = mail_.add_folder("Work");
  const auto work = collection(work_id);
  device_view w;
  full_sync(w, work);
  auto f = start_ping(ping_request(3000, {work}));
  ASSERT_TRUE(parked(1));
  mail_.delete_folder_external(work_id);
  imap_reports(work_id);
  EXPECT_EQ(status(finish(f)), "7");
}

TEST_F(PingTest, WithoutAHubPingIsNotSupported) {
  svc_.push = nullptr;
  const auto r = ping_now(ping_request(60, {cid_}));
  EXPECT_EQ(text(r, "Ping:Status"), "137");
}

// --- easd's own changes -----------------------------------------------------------------------------

TEST_F(PingTest, ASyncChangeWakesTheUsersOtherDevicesButNotItself) {
  const auto uid = deliver(inbox_, "m");
  auto t = two_devices_pinging();
  sync_params p;
  p.commands.push_back(change_cmd(item_server_id(cid_, uid), true, std::nullopt));
  sync(t.d1, cid_, p);  // dev1 marks the message read
  const auto r = finish(t.dev2);
  EXPECT_EQ(status(r), "2");
  EXPECT_EQ(folders_of(r), std::vector<std::string>{cid_});
  drain();
  EXPECT_FALSE(ready(t.dev1));
}

TEST_F(PingTest, MoveItemsWakesTheOtherDevicesForBothFolders) {
  const auto uid = deliver(inbox_, "m");
  const auto work_id = mail_.add_folder("Work");
  const auto work = collection(work_id);
  synced("dev1");
  synced("dev2");
  device_view w2;
  device_ = "dev2";
  full_sync(w2, work);
  device_ = "dev1";
  auto other = start_ping(ping_request(3000, {work}), "dev2");
  ASSERT_TRUE(parked(1));
  auto move = wbxml::element::named("Move:MoveItems");
  auto& m = move.add("Move:Move");
  m.add("Move:SrcMsgId", item_server_id(cid_, uid));
  m.add("Move:SrcFldId", cid_);
  m.add("Move:DstFldId", work);
  dispatch(context("MoveItems"), wbxml::encode_to_string(move));
  const auto r = finish(other);
  EXPECT_EQ(status(r), "2");
  EXPECT_EQ(folders_of(r), std::vector<std::string>{work});
}

TEST_F(PingTest, AFolderCreatedByOneDeviceSendsTheOthersToFolderSync) {
  auto t = two_devices_pinging();
  auto fs = wbxml::element::named("FolderHierarchy:FolderSync");
  fs.add("FolderHierarchy:SyncKey", "0");
  const auto synced_folders = decode(dispatch(context("FolderSync"), wbxml::encode_to_string(fs)));
  const std::string key(synced_folders.child_text("FolderHierarchy:SyncKey").value_or(""));
  auto create = wbxml::element::named("FolderHierarchy:FolderCreate");
  create.add("FolderHierarchy:SyncKey", key);
  create.add("FolderHierarchy:ParentId", "0");
  create.add("FolderHierarchy:DisplayName", "Fresh");
  create.add("FolderHierarchy:Type", "12");
  dispatch(context("FolderCreate"), wbxml::encode_to_string(create));
  EXPECT_EQ(status(finish(t.dev2)), "7");
  drain();
  EXPECT_FALSE(ready(t.dev1));
}

// --- long-poll Sync --------------------------------------------------------------------------------

wbxml::element waiting_sync(const std::string& key, const std::string& cid, const char* element, unsigned value) {
  auto root = wbxml::element::named("AirSync:Sync");
  auto& c = root.add("AirSync:Collections").add("AirSync:Collection");
  c.add("AirSync:SyncKey", key);
  c.add("AirSync:CollectionId", cid);
  root.add(element, std::to_string(value));
  return root;
}

TEST_F(PingTest, LongPollSyncAnswersWithTheNewItemWhenWoken) {
  auto d = synced();
  auto f = start("Sync", wbxml::encode_to_string(waiting_sync(d.key, cid_, "AirSync:HeartbeatInterval", 600)));
  ASSERT_TRUE(parked(1));
  const auto uid = deliver(inbox_, "pushed");
  imap_reports();
  const auto r = finish(f);
  ASSERT_EQ(r.http_status, 200u);
  EASD_EXPECT_VALID_SYNC("longpoll", r.body);
  auto c = first_collection(decode(r));
  EXPECT_EQ(status_of(c), "1");
  const auto* cmds = c.child("AirSync:Commands");
  ASSERT_NE(cmds, nullptr);
  ASSERT_EQ(cmds->children().size(), 1u);
  EXPECT_EQ(cmds->children()[0].child_text("AirSync:ServerId"), item_server_id(cid_, uid));
}

TEST_F(PingTest, LongPollSyncWithWaitMinutesParksToo) {
  auto d = synced();
  auto f = start("Sync", wbxml::encode_to_string(waiting_sync(d.key, cid_, "AirSync:Wait", 5)),
                 "dev1");
  ASSERT_TRUE(parked(1));
  imap_reports();  // nothing for this device: keeps waiting
  drain();
  EXPECT_FALSE(ready(f));
  // A Ping of the same device supersedes it: the no-change answer, the key unchanged.
  auto p = start_ping(ping_request(3000, {cid_}));
  const auto r = finish(f);
  ASSERT_EQ(r.http_status, 200u);
  auto c = first_collection(decode(r));
  EXPECT_EQ(status_of(c), "1");
  EXPECT_EQ(c.child_text("AirSync:SyncKey"), d.key);
  EXPECT_EQ(c.child("AirSync:Commands"), nullptr);
}

TEST_F(PingTest, LongPollSyncOutOfRangeIsStatus14WithLimit) {
  auto d = synced();
  const auto r = run(waiting_sync(d.key, cid_, "AirSync:HeartbeatInterval", 30));
  auto root = decode(r);
  EXPECT_EQ(root.child_text("AirSync:Status"), "14");
  EXPECT_EQ(root.child_text("AirSync:Limit"), "60");
  const auto w = run(waiting_sync(d.key, cid_, "AirSync:Wait", 60));
  EXPECT_EQ(decode(w).child_text("AirSync:Limit"), "59");
}

TEST_F(PingTest, LongPollSyncWithPendingChangesAnswersAtOnce) {
  auto d = synced();
  deliver(inbox_, "already");
  const auto r = run(waiting_sync(d.key, cid_, "AirSync:HeartbeatInterval", 600));
  auto c = first_collection(decode(r));
  ASSERT_NE(c.child("AirSync:Commands"), nullptr);
  EXPECT_EQ(hub_.waiting(), 0u);
}

TEST_F(PingTest, LongPollSyncHierarchyChangeIsStatus12) {
  auto d = synced();
  auto f = start("Sync", wbxml::encode_to_string(waiting_sync(d.key, cid_, "AirSync:HeartbeatInterval", 600)));
  ASSERT_TRUE(parked(1));
  publish(push::message_kind::hierarchy, "dev9");
  const auto r = finish(f);
  EXPECT_EQ(decode(r).child_text("AirSync:Status"), "12");
}

TEST_F(PingTest, EmptySyncRepeatsTheLastRequestsWait) {
  auto d = synced();
  deliver(inbox_, "first");
  const auto first = run(waiting_sync(d.key, cid_, "AirSync:HeartbeatInterval", 600));
  ASSERT_NE(first_collection(decode(first)).child("AirSync:Commands"), nullptr);
  // [MS-ASCMD] 2.2.1.21: an empty Sync is the last request again, its HeartbeatInterval included.
  auto f = start("Sync", "");
  ASSERT_TRUE(parked(1));
  const auto uid = deliver(inbox_, "second");
  imap_reports();
  const auto r = finish(f);
  ASSERT_EQ(r.http_status, 200u);
  auto c = first_collection(decode(r));
  const auto* cmds = c.child("AirSync:Commands");
  ASSERT_NE(cmds, nullptr);
  ASSERT_EQ(cmds->children().size(), 1u);
  EXPECT_EQ(cmds->children()[0].child_text("AirSync:ServerId"), item_server_id(cid_, uid));
}

}  // namespace
}  // namespace easd::protocol::sync_test
