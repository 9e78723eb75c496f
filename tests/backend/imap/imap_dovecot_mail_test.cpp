// The mail-sync commands against a real Dovecot (tests/support/services.hpp): ENABLE, LIST with
// SPECIAL-USE and LIST-STATUS, modified UTF-7 names, APPEND, SELECT/EXAMINE with CONDSTORE and QRESYNC,
// FETCH (changes, ENVELOPE + BODYSTRUCTURE, sections, BINARY), ESEARCH, STORE with UNCHANGEDSINCE, MOVE,
// STATUS, CREATE/RENAME/DELETE, NOOP; and the same client against a Dovecot without CONDSTORE/QRESYNC.
#include "backend/imap/client/connection.hpp"

#include "backend/imap/client/append.hpp"
#include "backend/imap/client/connection_pool.hpp"
#include "backend/imap/client/error.hpp"
#include "backend/imap/client/fetch.hpp"
#include "backend/imap/client/list.hpp"
#include "backend/imap/client/mailbox_admin.hpp"
#include "backend/imap/client/search.hpp"
#include "backend/imap/client/select.hpp"
#include "backend/imap/client/store.hpp"
#include "backend/imap/client/tls_context.hpp"
#include "tests/backend/imap/run_coroutine.hpp"
#include "tests/support/services.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>

namespace imap = easd::backend::imap;
namespace net = boost::asio;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

const std::string kMultipart =
    "From: Alice Example <alice@example.test>\r\n"
    "To: bob@example.test\r\n"
    "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n"
    "Message-ID: <m1@example.test>\r\n"
    "Date: Mon, 2 Feb 2026 10:00:00 +0000\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
    "\r\n"
    "--b1\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Hello Dovecot\r\n"
    "--b1\r\n"
    "Content-Type: application/octet-stream; name=\"x.bin\"\r\n"
    "Content-Disposition: attachment; filename=\"x.bin\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "AAECAw==\r\n"
    "--b1--\r\n";

const std::string kSimple = "From: carol@example.test\r\nSubject: second\r\n\r\nbody two\r\n";

const imap::mailbox_info* find(const std::vector<imap::mailbox_info>& l, std::string_view name) {
  auto it = std::find_if(l.begin(), l.end(), [&](const auto& m) { return m.name == name; });
  return it == l.end() ? nullptr : &*it;
}

// One long session as mail sync would run it; EXPECTs inside, early return when a step cannot go on.
[[gnu::noinline]] net::awaitable<bool> sync_session(imap::options o, std::shared_ptr<net::ssl::context> tls) {
  auto cr = co_await imap::connection::connect(co_await net::this_coro::executor, *tls, o);
  EXPECT_TRUE(cr) << cr.error().message();
  if (!cr) co_return false;
  auto& c = **cr;
  std::string user = "sync1@example.test";
  std::string password = "secret";
  auto login = co_await c.login(std::move(user), std::move(password));
  EXPECT_TRUE(login) << login.error().message();
  if (!login) co_return false;

  std::vector<std::string> ext;
  ext.emplace_back("CONDSTORE");
  ext.emplace_back("QRESYNC");
  auto en = co_await imap::enable(c, std::move(ext));
  EXPECT_TRUE(en && en->has("QRESYNC") && en->has("CONDSTORE"));

  // Hierarchy with a non-ASCII name: sent as modified UTF-7, listed back decoded.
  std::string folder = "Entwürfe & Co/Alt";
  auto created = co_await imap::create_mailbox(c, std::move(folder));
  EXPECT_TRUE(created) << created.error().message();

  auto list = co_await imap::list_mailboxes(c);
  EXPECT_TRUE(list) << list.error().message();
  if (!list) co_return false;
  const auto* inbox = find(*list, "INBOX");
  EXPECT_TRUE(inbox && inbox->counts && inbox->counts->uidvalidity && inbox->counts->highestmodseq);
  for (auto [name, role] : {std::pair{"Sent", "\\Sent"}, std::pair{"Trash", "\\Trash"},
                            std::pair{"Drafts", "\\Drafts"}, std::pair{"Junk", "\\Junk"}}) {
    const auto* m = find(*list, name);
    EXPECT_TRUE(m && m->special_use() == role) << name;
  }
  const auto* alt = find(*list, "Entwürfe & Co/Alt");
  EXPECT_TRUE(alt && alt->raw_name == "Entw&APw-rfe &- Co/Alt" && alt->delimiter == '/');
  const auto* parent = find(*list, "Entwürfe & Co");
  // Maildir++ has no real parent: a path only (LIST-EXTENDED \NonExistent), with children.
  EXPECT_TRUE(parent && parent->has_attribute("\\HasChildren") && !parent->selectable());

  // APPEND with flags and internal date; APPENDUID.
  imap::append_options ao;
  ao.flags.emplace_back("\\Seen");
  ao.internal_date = std::chrono::sys_days{std::chrono::year(2026) / 2 / 2} + 10h;
  std::string inbox_name = "INBOX";
  std::string m1 = kMultipart;
  auto a1 = co_await imap::append(c, std::move(inbox_name), std::move(m1), std::move(ao));
  EXPECT_TRUE(a1 && *a1 && (*a1)->uid == 1u);
  imap::append_options ao2;
  inbox_name = "INBOX";
  std::string m2 = kSimple;
  auto a2 = co_await imap::append(c, std::move(inbox_name), std::move(m2), std::move(ao2));
  EXPECT_TRUE(a2 && *a2 && (*a2)->uid == 2u);

  imap::select_options so;
  inbox_name = "INBOX";
  auto sel = co_await imap::select(c, std::move(inbox_name), std::move(so));
  EXPECT_TRUE(sel) << sel.error().message();
  if (!sel) co_return false;
  EXPECT_EQ(sel->exists, 2u);
  EXPECT_EQ(sel->uidnext, 3u);
  EXPECT_FALSE(sel->readonly);
  EXPECT_TRUE(sel->highestmodseq);
  EXPECT_FALSE(sel->permanentflags.empty());
  const auto uidvalidity = sel->uidvalidity.value_or(0);
  const auto modseq0 = sel->highestmodseq.value_or(0);
  EXPECT_NE(uidvalidity, 0u);

  // ENVELOPE + BODYSTRUCTURE.
  auto all = *imap::sequence_set::parse("1:*");
  auto sums = co_await imap::fetch_summaries(c, std::move(all));
  EXPECT_TRUE(sums) << sums.error().message();
  if (!sums || sums->size() != 2) co_return false;
  const auto& s1 = (*sums)[0];
  EXPECT_EQ(s1.uid, 1u);
  EXPECT_EQ(s1.internal_date, "02-Feb-2026 10:00:00 +0000");
  EXPECT_TRUE(s1.flags && std::find(s1.flags->begin(), s1.flags->end(), "\\Seen") != s1.flags->end());
  EXPECT_EQ(s1.size, kMultipart.size());
  EXPECT_TRUE(s1.env && s1.env->subject == "=?utf-8?q?Gr=C3=BC=C3=9Fe?=" && s1.env->from.size() == 1 &&
              s1.env->from[0].name == "Alice Example" && s1.env->from[0].host == "example.test" &&
              s1.env->message_id == "<m1@example.test>");
  EXPECT_TRUE(s1.body && s1.body->multipart() && s1.body->children.size() == 2);
  if (s1.body && s1.body->children.size() == 2) {
    const auto& att = s1.body->children[1];
    EXPECT_EQ(att.part, "2");
    EXPECT_TRUE(att.is("application", "octet-stream"));
    EXPECT_EQ(att.disposition, "attachment");
    // "Hello Dovecot" without a line end: the CRLF before the boundary belongs to the boundary.
    EXPECT_TRUE(s1.body->children[0].is("text", "plain") && s1.body->children[0].lines == 0u);
  }
  EXPECT_TRUE((*sums)[1].body && (*sums)[1].body->part == "1");

  // Sections: text, partial, decoded binary with NUL bytes.
  imap::section_request text;
  text.section = "1";
  auto t = co_await imap::fetch_section(c, 1, std::move(text));
  EXPECT_TRUE(t && *t == "Hello Dovecot") << (t ? *t : t.error().message());
  imap::section_request part;
  part.section = "1";
  part.partial = std::make_pair(std::uint64_t{6}, std::uint32_t{4});
  auto p = co_await imap::fetch_section(c, 1, std::move(part));
  EXPECT_TRUE(p && *p == "Dove") << (p ? *p : p.error().message());
  imap::section_request bin;
  bin.section = "2";
  bin.binary = true;
  auto b = co_await imap::fetch_section(c, 1, std::move(bin));
  EXPECT_TRUE(b && *b == "\x00\x01\x02\x03"s);
  imap::section_request hdr;
  hdr.section = "HEADER.FIELDS (SUBJECT)";
  auto h = co_await imap::fetch_section(c, 2, std::move(hdr));
  EXPECT_TRUE(h && *h == "Subject: second\r\n\r\n") << (h ? *h : h.error().message());
  imap::section_request missing;
  missing.section = "1";
  auto none = co_await imap::fetch_section(c, 99, std::move(missing));
  EXPECT_EQ(none.error(), imap::error::command_failed);

  // ESEARCH.
  imap::search_query q;
  q.since = std::chrono::year_month_day{std::chrono::year(2020), std::chrono::January, std::chrono::day(1)};
  auto found = co_await imap::uid_search(c, std::move(q));
  EXPECT_TRUE(found && found->to_string() == "1:2");
  imap::search_query future;
  future.since = std::chrono::year_month_day{std::chrono::year(2030), std::chrono::January, std::chrono::day(1)};
  auto nothing = co_await imap::uid_search(c, std::move(future));
  EXPECT_TRUE(nothing && nothing->empty());

  // STORE: flags change, MODSEQ moves; an UNCHANGEDSINCE older than that is refused per message.
  std::vector<std::string> flagged;
  flagged.emplace_back("\\Flagged");
  auto one = *imap::sequence_set::parse("1");
  auto st = co_await imap::store_flags(c, std::move(one), imap::flag_op::add, std::move(flagged));
  EXPECT_TRUE(st && st->updated.size() == 1 && st->updated[0].modseq > modseq0);
  std::vector<std::string> seen;
  seen.emplace_back("\\Seen");
  one = *imap::sequence_set::parse("1");
  auto cond = co_await imap::store_flags(c, std::move(one), imap::flag_op::remove, std::move(seen), modseq0);
  EXPECT_TRUE(cond && cond->modified.to_string() == "1") << (cond ? cond->modified.to_string() : "error");

  auto changes_set = *imap::sequence_set::parse("1:*");
  auto ch = co_await imap::fetch_changes(c, std::move(changes_set), modseq0);
  EXPECT_TRUE(ch && ch->messages.size() == 1 && ch->messages[0].uid == 1u);

  // MOVE with COPYUID.
  auto two = *imap::sequence_set::parse("2");
  std::string trash = "Trash";
  auto mv = co_await imap::move_messages(c, std::move(two), std::move(trash));
  EXPECT_TRUE(mv && *mv && (*mv)->pairs() && (*mv)->pairs()->size() == 1 && (*mv)->pairs()->front().first == 2u);

  // A QRESYNC re-select from the first state: uid 2 vanished, uid 1 changed.
  imap::select_options qo;
  qo.read_only = true;
  qo.qresync = imap::qresync_params{uidvalidity, modseq0, {}};
  inbox_name = "INBOX";
  auto re = co_await imap::select(c, std::move(inbox_name), std::move(qo));
  EXPECT_TRUE(re) << re.error().message();
  if (re) {
    EXPECT_TRUE(re->readonly);
    EXPECT_EQ(re->exists, 1u);
    EXPECT_EQ(re->vanished.to_string(), "2");
    EXPECT_TRUE(re->changed.size() == 1 && re->changed[0].uid == 1u);
  }

  std::string trash2 = "Trash";
  auto ts = co_await imap::status(c, std::move(trash2));
  EXPECT_TRUE(ts && ts->messages == 1u && ts->highestmodseq);

  std::string from = "Entwürfe & Co/Alt";
  std::string to = "Entwürfe & Co/Neu";
  auto rn = co_await imap::rename_mailbox(c, std::move(from), std::move(to));
  EXPECT_TRUE(rn) << rn.error().message();
  std::string gone = "Entwürfe & Co/Neu";
  auto del = co_await imap::delete_mailbox(c, std::move(gone));
  EXPECT_TRUE(del) << del.error().message();
  std::string gone_again = "Entwürfe & Co/Neu";
  auto del2 = co_await imap::delete_mailbox(c, std::move(gone_again));
  EXPECT_EQ(del2.error(), imap::error::command_failed);
  auto n = co_await imap::noop(c);
  EXPECT_TRUE(n && n->ok());
  auto out = co_await c.logout();
  EXPECT_TRUE(out);
  co_return true;
}

// Dovecot without CONDSTORE/QRESYNC: the client degrades instead of sending what the server lacks.
[[gnu::noinline]] net::awaitable<bool> plain_session(imap::options o, std::shared_ptr<net::ssl::context> tls) {
  auto cr = co_await imap::connection::connect(co_await net::this_coro::executor, *tls, o);
  EXPECT_TRUE(cr) << cr.error().message();
  if (!cr) co_return false;
  auto& c = **cr;
  std::string user = "plain1";
  std::string password = "secret";
  auto login = co_await c.login(std::move(user), std::move(password));
  if (!login) co_return false;
  std::vector<std::string> ext;
  ext.emplace_back("CONDSTORE");
  ext.emplace_back("QRESYNC");
  auto en = co_await imap::enable(c, std::move(ext));
  EXPECT_TRUE(en && en->empty());
  auto list = co_await imap::list_mailboxes(c);
  EXPECT_TRUE(list) << list.error().message();
  if (list) {
    const auto* inbox = find(*list, "INBOX");
    EXPECT_TRUE(inbox && inbox->counts && inbox->counts->uidnext && !inbox->counts->highestmodseq);
  }
  imap::select_options qo;
  qo.qresync = imap::qresync_params{1, 1, {}};
  std::string inbox_name = "INBOX";
  auto q = co_await imap::select(c, std::move(inbox_name), std::move(qo));
  EXPECT_EQ(q.error(), imap::error::command_failed);
  imap::select_options so;
  inbox_name = "INBOX";
  auto sel = co_await imap::select(c, std::move(inbox_name), std::move(so));
  EXPECT_TRUE(sel && !sel->highestmodseq);
  auto all = *imap::sequence_set::parse("1:*");
  auto ch = co_await imap::fetch_changes(c, std::move(all), 1);
  EXPECT_EQ(ch.error(), imap::error::command_failed);
  co_return true;
}

// Opens pooled connections to Dovecot: connect + login as the user.
struct dovecot_connector {
  imap::options opts;
  std::shared_ptr<net::ssl::context> tls;
  int opened = 0;

  net::awaitable<easd::result<std::unique_ptr<imap::connection>>> open(std::string user, std::string password) {
    auto c = co_await imap::connection::connect(co_await net::this_coro::executor, *tls, opts);
    if (!c) co_return c.error();
    auto l = co_await (*c)->login(std::move(user), std::move(password));
    if (!l) co_return l.error();
    ++opened;
    co_return std::move(*c);
  }
};

[[gnu::noinline]] net::awaitable<bool> pooled(imap::connection_pool* pool, dovecot_connector* dc) {
  imap::connection* first = nullptr;
  {
    auto a = co_await pool->acquire("pool1", "secret");
    EXPECT_TRUE(a) << a.error().message();
    if (!a) co_return false;
    first = &**a;
    auto b = co_await pool->acquire("pool1", "secret");
    EXPECT_TRUE(b) << b.error().message();
    auto c = co_await pool->acquire("pool1", "secret");
    EXPECT_EQ(c.error(), imap::error::busy);
    if (b) {
      auto n = co_await imap::noop(**b);
      EXPECT_TRUE(n && n->ok());
    }
  }
  auto again = co_await pool->acquire("pool1", "secret");
  EXPECT_TRUE(again && (*again)->is_open());
  if (again) {
    std::string inbox = "INBOX";
    imap::select_options so;
    auto sel = co_await imap::select(**again, std::move(inbox), std::move(so));
    EXPECT_TRUE(sel) << sel.error().message();
    EXPECT_EQ(&**again, first);  // the most recently returned idle one
  }
  EXPECT_EQ(dc->opened, 2);  // reused, not reopened
  auto wrong = co_await pool->acquire("nosuchuser", "secret");
  EXPECT_EQ(wrong.error(), imap::error::auth_failed);
  auto held_back = co_await pool->acquire("nosuchuser", "secret");
  EXPECT_EQ(held_back.error(), imap::error::busy);
  co_return true;
}

class ImapDovecotMail : public ::testing::Test {
protected:
  static imap::options options(const easd::test::dovecot_service& d) {
    imap::options o;
    o.host = "127.0.0.1";
    o.sec = imap::security::starttls;
    o.port = d.imap_port();
    o.ca_file = d.cert_file().string();
    o.connect_timeout = 5s;
    o.command_timeout = 10s;
    return o;
  }
  net::io_context ctx_;
};

}  // namespace

TEST_F(ImapDovecotMail, SyncCommandsAgainstDovecot) {
  easd::test::run_dir run("imap-client-mail");
  easd::test::dovecot_service dovecot(run.path());
  auto o = options(dovecot);
  auto tls = *imap::make_tls_context(o);
  EXPECT_TRUE(easd::test::run_coroutine(ctx_, sync_session(o, tls), {}, std::chrono::seconds(60)));
}

TEST_F(ImapDovecotMail, WithoutCondstoreTheClientDegrades) {
  easd::test::run_dir run("imap-client-nocondstore");
  easd::test::dovecot_options dopts;
  dopts.condstore = false;
  easd::test::dovecot_service dovecot(run.path(), dopts);
  auto o = options(dovecot);
  auto tls = *imap::make_tls_context(o);
  EXPECT_TRUE(easd::test::run_coroutine(ctx_, plain_session(o, tls), {}, std::chrono::seconds(60)));
}

TEST_F(ImapDovecotMail, PoolReusesAuthenticatedConnections) {
  easd::test::run_dir run("imap-client-pool");
  easd::test::dovecot_service dovecot(run.path());
  dovecot_connector dc{options(dovecot), *imap::make_tls_context(options(dovecot))};
  imap::pool_options po;
  po.max_per_user = 2;
  po.backoff_initial = std::chrono::seconds(30);
  po.acquire_timeout = std::chrono::seconds(0);  // the third acquire fails at once
  imap::connection_pool pool([&dc](std::string user, std::string password) {
    return dc.open(std::move(user), std::move(password));
  }, po);
  EXPECT_TRUE(easd::test::run_coroutine(ctx_, pooled(&pool, &dc), {}, std::chrono::seconds(60)));
}
