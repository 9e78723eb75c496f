// The folder hierarchy end to end: FolderSync maps Dovecot's mailboxes (SPECIAL-USE) to EAS folder types,
// keeps ServerIds across resyncs and restarts, reflects another IMAP client's creations, renames and
// deletions, and FolderCreate/Update/Delete reach Dovecot with the spec's statuses.
#include "tests/integration/mail_support.hpp"

#include <algorithm>
#include <set>

namespace easd::test::mail {
namespace {

template <class T>
class MailFolders : public mail_suite<MailFolders<T>> {
public:
  static constexpr bool condstore = T::condstore, plain = T::plain, count_imap = T::count_imap;
};
using backends = ::testing::Types<with_condstore, without_condstore>;
TYPED_TEST_SUITE(MailFolders, backends);

// "Parent/Child" paths of the device's hierarchy, to compare with IMAP LIST.
std::set<std::string> device_paths(eas_device& d) {
  std::set<std::string> out;
  for (auto& [id, f] : d.folders()) {
    std::string path = f.display_name;
    std::string parent = f.parent_id;
    for (int depth = 0; parent != "0" && !parent.empty() && depth < 32; ++depth) {
      auto it = d.folders().find(parent);
      if (it == d.folders().end()) {
        path = "?/" + path;
        break;
      }
      path = it->second.display_name + "/" + path;
      parent = it->second.parent_id;
    }
    out.insert(path);
  }
  return out;
}

std::set<std::string> user_mailboxes(imap_test_client& imap) {
  std::set<std::string> out;
  for (auto& n : imap.list()) {
    if (n != "INBOX" && n != "Drafts" && n != "Sent" && n != "Trash" && n != "Junk") out.insert(n);
  }
  return out;
}

std::set<std::string> user_paths(eas_device& d) {
  std::set<std::string> out;
  for (auto& p : device_paths(d)) {
    bool special = false;
    for (auto& [id, f] : d.folders()) {
      if (f.display_name == p && f.type >= 2 && f.type <= 6) special = true;
    }
    if (!special && p != "Junk") out.insert(p);
  }
  return out;
}

TYPED_TEST(MailFolders, SpecialFoldersAndStableIds) {
  auto& env = *this->env_;
  for (const auto& version : versions()) {
    SCOPED_TRACE(version);
    const auto user = user_for("fs", version);
    auto imap = env.imap(user);
    imap.create("Projects");
    auto p = new_phone(env, user, version);
    auto& d = p->device;
    for (unsigned type : {2u, 3u, 4u, 5u}) EXPECT_NE(d.folder_of_type(type), nullptr) << "no folder of type " << type;
    ASSERT_NE(d.folder_named("Projects"), nullptr);
    EXPECT_EQ(d.folder_named("Projects")->type, 12u);
    EXPECT_EQ(d.folder_named("Projects")->parent_id, "0");
    for (auto& [id, f] : d.folders()) {
      EXPECT_LE(id.size(), 64u);
      EXPECT_FALSE(id.empty());
    }
    std::map<std::string, std::string> ids;
    for (auto& [id, f] : d.folders()) ids[f.display_name] = id;

    // No change: same key, nothing in Changes.
    const auto key = d.folder_key();
    auto again = d.folder_sync();
    EXPECT_EQ(again.status, 1u);
    EXPECT_EQ(again.adds + again.updates + again.deletes, 0u);

    // A second device and a restart of easd: the same ServerIds ([MS-ASCMD] 3.1.5.3).
    auto other = new_phone(env, user, version, "other" + user);
    for (auto& [id, f] : other->device.folders()) EXPECT_EQ(ids[f.display_name], id) << f.display_name;
    env.easd->stop();
    env.easd->start();
    auto after = new_phone(env, user, version, "after" + user);
    for (auto& [id, f] : after->device.folders()) EXPECT_EQ(ids[f.display_name], id) << f.display_name;
    auto resumed = d.folder_sync();
    EXPECT_EQ(resumed.status, 1u) << "the FolderSync key did not survive a restart";
    EXPECT_EQ(resumed.adds + resumed.updates + resumed.deletes, 0u);
    (void)key;
    EXPECT_TRUE(d.anomalies.empty()) << p->problems();
  }
}

TYPED_TEST(MailFolders, AnotherClientsHierarchyChangesShowUp) {
  auto& env = *this->env_;
  for (const auto& version : versions()) {
    SCOPED_TRACE(version);
    const auto user = user_for("hier", version);
    auto imap = env.imap(user);
    auto p = new_phone(env, user, version);
    auto& d = p->device;

    imap.create("Projects");
    imap.create("Projects/2024");
    imap.create("Entw&APw-rfe");  // "Entwürfe" in modified UTF-7
    auto r = d.folder_sync();
    EXPECT_EQ(r.status, 1u);
    EXPECT_EQ(r.adds, 3u);
    EXPECT_EQ(user_paths(d), (std::set<std::string>{"Projects", "Projects/2024", "Entwürfe"}));

    // Mail in the renamed folder stays synced under the same collection where the server can tell.
    seed_small(imap, "Projects/2024", "p", 3);
    expect_converged(env, *p, imap, "Projects/2024");
    imap.rename("Projects/2024", "Projects/Archive");
    r = d.folder_sync();
    EXPECT_EQ(r.status, 1u);
    EXPECT_EQ(user_paths(d), (std::set<std::string>{"Projects", "Projects/Archive", "Entwürfe"}));
    expect_converged(env, *p, imap, "Projects/Archive");

    imap.remove("Projects/Archive");
    imap.remove("Entw&APw-rfe");
    r = d.folder_sync();
    EXPECT_EQ(r.status, 1u);
    EXPECT_EQ(r.deletes, 2u);
    EXPECT_EQ(user_paths(d), (std::set<std::string>{"Projects"}));
    EXPECT_TRUE(d.anomalies.empty()) << p->problems();
    EXPECT_EQ(d.resyncs, 0u);
  }
}

TYPED_TEST(MailFolders, CreateUpdateDeleteWithTheirStatuses) {
  auto& env = *this->env_;
  for (const auto& version : versions()) {
    SCOPED_TRACE(version);
    const auto user = user_for("fcud", version);
    auto imap = env.imap(user);
    auto p = new_phone(env, user, version);
    auto& d = p->device;
    std::string id;
    ASSERT_EQ(d.folder_create("0", "Receipts", 12, &id), 1u) << env.context();
    EXPECT_FALSE(id.empty());
    EXPECT_EQ(user_mailboxes(imap), (std::set<std::string>{"Receipts"}));
    std::string child;
    ASSERT_EQ(d.folder_create(id, "2024", 12, &child), 1u);
    EXPECT_EQ(user_mailboxes(imap), (std::set<std::string>{"Receipts", "Receipts/2024"}));
    EXPECT_EQ(d.folder_create("0", "Receipts", 12), 2u) << "exists";
    EXPECT_EQ(d.folder_create("987654", "Orphan", 12), 5u) << "parent missing";
    EXPECT_EQ(d.folder_create("0", "Another Inbox", 2), 10u) << "a default folder type";
    // Our own changes are not echoed.
    auto echo = d.folder_sync();
    EXPECT_EQ(echo.adds + echo.updates + echo.deletes, 0u);

    EXPECT_EQ(d.folder_update(child, "0", "Old receipts"), 1u);
    EXPECT_EQ(user_mailboxes(imap), (std::set<std::string>{"Receipts", "Old receipts"}));
    EXPECT_EQ(d.folder_update("987654", "0", "Nope"), 4u);
    EXPECT_EQ(d.folder_update(child, "0", "Receipts"), 2u);

    const std::string inbox = d.folder_of_type(2)->server_id;
    EXPECT_EQ(d.folder_delete(inbox), 3u) << "Inbox is special";
    EXPECT_EQ(d.folder_delete("987654"), 4u);
    EXPECT_EQ(d.folder_delete(child), 1u);
    EXPECT_EQ(user_mailboxes(imap), (std::set<std::string>{"Receipts"}));
    echo = d.folder_sync();
    EXPECT_EQ(echo.adds + echo.updates + echo.deletes, 0u);

    // A stale key: 9, and nothing happens.
    eas_device stale(p->client);
    EXPECT_EQ(stale.folder_create("0", "Stale", 12), 9u) << "FolderCreate with key 0";
    EXPECT_EQ(user_mailboxes(imap), (std::set<std::string>{"Receipts"}));
    EXPECT_TRUE(d.anomalies.empty()) << p->problems();
  }
}

}  // namespace
}  // namespace easd::test::mail
