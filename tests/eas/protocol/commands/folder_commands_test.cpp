#include "eas/protocol/commands/folders.hpp"

#include "tests/eas/protocol/commands/folder_test_support.hpp"

namespace easd::protocol::test {
namespace {

using backend::folder_role;
using backend::mail_error;

class FolderCommands : public FolderFixture {
protected:
  void SetUp() override {
    FolderFixture::SetUp();
    mail_.add_folder("Sent", folder_role::sent);
    mail_.add_folder("Work/Projects");
    auto r = folder_sync("0");
    key_ = r.text("FolderHierarchy:SyncKey");
    ids_ = ids_by_name(changes_of(r));
  }
  std::string key_;
  std::map<std::string, std::string> ids_;
};

// --- FolderCreate

TEST_F(FolderCommands, CreateReturnsServerIdAndANewKey) {
  auto r = folder_create(key_, ids_["Work"], "Reports");
  EXPECT_EQ(r.status(), 1u);
  expect_valid("FolderCreate", r);
  const auto id = r.text("FolderHierarchy:ServerId");
  const auto next = r.text("FolderHierarchy:SyncKey");
  EXPECT_FALSE(id.empty());
  EXPECT_NE(next, key_);
  EXPECT_NE(mail_.folder_id("Work/Reports"), "");
  // The device already knows the folder: the next FolderSync is quiet.
  auto s = folder_sync(next);
  EXPECT_EQ(s.status(), 1u);
  EXPECT_EQ(changes_of(s).count, 0u);
  // …and a full resync shows it with that ServerId under its parent.
  auto all = changes_of(folder_sync("0"));
  auto it = std::find_if(all.adds.begin(), all.adds.end(), [](const entry& e) { return e.name == "Reports"; });
  ASSERT_NE(it, all.adds.end());
  EXPECT_EQ(it->server_id, id);
  EXPECT_EQ(it->parent_id, ids_["Work"]);
}

TEST_F(FolderCommands, CreateAtTopLevelAndGenericType) {
  auto r = folder_create(key_, "0", "Top", "1");
  EXPECT_EQ(r.status(), 1u);
  EXPECT_NE(mail_.folder_id("Top"), "");
}

TEST_F(FolderCommands, CreateKeepsOtherChangesForFolderSync) {
  mail_.add_folder("Elsewhere");
  auto r = folder_create(key_, "0", "Mine");
  ASSERT_EQ(r.status(), 1u);
  auto c = changes_of(folder_sync(r.text("FolderHierarchy:SyncKey")));
  ASSERT_EQ(c.adds.size(), 1u);
  EXPECT_EQ(c.adds[0].name, "Elsewhere");
}

TEST_F(FolderCommands, CreateErrors) {
  EXPECT_EQ(folder_create(key_, "0", "Work").status(), 2u);
  EXPECT_EQ(folder_create(key_, "0", "INBOX").status(), 2u);
  EXPECT_EQ(folder_create(key_, "999", "x").status(), 5u);   // forged parent
  EXPECT_EQ(folder_create(key_, "01", "x").status(), 5u);
  EXPECT_EQ(folder_create(key_, "abc", "x").status(), 5u);
  EXPECT_EQ(folder_create(key_, "0", "x", "2").status(), 10u);  // default folder type
  EXPECT_EQ(folder_create(key_, "0", "x", "19").status(), 10u);
  EXPECT_EQ(folder_create(key_, "0", "x", "13").status(), 10u);  // no calendar source yet
  EXPECT_EQ(folder_create(key_, "0", "x", "012").status(), 10u);
  EXPECT_EQ(folder_create(key_, "0", "").status(), 10u);
  EXPECT_EQ(folder_create(key_, "0", std::string(257, 'a')).status(), 10u);
  EXPECT_EQ(folder_create(key_, "0", "bad\xff").status(), 10u);
  EXPECT_EQ(folder_create(key_, "0", "a/b").status(), 10u);  // the backend's invalid_name
  EXPECT_EQ(folder_create("0", "0", "x").status(), 9u);
  EXPECT_EQ(folder_create("junk", "0", "x").status(), 9u);
  mail_.fail_next(mail_error::refused, "create_folder");
  auto refused = folder_create(key_, "0", "x");
  EXPECT_EQ(refused.status(), 6u);
  EXPECT_TRUE(refused.text("FolderHierarchy:SyncKey").empty());
  expect_valid("FolderCreateError", refused);
  mail_.fail_next(make_error_code(boost::system::errc::connection_reset), "list_folders");
  EXPECT_EQ(folder_create(key_, ids_["Work"], "x").status(), 6u);

  auto missing = wbxml::element::named("FolderHierarchy:FolderCreate");
  missing.add("FolderHierarchy:SyncKey", key_);
  missing.add("FolderHierarchy:DisplayName", "x");
  auto r = send("FolderCreate", missing);
  EXPECT_EQ(r.status(), 10u);
  // None of the failures created anything or moved the key.
  EXPECT_EQ(folder_sync(key_).text("FolderHierarchy:SyncKey"), key_);
}

TEST_F(FolderCommands, CreateNeedsTheNewestKey) {
  auto r = folder_create(key_, "0", "One");
  ASSERT_EQ(r.status(), 1u);
  // key_ is now the previous key: not good enough for a change.
  EXPECT_EQ(folder_create(key_, "0", "Two").status(), 9u);
  EXPECT_EQ(folder_create(r.text("FolderHierarchy:SyncKey"), "0", "Two").status(), 1u);
}

// --- FolderUpdate

TEST_F(FolderCommands, UpdateRenamesAndMoves) {
  auto r = folder_update(key_, ids_["Projects"], "0", "Done");
  EXPECT_EQ(r.status(), 1u);
  expect_valid("FolderUpdate", r);
  EXPECT_NE(mail_.folder_id("Done"), "");
  auto next = r.text("FolderHierarchy:SyncKey");
  EXPECT_EQ(changes_of(folder_sync(next)).count, 0u);
  auto all = changes_of(folder_sync("0"));
  auto it = std::find_if(all.adds.begin(), all.adds.end(), [](const entry& e) { return e.name == "Done"; });
  ASSERT_NE(it, all.adds.end());
  EXPECT_EQ(it->server_id, ids_["Projects"]);
  EXPECT_EQ(it->parent_id, "0");
}

TEST_F(FolderCommands, UpdateKeepsServerIdsWhereBackendIdsAreNames) {
  mail_.use_names_as_ids(true);
  auto r0 = folder_sync("0");
  auto ids = ids_by_name(changes_of(r0));
  auto r = folder_update(r0.text("FolderHierarchy:SyncKey"), ids["Work"], "0", "Job");
  ASSERT_EQ(r.status(), 1u);
  EXPECT_EQ(mail_.folder_id("Job/Projects"), "Job/Projects");
  EXPECT_EQ(changes_of(folder_sync(r.text("FolderHierarchy:SyncKey"))).count, 0u);
  auto all = ids_by_name(changes_of(folder_sync("0")));
  EXPECT_EQ(all["Job"], ids["Work"]);
  EXPECT_EQ(all["Projects"], ids["Projects"]);
}

TEST_F(FolderCommands, UpdateErrors) {
  EXPECT_EQ(folder_update(key_, "999", "0", "x").status(), 4u);
  EXPECT_EQ(folder_update(key_, "1:2", "0", "x").status(), 4u);
  EXPECT_EQ(folder_update(key_, ids_["Inbox"], "0", "x").status(), 2u);
  EXPECT_EQ(folder_update(key_, ids_["Sent"], "0", "x").status(), 2u);
  EXPECT_EQ(folder_update(key_, ids_["Projects"], "0", "Work").status(), 2u);
  EXPECT_EQ(folder_update(key_, ids_["Work"], "999", "x").status(), 5u);
  EXPECT_EQ(folder_update(key_, ids_["Work"], ids_["Projects"], "x").status(), 10u);
  EXPECT_EQ(folder_update(key_, ids_["Work"], ids_["Work"], "x").status(), 10u);
  EXPECT_EQ(folder_update(key_, ids_["Work"], "0", "").status(), 10u);
  EXPECT_EQ(folder_update("junk", ids_["Work"], "0", "x").status(), 9u);
  mail_.fail_next(mail_error::refused, "rename_folder");
  auto r = folder_update(key_, ids_["Work"], "0", "x");
  EXPECT_EQ(r.status(), 6u);
  expect_valid("FolderUpdateError", r);
  auto missing = wbxml::element::named("FolderHierarchy:FolderUpdate");
  missing.add("FolderHierarchy:ServerId", ids_["Work"]);
  missing.add("FolderHierarchy:ParentId", "0");
  missing.add("FolderHierarchy:DisplayName", "x");
  EXPECT_EQ(send("FolderUpdate", missing).status(), 10u);
  EXPECT_NE(mail_.folder_id("Work"), "");
}

// --- FolderDelete

TEST_F(FolderCommands, DeleteRemovesTheSubtree) {
  auto r = folder_delete(key_, ids_["Work"]);
  EXPECT_EQ(r.status(), 1u);
  expect_valid("FolderDelete", r);
  EXPECT_EQ(mail_.folder_id("Work"), "");
  EXPECT_EQ(mail_.folder_id("Work/Projects"), "");
  EXPECT_EQ(changes_of(folder_sync(r.text("FolderHierarchy:SyncKey"))).count, 0u);
  // A new folder of the same name is a new folder to the device.
  mail_.add_folder("Work");
  auto all = ids_by_name(changes_of(folder_sync("0")));
  EXPECT_NE(all["Work"], ids_["Work"]);
}

TEST_F(FolderCommands, DeleteIsSeenByOtherDevices) {
  device_ = "dev2";
  auto other = folder_sync("0").text("FolderHierarchy:SyncKey");
  device_ = "dev1";
  ASSERT_EQ(folder_delete(key_, ids_["Projects"]).status(), 1u);
  device_ = "dev2";
  auto c = changes_of(folder_sync(other));
  EXPECT_EQ(c.deletes, std::vector<std::string>{ids_["Projects"]});
}

TEST_F(FolderCommands, DeleteErrors) {
  EXPECT_EQ(folder_delete(key_, ids_["Inbox"]).status(), 3u);
  EXPECT_EQ(folder_delete(key_, ids_["Sent"]).status(), 3u);
  EXPECT_EQ(folder_delete(key_, "999").status(), 4u);
  EXPECT_EQ(folder_delete(key_, "").status(), 4u);
  EXPECT_EQ(folder_delete("junk", ids_["Work"]).status(), 9u);
  mail_.protect_folder(mail_.folder_id("Work"));
  EXPECT_EQ(folder_delete(key_, ids_["Work"]).status(), 3u);
  mail_.fail_next(make_error_code(boost::system::errc::connection_reset), "delete_folder");
  auto r = folder_delete(key_, ids_["Projects"]);
  EXPECT_EQ(r.status(), 6u);
  expect_valid("FolderDeleteError", r);
  auto missing = wbxml::element::named("FolderHierarchy:FolderDelete");
  missing.add("FolderHierarchy:SyncKey", key_);
  EXPECT_EQ(send("FolderDelete", missing).status(), 10u);
}

TEST_F(FolderCommands, Version121UsesTheSameBodies) {
  version_ = protocol_version::v12_1;
  auto c = folder_create(key_, "0", "Old");
  EXPECT_EQ(c.raw.http_status, 200u);
  EXPECT_EQ(c.status(), 1u);
  expect_valid("FolderCreate121", c);
  auto bad = folder_delete("junk", "1");
  EXPECT_EQ(bad.raw.http_status, 200u);
  EXPECT_EQ(bad.status(), 9u);
}

}  // namespace
}  // namespace easd::protocol::test
