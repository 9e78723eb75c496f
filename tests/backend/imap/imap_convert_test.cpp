// The pure conversions of imap_mail_store: folder tree (ids, parents, roles), flags, addresses, MIME parts
// and header fields.
#include "backend/imap/imap_convert.hpp"

#include <gtest/gtest.h>

namespace imap = easd::backend::imap;
namespace st = easd::backend::imap_store;
using easd::backend::folder_role;

namespace {

imap::mailbox_info box(std::string name, std::vector<std::string> attrs = {}, char delim = '/') {
  imap::mailbox_info m;
  m.name = name;
  m.raw_name = name;
  m.name_decoded = true;
  m.delimiter = delim;
  m.attributes = std::move(attrs);
  return m;
}

const easd::backend::mail_folder* find(const std::vector<easd::backend::mail_folder>& l, std::string_view path) {
  for (const auto& f : l) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

}  // namespace

TEST(ImapConvert, FolderTreeRolesAndParents) {
  std::vector<imap::mailbox_info> list;
  list.push_back(box("INBOX"));
  list.push_back(box("Gesendete Objekte"));            // name fallback: sent
  list.push_back(box("Papierkorb", {"\\Trash"}));       // special use
  list.push_back(box("Trash"));                         // role already taken: none
  list.push_back(box("Spam"));                          // junk by name
  list.push_back(box("INBOX/Drafts"));                  // INBOX children count as top level
  list.push_back(box("Work/2026/Q1"));                  // parents missing from the list
  list.push_back(box("Container", {"\\Noselect", "\\HasChildren"}));
  list.push_back(box("Container/Sent"));                // deeper: no fallback role
  auto tree = st::folder_tree(list);

  ASSERT_TRUE(find(tree, "INBOX"));
  EXPECT_EQ(find(tree, "INBOX")->role, folder_role::inbox);
  EXPECT_EQ(find(tree, "Gesendete Objekte")->role, folder_role::sent);
  EXPECT_EQ(find(tree, "Papierkorb")->role, folder_role::trash);
  EXPECT_EQ(find(tree, "Trash")->role, folder_role::none);
  EXPECT_EQ(find(tree, "Spam")->role, folder_role::junk);
  EXPECT_EQ(find(tree, "INBOX/Drafts")->role, folder_role::drafts);
  EXPECT_EQ(find(tree, "INBOX/Drafts")->parent_id, "N:INBOX");
  EXPECT_EQ(find(tree, "INBOX/Drafts")->name, "Drafts");
  EXPECT_EQ(find(tree, "Container/Sent")->role, folder_role::none);
  EXPECT_FALSE(find(tree, "Container")->selectable);

  const auto* q1 = find(tree, "Work/2026/Q1");
  const auto* y = find(tree, "Work/2026");
  const auto* work = find(tree, "Work");
  ASSERT_TRUE(q1 && y && work);
  EXPECT_EQ(q1->parent_id, "N:Work/2026");
  EXPECT_EQ(y->parent_id, "N:Work");
  EXPECT_TRUE(work->parent_id.empty());
  EXPECT_FALSE(y->selectable);
  // Parents come before their children.
  EXPECT_LT(work - tree.data(), q1 - tree.data());
}

TEST(ImapConvert, MailboxIdsWhenTheServerHasObjectId) {
  auto m = box("Archive");
  m.counts = imap::mailbox_counts{};
  m.counts->mailboxid = "F2212ea87-6097-4256";
  EXPECT_EQ(st::folder_id(m), "M:F2212ea87-6097-4256");
  std::vector<imap::mailbox_info> list{m, box("Archive/2025")};
  auto tree = st::folder_tree(list);
  ASSERT_TRUE(find(tree, "Archive/2025"));
  EXPECT_EQ(find(tree, "Archive/2025")->parent_id, "M:F2212ea87-6097-4256");
  EXPECT_EQ(find(tree, "Archive")->role, folder_role::archive);
}

TEST(ImapConvert, FlagsBothWays) {
  auto f = st::to_flags({"\\Seen", "\\Answered", "$Forwarded", "\\Recent", "$Label1", "\\Draft"});
  EXPECT_TRUE(f.seen && f.answered && f.forwarded && f.draft);
  EXPECT_FALSE(f.flagged || f.deleted);
  EXPECT_EQ(f.keywords, std::vector<std::string>{"$Label1"});
  easd::backend::message_flags g;
  g.flagged = true;
  g.forwarded = true;
  g.keywords = {"work", "two words", "\\Seen"};
  EXPECT_EQ(st::to_imap_flags(g), (std::vector<std::string>{"\\Flagged", "$Forwarded", "work"}));
}

TEST(ImapConvert, AddressesWithGroupsAndEncodedNames) {
  std::vector<imap::address> in;
  in.push_back({std::string("=?utf-8?q?J=C3=BCrgen?="), std::nullopt, std::string("j"), std::string("example.test")});
  in.push_back({std::nullopt, std::nullopt, std::string("Team"), std::nullopt});  // group start
  in.push_back({std::nullopt, std::nullopt, std::string("c"), std::string("example.test")});
  in.push_back({std::nullopt, std::nullopt, std::nullopt, std::nullopt});  // group end
  auto out = st::to_addresses(in);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].name, "Jürgen");
  EXPECT_EQ(out[0].address, "j@example.test");
  EXPECT_EQ(out[1].name, "Team");
  EXPECT_TRUE(out[1].address.empty());
  EXPECT_EQ(out[2].address, "c@example.test");
}

TEST(ImapConvert, MimePartFilenames) {
  imap::body_part p;
  p.part = "2";
  p.type = "APPLICATION";
  p.subtype = "PDF";
  p.encoding = "BASE64";
  p.params = {{"NAME", "=?iso-8859-1?q?r=E9sum=E9.pdf?="}};
  p.disposition = "ATTACHMENT";
  p.id = "<cid@x>";
  auto m = st::to_mime_part(p);
  EXPECT_EQ(m.type, "application");
  EXPECT_EQ(m.subtype, "pdf");
  EXPECT_EQ(m.encoding, "base64");
  EXPECT_EQ(m.disposition, "attachment");
  EXPECT_EQ(m.filename, "résumé.pdf");  // type's name, RFC 2047
  EXPECT_EQ(m.content_id, "cid@x");

  p.disposition_params = {{"filename*0*", "utf-8''%C3%BC"}, {"filename*1", "ber.txt"}};
  EXPECT_EQ(st::to_mime_part(p).filename, "über.txt");  // RFC 2231 continuations win
  p.disposition_params = {{"filename*", "utf-8'de'%C3%A4.txt"}};
  EXPECT_EQ(st::to_mime_part(p).filename, "ä.txt");
}

TEST(ImapConvert, HeaderFields) {
  auto h = st::parse_header_fields(
      "Importance: High\r\nThread-Topic: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n =?utf-8?q?_und_mehr?=\r\n"
      "X-Priority: 1 (Highest)\r\nbroken line\r\n\r\n");
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0], (std::pair<std::string, std::string>("importance", "High")));
  EXPECT_EQ(h[1].first, "thread-topic");
  EXPECT_EQ(h[1].second, "Grüße und mehr");
  EXPECT_EQ(h[2].second, "1 (Highest)");
}

TEST(ImapConvert, RolesByName) {
  EXPECT_EQ(st::role_by_name("Sent Items"), folder_role::sent);
  EXPECT_EQ(st::role_by_name("deleted messages"), folder_role::trash);
  EXPECT_EQ(st::role_by_name("Entwürfe"), folder_role::drafts);
  EXPECT_EQ(st::role_by_name("Brouillons"), folder_role::drafts);
  EXPECT_EQ(st::role_by_name("Junk E-mail"), folder_role::junk);
  EXPECT_EQ(st::role_by_name("Outbox"), folder_role::outbox);
  EXPECT_EQ(st::role_by_name("Holidays"), folder_role::none);
}
