// Schema migration, reopening, crash safety across processes, and concurrent writers.
#include "eas/protocol/state/error.hpp"
#include "eas/protocol/state/schema.hpp"
#include "eas/protocol/state/sqlite_state_store.hpp"
#include "tests/eas/protocol/state/temp_dir.hpp"

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

namespace easd::state {
namespace {

int file_user_version(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr);
  int v = -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

void set_user_version(const std::string& path, int v) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  const std::string sql = "PRAGMA user_version = " + std::to_string(v);
  sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
}

TEST(SqliteDurability, MigratesEmptyFileAndReopensIdempotently) {
  test::temp_dir dir;
  const auto path = dir.file("state.db");
  { std::ofstream touch(path); }  // an existing empty file is a new database
  sync_key k;
  {
    auto store = sqlite_state_store::open(path);
    ASSERT_TRUE(store) << store.error().message();
    EXPECT_EQ(file_user_version(path), detail::schema_version());
    k = (*store)->commit_sync_state({"u", "d"}, "1", sync_key{}, {"c", {}, {}}, std::nullopt).value();
  }
  for (int i = 0; i < 3; ++i) {
    auto store = sqlite_state_store::open(path);
    ASSERT_TRUE(store) << store.error().message();
    EXPECT_EQ(file_user_version(path), detail::schema_version());
    EXPECT_EQ((*store)->load_sync_state({"u", "d"}, "1", k).value().state.cursor, "c");
  }
}

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

TEST(SqliteDurability, PruningAndRemovalLeaveNoOrphans) {
  test::temp_dir dir;
  const auto path = dir.file("state.db");
  auto store = sqlite_state_store::open(path).value();
  const device_ref dev{"u", "d"};
  sync_key key;
  for (int i = 0; i < 5; ++i) {
    sync_state s{"c", {{"p" + std::to_string(i), change_kind::change}}, {{"c" + std::to_string(i), "s"}}};
    key = store->commit_sync_state(dev, "1", key, s, std::nullopt).value();
  }
  ASSERT_TRUE(store->commit_folder_state(dev, sync_key{}, {{"1", "0", "Inbox", 2}}));
  EXPECT_EQ(count_rows(path, "SELECT count(*) FROM sync_state"), 2);
  EXPECT_EQ(count_rows(path, "SELECT count(*) FROM pending_item"), 2);
  EXPECT_EQ(count_rows(path, "SELECT count(*) FROM client_add"), 2);
  ASSERT_TRUE(store->remove_device(dev));
  for (const char* sql : {"SELECT count(*) FROM collection", "SELECT count(*) FROM sync_state",
                          "SELECT count(*) FROM pending_item", "SELECT count(*) FROM client_add",
                          "SELECT count(*) FROM folder_hierarchy", "SELECT count(*) FROM folder_snapshot",
                          "SELECT count(*) FROM folder_entry"}) {
    EXPECT_EQ(count_rows(path, sql), 0) << sql;
  }
}

TEST(SqliteDurability, NewerSchemaIsRefused) {
  test::temp_dir dir;
  const auto path = dir.file("state.db");
  ASSERT_TRUE(sqlite_state_store::open(path));
  set_user_version(path, detail::schema_version() + 1);
  auto store = sqlite_state_store::open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error(), state_error::schema_too_new);
}

TEST(SqliteDurability, GarbageFileIsCorrupt) {
  test::temp_dir dir;
  const auto path = dir.file("state.db");
  {
    std::ofstream out(path, std::ios::binary);
    out << std::string(8192, '\x5a');
  }
  auto store = sqlite_state_store::open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error(), state_error::corrupt);
}

TEST(SqliteDurability, CommitSurvivesAChildThatDiesWithoutClosing) {
  test::temp_dir dir;
  const auto path = dir.file("state.db");
  const device_ref dev{"alice", "dev1"};
  sync_key k1;
  {
    auto store = sqlite_state_store::open(path).value();
    k1 = store->commit_sync_state(dev, "5", sync_key{}, {"n1", {}, {}}, std::nullopt).value();
  }
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // No destructors, no close, no checkpoint: the commit must already be durable in the WAL.
    auto store = sqlite_state_store::open(path);
    if (!store) ::_exit(2);
    auto k2 = (*store)->commit_sync_state(dev, "5", k1, {"n2", {{"x", change_kind::add}}, {}}, std::nullopt);
    ::_exit(k2 && k2->counter == 2 ? 0 : 3);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);

  auto store = sqlite_state_store::open(path).value();
  const sync_key k2{k1.uuid, 2};
  EXPECT_EQ(store->latest_sync_key(dev, "5").value(), k2);
  auto latest = store->load_sync_state(dev, "5", k2).value();
  EXPECT_EQ(latest.state.cursor, "n2");
  ASSERT_EQ(latest.state.pending.size(), 1u);
  auto kept = store->load_sync_state(dev, "5", k1).value();  // N kept for a replay
  EXPECT_EQ(kept.state.cursor, "n1");
  ASSERT_TRUE(kept.issued);
  EXPECT_EQ(kept.issued->cursor, "n2");
}

TEST(SqliteDurability, ConcurrentWritersForDifferentDevices) {
  test::temp_dir dir;
  auto store = sqlite_state_store::open(dir.file("state.db")).value();
  constexpr int threads = 4;
  constexpr int rounds = 25;
  std::vector<std::thread> workers;
  std::vector<int> failures(threads, 0);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&store, &failures, t] {
      const device_ref dev{"user", "device" + std::to_string(t)};
      sync_key key;
      for (int i = 0; i < rounds; ++i) {
        sync_state s{"cursor" + std::to_string(i), {}, {{"c" + std::to_string(i), std::to_string(t)}}};
        auto next = store->commit_sync_state(dev, "1", key, s, std::nullopt);
        if (!next) {
          ++failures[t];
          return;
        }
        key = *next;
        if (!store->folder_server_id("user", "folder" + std::to_string(i))) ++failures[t];
      }
    });
  }
  for (auto& w : workers) w.join();
  for (int t = 0; t < threads; ++t) {
    EXPECT_EQ(failures[t], 0) << t;
    const device_ref dev{"user", "device" + std::to_string(t)};
    auto key = store->latest_sync_key(dev, "1").value();
    EXPECT_EQ(key.counter, static_cast<std::uint32_t>(rounds));
    EXPECT_EQ(store->load_sync_state(dev, "1", key).value().state.cursor, "cursor" + std::to_string(rounds - 1));
  }
  // Every folder identity got exactly one id, whichever thread asked first.
  auto ids = store->folder_ids("user").value();
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(rounds));
}

}  // namespace
}  // namespace easd::state
