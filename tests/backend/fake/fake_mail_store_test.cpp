#include "backend/fake/fake_mail_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

namespace easd::backend {
namespace {

namespace net = boost::asio;

// The fake completes inline, so running the context to completion is enough.
template <class T>
T run(net::awaitable<T> task) {
  net::io_context ctx;
  auto future = net::co_spawn(ctx, std::move(task), net::use_future);
  ctx.run();
  return future.get();
}

uid_set set_of(std::initializer_list<std::uint32_t> uids) {
  uid_set s;
  for (auto u : uids) s.add(u);
  return s;
}

message_flags seen() {
  message_flags f;
  f.seen = true;
  return f;
}

search_criteria criteria(std::optional<std::int64_t> since, std::optional<uid_set> uids = {},
                         bool include_deleted = false) {
  search_criteria c;
  c.since = since;
  c.uids = std::move(uids);
  c.include_deleted = include_deleted;
  return c;
}

class FakeMailStore : public ::testing::Test {
protected:
  fake_mail_store mail;
  account acct{"user", "pw", "127.0.0.1"};
};

TEST_F(FakeMailStore, InboxExistsAndFoldersHaveStableIds) {
  auto folders = run(mail.list_folders(acct));
  ASSERT_TRUE(folders);
  ASSERT_EQ(folders->size(), 1u);
  EXPECT_EQ((*folders)[0].id, "F1");
  EXPECT_EQ((*folders)[0].role, folder_role::inbox);

  auto work = mail.add_folder("Work/Projects");
  EXPECT_EQ(work, "F3");
  EXPECT_EQ(mail.folder_id("Work"), "F2");
  folders = run(mail.list_folders(acct));
  ASSERT_EQ(folders->size(), 3u);
  EXPECT_EQ((*folders)[2].parent_id, "F2");
  EXPECT_EQ((*folders)[2].name, "Projects");
  EXPECT_EQ((*folders)[2].path, "Work/Projects");

  auto renamed = run(mail.rename_folder(acct, "F2", "", "Job"));
  ASSERT_TRUE(renamed);
  EXPECT_EQ(renamed->id, "F2");
  EXPECT_EQ(mail.folder_id("Job/Projects"), "F3");
}

TEST_F(FakeMailStore, NamesAsIdsChangeOnRename) {
  mail.use_names_as_ids(true);
  auto id = mail.add_folder("Work");
  EXPECT_EQ(id, "Work");
  auto renamed = run(mail.rename_folder(acct, "Work", "", "Job"));
  ASSERT_TRUE(renamed);
  EXPECT_EQ(renamed->id, "Job");
  EXPECT_FALSE(run(mail.status(acct, "Work")));
}

TEST_F(FakeMailStore, FolderErrors) {
  auto work = mail.add_folder("Work");
  EXPECT_EQ(run(mail.create_folder(acct, "", "Work")).error(), mail_error::folder_exists);
  EXPECT_EQ(run(mail.create_folder(acct, "", "inbox")).error(), mail_error::folder_exists);
  EXPECT_EQ(run(mail.create_folder(acct, "F99", "x")).error(), mail_error::parent_not_found);
  EXPECT_EQ(run(mail.create_folder(acct, "", "a/b")).error(), mail_error::invalid_name);
  EXPECT_EQ(run(mail.create_folder(acct, "", "")).error(), mail_error::invalid_name);
  EXPECT_EQ(run(mail.rename_folder(acct, "F1", "", "x")).error(), mail_error::special_folder);
  EXPECT_EQ(run(mail.delete_folder(acct, "F1")).error(), mail_error::special_folder);
  EXPECT_EQ(run(mail.delete_folder(acct, "F99")).error(), mail_error::not_found);
  EXPECT_EQ(run(mail.rename_folder(acct, work, work, "x")).error(), mail_error::refused);
  mail.protect_folder(work);
  EXPECT_EQ(run(mail.delete_folder(acct, work)).error(), mail_error::special_folder);

  auto sub = run(mail.create_folder(acct, "F1", "Sub"));
  ASSERT_TRUE(sub);
  EXPECT_EQ(sub->path, "INBOX/Sub");
  EXPECT_EQ(sub->parent_id, "F1");
  ASSERT_TRUE(run(mail.delete_folder(acct, sub->id)));
  EXPECT_EQ(mail.folder_id("INBOX/Sub"), "");
}

TEST_F(FakeMailStore, DeleteRemovesSubfolders) {
  mail.add_folder("A/B/C");
  ASSERT_TRUE(run(mail.delete_folder(acct, mail.folder_id("A"))));
  EXPECT_EQ(run(mail.list_folders(acct))->size(), 1u);
}

TEST_F(FakeMailStore, CondstoreChangesAndVanished) {
  auto a = mail.add_message("F1", fake_message::plain("one", "Ann <ann@example.com>", "1"));
  auto b = mail.add_message("F1", fake_message::plain("two", "ann@example.com", "2"));
  auto c = mail.add_message("F1", fake_message::plain("three", "ann@example.com", "3"));
  EXPECT_EQ(a, 1u);
  EXPECT_EQ(c, 3u);
  auto st = run(mail.status(acct, "F1"));
  ASSERT_TRUE(st);
  EXPECT_EQ(st->uidnext, 4u);
  EXPECT_EQ(st->messages, 3u);
  EXPECT_GT(st->highest_modseq, 0u);
  auto since = st->highest_modseq;

  ASSERT_TRUE(mail.set_flags_external("F1", b, seen()));
  mail.expunge_external("F1", set_of({c}));
  auto d = run(mail.changes(acct, "F1", st->uidvalidity, since, set_of({1, 2, 3})));
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->uidvalidity_changed);
  ASSERT_EQ(d->changed.size(), 1u);
  EXPECT_EQ(d->changed[0].uid, b);
  EXPECT_TRUE(d->changed[0].flags.seen);
  EXPECT_GT(d->changed[0].modseq, since);
  EXPECT_EQ(d->vanished, set_of({3}));
  EXPECT_GT(d->status.highest_modseq, since);

  // Nothing after the new modseq.
  d = run(mail.changes(acct, "F1", st->uidvalidity, d->status.highest_modseq, set_of({1, 2})));
  EXPECT_TRUE(d->changed.empty());
  EXPECT_TRUE(d->vanished.empty());

  // set_flags through the interface bumps only when flags change.
  auto before = mail.status_now("F1")->highest_modseq;
  ASSERT_TRUE(run(mail.set_flags(acct, "F1", set_of({b}), seen(), {})));
  EXPECT_EQ(mail.status_now("F1")->highest_modseq, before);
  message_flags add;
  add.flagged = true;
  add.keywords = {"work"};
  ASSERT_TRUE(run(mail.set_flags(acct, "F1", set_of({a, b}), add, seen())));
  EXPECT_EQ(mail.status_now("F1")->highest_modseq, before + 2);
  auto fa = mail.flags("F1", a);
  EXPECT_TRUE(fa->flagged);
  EXPECT_EQ(fa->keywords, std::vector<std::string>{"work"});
  EXPECT_FALSE(mail.flags("F1", b)->seen);
}

TEST_F(FakeMailStore, SlowPathWithoutCondstore) {
  mail.set_condstore(false);
  mail.add_message("F1", fake_message::plain("one", "a@b", "1"));
  mail.add_message("F1", fake_message::plain("two", "a@b", "2"));
  auto st = run(mail.status(acct, "F1"));
  EXPECT_EQ(st->highest_modseq, 0u);
  mail.expunge_external("F1", set_of({1}));
  auto d = run(mail.changes(acct, "F1", st->uidvalidity, 0, set_of({1, 2})));
  ASSERT_EQ(d->changed.size(), 1u);
  EXPECT_EQ(d->changed[0].modseq, 0u);
  EXPECT_EQ(d->vanished, set_of({1}));
}

TEST_F(FakeMailStore, UidvalidityReset) {
  mail.add_message("F1", fake_message::plain("one", "a@b", "1"));
  mail.add_message("F1", fake_message::plain("two", "a@b", "2"));
  mail.expunge_external("F1", set_of({1}));
  auto old = mail.status_now("F1")->uidvalidity;
  mail.reset_uidvalidity("F1");
  auto st = mail.status_now("F1");
  EXPECT_NE(st->uidvalidity, old);
  EXPECT_EQ(mail.uids("F1"), set_of({1}));
  auto d = run(mail.changes(acct, "F1", old, 5, set_of({1, 2})));
  EXPECT_TRUE(d->uidvalidity_changed);
}

TEST_F(FakeMailStore, SearchAndSummaries) {
  auto m = fake_message::plain("old", "a@b", "x");
  m.internal_date = 100;
  mail.add_message("F1", m);
  auto n = fake_message::plain("new", "Bob <bob@example.com>", "y");
  n.internal_date = 200;
  mail.add_message("F1", n);
  auto deleted = fake_message::plain("gone", "a@b", "z");
  deleted.flags.deleted = true;
  deleted.internal_date = 300;
  mail.add_message("F1", deleted);

  EXPECT_EQ(*run(mail.search(acct, "F1", {})), set_of({1, 2}));
  EXPECT_EQ(*run(mail.search(acct, "F1", criteria(150))), set_of({2}));
  EXPECT_EQ(*run(mail.search(acct, "F1", criteria(150, {}, true))), set_of({2, 3}));
  EXPECT_EQ(*run(mail.search(acct, "F1", criteria({}, set_of({1, 3})))), set_of({1}));

  auto s = run(mail.summaries(acct, "F1", set_of({2, 7})));
  ASSERT_TRUE(s);
  ASSERT_EQ(s->size(), 1u);
  EXPECT_EQ((*s)[0].uid, 2u);
  EXPECT_EQ((*s)[0].subject, "new");
  ASSERT_EQ((*s)[0].from.size(), 1u);
  EXPECT_EQ((*s)[0].from[0].name, "Bob");
  EXPECT_EQ((*s)[0].from[0].address, "bob@example.com");
  EXPECT_EQ((*s)[0].body.type, "text");
  EXPECT_EQ((*s)[0].size, n.raw.size());
  ASSERT_NE((*s)[0].header("content-type"), nullptr);
}

TEST_F(FakeMailStore, FetchPartSections) {
  auto uid = mail.add_message("F1", fake_message::with_attachment("att", "a@b", "see attached", "a.bin",
                                                                "application/pdf", std::string(100, '\x01')));
  auto whole = run(mail.fetch_part(acct, "F1", uid, "", false, 0, 1 << 20));
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->bytes, *mail.raw("F1", uid));
  auto header = run(mail.fetch_part(acct, "F1", uid, "HEADER", false, 0, 1 << 20));
  EXPECT_TRUE(header->bytes.ends_with("\r\n\r\n"));
  EXPECT_NE(header->bytes.find("Subject: att"), std::string::npos);

  auto body = run(mail.fetch_part(acct, "F1", uid, "1", true, 0, 1 << 20));
  EXPECT_EQ(body->bytes, "see attached");
  auto att = run(mail.fetch_part(acct, "F1", uid, "2", true, 0, 1 << 20));
  EXPECT_EQ(att->bytes, std::string(100, '\x01'));
  EXPECT_EQ(att->total, 100u);
  auto raw_att = run(mail.fetch_part(acct, "F1", uid, "2", false, 0, 1 << 20));
  EXPECT_NE(raw_att->bytes, att->bytes);
  auto slice = run(mail.fetch_part(acct, "F1", uid, "2", true, 90, 5));
  EXPECT_EQ(slice->bytes, std::string(5, '\x01'));
  auto past = run(mail.fetch_part(acct, "F1", uid, "2", true, 500, 5));
  EXPECT_TRUE(past->bytes.empty());
  EXPECT_EQ(run(mail.fetch_part(acct, "F1", uid, "3", true, 0, 5)).error(), mail_error::not_found);
  EXPECT_EQ(run(mail.fetch_part(acct, "F1", 99, "1", true, 0, 5)).error(), mail_error::not_found);

  auto s = run(mail.summaries(acct, "F1", set_of({uid})));
  const auto& root = (*s)[0].body;
  EXPECT_EQ(root.type, "multipart");
  ASSERT_EQ(root.children.size(), 2u);
  EXPECT_EQ(root.children[1].filename, "a.bin");
  EXPECT_EQ(root.children[1].disposition, "attachment");
  EXPECT_EQ(root.children[1].subtype, "pdf");
}

TEST_F(FakeMailStore, HtmlIsQuotedPrintable) {
  auto uid = mail.add_message("F1", fake_message::html("h", "a@b", "<p>caf\xc3\xa9 = 1</p>"));
  auto stored = run(mail.fetch_part(acct, "F1", uid, "1", false, 0, 1 << 20));
  EXPECT_EQ(stored->bytes, "<p>caf=C3=A9 =3D 1</p>");
  auto decoded = run(mail.fetch_part(acct, "F1", uid, "1", true, 0, 1 << 20));
  EXPECT_EQ(decoded->bytes, "<p>caf\xc3\xa9 = 1</p>");
}

TEST_F(FakeMailStore, MoveExpungeAppend) {
  auto work = mail.add_folder("Work");
  mail.add_message("F1", fake_message::plain("one", "a@b", "1"));
  mail.add_message("F1", fake_message::plain("two", "a@b", "2"));
  auto moved = run(mail.move(acct, "F1", set_of({2, 9}), work));
  ASSERT_TRUE(moved);
  ASSERT_EQ(moved->size(), 1u);
  EXPECT_EQ((*moved)[0], std::make_pair(2u, 1u));
  EXPECT_EQ(mail.uids("F1"), set_of({1}));
  EXPECT_EQ(mail.uids(work), set_of({1}));

  ASSERT_TRUE(run(mail.expunge(acct, "F1", set_of({1}))));
  EXPECT_TRUE(mail.uids("F1").empty());

  auto uid = run(mail.append(acct, work, "Subject: Sent one\r\nFrom: Me <me@example.com>\r\nTo: a@b, c@d\r\n\r\nbody",
                             seen()));
  ASSERT_TRUE(uid);
  EXPECT_EQ(*uid, 2u);
  auto s = run(mail.summaries(acct, work, set_of({2})));
  EXPECT_EQ((*s)[0].subject, "Sent one");
  EXPECT_EQ((*s)[0].to.size(), 2u);
  EXPECT_TRUE((*s)[0].flags.seen);
  EXPECT_EQ(run(mail.fetch_part(acct, work, 2, "1", true, 0, 100))->bytes, "body");
}

TEST_F(FakeMailStore, InjectedFailureAndCounters) {
  mail.fail_next(mail_error::refused, "status");
  EXPECT_TRUE(run(mail.list_folders(acct)));
  EXPECT_EQ(run(mail.status(acct, "F1")).error(), mail_error::refused);
  EXPECT_TRUE(run(mail.status(acct, "F1")));
  EXPECT_EQ(mail.calls("status"), 2);
  EXPECT_EQ(mail.calls("list_folders"), 1);
  EXPECT_EQ(mail.calls("move"), 0);

  mail.fail_next(make_error_code(boost::system::errc::connection_reset));
  EXPECT_EQ(run(mail.list_folders(acct)).error(), boost::system::errc::connection_reset);
  mail.reset_calls();
  EXPECT_EQ(mail.calls("list_folders"), 0);
}

}  // namespace
}  // namespace easd::backend
