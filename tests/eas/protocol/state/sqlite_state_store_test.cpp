#include "eas/protocol/state/sqlite_state_store.hpp"

#include "eas/protocol/state/error.hpp"
#include "eas/protocol/state/mail_cursor.hpp"
#include "eas/core/blocking_pool.hpp"
#include "tests/eas/protocol/state/temp_dir.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>

namespace easd::state {
namespace {

class SqliteStateStore : public ::testing::Test {
protected:
  void SetUp() override {
    auto s = sqlite_state_store::open(dir_.file("state.db"));
    ASSERT_TRUE(s) << s.error().message();
    store_ = std::move(*s);
  }

  static sync_state state_with(const std::string& cursor) {
    sync_state s;
    s.cursor = cursor;
    return s;
  }

  test::temp_dir dir_;
  std::unique_ptr<sqlite_state_store> store_;
  const device_ref dev_{"alice@example.test", "ApplDNPXK0000001"};
};

TEST_F(SqliteStateStore, FileIsPrivate) {
  struct stat st {};
  ASSERT_EQ(::stat(dir_.file("state.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
}

TEST_F(SqliteStateStore, DeviceTouchFindRemove) {
  EXPECT_EQ(store_->find_device(dev_).error(), state_error::not_found);
  ASSERT_TRUE(store_->touch_device(dev_, "iPhone", 100));
  ASSERT_TRUE(store_->touch_device(dev_, "iPhone15", 200));
  auto d = store_->find_device(dev_);
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, (device_record{"iPhone15", 100, 200}));
  ASSERT_TRUE(store_->remove_device(dev_));
  EXPECT_EQ(store_->find_device(dev_).error(), state_error::not_found);
  EXPECT_EQ(store_->remove_device(dev_).error(), state_error::not_found);
}

TEST_F(SqliteStateStore, InitialKeyLoadsEmpty) {
  auto loaded = store_->load_sync_state(dev_, "5", sync_key{});
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->state, sync_state{});
  EXPECT_FALSE(loaded->issued);
}

TEST_F(SqliteStateStore, ChainAdvancesAndKeepsOnlyTwoKeys) {
  auto k1 = store_->commit_sync_state(dev_, "5", sync_key{}, state_with("c1"), std::string("opts"));
  ASSERT_TRUE(k1) << k1.error().message();
  EXPECT_EQ(k1->counter, 1u);
  auto k2 = store_->commit_sync_state(dev_, "5", *k1, state_with("c2"), std::nullopt);
  ASSERT_TRUE(k2);
  EXPECT_EQ(*k2, (sync_key{k1->uuid, 2}));
  auto k3 = store_->commit_sync_state(dev_, "5", *k2, state_with("c3"), std::nullopt);
  ASSERT_TRUE(k3);
  EXPECT_EQ(store_->latest_sync_key(dev_, "5").value(), *k3);

  auto at3 = store_->load_sync_state(dev_, "5", *k3);
  ASSERT_TRUE(at3);
  EXPECT_EQ(at3->state.cursor, "c3");
  EXPECT_FALSE(at3->issued);
  EXPECT_EQ(at3->options, "opts");  // kept when a commit gives none
  EXPECT_EQ(store_->load_sync_state(dev_, "5", *k2).value().state.cursor, "c2");
  EXPECT_EQ(store_->load_sync_state(dev_, "5", *k1).error(), state_error::unknown_key);
  EXPECT_EQ(store_->commit_sync_state(dev_, "5", *k1, state_with("x"), std::nullopt).error(),
            state_error::unknown_key);
}

TEST_F(SqliteStateStore, RepeatedKeyReplaysSavedState) {
  sync_state s1;
  s1.cursor = "c1";
  s1.pending = {{"a:1", change_kind::add}, {"a:2", change_kind::soft_delete}};
  auto k1 = store_->commit_sync_state(dev_, "5", sync_key{}, s1, std::nullopt).value();
  sync_state s2;
  s2.cursor = "c2";
  s2.client_adds = {{"client-1", "5:100"}, {"client-2", "5:101"}};
  auto k2 = store_->commit_sync_state(dev_, "5", k1, s2, std::nullopt).value();

  // The client lost the response with k2 and presents k1 again.
  auto replay = store_->load_sync_state(dev_, "5", k1);
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->state, s1);
  ASSERT_TRUE(replay->issued);
  EXPECT_EQ(*replay->issued, s2);  // the ClientId map answers the retried Adds

  // Processing k1 again issues the same k2 and replaces its state.
  sync_state s2b = s2;
  s2b.cursor = "c2b";
  auto again = store_->commit_sync_state(dev_, "5", k1, s2b, std::nullopt);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, k2);
  EXPECT_EQ(store_->load_sync_state(dev_, "5", k2).value().state, s2b);
  EXPECT_EQ(store_->load_sync_state(dev_, "5", k1).value().state, s1);
}

TEST_F(SqliteStateStore, AmendLatestEditsTheNewestStateInPlace) {
  // No chain: nothing to amend.
  EXPECT_EQ(store_->amend_latest_sync_state(dev_, "5", [](sync_state&) { return true; }).value(), false);
  auto k1 = store_->commit_sync_state(dev_, "5", sync_key{}, state_with("c1"), std::nullopt).value();
  sync_state s2;
  s2.cursor = "c2";
  s2.pending = {{"5:1", change_kind::remove}, {"5:2", change_kind::change}};
  s2.client_adds = {{"client-1", "5:100"}};
  auto k2 = store_->commit_sync_state(dev_, "5", k1, s2, std::nullopt).value();

  auto amended = store_->amend_latest_sync_state(dev_, "5", [](sync_state& s) {
    s.cursor = "c2-moved";
    s.pending.erase(s.pending.begin());
    return true;
  });
  ASSERT_TRUE(amended);
  EXPECT_TRUE(*amended);
  EXPECT_EQ(store_->latest_sync_key(dev_, "5").value(), k2);  // the key does not advance
  const auto now = store_->load_sync_state(dev_, "5", k2).value().state;
  EXPECT_EQ(now.cursor, "c2-moved");
  EXPECT_EQ(now.pending, (std::vector<pending_item>{{"5:2", change_kind::change}}));
  EXPECT_EQ(now.client_adds, s2.client_adds);
  EXPECT_EQ(store_->load_sync_state(dev_, "5", k1).value().state, state_with("c1"));  // N-1 untouched

  // edit() declining leaves everything as it was.
  EXPECT_EQ(store_->amend_latest_sync_state(dev_, "5", [](sync_state& s) {
    s.cursor = "ignored";
    return false;
  }).value(), false);
  EXPECT_EQ(store_->load_sync_state(dev_, "5", k2).value().state.cursor, "c2-moved");
}

TEST_F(SqliteStateStore, ForgedKeysAreUnknown) {
  auto k1 = store_->commit_sync_state(dev_, "5", sync_key{}, state_with("c1"), std::nullopt).value();
  const sync_key other_uuid{new_key_uuid(), 1};
  const sync_key future{k1.uuid, 2};
  const sync_key far_future{k1.uuid, max_key_counter};
  for (const auto& key : {other_uuid, future, far_future}) {
    EXPECT_EQ(store_->load_sync_state(dev_, "5", key).error(), state_error::unknown_key) << key.to_string();
    EXPECT_EQ(store_->commit_sync_state(dev_, "5", key, state_with("x"), std::nullopt).error(),
              state_error::unknown_key);
  }
  // Another collection, another device, another user: the key means nothing there.
  EXPECT_EQ(store_->load_sync_state(dev_, "6", k1).error(), state_error::unknown_key);
  EXPECT_EQ(store_->load_sync_state(device_ref{dev_.user, "other"}, "5", k1).error(), state_error::unknown_key);
  EXPECT_EQ(store_->load_sync_state(device_ref{"bob", dev_.device_id}, "5", k1).error(), state_error::unknown_key);
  EXPECT_EQ(store_->latest_sync_key(dev_, "6").error(), state_error::unknown_key);
}

TEST_F(SqliteStateStore, KeyZeroStartsANewChain) {
  auto k1 = store_->commit_sync_state(dev_, "5", sync_key{}, state_with("c1"), std::string("o1")).value();
  auto k2 = store_->commit_sync_state(dev_, "5", k1, state_with("c2"), std::nullopt).value();
  auto fresh = store_->commit_sync_state(dev_, "5", sync_key{}, state_with("n1"), std::nullopt).value();
  EXPECT_NE(fresh.uuid, k1.uuid);
  EXPECT_EQ(fresh.counter, 1u);
  EXPECT_EQ(store_->load_sync_state(dev_, "5", k2).error(), state_error::unknown_key);
  auto loaded = store_->load_sync_state(dev_, "5", fresh).value();
  EXPECT_EQ(loaded.state.cursor, "n1");
  EXPECT_EQ(loaded.options, "");  // key 0 without options clears them
}

TEST_F(SqliteStateStore, ResetCollectionAndRemoveDevice) {
  auto a = store_->commit_sync_state(dev_, "5", sync_key{}, state_with("a"), std::nullopt).value();
  auto b = store_->commit_sync_state(dev_, "6", sync_key{}, state_with("b"), std::nullopt).value();
  ASSERT_TRUE(store_->reset_collection(dev_, "5"));
  ASSERT_TRUE(store_->reset_collection(dev_, "5"));  // nothing left: still fine
  ASSERT_TRUE(store_->reset_collection(device_ref{"nobody", "x"}, "5"));
  EXPECT_EQ(store_->load_sync_state(dev_, "5", a).error(), state_error::unknown_key);
  EXPECT_TRUE(store_->load_sync_state(dev_, "6", b));
  auto f = store_->commit_folder_state(dev_, sync_key{}, {{"1", "0", "Inbox", 2}}).value();
  ASSERT_TRUE(store_->remove_device(dev_));
  EXPECT_EQ(store_->load_sync_state(dev_, "6", b).error(), state_error::unknown_key);
  EXPECT_EQ(store_->load_folder_state(dev_, f).error(), state_error::unknown_key);
}

TEST_F(SqliteStateStore, OptionsAndCursorBlobsAreBinarySafe) {
  mail_cursor c;
  c.uidvalidity = 42;
  c.known.add_range(1, 1000);
  const std::string options("\x00\x01\xff' OR 1=1; --", 16);
  auto k = store_->commit_sync_state(dev_, "5", sync_key{}, state_with(c.serialize()), options).value();
  auto loaded = store_->load_sync_state(dev_, "5", k).value();
  EXPECT_EQ(mail_cursor::parse(loaded.state.cursor).value(), c);
  EXPECT_EQ(loaded.options, options);
  const std::string replaced("\x00", 1);
  auto k2 = store_->commit_sync_state(dev_, "5", k, state_with(""), replaced).value();
  EXPECT_EQ(store_->load_sync_state(dev_, "5", k2).value().options, replaced);
}

TEST_F(SqliteStateStore, SqlMetacharactersAreStoredVerbatim) {
  const device_ref evil{"x'); DROP TABLE device; --\"\\%_*", "dev' OR '1'='1"};
  const std::string collection = "5'; DELETE FROM sync_state; --";
  ASSERT_TRUE(store_->touch_device(evil, "type\"'`;", 1));
  ASSERT_TRUE(store_->touch_device(dev_, "iPhone", 1));
  sync_state s;
  s.pending = {{"id' --", change_kind::change}};
  s.client_adds = {{"c'1\"", "s;2"}};
  auto k = store_->commit_sync_state(evil, collection, sync_key{}, s, std::nullopt).value();
  EXPECT_EQ(store_->find_device(evil).value().device_type, "type\"'`;");
  EXPECT_EQ(store_->load_sync_state(evil, collection, k).value().state, s);
  EXPECT_TRUE(store_->find_device(dev_));  // the other device survived
  // LIKE-style wildcards are not wildcards in equality comparisons.
  EXPECT_EQ(store_->find_device(device_ref{"%", "%"}).error(), state_error::not_found);
}

TEST_F(SqliteStateStore, OversizeAndNulArgumentsAreRejected) {
  const device_ref nul{std::string("a\0b", 3), "d"};
  EXPECT_EQ(store_->touch_device(nul, "t", 1).error(), state_error::invalid_argument);
  const device_ref huge{std::string(max_id_size + 1, 'a'), "d"};
  EXPECT_EQ(store_->find_device(huge).error(), state_error::invalid_argument);
  EXPECT_EQ(store_->commit_sync_state(dev_, std::string(max_id_size + 1, '5'), sync_key{}, {}, std::nullopt).error(),
            state_error::invalid_argument);
}

TEST_F(SqliteStateStore, FolderIdsAreStableAndNeverReused) {
  auto inbox = store_->folder_server_id(dev_.user, "INBOX").value();
  auto sent = store_->folder_server_id(dev_.user, "Sent").value();
  EXPECT_EQ(inbox, "1");
  EXPECT_EQ(sent, "2");
  EXPECT_EQ(store_->folder_server_id(dev_.user, "INBOX").value(), inbox);
  EXPECT_EQ(store_->folder_server_id("bob", "INBOX").value(), "1");  // per user

  ASSERT_TRUE(store_->rename_folder_identity(dev_.user, "Sent", "Sent Items"));
  EXPECT_EQ(store_->folder_server_id(dev_.user, "Sent Items").value(), sent);
  EXPECT_EQ(store_->rename_folder_identity(dev_.user, "Sent", "X").error(), state_error::not_found);
  EXPECT_EQ(store_->rename_folder_identity(dev_.user, "INBOX", "Sent Items").error(), state_error::conflict);

  ASSERT_TRUE(store_->forget_folder_identity(dev_.user, "Sent Items"));
  EXPECT_EQ(store_->folder_server_id(dev_.user, "Sent Items").value(), "3");  // 2 is not reused
  auto ids = store_->folder_ids(dev_.user).value();
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0], (std::pair<std::string, std::string>{"INBOX", "1"}));
  EXPECT_EQ(ids[1], (std::pair<std::string, std::string>{"Sent Items", "3"}));
}

// How handlers use the store: from a coroutine on an io thread, through the blocking pool.
boost::asio::awaitable<void> commit_from_coroutine(blocking_pool& pool, sqlite_state_store& store, device_ref dev,
                                             result<sync_key>& out) {
  mark_io_thread();
  sqlite_state_store* s = &store;
  const device_ref* d = &dev;
  out = co_await run_blocking(pool, [s, d] {
    return s->commit_sync_state(*d, "5", sync_key{}, sync_state{"c", {}, {}}, std::nullopt);
  });
  unmark_io_thread();
}

TEST_F(SqliteStateStore, WorksThroughTheBlockingPool) {
  boost::asio::io_context io;
  blocking_pool pool(1);
  const auto before = blocking_violations();
  result<sync_key> key = make_error_code(state_error::io);
  boost::asio::co_spawn(boost::asio::make_strand(io), commit_from_coroutine(pool, *store_, dev_, key),
                        boost::asio::detached);
  io.run();
  ASSERT_TRUE(key) << key.error().message();
  EXPECT_EQ(key->counter, 1u);
  EXPECT_EQ(blocking_violations(), before);
}

#ifdef NDEBUG
TEST_F(SqliteStateStore, CallOnAnIoThreadIsCaught) {
  const auto before = blocking_violations();
  mark_io_thread();
  (void)store_->find_device(dev_);
  unmark_io_thread();
  EXPECT_GT(blocking_violations(), before);
}
#endif

}  // namespace
}  // namespace easd::state
