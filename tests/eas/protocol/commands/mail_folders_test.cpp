#include "eas/protocol/commands/mail_folders.hpp"

#include "tests/eas/protocol/commands/folder_test_support.hpp"

namespace easd::protocol::test {
namespace {

using backend::folder_role;

TEST(MailFolders, FolderTypes) {
  EXPECT_EQ(eas_folder_type(folder_role::inbox), 2u);
  EXPECT_EQ(eas_folder_type(folder_role::drafts), 3u);
  EXPECT_EQ(eas_folder_type(folder_role::trash), 4u);
  EXPECT_EQ(eas_folder_type(folder_role::sent), 5u);
  EXPECT_EQ(eas_folder_type(folder_role::outbox), 6u);
  EXPECT_EQ(eas_folder_type(folder_role::junk), 12u);
  EXPECT_EQ(eas_folder_type(folder_role::archive), 12u);
  EXPECT_EQ(eas_folder_type(folder_role::none), 12u);
}

TEST(MailFolders, ItemServerIds) {
  EXPECT_EQ(item_server_id("5", 42), "5:42");
  auto ref = parse_item_server_id("5:42");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->collection_id, "5");
  EXPECT_EQ(ref->uid, 42u);
  EXPECT_TRUE(parse_item_server_id("12:4294967295"));
  for (const char* bad : {"", ":", "5:", ":5", "5:0", "0:5", "05:1", "5:01", "5:4294967296", "5:1:2", "a:1", "5:-1",
                          "5:+1", "5: 1", "5:1 ", "12345678901:1", "5:99999999999"}) {
    EXPECT_FALSE(parse_item_server_id(bad)) << bad;
  }
  EXPECT_FALSE(parse_item_server_id(std::string(100, '1')));
}

TEST(MailFolders, FileReferences) {
  EXPECT_EQ(file_reference("5", 42, "1.2"), "5:42:1.2");
  auto ref = parse_file_reference("5:42:1.2");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->collection_id, "5");
  EXPECT_EQ(ref->uid, 42u);
  EXPECT_EQ(ref->section, "1.2");
  EXPECT_TRUE(parse_file_reference("5:42:2"));
  for (const char* bad : {"", "5:42", "5:42:", "5:42:0", "5:42:1.", "5:42:.1", "5:42:1..2", "5:42:01", "5:42:1.0",
                          "5:0:1", "x:42:1", "5:42:1:2", "5:42:HEADER", "5:42:1.MIME", "5:42:TEXT"}) {
    EXPECT_FALSE(parse_file_reference(bad)) << bad;
  }
  std::string deep = "5:42:1";
  for (int i = 0; i < 31; ++i) deep += ".1";
  EXPECT_TRUE(parse_file_reference(deep));
  EXPECT_FALSE(parse_file_reference(deep + ".1"));
}

class MailCollections : public FolderFixture {
protected:
  template <class T>
  static T run(net::awaitable<T> task) {
    return run_io(std::move(task));
  }
};

TEST_F(MailCollections, ListAssignsStableIds) {
  mail_.add_folder("Work/Projects");
  auto ctx = context("Sync");
  auto first = run(list_mail_collections(svc_, ctx));
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 3u);
  EXPECT_EQ((*first)[0].folder.role, folder_role::inbox);
  ASSERT_TRUE(mail_.rename_folder_external(mail_.folder_id("Work"), "Job"));
  auto second = run(list_mail_collections(svc_, ctx));
  ASSERT_TRUE(second);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ((*first)[i].server_id, (*second)[i].server_id);
  EXPECT_EQ((*second)[1].folder.path, "Job");
}

TEST_F(MailCollections, FindResolvesOnlyOwnIds) {
  auto work = mail_.add_folder("Work", folder_role::trash);
  auto ctx = context("Sync");
  auto all = run(list_mail_collections(svc_, ctx));
  ASSERT_TRUE(all);
  const auto id = (*all)[1].server_id;
  auto found = run(find_mail_collection(svc_, ctx, id));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->folder.id, work);
  for (const char* bad : {"999", "0", "", "01", "1:1", "-1", "abc"}) {
    auto r = run(find_mail_collection(svc_, ctx, bad));
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error(), backend::mail_error::not_found) << bad;
  }
  auto trash = run(find_role_collection(svc_, ctx, folder_role::trash));
  ASSERT_TRUE(trash);
  EXPECT_EQ(trash->server_id, id);
  EXPECT_EQ(run(find_role_collection(svc_, ctx, folder_role::junk)).error(), backend::mail_error::not_found);
  EXPECT_EQ(run(find_role_collection(svc_, ctx, folder_role::none)).error(), backend::mail_error::not_found);
}

TEST_F(MailCollections, IdsArePerUser) {
  mail_.add_folder("A");
  mail_.add_folder("B");
  auto alice = run(list_mail_collections(svc_, context("Sync")));
  user_ = "bob";
  // Bob's first folder sighting allocates his own counter; the fake shares one mailbox, so only the
  // numbering proves the separation.
  mail_.add_folder("C");
  auto bob = run(list_mail_collections(svc_, context("Sync")));
  ASSERT_TRUE(alice && bob);
  EXPECT_EQ((*bob)[0].server_id, "1");
  EXPECT_EQ((*bob)[3].server_id, "4");
  EXPECT_EQ(alice->size(), 3u);
}

TEST_F(MailCollections, BackendErrorsPassThrough) {
  mail_.fail_next(backend::mail_error::refused, "list_folders");
  auto r = run(list_mail_collections(svc_, context("Sync")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), backend::mail_error::refused);
}

}  // namespace
}  // namespace easd::protocol::test
