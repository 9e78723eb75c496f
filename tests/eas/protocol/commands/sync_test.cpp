#include "tests/eas/protocol/commands/sync_fixture.hpp"

#include "eas/protocol/commands/mail_changes.hpp"
#include "eas/protocol/state/sync_key.hpp"

#include <set>

namespace easd::protocol::sync_test {
namespace {

std::uint32_t uid_of(const std::string& sid) { return parse_item_server_id(sid)->uid; }

std::vector<std::string> ids(const wbxml::element& collection, const char* kind) {
  std::vector<std::string> out;
  if (const auto* cmds = collection.child("AirSync:Commands")) {
    for (const auto& c : cmds->children()) {
      if (c.qualified_name() == kind) out.emplace_back(c.child_text("AirSync:ServerId").value_or(""));
    }
  }
  return out;
}

TEST_F(SyncTest, InitialSyncInWindowsNewestFirst) {
  for (int i = 0; i < 250; ++i) deliver(inbox_, "m" + std::to_string(i));
  const auto cid = collection(inbox_);
  device_view d;
  auto c0 = sync(d, cid, window_of(100));
  EASD_EXPECT_VALID_SYNC("initial", last_reply_.body);
  EXPECT_EQ(status_of(c0), "1");
  EXPECT_EQ(c0.child("AirSync:Commands"), nullptr);
  EXPECT_NE(d.key, "0");
  std::vector<std::size_t> sizes;
  std::uint32_t last = 0xffffffff;
  while (true) {
    auto c = sync(d, cid, window_of(100));
    EASD_EXPECT_VALID_SYNC("window", last_reply_.body);
    const auto adds = ids(c, "AirSync:Add");
    sizes.push_back(adds.size());
    for (const auto& sid : adds) {
      EXPECT_LT(uid_of(sid), last);  // strictly newest first across windows
      last = uid_of(sid);
    }
    if (!c.child("AirSync:MoreAvailable")) break;
    ASSERT_LT(sizes.size(), 10u);
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{100, 100, 50}));
  expect_converged(d, inbox_, cid);
}

TEST_F(SyncTest, NoChangeSyncIsOneStatusCallAndKeepsTheKey) {
  for (int i = 0; i < 20; ++i) deliver(inbox_, "m");
  const auto cid = collection(inbox_);
  device_view d;
  full_sync(d, cid);
  const auto key = d.key;
  mail_.reset_calls();
  auto c = sync(d, cid);
  EASD_EXPECT_VALID_SYNC("nochange", last_reply_.body);
  EXPECT_EQ(status_of(c), "1");
  EXPECT_EQ(mail_.calls("status"), 1);
  for (const char* m : {"changes", "search", "summaries", "fetch_part", "list_folders", "set_flags"}) {
    EXPECT_EQ(mail_.calls(m), 0) << m;
  }
  EXPECT_EQ(d.key, key);
  EXPECT_EQ(c.child("AirSync:Commands"), nullptr);
}

TEST_F(SyncTest, IncrementalAddFlagAndExpunge) {
  for (int i = 0; i < 5; ++i) deliver(inbox_, "m");
  const auto cid = collection(inbox_);
  device_view d;
  full_sync(d, cid);
  deliver(inbox_, "new");
  // (Not flagged: the validator's libwbxml 0.11.8 names Email:Status "FlagStatus", so a response with an
  // active Flag cannot be schema-checked; flags are covered by the convergence tests.)
  mail_.set_flags_external(inbox_, 2, flags_of(true, false, true));
  uid_set gone;
  gone.add(3);
  mail_.expunge_external(inbox_, gone);
  auto c = sync(d, cid);
  EASD_EXPECT_VALID_SYNC("incremental", last_reply_.body);
  EXPECT_EQ(ids(c, "AirSync:Add").size(), 1u);
  EXPECT_EQ(ids(c, "AirSync:Change"), std::vector<std::string>{item_server_id(cid, 2)});
  EXPECT_EQ(ids(c, "AirSync:Delete"), std::vector<std::string>{item_server_id(cid, 3)});
  expect_converged(d, inbox_, cid);
}

TEST_F(SyncTest, ClientChangeIsAppliedAndDoesNotEcho) {
  for (int i = 0; i < 3; ++i) deliver(inbox_, "m");
  const auto cid = collection(inbox_);
  device_view d;
  full_sync(d, cid);
  sync_params p;
  p.commands.push_back(change_cmd(item_server_id(cid, 1), true, true));
  d.items[item_server_id(cid, 1)] = {true, true};
  auto c = sync(d, cid, p);
  EASD_EXPECT_VALID_SYNC("client-change", last_reply_.body);
  EXPECT_EQ(c.child("AirSync:Responses"), nullptr);  // success: no entry
  EXPECT_TRUE(mail_.flags(inbox_, 1)->seen);
  EXPECT_TRUE(mail_.flags(inbox_, 1)->flagged);
  auto next = sync(d, cid);
  EXPECT_EQ(next.child("AirSync:Commands"), nullptr);
  expect_converged(d, inbox_, cid);
}

TEST_F(SyncTest, ConflictServerWins) {
  deliver(inbox_, "m");
  const auto cid = collection(inbox_);
  device_view d;
  full_sync(d, cid);
  mail_.set_flags_external(inbox_, 1, flags_of(false, false, true));
  sync_params p;
  p.commands.push_back(change_cmd(item_server_id(cid, 1), true, std::nullopt));
  auto c = sync(d, cid, p);
  EASD_EXPECT_VALID_SYNC("conflict", last_reply_.body);
  const auto* r = c.child("AirSync:Responses");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->children().at(0).child_text("AirSync:Status").value_or(""), "7");
  EXPECT_FALSE(mail_.flags(inbox_, 1)->seen);
  expect_converged(d, inbox_, cid);
}

TEST_F(SyncTest, ClientDeleteMovesToDeletedItemsOrExpunges) {
  const auto trash = mail_.add_folder("Trash", backend::folder_role::trash);
  for (int i = 0; i < 3; ++i) deliver(inbox_, "m");
  const auto cid = collection(inbox_);
  device_view d;
  full_sync(d, cid);
  sync_params p;
  p.commands.push_back(simple_cmd("AirSync:Delete", item_server_id(cid, 1)));
  d.items.erase(item_server_id(cid, 1));
  auto c = sync(d, cid, p);
  EASD_EXPECT_VALID_SYNC("delete", last_reply_.body);
  EXPECT_EQ(c.child("AirSync:Responses"), nullptr);
  EXPECT_FALSE(mail_.uids(inbox_).contains(1));
  EXPECT_EQ(mail_.uids(trash).size(), 1u);
  // DeletesAsMoves=0: gone for good.
  sync_params hard;
  hard.deletes_as_moves = false;
  hard.commands.push_back(simple_cmd("AirSync:Delete", item_server_id(cid, 2)));
  d.items.erase(item_server_id(cid, 2));
  sync(d, cid, hard);
  EXPECT_FALSE(mail_.uids(inbox_).contains(2));
  EXPECT_EQ(mail_.uids(trash).size(), 1u);
  expect_converged(d, inbox_, cid);
  // In Deleted Items itself a Delete expunges.
  const auto tcid = collection(trash);
  device_view t;
  full_sync(t, tcid);
  ASSERT_EQ(t.items.size(), 1u);
  sync_params del;
  del.commands.push_back(simple_cmd("AirSync:Delete", t.items.begin()->first));
  t.items.clear();
  sync(t, tcid, del);
  EXPECT_TRUE(mail_.uids(trash).empty());
}

TEST_F(SyncTest, FetchAndForgedServerIds) {
  deliver(inbox_, "m");
  const auto other = mail_.add_folder("Other");
  deliver(other, "o");
  const auto cid = collection(inbox_);
  const auto ocid = collection(other);
  device_view d;
  full_sync(d, cid);
  sync_params p;
  p.commands.push_back(simple_cmd("AirSync:Fetch", item_server_id(cid, 1)));
  p.commands.push_back(simple_cmd("AirSync:Fetch", item_server_id(ocid, 1)));  // another collection
  p.commands.push_back(change_cmd(item_server_id(cid, 99), true, std::nullopt));
  p.commands.push_back(simple_cmd("AirSync:Delete", "garbage"));
  auto add = wbxml::element::named("AirSync:Add");
  add.add("AirSync:ClientId", "c1");
  add.add("AirSync:ApplicationData").add("Email:Read", "1");
  p.commands.push_back(add);
  auto c = sync(d, cid, p);
  EASD_EXPECT_VALID_SYNC("fetch", last_reply_.body);
  const auto* r = c.child("AirSync:Responses");
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->children().size(), 5u);
  EXPECT_EQ(r->children()[0].child_text("AirSync:Status").value_or(""), "1");
  EXPECT_NE(r->children()[0].child("AirSync:ApplicationData"), nullptr);
  EXPECT_EQ(r->children()[1].child_text("AirSync:Status").value_or(""), "8");
  EXPECT_EQ(r->children()[2].child_text("AirSync:Status").value_or(""), "8");
  EXPECT_EQ(r->children()[3].child_text("AirSync:Status").value_or(""), "8");
  EXPECT_EQ(r->children()[4].child_text("AirSync:ClientId").value_or(""), "c1");
  EXPECT_EQ(r->children()[4].child_text("AirSync:Status").value_or(""), "6");
  EXPECT_TRUE(mail_.uids(other).contains(1));
}

TEST_F(SyncTest, ReplayOfThePreviousKeyGivesTheSameItems) {
  for (int i = 0; i < 30; ++i) deliver(inbox_, "m" + std::to_string(i));
  const auto cid = collection(inbox_);
  device_view d;
  sync(d, cid);
  const auto k1 = d.key;
  sync(d, cid, window_of(10));
  const auto first = last_reply_.body;
  // The response was lost: the device repeats k1.
  device_view replayed;
  replayed.key = k1;
  sync(replayed, cid, window_of(10));
  EXPECT_EQ(last_reply_.body, first);
  EXPECT_EQ(replayed.key, d.key);
  // A flag change and an expunge later, the replay still has the same ServerIds, and the chain goes on.
  mail_.set_flags_external(inbox_, 30, flags_of(true, false));
  device_view again;
  again.key = k1;
  auto c = sync(again, cid, window_of(10));
  EXPECT_EQ(ids(c, "AirSync:Add").size(), 10u);
  EXPECT_EQ(ids(c, "AirSync:Add").front(), item_server_id(cid, 30));
  while (sync(d, cid, window_of(10)).child("AirSync:MoreAvailable")) {
  }
  sync(d, cid);
  expect_converged(d, inbox_, cid);
}

TEST_F(SyncTest, ReplayAfterClientChangesDoesNotApplyTwice) {
  for (int i = 0; i < 3; ++i) deliver(inbox_, "m");
  const auto cid = collection(inbox_);
  device_view d;
  full_sync(d, cid);
  const auto k = d.key;
  sync_params p;
  p.commands.push_back(simple_cmd("AirSync:Delete", item_server_id(cid, 1)));
  p.deletes_as_moves = false;
  d.items.erase(item_server_id(cid, 1));
  auto c1 = sync(d, cid, p);
  const auto body = last_reply_.body;
  device_view r;
  r.key = k;
  sync(r, cid, p);  // retried request
  EXPECT_EQ(last_reply_.body, body);
  expect_converged(d, inbox_, cid);
}

TEST_F(SyncTest, UnknownKeyIsStatus3) {
  const auto cid = collection(inbox_);
  device_view d;
  d.key = "{00000000-0000-4000-8000-000000000000}5";
  auto c = sync(d, cid);
  EASD_EXPECT_VALID_SYNC("status3", last_reply_.body);
  EXPECT_EQ(status_of(c), "3");
  d.key = "garbage";
  EXPECT_EQ(status_of(sync(d, cid)), "3");
}

TEST_F(SyncTest, UnknownCollectionIsStatus12) {
  device_view d;
  auto c = sync(d, "999");
  EASD_EXPECT_VALID_SYNC("status12", last_reply_.body);
  EXPECT_EQ(status_of(c), "12");
}

TEST_F(SyncTest, UidValidityResetResyncsWithoutLoop) {
  for (int i = 0; i < 4; ++i) deliver(inbox_, "m");
  const auto cid = collection(inbox_);
  device_view d;
  full_sync(d, cid);
  mail_.reset_uidvalidity(inbox_);
  auto c = sync(d, cid);
  EXPECT_EQ(status_of(c), "3");
  // The device starts over under the same CollectionId and converges; the next Sync is quiet.
  EXPECT_EQ(collection(inbox_), cid);
  full_sync(d, cid);
  expect_converged(d, inbox_, cid);
  EXPECT_EQ(status_of(sync(d, cid)), "1");
}

TEST_F(SyncTest, FilterTypeWindowAndSoftDelete) {
  const std::int64_t t0 = 1700000000;
  now_ = t0 + 3600;
  deliver(inbox_, "old", t0 - 5 * 86400);
  deliver(inbox_, "recent", t0 - 3600);
  deliver(inbox_, "newest", t0);
  const auto cid = collection(inbox_);
  device_view d;
  sync_params p = filter_of(2);  // 3 days
  full_sync(d, cid, p);
  EXPECT_EQ(d.items.size(), 2u);
  // Two days later "recent" and "newest" age out of a 1-day window set by the device.
  now_ = t0 + 2 * 86400;
  deliver(inbox_, "today", now_ - 60);
  auto c = sync(d, cid, filter_of(1));
  EASD_EXPECT_VALID_SYNC("softdelete", last_reply_.body);
  EXPECT_EQ(ids(c, "AirSync:SoftDelete").size(), 2u);
  EXPECT_EQ(d.items.size(), 1u);
  // Widening to everything brings all messages back as Adds.
  sync_params all = filter_of(0);
  while (sync(d, cid, all).child("AirSync:MoreAvailable")) {
  }
  expect_converged(d, inbox_, cid);
  EXPECT_EQ(d.unknown_deletes, 0);
}

TEST_F(SyncTest, InvalidFilterTypeIsStatus4) {
  const auto cid = collection(inbox_);
  device_view d;
  sync(d, cid);
  last_reply_ = run(request(d.key, cid, filter_of(8)));
  auto root = decode(last_reply_);
  EASD_EXPECT_VALID_SYNC("status4", last_reply_.body);
  EXPECT_EQ(root.child_text("AirSync:Status").value_or(""), "4");
}

TEST_F(SyncTest, SlowPathWithoutCondstoreConverges) {
  mail_.set_condstore(false);
  for (int i = 0; i < 10; ++i) deliver(inbox_, "m");
  const auto cid = collection(inbox_);
  device_view d;
  full_sync(d, cid, window_of(4));
  mail_.set_flags_external(inbox_, 4, flags_of(true, false));
  uid_set gone;
  gone.add_range(5, 6);
  mail_.expunge_external(inbox_, gone);
  deliver(inbox_, "x");
  sync(d, cid);
  expect_converged(d, inbox_, cid);
  // Nothing changed: same key, nothing written.
  const auto key = d.key;
  auto c = sync(d, cid);
  EXPECT_EQ(d.key, key);
  EXPECT_EQ(c.child("AirSync:Commands"), nullptr);
}

TEST_F(SyncTest, MessageThatFailsConversionIsSkippedOnce) {
  deliver(inbox_, "a");
  deliver(inbox_, "b");
  const auto cid = collection(inbox_);
  device_view d;
  sync(d, cid);
  // The newest message's body cannot be read: it is skipped, the other one arrives.
  mail_.fail_next(backend::mail_error::too_large, "fetch_part");
  sync(d, cid);
  auto c = sync(d, cid);
  EXPECT_EQ(c.child("AirSync:MoreAvailable"), nullptr);
  EXPECT_EQ(d.items.size(), 1u);
  EXPECT_EQ(sync(d, cid).child("AirSync:Commands"), nullptr);  // no loop on the bad message
}

TEST_F(SyncTest, EmptyAndPartialSync) {
  deliver(inbox_, "m");
  const auto cid = collection(inbox_);
  // No cached request yet.
  auto r = run_body("");
  EASD_EXPECT_VALID_SYNC("status13", r.body);
  EXPECT_EQ(decode(r).child_text("AirSync:Status").value_or(""), "13");
  device_view d;
  sync(d, cid);
  full_sync(d, cid);
  // Nothing new: an empty body answers with an empty body.
  r = run_body("");
  EXPECT_EQ(r.http_status, 200u);
  EXPECT_TRUE(r.body.empty());
  // New mail: the empty Sync reports the collection with the latest key.
  deliver(inbox_, "n");
  r = run_body("");
  EASD_EXPECT_VALID_SYNC("empty-sync", r.body);
  auto c = first_collection(decode(r));
  apply(d, c);
  expect_converged(d, inbox_, cid);
  // Partial with only Wait: reuses the cache (answered at once).
  deliver(inbox_, "p");
  auto partial = wbxml::element::named("AirSync:Sync");
  partial.add("AirSync:Wait", "5");
  partial.add("AirSync:Partial");
  r = run(partial);
  EASD_EXPECT_VALID_SYNC("partial", r.body);
  apply(d, first_collection(decode(r)));
  expect_converged(d, inbox_, cid);
}

TEST_F(SyncTest, WaitAndHeartbeatLimits) {
  const auto cid = collection(inbox_);
  auto req = request("0", cid, {});
  req.add("AirSync:Wait", "90");
  auto r = run(req);
  EASD_EXPECT_VALID_SYNC("status14", r.body);
  auto root = decode(r);
  EXPECT_EQ(root.child_text("AirSync:Status").value_or(""), "14");
  EXPECT_EQ(root.child_text("AirSync:Limit").value_or(""), "59");
  auto hb = request("0", cid, {});
  hb.add("AirSync:HeartbeatInterval", "10");
  root = decode(run(hb));
  EXPECT_EQ(root.child_text("AirSync:Limit").value_or(""), "60");
  auto both = request("0", cid, {});
  both.add("AirSync:HeartbeatInterval", "100");
  both.add("AirSync:Wait", "5");
  EXPECT_EQ(decode(run(both)).child_text("AirSync:Status").value_or(""), "4");
}

TEST_F(SyncTest, OptionsPersistAndGetChangesZero) {
  const std::int64_t t0 = 1700000000;
  deliver(inbox_, "old", t0 - 10 * 86400);
  deliver(inbox_, "new", t0);
  const auto cid = collection(inbox_);
  device_view d;
  sync(d, cid, filter_of(3));  // one week, stored with the collection
  sync_params quiet;
  quiet.options = false;
  quiet.get_changes = false;
  auto c = sync(d, cid, quiet);
  EXPECT_EQ(c.child("AirSync:Commands"), nullptr);
  sync_params plain;
  plain.options = false;
  sync(d, cid, plain);
  EXPECT_EQ(d.items.size(), 1u);  // the stored FilterType still applies
  EXPECT_TRUE(d.items.contains(item_server_id(cid, 2)));
}

TEST_F(SyncTest, EstimateMatchesWhatSyncSends) {
  for (int i = 0; i < 7; ++i) deliver(inbox_, "m");
  const auto cid = collection(inbox_);
  device_view d;
  sync(d, cid);
  const auto estimate = [&] {
    auto key = state::parse_sync_key(d.key).value();
    auto loaded = store_->load_sync_state({user_, "dev1"}, cid, key).value();
    auto ctx = context(protocol_version::v14_1);
    mail_collection coll;
    coll.server_id = cid;
    coll.folder.id = inbox_;
    net::io_context ioc;
    auto fut = net::co_spawn(ioc, count_mail_changes(svc_, ctx, coll, loaded.state, std::nullopt, loaded.options),
                             net::use_future);
    ioc.run();
    return fut.get().value();
  };
  EXPECT_EQ(estimate(), 7u);
  sync(d, cid, window_of(3));
  EXPECT_EQ(estimate(), 4u);
  mail_.set_flags_external(inbox_, 7, flags_of(true, false));
  deliver(inbox_, "x");
  EXPECT_EQ(estimate(), 6u);
  auto c = sync(d, cid);
  EXPECT_EQ(c.child("AirSync:Commands")->children().size(), 6u);
  EXPECT_EQ(estimate(), 0u);
}

TEST_F(SyncTest, LargeInitialSyncKeepsStateCompact) {
  for (int i = 0; i < 3000; ++i) deliver(inbox_, "m");
  const auto cid = collection(inbox_);
  device_view d;
  const int requests = full_sync(d, cid, window_of(512));
  EXPECT_EQ(requests, 1 + 6);  // key 0, then ⌈3000 / 512⌉ windows
  EXPECT_EQ(d.items.size(), 3000u);
  EXPECT_EQ(d.duplicate_adds, 0);
  // The state is a few ranges, not one row per message.
  auto loaded = store_->load_sync_state({user_, "dev1"}, cid, state::parse_sync_key(d.key).value()).value();
  EXPECT_TRUE(loaded.state.pending.empty());
  EXPECT_LT(loaded.state.cursor.size(), 200u);
}

TEST_F(SyncTest, ConcurrentRepeatOfOneKeyGetsTheSameAnswer) {
  for (int i = 0; i < 40; ++i) deliver(inbox_, "m");
  const auto cid = collection(inbox_);
  device_view d;
  sync(d, cid);
  const auto body = wbxml::encode_to_string(request(d.key, cid, window_of(10)));
  // The phone gave up and repeated the request while the first was still being answered.
  dispatcher disp(command_table::standard(), svc_);
  auto ctx1 = context(protocol_version::v14_1);
  auto ctx2 = context(protocol_version::v14_1);
  net::io_context ioc;
  auto first = net::co_spawn(ioc, disp.dispatch(ctx1, body), net::use_future);
  auto second = net::co_spawn(ioc, disp.dispatch(ctx2, body), net::use_future);
  ioc.run();
  const auto a = first.get();
  const auto b = second.get();
  EXPECT_EQ(a.body, b.body);
  apply(d, first_collection(decode(b)));
  while (sync(d, cid, window_of(10)).child("AirSync:MoreAvailable")) {
  }
  expect_converged(d, inbox_, cid);
}

class SyncVersions : public SyncTest, public ::testing::WithParamInterface<protocol_version> {};

TEST_P(SyncVersions, InitialAndIncrementalValidate) {
  for (int i = 0; i < 3; ++i) deliver(inbox_, "m");
  const auto cid = collection(inbox_);
  device_view d;
  sync(d, cid, {}, GetParam());
  EASD_EXPECT_VALID_SYNC("v-initial", last_reply_.body);
  sync(d, cid, {}, GetParam());
  EASD_EXPECT_VALID_SYNC("v-adds", last_reply_.body);
  mail_.set_flags_external(inbox_, 1, flags_of(true, false, true));
  sync(d, cid, {}, GetParam());
  EASD_EXPECT_VALID_SYNC("v-change", last_reply_.body);
  expect_converged(d, inbox_, cid);
}

INSTANTIATE_TEST_SUITE_P(Versions, SyncVersions,
                         ::testing::Values(protocol_version::v12_1, protocol_version::v14_0,
                                           protocol_version::v14_1, protocol_version::v16_0,
                                           protocol_version::v16_1));

}  // namespace
}  // namespace easd::protocol::sync_test
