// imap_mail_store against a real Dovecot 2.3 (tests/support/services.hpp): folders with roles and parents,
// create/rename/delete and their errors, status/changes with QRESYNC and on the slow path without CONDSTORE
// (changes made by a second connection, expunges, new mail, a uidvalidity change), search SINCE,
// summaries of a multipart message, fetch_part, move with COPYUID, expunge and append.
#include "backend/imap/imap_mail_store.hpp"

#include "backend/imap/client/append.hpp"
#include "backend/imap/client/connection.hpp"
#include "backend/imap/client/select.hpp"
#include "backend/imap/client/store.hpp"
#include "backend/imap/client/tls_context.hpp"
#include "tests/backend/imap/run_coroutine.hpp"
#include "tests/support/services.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <chrono>
#include <memory>

namespace imap = easd::backend::imap;
namespace net = boost::asio;
using easd::backend::account;
using easd::backend::folder_role;
using easd::backend::mail_error;
using easd::backend::mail_folder;
using easd::backend::message_flags;
using easd::uid_set;
using namespace std::chrono_literals;

namespace {

const std::string kMultipart =
    "From: =?utf-8?q?J=C3=BCrgen?= Example <juergen@example.test>\r\n"
    "To: bob@example.test, Team: carol@example.test, dave@example.test;\r\n"
    "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe_aus_Berlin?=\r\n"
    "Message-ID: <m1@example.test>\r\n"
    "Date: Mon, 2 Feb 2026 10:00:00 +0000\r\n"
    "Importance: high\r\n"
    "Thread-Topic: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
    "\r\n"
    "--b1\r\n"
    "Content-Type: text/plain; charset=UTF-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Hallo Gr=C3=BC=C3=9Fe\r\n"
    "--b1\r\n"
    "Content-Type: application/octet-stream; name=\"x.bin\"\r\n"
    "Content-Disposition: attachment; filename*=utf-8''%C3%BCber.bin\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "Content-ID: <att1@example.test>\r\n"
    "\r\n"
    "AAECAwQFBgcICQ==\r\n"
    "--b1--\r\n";

std::string simple(int n) {
  return "From: carol@example.test\r\nSubject: message " + std::to_string(n) + "\r\n\r\nbody " + std::to_string(n) +
         "\r\n";
}

const mail_folder* find(const std::vector<mail_folder>& l, std::string_view path) {
  auto it = std::find_if(l.begin(), l.end(), [&](const auto& f) { return f.path == path; });
  return it == l.end() ? nullptr : &*it;
}

struct env {
  imap::options opts;
  std::shared_ptr<net::ssl::context> tls;
  std::string password;
};

// A second client (another device, a desktop mail program) changing the mailbox behind the store's back.
net::awaitable<std::unique_ptr<imap::connection>> other_client(env e, std::string user, std::string mailbox) {
  auto ex = co_await net::this_coro::executor;
  auto c = co_await imap::connection::connect(ex, *e.tls, e.opts);
  EXPECT_TRUE(c);
  if (!c) co_return nullptr;
  auto l = co_await (*c)->login(std::move(user), std::move(e.password));
  EXPECT_TRUE(l);
  imap::select_options so;
  auto sel = co_await imap::select(**c, std::move(mailbox), std::move(so));
  EXPECT_TRUE(sel);
  co_return std::move(*c);
}

net::awaitable<bool> store_flag(imap::connection& c, std::uint32_t uid, std::string flag) {
  imap::sequence_set set;
  set.add(uid);
  std::vector<std::string> flags;
  flags.push_back(std::move(flag));
  auto r = co_await imap::store_flags(c, std::move(set), imap::flag_op::add, std::move(flags));
  EXPECT_TRUE(r);
  co_return r.has_value();
}

net::awaitable<bool> expunge_other(imap::connection& c, std::uint32_t uid) {
  if (!co_await store_flag(c, uid, "\\Deleted")) co_return false;
  imap::sequence_set set;
  set.add(uid);
  auto r = co_await imap::uid_expunge(c, std::move(set));
  EXPECT_TRUE(r);
  co_return r.has_value();
}

// --- folders

[[gnu::noinline]] net::awaitable<bool> folders(easd::backend::imap_mail_store* store, account acct) {
  auto l = co_await store->list_folders(acct);
  EXPECT_TRUE(l) << l.error().message();
  if (!l) co_return false;
  const auto* inbox = find(*l, "INBOX");
  EXPECT_TRUE(inbox && inbox->role == folder_role::inbox && inbox->id == "N:INBOX" && inbox->parent_id.empty());
  for (auto [path, role] : {std::pair{"Sent", folder_role::sent}, std::pair{"Trash", folder_role::trash},
                            std::pair{"Drafts", folder_role::drafts}, std::pair{"Junk", folder_role::junk}}) {
    const auto* f = find(*l, path);
    EXPECT_TRUE(f && f->role == role) << path;
  }

  // Create top level and below; names with non-ASCII characters.
  auto top = co_await store->create_folder(acct, "", "Projekte & Co");
  EXPECT_TRUE(top) << top.error().message();
  if (!top) co_return false;
  EXPECT_EQ(top->id, "N:Projekte & Co");
  EXPECT_EQ(top->name, "Projekte & Co");
  auto child = co_await store->create_folder(acct, top->id, "Entwürfe alt");
  EXPECT_TRUE(child) << child.error().message();
  if (!child) co_return false;
  EXPECT_EQ(child->path, "Projekte & Co/Entwürfe alt");
  EXPECT_EQ(child->name, "Entwürfe alt");
  EXPECT_EQ(child->parent_id, top->id);
  EXPECT_EQ(child->role, folder_role::none);  // a name fallback applies only at the top

  // A name-only role: "Archive" without SPECIAL-USE.
  auto archive = co_await store->create_folder(acct, "", "Archive");
  EXPECT_TRUE(archive && archive->role == folder_role::archive);

  // Errors.
  auto exists = co_await store->create_folder(acct, "", "Projekte & Co");
  EXPECT_EQ(exists.error(), mail_error::folder_exists);
  auto bad = co_await store->create_folder(acct, "", "a/b");
  EXPECT_EQ(bad.error(), mail_error::invalid_name);
  auto ctl = co_await store->create_folder(acct, "", "tab\there");
  EXPECT_EQ(ctl.error(), mail_error::invalid_name);
  auto empty = co_await store->create_folder(acct, "", "");
  EXPECT_EQ(empty.error(), mail_error::invalid_name);
  auto orphan = co_await store->create_folder(acct, "N:No such parent", "x");
  EXPECT_EQ(orphan.error(), mail_error::parent_not_found);
  auto inbox_rename = co_await store->rename_folder(acct, "N:INBOX", "", "Posteingang");
  EXPECT_EQ(inbox_rename.error(), mail_error::special_folder);
  auto inbox_delete = co_await store->delete_folder(acct, "N:INBOX");
  EXPECT_EQ(inbox_delete.error(), mail_error::special_folder);
  auto gone_rename = co_await store->rename_folder(acct, "N:Nope", "", "Still nope");
  EXPECT_EQ(gone_rename.error(), mail_error::not_found);
  auto gone_delete = co_await store->delete_folder(acct, "N:Nope");
  EXPECT_EQ(gone_delete.error(), mail_error::not_found);
  auto onto = co_await store->rename_folder(acct, child->id, "", "Archive");
  EXPECT_EQ(onto.error(), mail_error::folder_exists);
  auto bogus = co_await store->status(acct, "X:whatever");
  EXPECT_EQ(bogus.error(), mail_error::not_found);

  // Rename and move: the id follows the name on a server without MAILBOXID.
  auto moved = co_await store->rename_folder(acct, child->id, "", "Alt");
  EXPECT_TRUE(moved) << moved.error().message();
  if (moved) {
    EXPECT_EQ(moved->id, "N:Alt");
    EXPECT_TRUE(moved->parent_id.empty());
  }
  auto renamed = co_await store->rename_folder(acct, "N:Alt", top->id, "Neu");
  EXPECT_TRUE(renamed && renamed->path == "Projekte & Co/Neu" && renamed->parent_id == top->id);

  // Deleting a folder deletes its subfolders.
  auto deleted = co_await store->delete_folder(acct, top->id);
  EXPECT_TRUE(deleted) << deleted.error().message();
  auto after = co_await store->list_folders(acct);
  EXPECT_TRUE(after && !find(*after, "Projekte & Co") && !find(*after, "Projekte & Co/Neu"));
  co_return true;
}

// --- change detection

[[gnu::noinline]] net::awaitable<bool> sync_changes(easd::backend::imap_mail_store* store, account acct, env e,
                                                     bool condstore) {
  std::string folder = condstore ? "Sync" : "Slow";
  auto created = co_await store->create_folder(acct, "", folder);
  EXPECT_TRUE(created) << created.error().message();
  if (!created) co_return false;
  const std::string id = created->id;
  for (int i = 1; i <= 3; ++i) {
    auto a = co_await store->append(acct, id, simple(i), message_flags{});
    EXPECT_TRUE(a && *a == static_cast<std::uint32_t>(i));
  }
  auto st = co_await store->status(acct, id);
  EXPECT_TRUE(st) << st.error().message();
  if (!st) co_return false;
  EXPECT_EQ(st->messages, 3u);
  EXPECT_EQ(st->uidnext, 4u);
  EXPECT_EQ(st->highest_modseq != 0, condstore);

  uid_set known;
  known.add_range(1, 3);
  auto first = co_await store->changes(acct, id, st->uidvalidity, 0, known);
  EXPECT_TRUE(first) << first.error().message();
  if (!first) co_return false;
  EXPECT_EQ(first->changed.size(), 3u);  // a first listing: everything
  EXPECT_TRUE(first->vanished.empty());

  // Nothing changed since: nothing reported (on the slow path every message's flags come again).
  auto none = co_await store->changes(acct, id, st->uidvalidity, st->highest_modseq, known);
  EXPECT_TRUE(none);
  if (none && condstore) {
    EXPECT_TRUE(none->changed.empty());
    EXPECT_TRUE(none->vanished.empty());
    EXPECT_EQ(none->status, *st);
  }

  // Another client flags 2 and expunges 3; new mail arrives.
  auto other = co_await other_client(e, acct.user, folder);
  if (!other) co_return false;
  EXPECT_TRUE(co_await store_flag(*other, 2, "\\Flagged"));
  EXPECT_TRUE(co_await expunge_other(*other, 3));
  auto a4 = co_await store->append(acct, id, simple(4), message_flags{});
  EXPECT_TRUE(a4 && *a4 == 4u);

  auto d = co_await store->changes(acct, id, st->uidvalidity, st->highest_modseq, known);
  EXPECT_TRUE(d) << d.error().message();
  if (!d) co_return false;
  EXPECT_FALSE(d->uidvalidity_changed);
  uid_set gone;
  gone.add(3);
  EXPECT_EQ(d->vanished, gone);
  auto flagged = std::find_if(d->changed.begin(), d->changed.end(), [](const auto& f) { return f.uid == 2; });
  EXPECT_TRUE(flagged != d->changed.end() && flagged->flags.flagged);
  if (condstore) {
    // Only what changed: 2 (flags) and 4 (new), not 1.
    EXPECT_TRUE(std::none_of(d->changed.begin(), d->changed.end(), [](const auto& f) { return f.uid == 1; }));
    EXPECT_GT(d->status.highest_modseq, st->highest_modseq);
  }
  EXPECT_EQ(d->status.messages, 3u);
  EXPECT_EQ(d->status.uidnext, 5u);

  // Adds are found with search().
  easd::backend::search_criteria all;
  auto found = co_await store->search(acct, id, all);
  EXPECT_TRUE(found);
  if (found) {
    uid_set want;
    want.add_range(1, 2);
    want.add(4);
    EXPECT_EQ(*found, want);
  }

  // uidvalidity change: the mailbox deleted and created again.
  (void)co_await other->logout();
  auto del = co_await store->delete_folder(acct, id);
  EXPECT_TRUE(del) << del.error().message();
  auto again = co_await store->create_folder(acct, "", folder);
  EXPECT_TRUE(again) << again.error().message();
  auto v = co_await store->changes(acct, id, st->uidvalidity, d->status.highest_modseq, known);
  EXPECT_TRUE(v) << v.error().message();
  if (v) {
    EXPECT_TRUE(v->uidvalidity_changed);
    EXPECT_NE(v->status.uidvalidity, st->uidvalidity);
  }
  auto missing = co_await store->changes(acct, "N:Never there", 1, 1, known);
  EXPECT_EQ(missing.error(), mail_error::not_found);
  co_return true;
}

// --- messages

[[gnu::noinline]] net::awaitable<bool> messages(easd::backend::imap_mail_store* store, account acct, env e) {
  auto ex = co_await net::this_coro::executor;
  auto created = co_await store->create_folder(acct, "", "Mail");
  EXPECT_TRUE(created);
  if (!created) co_return false;
  const std::string id = created->id;

  // Seed with internal dates for SINCE: uid 1 old (2025), uid 2 the multipart (2026-02-02), uid 3 newer.
  {
    auto c = co_await imap::connection::connect(ex, *e.tls, e.opts);
    EXPECT_TRUE(c);
    if (!c) co_return false;
    std::string user = acct.user, password = acct.password;
    auto l = co_await (*c)->login(std::move(user), std::move(password));
    EXPECT_TRUE(l);
    const std::chrono::sys_seconds dates[] = {std::chrono::sys_days{std::chrono::year(2025) / 6 / 1} + 8h,
                                              std::chrono::sys_days{std::chrono::year(2026) / 2 / 2} + 10h,
                                              std::chrono::sys_days{std::chrono::year(2026) / 3 / 1} + 9h};
    for (int i = 0; i < 3; ++i) {
      imap::append_options ao;
      ao.internal_date = dates[i];
      if (i == 1) ao.flags.emplace_back("$Forwarded");
      std::string box = "Mail";
      std::string msg = i == 1 ? kMultipart : simple(i + 1);
      auto a = co_await imap::append(**c, std::move(box), std::move(msg), std::move(ao));
      EXPECT_TRUE(a && *a && (*a)->uid == static_cast<std::uint32_t>(i + 1));
    }
    (void)co_await (*c)->logout();
  }

  easd::backend::search_criteria since;
  since.since = std::chrono::sys_seconds(std::chrono::sys_days{std::chrono::year(2026) / 2 / 2} + 12h)
                    .time_since_epoch()
                    .count();  // the same day as uid 2: inclusive
  auto recent = co_await store->search(acct, id, since);
  EXPECT_TRUE(recent);
  if (recent) {
    uid_set want;
    want.add_range(2, 3);
    EXPECT_EQ(*recent, want);
  }

  uid_set two;
  two.add(2);
  uid_set wide;
  wide.add_range(1, 100000);  // sparse and wide: searched first, fetched in batches
  auto sums = co_await store->summaries(acct, id, wide);
  EXPECT_TRUE(sums) << sums.error().message();
  EXPECT_TRUE(sums && sums->size() == 3);
  auto one = co_await store->summaries(acct, id, two);
  EXPECT_TRUE(one && one->size() == 1);
  if (!one || one->size() != 1) co_return false;
  const auto& m = one->front();
  EXPECT_EQ(m.uid, 2u);
  EXPECT_EQ(m.subject, "Grüße aus Berlin");
  EXPECT_TRUE(m.flags.forwarded);
  EXPECT_TRUE(m.flags.keywords.empty());
  EXPECT_EQ(m.date, std::optional<std::int64_t>(1770026400));  // Mon, 2 Feb 2026 10:00:00 +0000
  EXPECT_EQ(m.internal_date, 1770026400);
  EXPECT_EQ(m.message_id, "<m1@example.test>");
  EXPECT_EQ(m.from.size(), 1u);
  if (m.from.size() == 1) {
    EXPECT_EQ(m.from[0].name, "Jürgen Example");
    EXPECT_EQ(m.from[0].address, "juergen@example.test");
  }
  // bob, then the group "Team" (a marker with an empty address) and its two members.
  EXPECT_EQ(m.to.size(), 4u);
  if (m.to.size() == 4) {
    EXPECT_EQ(m.to[1].name, "Team");
    EXPECT_TRUE(m.to[1].address.empty());
    EXPECT_EQ(m.to[3].address, "dave@example.test");
  }
  EXPECT_TRUE(m.header("importance") && *m.header("importance") == "high");
  EXPECT_TRUE(m.header("thread-topic") && *m.header("thread-topic") == "Grüße");
  EXPECT_GT(m.size, 0u);
  EXPECT_GT(m.modseq, 0u);
  EXPECT_EQ(m.body.type, "multipart");
  EXPECT_EQ(m.body.subtype, "mixed");
  EXPECT_EQ(m.body.children.size(), 2u);
  if (m.body.children.size() == 2) {
    const auto& text = m.body.children[0];
    EXPECT_EQ(text.section, "1");
    EXPECT_EQ(text.charset, "utf-8");
    EXPECT_EQ(text.encoding, "quoted-printable");
    const auto& att = m.body.children[1];
    EXPECT_EQ(att.section, "2");
    EXPECT_EQ(att.disposition, "attachment");
    EXPECT_EQ(att.filename, "über.bin");
    EXPECT_EQ(att.content_id, "att1@example.test");
    EXPECT_EQ(att.encoding, "base64");
  }

  // fetch_part: decoded (BINARY), as stored, partial, the raw message, a missing part.
  auto bin = co_await store->fetch_part(acct, id, 2, "2", true, 0, 1024);
  EXPECT_TRUE(bin) << bin.error().message();
  if (bin) {
    EXPECT_EQ(bin->bytes, std::string("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09", 10));
    EXPECT_EQ(bin->total, std::optional<std::uint64_t>(10));
  }
  auto part = co_await store->fetch_part(acct, id, 2, "2", true, 3, 4);
  EXPECT_TRUE(part && part->bytes == std::string("\x03\x04\x05\x06", 4));
  auto text = co_await store->fetch_part(acct, id, 2, "1", true, 0, 100);
  EXPECT_TRUE(text && text->bytes.starts_with("Hallo Grüße"));
  auto stored = co_await store->fetch_part(acct, id, 2, "2", false, 0, 1024);
  EXPECT_TRUE(stored && stored->bytes.starts_with("AAECAwQFBgcICQ=="));
  auto raw = co_await store->fetch_part(acct, id, 2, "", false, 0, 12);
  EXPECT_TRUE(raw && raw->bytes == "From: =?utf-");
  EXPECT_TRUE(raw && raw->total == std::optional<std::uint64_t>(m.size));
  auto header = co_await store->fetch_part(acct, id, 2, "HEADER", false, 0, 1u << 20);
  EXPECT_TRUE(header && header->bytes.find("Message-ID: <m1@example.test>") != std::string::npos);
  auto no_uid = co_await store->fetch_part(acct, id, 99, "1", true, 0, 10);
  EXPECT_EQ(no_uid.error(), mail_error::not_found);
  auto bad_section = co_await store->fetch_part(acct, id, 2, "1 BODY[]", false, 0, 10);
  EXPECT_EQ(bad_section.error(), mail_error::not_found);

  // set_flags, then move with COPYUID, expunge and append into the destination.
  message_flags seen;
  seen.seen = true;
  seen.keywords.emplace_back("$Label1");
  seen.keywords.emplace_back("not an atom");  // dropped, not an error
  auto fl = co_await store->set_flags(acct, id, two, seen, message_flags{});
  EXPECT_TRUE(fl) << fl.error().message();
  auto again = co_await store->summaries(acct, id, two);
  EXPECT_TRUE(again && again->size() == 1 && again->front().flags.seen &&
              again->front().flags.keywords == std::vector<std::string>{"$Label1"});
  message_flags unseen;
  unseen.seen = true;
  auto fl2 = co_await store->set_flags(acct, id, two, message_flags{}, unseen);
  EXPECT_TRUE(fl2);

  auto dest = co_await store->create_folder(acct, "", "Dest");
  EXPECT_TRUE(dest);
  if (!dest) co_return false;
  uid_set one_three;
  one_three.add(1);
  one_three.add(3);
  auto mv = co_await store->move(acct, id, one_three, dest->id);
  EXPECT_TRUE(mv) << mv.error().message();
  if (mv) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> want{{1, 1}, {3, 2}};
    EXPECT_EQ(*mv, want);
  }
  auto mv_gone = co_await store->move(acct, id, two, "N:No such folder");
  EXPECT_EQ(mv_gone.error(), mail_error::not_found);
  auto ex2 = co_await store->expunge(acct, id, two);
  EXPECT_TRUE(ex2) << ex2.error().message();
  easd::backend::search_criteria all;
  all.include_deleted = true;
  auto left = co_await store->search(acct, id, all);
  EXPECT_TRUE(left && left->empty());
  message_flags draft;
  draft.draft = true;
  auto ap = co_await store->append(acct, dest->id, simple(9), draft);
  EXPECT_TRUE(ap && *ap == 3u);
  auto ap_gone = co_await store->append(acct, "N:No such folder", simple(9), draft);
  EXPECT_EQ(ap_gone.error(), mail_error::not_found);
  auto ap_empty = co_await store->append(acct, dest->id, "", draft);
  EXPECT_EQ(ap_empty.error(), mail_error::refused);
  co_return true;
}

// Many calls at once from coroutines on several strands of a multi-threaded io_context: each completes on
// its caller's strand, the pool's per-user limit makes the rest wait.
[[gnu::noinline]] net::awaitable<bool> concurrent_status(easd::backend::imap_mail_store* store, account acct) {
  auto st = co_await store->status(acct, "N:INBOX");
  EXPECT_TRUE(st) << st.error().message();
  co_return st.has_value();
}

class ImapMailStore : public ::testing::Test {
protected:
  static env make_env(const easd::test::dovecot_service& d) {
    env e;
    e.opts.host = "127.0.0.1";
    e.opts.sec = imap::security::starttls;
    e.opts.port = d.imap_port();
    e.opts.ca_file = d.cert_file().string();
    e.opts.connect_timeout = 5s;
    e.opts.command_timeout = 10s;
    e.tls = *imap::make_tls_context(e.opts);
    e.password = d.password();
    return e;
  }
  static easd::backend::imap_store_options store_options(const env& e) {
    easd::backend::imap_store_options o;
    o.server = e.opts;
    o.pool.max_per_user = 2;
    o.fetch_batch = 2;  // several batches even for a few messages
    return o;
  }
  static account acct(std::string user, const env& e) { return account{std::move(user), e.password, "127.0.0.1"}; }
  net::io_context ctx_;
};

}  // namespace

TEST_F(ImapMailStore, FoldersWithRolesParentsAndErrors) {
  easd::test::run_dir run("imap-store-folders");
  easd::test::dovecot_service dovecot(run.path());
  auto e = make_env(dovecot);
  easd::backend::imap_mail_store store(ctx_.get_executor(), store_options(e), e.tls);
  EXPECT_TRUE(easd::test::run_coroutine(ctx_, folders(&store, acct("folders@example.test", e)), {}, 60s));
}

TEST_F(ImapMailStore, ChangesWithQresync) {
  easd::test::run_dir run("imap-store-qresync");
  easd::test::dovecot_service dovecot(run.path());
  auto e = make_env(dovecot);
  easd::backend::imap_mail_store store(ctx_.get_executor(), store_options(e), e.tls);
  EXPECT_TRUE(easd::test::run_coroutine(ctx_, sync_changes(&store, acct("sync@example.test", e), e, true), {}, 60s));
}

TEST_F(ImapMailStore, ChangesWithoutCondstore) {
  easd::test::run_dir run("imap-store-slow");
  easd::test::dovecot_options dopts;
  dopts.condstore = false;
  easd::test::dovecot_service dovecot(run.path(), dopts);
  auto e = make_env(dovecot);
  easd::backend::imap_mail_store store(ctx_.get_executor(), store_options(e), e.tls);
  EXPECT_TRUE(easd::test::run_coroutine(ctx_, sync_changes(&store, acct("slow@example.test", e), e, false), {}, 60s));
}

TEST_F(ImapMailStore, MessagesSummariesPartsMovesAndAppends) {
  easd::test::run_dir run("imap-store-messages");
  easd::test::dovecot_service dovecot(run.path());
  auto e = make_env(dovecot);
  easd::backend::imap_mail_store store(ctx_.get_executor(), store_options(e), e.tls);
  EXPECT_TRUE(easd::test::run_coroutine(ctx_, messages(&store, acct("mail@example.test", e), e), {}, 60s));
}

TEST_F(ImapMailStore, ConcurrentCallersOnManyThreads) {
  easd::test::run_dir run("imap-store-threads");
  easd::test::dovecot_service dovecot(run.path());
  auto e = make_env(dovecot);
  net::io_context ioc(4);
  auto o = store_options(e);
  o.shards = 2;
  easd::backend::imap_mail_store store(ioc.get_executor(), o, e.tls);
  std::atomic<int> ok{0};
  constexpr int calls = 24;
  for (int i = 0; i < calls; ++i) {
    auto strand = net::make_strand(ioc);
    net::co_spawn(strand, concurrent_status(&store, acct("u" + std::to_string(i % 3) + "@example.test", e)),
                  [&ok](std::exception_ptr ex, bool r) {
                    if (!ex && r) ++ok;
                  });
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&ioc] { ioc.run_for(std::chrono::seconds(60)); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), calls);
}
