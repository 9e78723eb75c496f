// The SQLite device registry: every method of provisioning::device_registry on a real file, the key and
// wipe transitions with their conflicts, the per-user device limit, and two store objects on one file.
#include "eas/protocol/state/sqlite_state_store.hpp"

#include "eas/protocol/state/error.hpp"
#include "eas/protocol/state/schema.hpp"
#include "tests/eas/protocol/state/temp_dir.hpp"

#include <gtest/gtest.h>

#include <sqlite3.h>

namespace easd::state {
namespace {

namespace prov = provisioning;
using prov::access_state;
using prov::wipe_kind;
using prov::wipe_state;

int count_rows(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
  int n = -1;
  if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

class DeviceRegistry : public ::testing::Test {
protected:
  void SetUp() override {
    auto s = sqlite_state_store::open(path_);
    ASSERT_TRUE(s) << s.error().message();
    store_ = std::move(*s);
  }

  static prov::request_facts facts(std::int64_t now, std::string type = "iPhone", std::string version = "16.1") {
    prov::request_facts f;
    f.device_type = std::move(type);
    f.user_agent = "Apple-iPhone/2001";
    f.protocol_version = std::move(version);
    f.now = now;
    return f;
  }
  prov::device touch(const prov::device_key& k, std::int64_t now = 1000) {
    auto d = store_->touch(k, facts(now), access_state::allowed, "default", 0);
    EXPECT_TRUE(d) << d.error().message();
    return d ? *d : prov::device{};
  }
  prov::device_registry& reg() { return *store_; }

  test::temp_dir dir_;
  const std::string path_ = dir_.file("state.db");
  std::unique_ptr<sqlite_state_store> store_;
  const prov::device_key key_{"alice@example.test", "ApplDNPXK0000001"};
};

TEST_F(DeviceRegistry, TouchCreatesThenUpdates) {
  EXPECT_EQ(reg().find(key_).error(), state_error::not_found);
  auto d = reg().touch(key_, facts(1000), access_state::quarantined, "rule 2", 0);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->key, key_);
  EXPECT_EQ(d->device_type, "iPhone");
  EXPECT_EQ(d->user_agent, "Apple-iPhone/2001");
  EXPECT_EQ(d->protocol_version, "16.1");
  EXPECT_EQ(d->first_seen, 1000);
  EXPECT_EQ(d->last_seen, 1000);
  EXPECT_EQ(d->access, access_state::quarantined);
  EXPECT_EQ(d->access_reason, "rule 2");
  EXPECT_EQ(d->wipe_status, wipe_state::none);
  EXPECT_EQ(*reg().find(key_), *d);

  // Later calls never change the access level of an existing device.
  auto again = reg().touch(key_, facts(1010), access_state::blocked, "x", 0);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->access, access_state::quarantined);
  EXPECT_EQ(again->last_seen, 1000);  // under a minute, nothing changed: no write

  auto changed = reg().touch(key_, facts(1020, "iPad", "14.1"), access_state::allowed, "default", 0);
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->device_type, "iPad");
  EXPECT_EQ(changed->protocol_version, "14.1");
  EXPECT_EQ(changed->last_seen, 1020);
  EXPECT_EQ(changed->first_seen, 1000);
  EXPECT_EQ(*reg().find(key_), *changed);
}

TEST_F(DeviceRegistry, LastSeenIsWrittenAtMostOnceAMinute) {
  touch(key_, 1000);
  EXPECT_EQ(touch(key_, 1059).last_seen, 1000);
  EXPECT_EQ(reg().find(key_)->last_seen, 1000);
  EXPECT_EQ(touch(key_, 1060).last_seen, 1060);
  EXPECT_EQ(reg().find(key_)->last_seen, 1060);
}

TEST_F(DeviceRegistry, OldTouchDeviceRowsAreTheSameDevices) {
  ASSERT_TRUE(store_->touch_device({key_.user, key_.device_id}, "Android", 500));
  auto d = reg().find(key_);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->device_type, "Android");
  EXPECT_EQ(d->first_seen, 500);
  EXPECT_EQ(d->access, access_state::allowed);
  touch(key_, 1000);
  auto rec = store_->find_device({key_.user, key_.device_id});
  ASSERT_TRUE(rec);
  EXPECT_EQ(*rec, (device_record{"iPhone", 500, 1000}));
}

TEST_F(DeviceRegistry, DeviceLimitCountsTheUsersDevices) {
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(reg().touch({"bob", "d" + std::to_string(i)}, facts(1), access_state::allowed, "default", 2));
  }
  ASSERT_TRUE(reg().touch({"carol", "d0"}, facts(1), access_state::allowed, "default", 2));  // another user
  auto third = reg().touch({"bob", "d2"}, facts(1), access_state::allowed, "default", 2);
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error(), state_error::limit);
  EXPECT_EQ(reg().find({"bob", "d2"}).error(), state_error::not_found);
  // Known devices still get in, and 0 means unlimited.
  EXPECT_TRUE(reg().touch({"bob", "d1"}, facts(100), access_state::allowed, "default", 2));
  EXPECT_TRUE(reg().touch({"bob", "d2"}, facts(1), access_state::allowed, "default", 0));
  EXPECT_NE(make_error_code(state_error::limit).message().find("devices"), std::string::npos);
}

TEST_F(DeviceRegistry, ListFiltersAndOrders) {
  touch({"bob", "z"}, 100);
  touch({"alice", "b"}, 200);
  touch({"alice", "a"}, 300);
  ASSERT_TRUE(reg().set_access({"alice", "b"}, access_state::blocked, "admin root"));
  ASSERT_TRUE(reg().request_wipe({"bob", "z"}, wipe_kind::full, "root", 400));

  auto keys = [&](const prov::device_filter& f) {
    std::vector<std::string> out;
    auto l = reg().list(f);
    EXPECT_TRUE(l);
    for (const auto& d : l.value()) out.push_back(d.key.user + "/" + d.key.device_id);
    return out;
  };
  using v = std::vector<std::string>;
  EXPECT_EQ(keys({}), (v{"alice/a", "alice/b", "bob/z"}));
  prov::device_filter f;
  f.user = "alice";
  EXPECT_EQ(keys(f), (v{"alice/a", "alice/b"}));
  f.access = access_state::blocked;
  EXPECT_EQ(keys(f), (v{"alice/b"}));
  f = {};
  f.wipe = wipe_state::requested;
  EXPECT_EQ(keys(f), (v{"bob/z"}));
  f = {};
  f.seen_before = 300;
  EXPECT_EQ(keys(f), (v{"alice/b", "bob/z"}));
  f.seen_after = 200;
  EXPECT_EQ(keys(f), (v{"alice/b"}));
  f = {};
  f.user = "nobody";
  EXPECT_TRUE(keys(f).empty());
}

TEST_F(DeviceRegistry, InformationIsStored) {
  touch(key_);
  prov::device_information info;
  info.model = "iPhone15,2";
  info.imei = "3520990017";
  info.friendly_name = "Alice's phone";
  info.os = "iOS 17.1";
  info.os_language = "en";
  info.phone_number = "+15551234";
  info.user_agent = "Apple-iPhone15C2/2101";
  info.mobile_operator = "Operator";
  info.enable_outbound_sms = true;
  ASSERT_TRUE(reg().set_information(key_, info));
  EXPECT_EQ(reg().find(key_)->info, info);
  EXPECT_EQ(reg().set_information({"x", "y"}, info).error(), state_error::not_found);
}

TEST_F(DeviceRegistry, EveryStringIsChecked) {
  const std::string nul("a\0b", 3);
  const std::string long_id(max_id_size + 1, 'x');
  EXPECT_EQ(reg().find({nul, "d"}).error(), state_error::invalid_argument);
  EXPECT_EQ(reg().find({"u", long_id}).error(), state_error::invalid_argument);
  EXPECT_EQ(reg().touch(key_, facts(1, nul), access_state::allowed, "", 0).error(), state_error::invalid_argument);
  EXPECT_EQ(reg().touch(key_, facts(1), access_state::allowed, long_id, 0).error(), state_error::invalid_argument);
  touch(key_);
  prov::device_information info;
  info.os = nul;
  EXPECT_EQ(reg().set_information(key_, info).error(), state_error::invalid_argument);
  EXPECT_EQ(reg().set_access(key_, access_state::blocked, nul).error(), state_error::invalid_argument);
  EXPECT_EQ(reg().request_wipe(key_, wipe_kind::full, nul, 1).error(), state_error::invalid_argument);
  EXPECT_EQ(reg().request_wipe(key_, wipe_kind::none, "a", 1).error(), state_error::invalid_argument);
  EXPECT_EQ(reg().issue_pending_key(key_, 5, nul, "f").error(), state_error::invalid_argument);
  EXPECT_EQ(reg().issue_pending_key(key_, 0, "p", "f").error(), state_error::invalid_argument);
  EXPECT_EQ(reg().assign_policy(key_, long_id).error(), state_error::invalid_argument);
  EXPECT_EQ(reg().note_folder_sync(key_, nul, 1).error(), state_error::invalid_argument);
  EXPECT_EQ(reg().reset_sync_state(key_, nul).error(), state_error::invalid_argument);
  EXPECT_EQ(reg().put_policy({nul, "{}", 1}).error(), state_error::invalid_argument);
  EXPECT_EQ(reg().put_policy({"", "{}", 1}).error(), state_error::invalid_argument);
  EXPECT_EQ(reg().delete_policy(nul).error(), state_error::invalid_argument);
  EXPECT_EQ(reg().assign_user(nul, "p").error(), state_error::invalid_argument);
  EXPECT_EQ(reg().assign_user("u", nul).error(), state_error::invalid_argument);
  prov::device_filter f;
  f.user = nul;
  EXPECT_EQ(reg().list(f).error(), state_error::invalid_argument);
  // Hostile but valid bytes come back verbatim.
  const prov::device_key odd{"o'; DROP TABLE device; --", "\xff\xfe"};
  touch(odd);
  EXPECT_EQ(reg().find(odd)->key, odd);
}

TEST_F(DeviceRegistry, KeyExchange) {
  touch(key_);
  EXPECT_EQ(reg().confirm_key(key_, 11, 22, prov::compliance::applied, 5).error(), state_error::conflict);
  ASSERT_TRUE(reg().issue_pending_key(key_, 11, "strict", "abc"));
  auto d = reg().find(key_).value();
  EXPECT_EQ(d.pending_key, 11u);
  EXPECT_EQ(d.policy_key, 0u);
  EXPECT_EQ(d.policy_name, "strict");
  EXPECT_EQ(d.policy_fingerprint, "abc");
  EXPECT_EQ(reg().confirm_key(key_, 12, 22, prov::compliance::applied, 5).error(), state_error::conflict);
  ASSERT_TRUE(reg().confirm_key(key_, 11, 4000000000u, prov::compliance::partial, 5));
  d = reg().find(key_).value();
  EXPECT_EQ(d.policy_key, 4000000000u);
  EXPECT_EQ(d.pending_key, 0u);
  EXPECT_EQ(d.compliance_state, prov::compliance::partial);
  EXPECT_EQ(d.provisioned_at, 5);
  // The acknowledgement is not accepted twice.
  EXPECT_EQ(reg().confirm_key(key_, 11, 23, prov::compliance::applied, 6).error(), state_error::conflict);
  // A new exchange forgets the old final key: the fingerprint now names the new policy.
  ASSERT_TRUE(reg().issue_pending_key(key_, 33, "default", "def"));
  EXPECT_EQ(reg().find(key_)->policy_key, 0u);
  ASSERT_TRUE(reg().clear_keys(key_));
  d = reg().find(key_).value();
  EXPECT_EQ(d.policy_key, 0u);
  EXPECT_EQ(d.pending_key, 0u);

  const prov::device_key nobody{"x", "y"};
  EXPECT_EQ(reg().issue_pending_key(nobody, 1, "p", "f").error(), state_error::not_found);
  EXPECT_EQ(reg().confirm_key(nobody, 1, 2, prov::compliance::applied, 1).error(), state_error::not_found);
  EXPECT_EQ(reg().clear_keys(nobody).error(), state_error::not_found);
}

TEST_F(DeviceRegistry, AccessAndAssignment) {
  touch(key_);
  ASSERT_TRUE(reg().set_access(key_, access_state::blocked, "admin root"));
  auto d = reg().find(key_).value();
  EXPECT_EQ(d.access, access_state::blocked);
  EXPECT_EQ(d.access_reason, "admin root");
  const auto g0 = reg().policy_generation().value();
  ASSERT_TRUE(reg().assign_policy(key_, "strict"));
  EXPECT_EQ(reg().find(key_)->assigned_policy, "strict");
  EXPECT_GT(reg().policy_generation().value(), g0);
  EXPECT_EQ(reg().set_access({"x", "y"}, access_state::allowed, "").error(), state_error::not_found);
  EXPECT_EQ(reg().assign_policy({"x", "y"}, "p").error(), state_error::not_found);
}

TEST_F(DeviceRegistry, WipeLifecycle) {
  touch(key_);
  // Nothing requested: nothing to cancel, deliver or acknowledge.
  EXPECT_EQ(reg().cancel_wipe(key_).error(), state_error::conflict);
  EXPECT_EQ(reg().mark_wipe_delivered(key_, 1).error(), state_error::conflict);
  EXPECT_EQ(reg().acknowledge_wipe(key_, true, 1).error(), state_error::conflict);

  ASSERT_TRUE(reg().request_wipe(key_, wipe_kind::account_only, "root", 100));
  auto d = reg().find(key_).value();
  EXPECT_EQ(d.wipe, wipe_kind::account_only);
  EXPECT_EQ(d.wipe_status, wipe_state::requested);
  EXPECT_EQ(d.wipe_requested_by, "root");
  EXPECT_EQ(d.wipe_requested_at, 100);
  EXPECT_EQ(reg().request_wipe(key_, wipe_kind::full, "root", 101).error(), state_error::conflict);
  EXPECT_EQ(reg().acknowledge_wipe(key_, true, 102).error(), state_error::conflict);  // not delivered yet
  EXPECT_EQ(reg().clear_wipe(key_).error(), state_error::conflict);

  ASSERT_TRUE(reg().cancel_wipe(key_));
  d = reg().find(key_).value();
  EXPECT_EQ(d.wipe, wipe_kind::none);
  EXPECT_EQ(d.wipe_status, wipe_state::none);

  ASSERT_TRUE(reg().request_wipe(key_, wipe_kind::full, "root", 200));
  ASSERT_TRUE(reg().mark_wipe_delivered(key_, 210));
  ASSERT_TRUE(reg().mark_wipe_delivered(key_, 220));  // delivered again: the first time stays
  d = reg().find(key_).value();
  EXPECT_EQ(d.wipe_status, wipe_state::delivered);
  EXPECT_EQ(d.wipe_delivered_at, 210);
  EXPECT_EQ(reg().cancel_wipe(key_).error(), state_error::conflict);  // too late
  EXPECT_EQ(reg().request_wipe(key_, wipe_kind::full, "root", 221).error(), state_error::conflict);
  EXPECT_EQ(reg().clear_wipe(key_).error(), state_error::conflict);

  ASSERT_TRUE(reg().acknowledge_wipe(key_, true, 230));
  d = reg().find(key_).value();
  EXPECT_EQ(d.wipe_status, wipe_state::acknowledged);
  EXPECT_EQ(d.wipe_acknowledged_at, 230);
  EXPECT_EQ(d.wipe_requested_by, "root");
  EXPECT_EQ(reg().acknowledge_wipe(key_, true, 231).error(), state_error::conflict);
  EXPECT_EQ(reg().mark_wipe_delivered(key_, 231).error(), state_error::conflict);

  // A finished wipe may be requested again, or cleared by an admin's allow.
  ASSERT_TRUE(reg().request_wipe(key_, wipe_kind::full, "bob", 300));
  EXPECT_EQ(reg().find(key_)->wipe_delivered_at, 0);
  ASSERT_TRUE(reg().mark_wipe_delivered(key_, 310));
  ASSERT_TRUE(reg().acknowledge_wipe(key_, false, 320));
  EXPECT_EQ(reg().find(key_)->wipe_status, wipe_state::failed);
  ASSERT_TRUE(reg().clear_wipe(key_));
  d = reg().find(key_).value();
  EXPECT_EQ(d.wipe, wipe_kind::none);
  EXPECT_EQ(d.wipe_status, wipe_state::none);
  EXPECT_EQ(d.wipe_requested_at, 0);
  EXPECT_EQ(d.wipe_acknowledged_at, 0);
  ASSERT_TRUE(reg().clear_wipe(key_));  // already none: fine

  const prov::device_key nobody{"x", "y"};
  EXPECT_EQ(reg().request_wipe(nobody, wipe_kind::full, "r", 1).error(), state_error::not_found);
  EXPECT_EQ(reg().cancel_wipe(nobody).error(), state_error::not_found);
  EXPECT_EQ(reg().mark_wipe_delivered(nobody, 1).error(), state_error::not_found);
  EXPECT_EQ(reg().acknowledge_wipe(nobody, true, 1).error(), state_error::not_found);
  EXPECT_EQ(reg().clear_wipe(nobody).error(), state_error::not_found);
}

TEST_F(DeviceRegistry, FolderSyncTimes) {
  touch(key_);
  EXPECT_TRUE(reg().folder_syncs(key_).value().empty());
  ASSERT_TRUE(reg().note_folder_sync(key_, "5", 100));
  ASSERT_TRUE(reg().note_folder_sync(key_, "12", 110));
  ASSERT_TRUE(reg().note_folder_sync(key_, "5", 120));
  using v = std::vector<prov::folder_sync_time>;
  EXPECT_EQ(reg().folder_syncs(key_).value(), (v{{"12", 110}, {"5", 120}}));
  EXPECT_EQ(reg().note_folder_sync({"x", "y"}, "5", 1).error(), state_error::not_found);
  EXPECT_EQ(reg().folder_syncs({"x", "y"}).error(), state_error::not_found);
  EXPECT_EQ(reg().note_folder_sync(key_, "", 1).error(), state_error::invalid_argument);
}

TEST_F(DeviceRegistry, RemoveTakesTheSyncStateWithIt) {
  touch(key_);
  const device_ref ref{key_.user, key_.device_id};
  ASSERT_TRUE(store_->commit_sync_state(ref, "5", sync_key{}, {"c", {}, {}}, std::string("opts")));
  ASSERT_TRUE(store_->commit_folder_state(ref, sync_key{}, {{"5", "0", "Inbox", 2}}));
  ASSERT_TRUE(reg().note_folder_sync(key_, "5", 10));
  ASSERT_TRUE(reg().remove(key_));
  EXPECT_EQ(reg().find(key_).error(), state_error::not_found);
  for (const char* sql : {"SELECT count(*) FROM device", "SELECT count(*) FROM collection",
                          "SELECT count(*) FROM sync_state", "SELECT count(*) FROM folder_hierarchy",
                          "SELECT count(*) FROM folder_entry", "SELECT count(*) FROM device_folder_sync"}) {
    EXPECT_EQ(count_rows(path_, sql), 0) << sql;
  }
  EXPECT_EQ(reg().remove(key_).error(), state_error::not_found);
}

TEST_F(DeviceRegistry, ResetSyncStateOneOrAll) {
  touch(key_);
  const device_ref ref{key_.user, key_.device_id};
  const auto k5 = store_->commit_sync_state(ref, "5", sync_key{}, {"c5", {}, {}}, std::nullopt).value();
  const auto k6 = store_->commit_sync_state(ref, "6", sync_key{}, {"c6", {}, {}}, std::nullopt).value();
  const auto kf = store_->commit_folder_state(ref, sync_key{}, {{"5", "0", "Inbox", 2}}).value();

  ASSERT_TRUE(reg().reset_sync_state(key_, "5"));
  EXPECT_EQ(store_->load_sync_state(ref, "5", k5).error(), state_error::unknown_key);
  EXPECT_TRUE(store_->load_sync_state(ref, "6", k6));
  EXPECT_TRUE(store_->load_folder_state(ref, kf));
  ASSERT_TRUE(reg().reset_sync_state(key_, "5"));  // nothing left there: still fine

  ASSERT_TRUE(reg().reset_sync_state(key_, ""));
  EXPECT_EQ(store_->load_sync_state(ref, "6", k6).error(), state_error::unknown_key);
  EXPECT_EQ(store_->load_folder_state(ref, kf).error(), state_error::unknown_key);
  EXPECT_TRUE(reg().find(key_));  // the registry row stays
  EXPECT_EQ(reg().reset_sync_state({"x", "y"}, "").error(), state_error::not_found);
}

TEST_F(DeviceRegistry, PoliciesAndAssignments) {
  EXPECT_EQ(reg().policy_generation().value(), 0);
  EXPECT_TRUE(reg().stored_policies().value().empty());
  ASSERT_TRUE(reg().put_policy({"strict", R"({"name":"strict"})", 10}));
  ASSERT_TRUE(reg().put_policy({"lax", R"({"name":"lax"})", 11}));
  ASSERT_TRUE(reg().put_policy({"strict", R"({"name":"strict","allow_camera":false})", 12}));
  auto stored = reg().stored_policies().value();
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].name, "lax");
  EXPECT_EQ(stored[1].name, "strict");
  EXPECT_EQ(stored[1].json, R"({"name":"strict","allow_camera":false})");
  EXPECT_EQ(stored[1].updated, 12);
  EXPECT_EQ(reg().policy_generation().value(), 3);

  ASSERT_TRUE(reg().assign_user("bob", "strict"));
  ASSERT_TRUE(reg().assign_user("alice", "lax"));
  ASSERT_TRUE(reg().assign_user("bob", "lax"));
  auto users = reg().user_assignments().value();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].user, "alice");
  EXPECT_EQ(users[1].user, "bob");
  EXPECT_EQ(users[1].policy, "lax");
  ASSERT_TRUE(reg().assign_user("bob", ""));
  EXPECT_EQ(reg().user_assignments().value().size(), 1u);
  EXPECT_EQ(reg().policy_generation().value(), 7);

  ASSERT_TRUE(reg().delete_policy("strict"));
  EXPECT_EQ(reg().delete_policy("strict").error(), state_error::not_found);
  EXPECT_EQ(reg().stored_policies().value().size(), 1u);
  EXPECT_EQ(reg().policy_generation().value(), 8);
}

TEST_F(DeviceRegistry, TwoStoresOnOneFileSeeEachOther) {
  auto other = sqlite_state_store::open(path_).value();
  prov::device_registry& b = *other;
  touch(key_);
  EXPECT_EQ(b.find(key_)->device_type, "iPhone");
  ASSERT_TRUE(b.request_wipe(key_, wipe_kind::full, "cli", 5));
  EXPECT_EQ(reg().find(key_)->wipe_status, wipe_state::requested);

  const auto g = reg().policy_generation().value();
  ASSERT_TRUE(b.put_policy({"p", "{}", 1}));
  EXPECT_EQ(reg().policy_generation().value(), g + 1);
  ASSERT_TRUE(reg().assign_user("alice", "p"));
  EXPECT_EQ(b.policy_generation().value(), g + 2);
  EXPECT_EQ(b.user_assignments().value().size(), 1u);
  ASSERT_TRUE(b.remove(key_));
  EXPECT_EQ(reg().find(key_).error(), state_error::not_found);
}

TEST_F(DeviceRegistry, SchemaHasTheRegistryMigration) { EXPECT_GE(detail::schema_version(), 2); }

}  // namespace
}  // namespace easd::state
