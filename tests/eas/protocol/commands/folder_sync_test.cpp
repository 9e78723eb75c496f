#include "eas/protocol/commands/folders.hpp"

#include "tests/eas/protocol/commands/folder_test_support.hpp"

namespace easd::protocol::test {
namespace {

using backend::folder_role;

class FolderSync : public FolderFixture {
protected:
  void SetUp() override {
    FolderFixture::SetUp();
    mail_.add_folder("Drafts", folder_role::drafts);
    mail_.add_folder("Sent", folder_role::sent);
    mail_.add_folder("Trash", folder_role::trash);
    mail_.add_folder("Work/Projects");
  }
};

TEST_F(FolderSync, InitialSyncAddsEveryFolder) {
  auto r = folder_sync("0");
  EXPECT_EQ(r.raw.http_status, 200u);
  EXPECT_EQ(r.status(), 1u);
  EXPECT_EQ(r.raw.eas_status, 1u);
  EXPECT_FALSE(r.text("FolderHierarchy:SyncKey").empty());
  expect_valid("FolderSyncInitial", r);
  auto c = changes_of(r);
  EXPECT_EQ(c.count, 6u);
  ASSERT_EQ(c.adds.size(), 6u);
  auto ids = ids_by_name(c);
  std::map<std::string, unsigned> types;
  for (const auto& e : c.adds) types[e.name] = e.type;
  EXPECT_EQ(types["Inbox"], 2u);
  EXPECT_EQ(types["Drafts"], 3u);
  EXPECT_EQ(types["Trash"], 4u);
  EXPECT_EQ(types["Sent"], 5u);
  EXPECT_EQ(types["Work"], 12u);
  EXPECT_EQ(types["Projects"], 12u);
  for (const auto& e : c.adds) {
    if (e.name == "Projects") {
      EXPECT_EQ(e.parent_id, ids["Work"]);
    } else {
      EXPECT_EQ(e.parent_id, "0");
    }
  }
  // Parents come before children.
  auto pos = [&](const std::string& name) {
    return std::find_if(c.adds.begin(), c.adds.end(), [&](const entry& e) { return e.name == name; }) - c.adds.begin();
  };
  EXPECT_LT(pos("Work"), pos("Projects"));
}

TEST_F(FolderSync, ServerIdsSurviveAResync) {
  auto first = ids_by_name(changes_of(folder_sync("0")));
  auto again = ids_by_name(changes_of(folder_sync("0")));
  EXPECT_EQ(first, again);
}

TEST_F(FolderSync, NoChangesKeepTheKey) {
  auto key = folder_sync("0").text("FolderHierarchy:SyncKey");
  auto r = folder_sync(key);
  EXPECT_EQ(r.status(), 1u);
  EXPECT_EQ(r.text("FolderHierarchy:SyncKey"), key);
  EXPECT_EQ(changes_of(r).count, 0u);
  expect_valid("FolderSyncNoChanges", r);
}

TEST_F(FolderSync, ReportsAddRenameAndDeleteMadeElsewhere) {
  auto r0 = folder_sync("0");
  auto ids = ids_by_name(changes_of(r0));
  auto key = r0.text("FolderHierarchy:SyncKey");

  mail_.add_folder("Private");
  ASSERT_TRUE(mail_.rename_folder_external(mail_.folder_id("Work"), "Job"));
  ASSERT_TRUE(mail_.delete_folder_external(mail_.folder_id("Trash")));
  auto r = folder_sync(key);
  EXPECT_EQ(r.status(), 1u);
  expect_valid("FolderSyncIncremental", r);
  auto c = changes_of(r);
  EXPECT_EQ(c.count, 3u);
  ASSERT_EQ(c.adds.size(), 1u);
  EXPECT_EQ(c.adds[0].name, "Private");
  EXPECT_EQ(c.adds[0].type, 12u);
  ASSERT_EQ(c.updates.size(), 1u);
  EXPECT_EQ(c.updates[0], (entry{ids["Work"], "0", "Job", 12}));
  EXPECT_EQ(c.deletes, std::vector<std::string>{ids["Trash"]});
  auto next = r.text("FolderHierarchy:SyncKey");
  EXPECT_NE(next, key);
  EXPECT_EQ(changes_of(folder_sync(next)).count, 0u);
}

TEST_F(FolderSync, RenameOnServersWithoutStableIdsIsDeleteAndAdd) {
  mail_.use_names_as_ids(true);
  auto r0 = folder_sync("0");
  auto ids = ids_by_name(changes_of(r0));
  ASSERT_TRUE(mail_.rename_folder_external("Work", "Job"));
  auto c = changes_of(folder_sync(r0.text("FolderHierarchy:SyncKey")));
  // Work and Work/Projects vanished, Job and Job/Projects appeared; children before parents on delete.
  EXPECT_EQ(c.deletes, (std::vector<std::string>{ids["Projects"], ids["Work"]}));
  ASSERT_EQ(c.adds.size(), 2u);
  EXPECT_EQ(c.adds[0].name, "Job");
  EXPECT_EQ(c.adds[1].name, "Projects");
  EXPECT_EQ(c.adds[1].parent_id, c.adds[0].server_id);
  EXPECT_NE(c.adds[0].server_id, ids["Work"]);
}

TEST_F(FolderSync, RepeatedKeyGetsTheSameChangesAgain) {
  auto key1 = folder_sync("0").text("FolderHierarchy:SyncKey");
  mail_.add_folder("New");
  auto r2 = folder_sync(key1);
  auto key2 = r2.text("FolderHierarchy:SyncKey");
  // The device lost r2 and repeats key1.
  auto again = folder_sync(key1);
  EXPECT_EQ(again.status(), 1u);
  EXPECT_EQ(again.text("FolderHierarchy:SyncKey"), key2);
  EXPECT_EQ(changes_of(again).adds, changes_of(r2).adds);
  EXPECT_EQ(changes_of(folder_sync(key2)).count, 0u);
  // A replay with nothing new still moves the device to the newest key.
  auto key3 = folder_sync("0").text("FolderHierarchy:SyncKey");
  mail_.add_folder("Newer");
  auto key4 = folder_sync(key3).text("FolderHierarchy:SyncKey");
  mail_.delete_folder_external(mail_.folder_id("Newer"));
  auto back = folder_sync(key3);
  EXPECT_EQ(back.text("FolderHierarchy:SyncKey"), key4);
  EXPECT_EQ(changes_of(back).count, 0u);
}

TEST_F(FolderSync, UnknownOrStaleKeyIsStatus9) {
  for (const std::string key : {"junk", "{00000000-0000-4000-8000-000000000000}1", "", "1"}) {
    auto r = folder_sync(key);
    EXPECT_EQ(r.status(), 9u) << key;
    EXPECT_TRUE(r.text("FolderHierarchy:SyncKey").empty());
  }
  auto key1 = folder_sync("0").text("FolderHierarchy:SyncKey");
  mail_.add_folder("A");
  auto key2 = folder_sync(key1).text("FolderHierarchy:SyncKey");
  mail_.add_folder("B");
  folder_sync(key2);
  auto stale = folder_sync(key1);
  EXPECT_EQ(stale.status(), 9u);
  expect_valid("FolderSyncStatus9", stale);
}

TEST_F(FolderSync, KeysArePerDevice) {
  auto key = folder_sync("0").text("FolderHierarchy:SyncKey");
  device_ = "dev2";
  EXPECT_EQ(folder_sync(key).status(), 9u);
}

TEST_F(FolderSync, MissingSyncKeyIsStatus10) {
  auto req = wbxml::element::named("FolderHierarchy:FolderSync");
  auto r = send("FolderSync", req);
  EXPECT_EQ(r.status(), 10u);
  expect_valid("FolderSyncStatus10", r);
}

TEST_F(FolderSync, BackendFailureIsStatus6AndKeepsTheKey) {
  auto key = folder_sync("0").text("FolderHierarchy:SyncKey");
  mail_.fail_next(make_error_code(boost::system::errc::connection_reset), "list_folders");
  auto r = folder_sync(key);
  EXPECT_EQ(r.status(), 6u);
  expect_valid("FolderSyncStatus6", r);
  EXPECT_EQ(folder_sync(key).status(), 1u);
}

TEST_F(FolderSync, OneListPerFolderSync) {
  mail_.reset_calls();
  auto key = folder_sync("0").text("FolderHierarchy:SyncKey");
  folder_sync(key);
  EXPECT_EQ(mail_.calls("list_folders"), 2);
  EXPECT_EQ(mail_.calls("status"), 0);
}

TEST_F(FolderSync, DuplicateRolesKeepOneDefaultFolder) {
  mail_.add_folder("Sent Items", folder_role::sent);
  auto c = changes_of(folder_sync("0"));
  int sent = 0;
  for (const auto& e : c.adds) sent += e.type == 5u;
  EXPECT_EQ(sent, 1);
}

TEST_F(FolderSync, RoleChangeIsAnUpdate) {
  auto r0 = folder_sync("0");
  auto ids = ids_by_name(changes_of(r0));
  mail_.set_role(mail_.folder_id("Work"), folder_role::outbox);
  auto c = changes_of(folder_sync(r0.text("FolderHierarchy:SyncKey")));
  ASSERT_EQ(c.updates.size(), 1u);
  EXPECT_EQ(c.updates[0].type, 6u);
}

TEST_F(FolderSync, Version121AnswersInTheBodyToo) {
  version_ = protocol_version::v12_1;
  auto r = folder_sync("0");
  EXPECT_EQ(r.raw.http_status, 200u);
  EXPECT_EQ(r.status(), 1u);
  expect_valid("FolderSync121", r);
  auto bad = folder_sync("junk");
  EXPECT_EQ(bad.raw.http_status, 200u);
  EXPECT_EQ(bad.status(), 9u);
  // Common statuses (undecodable WBXML) are HTTP codes in 12.1, body Status in 14.x (dispatcher).
  auto ctx = context("FolderSync");
  net::io_context ioc;
  const std::string junk("\x03\x01\x6a\x00\x45\x02", 6);
  auto fut = net::co_spawn(ioc, dispatcher_.dispatch(ctx, junk), net::use_future);
  ioc.run();
  EXPECT_EQ(fut.get().http_status, 400u);
}

TEST_F(FolderSync, NonSelectableContainersAreMailFolders) {
  mail_.add_folder("Shared", folder_role::none, false);
  auto c = changes_of(folder_sync("0"));
  auto it = std::find_if(c.adds.begin(), c.adds.end(), [](const entry& e) { return e.name == "Shared"; });
  ASSERT_NE(it, c.adds.end());
  EXPECT_EQ(it->type, 12u);
}

}  // namespace
}  // namespace easd::protocol::test

namespace easd::protocol::test {
namespace {

TEST(FolderCommandsUnwired, AnswerNotSupported) {
  services none;
  dispatcher d(command_table::standard(), none);
  auto req = wbxml::element::named("FolderHierarchy:FolderSync");
  req.add("FolderHierarchy:SyncKey", "0");
  const auto body = wbxml::encode_to_string(req);
  for (auto v : {protocol_version::v14_1, protocol_version::v12_1}) {
    request_context ctx;
    ctx.command = "FolderSync";
    ctx.version = v;
    net::io_context ioc;
    auto fut = net::co_spawn(ioc, d.dispatch(ctx, body), net::use_future);
    ioc.run();
    const auto r = fut.get();
    EXPECT_EQ(r.eas_status, 137u);
    EXPECT_EQ(r.http_status, v == protocol_version::v12_1 ? 501u : 200u);
  }
}

}  // namespace
}  // namespace easd::protocol::test
