#include "eas/protocol/state/error.hpp"
#include "eas/protocol/state/sqlite_state_store.hpp"
#include "tests/eas/protocol/state/temp_dir.hpp"

#include <gtest/gtest.h>

namespace easd::state {
namespace {

class SqliteFolderState : public ::testing::Test {
protected:
  void SetUp() override { store_ = sqlite_state_store::open(dir_.file("state.db")).value(); }

  test::temp_dir dir_;
  std::unique_ptr<sqlite_state_store> store_;
  const device_ref dev_{"alice", "androidc123"};
  const std::vector<folder> v1_{{"1", "0", "Inbox", 2}, {"2", "0", "Sent", 5}};
  const std::vector<folder> v2_{{"1", "0", "Inbox", 2}, {"2", "0", "Sent Items", 5}, {"3", "1", "Kids' \"stuff\"", 12}};
};

TEST_F(SqliteFolderState, InitialKeyIsEmptyHierarchy) {
  auto f = store_->load_folder_state(dev_, sync_key{});
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->empty());
  EXPECT_EQ(store_->latest_folder_key(dev_).error(), state_error::unknown_key);
}

TEST_F(SqliteFolderState, ChainReplayAndPruning) {
  auto k1 = store_->commit_folder_state(dev_, sync_key{}, v1_).value();
  EXPECT_EQ(k1.counter, 1u);
  EXPECT_EQ(store_->load_folder_state(dev_, k1).value(), v1_);
  auto k2 = store_->commit_folder_state(dev_, k1, v2_).value();
  EXPECT_EQ(k2, (sync_key{k1.uuid, 2}));
  EXPECT_EQ(store_->latest_folder_key(dev_).value(), k2);
  // Lost response: k1 again gives the old list, and committing from it issues k2 once more.
  EXPECT_EQ(store_->load_folder_state(dev_, k1).value(), v1_);
  EXPECT_EQ(store_->commit_folder_state(dev_, k1, v2_).value(), k2);
  EXPECT_EQ(store_->load_folder_state(dev_, k2).value(), v2_);
  auto k3 = store_->commit_folder_state(dev_, k2, v2_).value();
  EXPECT_EQ(store_->load_folder_state(dev_, k1).error(), state_error::unknown_key);
  EXPECT_EQ(store_->load_folder_state(dev_, k3).value(), v2_);
  EXPECT_EQ(store_->load_folder_state(dev_, sync_key{k1.uuid, 4}).error(), state_error::unknown_key);
  EXPECT_EQ(store_->load_folder_state(dev_, sync_key{new_key_uuid(), 3}).error(), state_error::unknown_key);
}

TEST_F(SqliteFolderState, KeyZeroRestartsChainButKeepsServerIds) {
  auto inbox = store_->folder_server_id(dev_.user, "INBOX").value();
  auto k1 = store_->commit_folder_state(dev_, sync_key{}, v1_).value();
  auto fresh = store_->commit_folder_state(dev_, sync_key{}, {}).value();
  EXPECT_NE(fresh.uuid, k1.uuid);
  EXPECT_EQ(store_->load_folder_state(dev_, k1).error(), state_error::unknown_key);
  EXPECT_TRUE(store_->load_folder_state(dev_, fresh).value().empty());
  EXPECT_EQ(store_->folder_server_id(dev_.user, "INBOX").value(), inbox);
}

TEST_F(SqliteFolderState, HierarchiesArePerDevice) {
  const device_ref other{dev_.user, "second"};
  auto a = store_->commit_folder_state(dev_, sync_key{}, v1_).value();
  auto b = store_->commit_folder_state(other, sync_key{}, v2_).value();
  EXPECT_EQ(store_->load_folder_state(dev_, a).value(), v1_);
  EXPECT_EQ(store_->load_folder_state(other, b).value(), v2_);
  EXPECT_EQ(store_->load_folder_state(other, a).error(), state_error::unknown_key);
}

}  // namespace
}  // namespace easd::state
