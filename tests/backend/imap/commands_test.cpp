// The command runner and the typed commands against the scripted fake server: exact command text sent,
// literal continuations, bounds, and results built from the server's responses.
#include "backend/imap/client/connection.hpp"

#include "backend/imap/client/append.hpp"
#include "backend/imap/client/error.hpp"
#include "backend/imap/client/fetch.hpp"
#include "backend/imap/client/list.hpp"
#include "backend/imap/client/mailbox_admin.hpp"
#include "backend/imap/client/search.hpp"
#include "backend/imap/client/select.hpp"
#include "backend/imap/client/store.hpp"
#include "tests/backend/imap/fake_imap_server.hpp"
#include "tests/backend/imap/run_coroutine.hpp"
#include "tests/backend/imap/test_tls.hpp"

#include <boost/asio/this_coro.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

namespace imap = easd::backend::imap;
namespace net = boost::asio;
using namespace easd::test;
using namespace std::chrono_literals;

namespace {

using body_fn = net::awaitable<std::string> (*)(imap::connection&);

// Connects, logs in, runs `body` and reports what it returned (or the connect/login error).
[[gnu::noinline]] net::awaitable<std::string> session(imap::options o, net::ssl::context* tls, body_fn body) {
  auto c = co_await imap::connection::connect(co_await net::this_coro::executor, *tls, o);
  if (!c) co_return "connect: " + c.error().message();
  std::string user = "user1";
  std::string password = "secret";
  auto l = co_await (*c)->login(std::move(user), std::move(password));
  if (!l) co_return "login: " + l.error().message();
  co_return co_await body(**c);
}

std::string err(const easd::error_code& ec) { return "error: " + ec.message(); }

class ImapCommands : public ::testing::Test {
protected:
  // `caps`: what the login's [CAPABILITY] announces after login.
  std::string run(const std::string& caps, std::vector<script_step> steps, body_fn body,
                  imap::options o = {}) {
    std::vector<script_step> script;
    script.push_back(send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] ready\r\n"));
    script.push_back(command());
    script.push_back(send("$TAG OK [CAPABILITY IMAP4rev1 " + caps + "] Logged in\r\n"));
    for (auto& s : steps) script.push_back(std::move(s));
    script.push_back(drain());
    if (o.host.empty()) {
      o.host = "127.0.0.1";
      o.sec = imap::security::none;
      o.connect_timeout = 5s;
      o.command_timeout = 5s;
    }
    server_ = std::make_unique<fake_imap_server>(ctx_, std::move(script));
    o.port = server_->port();
    return run_coroutine(ctx_, session(o, client_tls_.get(), body), [this] {
      if (!server_->accepted()) server_->stop();
    });
  }
  // Lines after the login line.
  std::vector<std::string> sent() const {
    auto l = server_->lines();
    if (!l.empty()) l.erase(l.begin());
    return l;
  }

  net::io_context ctx_;
  std::unique_ptr<net::ssl::context> client_tls_ = std::make_unique<net::ssl::context>(make_trusting_client_context());
  std::unique_ptr<fake_imap_server> server_;
};

net::awaitable<std::string> do_noop(imap::connection& c) {
  auto r = co_await imap::noop(c);
  if (!r) co_return err(r.error());
  co_return std::to_string(r->untagged.size()) + (r->ok() ? " ok" : " not ok");
}

net::awaitable<std::string> do_two_noops(imap::connection& c) {
  auto a = co_await imap::noop(c);
  if (!a) co_return err(a.error());
  auto b = co_await imap::noop(c);
  if (!b) co_return err(b.error());
  co_return std::to_string(a->untagged.size()) + "," + std::to_string(b->untagged.size()) + (b->ok() ? "" : " no");
}

net::awaitable<std::string> do_qresync_select(imap::connection& c) {
  std::vector<std::string> ext;
  ext.emplace_back("CONDSTORE");
  ext.emplace_back("QRESYNC");
  ext.emplace_back("UTF8=ACCEPT");  // not offered: skipped
  auto e = co_await imap::enable(c, std::move(ext));
  if (!e) co_return err(e.error());
  imap::select_options o;
  o.qresync = imap::qresync_params{67890007, 20050715194045000ull, *imap::sequence_set::parse("41,43:211")};
  std::string mailbox = "INBOX";
  auto s = co_await imap::select(c, std::move(mailbox), std::move(o));
  if (!s) co_return err(s.error());
  co_return "exists=" + std::to_string(s->exists) + " vanished=" + s->vanished.to_string() +
      " changed=" + std::to_string(s->changed.size()) + " modseq=" + std::to_string(s->highestmodseq.value_or(0)) +
      (s->readonly ? " ro" : " rw");
}

net::awaitable<std::string> do_qresync_without_enable(imap::connection& c) {
  imap::select_options o;
  o.qresync = imap::qresync_params{1, 2, {}};
  std::string mailbox = "INBOX";
  auto s = co_await imap::select(c, std::move(mailbox), std::move(o));
  if (!s) co_return err(s.error());
  co_return "selected";
}

net::awaitable<std::string> do_list(imap::connection& c) {
  auto l = co_await imap::list_mailboxes(c);
  if (!l) co_return err(l.error());
  std::string out;
  for (const auto& m : *l) {
    out += m.name + "|" + m.special_use() + "|" + (m.counts ? std::to_string(m.counts->messages.value_or(0)) : "-") + ";";
  }
  co_return out;
}

net::awaitable<std::string> do_search(imap::connection& c) {
  imap::search_query q;
  q.since = std::chrono::year_month_day{std::chrono::year(2026), std::chrono::February, std::chrono::day(1)};
  auto r = co_await imap::uid_search(c, std::move(q));
  if (!r) co_return err(r.error());
  co_return r->to_string();
}

net::awaitable<std::string> do_move(imap::connection& c) {
  auto uids = *imap::sequence_set::parse("4:5");
  std::string trash = "Trash";
  auto r = co_await imap::move_messages(c, std::move(uids), std::move(trash));
  if (!r) co_return err(r.error());
  if (!*r) co_return "no copyuid";
  auto p = (*r)->pairs();
  std::string out = std::to_string((*r)->uidvalidity);
  for (auto [a, b] : *p) out += " " + std::to_string(a) + ">" + std::to_string(b);
  co_return out;
}

net::awaitable<std::string> do_append(imap::connection& c) {
  imap::append_options o;
  o.flags.emplace_back("\\Seen");
  o.internal_date = std::chrono::sys_days{std::chrono::year(2026) / 2 / 1} + std::chrono::hours(10);
  std::string mailbox = "Sent";
  std::string message = "hello";
  auto r = co_await imap::append(c, std::move(mailbox), std::move(message), std::move(o));
  if (!r) co_return err(r.error());
  if (!*r) co_return "no appenduid";
  co_return std::to_string((*r)->uidvalidity) + ":" + std::to_string((*r)->uid);
}

net::awaitable<std::string> do_hostile_arguments(imap::connection& c) {
  std::string out;
  std::vector<std::string> flags;
  flags.emplace_back("\\Seen) UID EXPUNGE (");
  auto uids = *imap::sequence_set::parse("1");
  auto s = co_await imap::store_flags(c, std::move(uids), imap::flag_op::add, std::move(flags));
  out += s ? "stored;" : err(s.error()) + ";";
  std::string bad_utf8 = "\xff";
  auto cr = co_await imap::create_mailbox(c, std::move(bad_utf8));
  out += cr ? "created;" : err(cr.error()) + ";";
  imap::section_request req;
  req.section = "1]<0.5> BODY[";
  auto f = co_await imap::fetch_section(c, 3, std::move(req));
  out += f ? "fetched;" : err(f.error()) + ";";
  std::string name = "Entwürfe \"x\"";
  auto ok = co_await imap::create_mailbox(c, std::move(name));
  out += ok ? "created" : err(ok.error());
  co_return out;
}

net::awaitable<std::string> do_fetch_section(imap::connection& c) {
  imap::section_request req;
  req.section = "1";
  req.partial = std::make_pair(std::uint64_t{0}, std::uint32_t{5});
  auto f = co_await imap::fetch_section(c, 7, std::move(req));
  if (!f) co_return err(f.error());
  co_return *f;
}

net::awaitable<std::string> do_store(imap::connection& c) {
  std::vector<std::string> flags;
  flags.emplace_back("\\Seen");
  flags.emplace_back("\\Flagged");
  auto uids = *imap::sequence_set::parse("1:3");
  auto s = co_await imap::store_flags(c, std::move(uids), imap::flag_op::remove, std::move(flags), 12345);
  if (!s) co_return err(s.error());
  co_return std::to_string(s->updated.size()) + " modified=" + s->modified.to_string();
}

}  // namespace

TEST_F(ImapCommands, ExecuteCollectsUntaggedUntilTheTaggedCompletion) {
  auto r = run("", {command(), send("* 3 EXISTS\r\n* 1 FETCH (FLAGS (\\Seen))\r\n* OK still here\r\n$TAG OK done\r\n")},
               do_noop);
  EXPECT_EQ(r, "3 ok");
  EXPECT_EQ(sent(), (std::vector<std::string>{"e2 NOOP"}));
}

TEST_F(ImapCommands, NoIsAValueAndTheConnectionStaysUsable) {
  auto r = run("", {command(), send("* 1 EXISTS\r\n$TAG OK\r\n"), command(), send("$TAG NO [SERVERBUG] oops\r\n")},
               do_two_noops);
  EXPECT_EQ(r, "1,0 no");
}

TEST_F(ImapCommands, ByeDuringACommandIsUnavailable) {
  auto r = run("", {command(), send("* BYE shutting down\r\n"), close()}, do_noop);
  EXPECT_EQ(r, err(imap::error::unavailable));
}

TEST_F(ImapCommands, UntaggedResponsesAreBounded) {
  imap::options o;
  o.host = "127.0.0.1";
  o.sec = imap::security::none;
  o.max_untagged_responses = 2;
  auto r = run("", {command(), send("* 1 EXISTS\r\n* 2 EXISTS\r\n* 3 EXISTS\r\n$TAG OK\r\n")}, do_noop, o);
  EXPECT_EQ(r, err(imap::error::response_too_large));
}

TEST_F(ImapCommands, CommandDeadline) {
  imap::options o;
  o.host = "127.0.0.1";
  o.sec = imap::security::none;
  o.command_timeout = 200ms;
  auto r = run("", {command(), send("* 1 EXISTS\r\n")}, do_noop, o);
  EXPECT_EQ(r, err(imap::error::timeout));
}

TEST_F(ImapCommands, EnableThenQresyncSelect) {
  auto r = run("ENABLE CONDSTORE QRESYNC",
               {command(), send("* ENABLED CONDSTORE QRESYNC\r\n$TAG OK Enabled.\r\n"), command(),
                send("* FLAGS (\\Seen)\r\n* 10 EXISTS\r\n* OK [UIDVALIDITY 67890007] x\r\n"
                     "* OK [HIGHESTMODSEQ 20050715194045999] x\r\n* VANISHED (EARLIER) 41,43:116\r\n"
                     "* 5 FETCH (UID 120 FLAGS (\\Seen) MODSEQ (20050715194045111))\r\n"
                     "$TAG OK [READ-WRITE] selected\r\n")},
               do_qresync_select);
  EXPECT_EQ(r, "exists=10 vanished=41,43:116 changed=1 modseq=20050715194045999 rw");
  EXPECT_EQ(sent(), (std::vector<std::string>{"e2 ENABLE CONDSTORE QRESYNC",
                                              "e3 SELECT \"INBOX\" (QRESYNC (67890007 20050715194045000 41,43:211))"}));
}

TEST_F(ImapCommands, QresyncWithoutEnableSendsNothing) {
  auto r = run("QRESYNC", {}, do_qresync_without_enable);
  EXPECT_EQ(r, err(imap::error::command_failed));
  EXPECT_TRUE(sent().empty());
}

TEST_F(ImapCommands, ListExtendedWithStatus) {
  auto r = run("LIST-EXTENDED LIST-STATUS SPECIAL-USE CONDSTORE",
               {command(), send("* LIST (\\HasNoChildren) \"/\" INBOX\r\n* STATUS INBOX (MESSAGES 4 UIDVALIDITY 1 "
                                "UIDNEXT 5 HIGHESTMODSEQ 9)\r\n* LIST (\\HasNoChildren \\Trash) \"/\" \"M&APw-ll\"\r\n"
                                "$TAG OK\r\n")},
               do_list);
  EXPECT_EQ(r, "INBOX||4;Müll|\\Trash|-;");
  EXPECT_EQ(sent(), (std::vector<std::string>{
                        "e2 LIST \"\" \"*\" RETURN (CHILDREN SPECIAL-USE STATUS (MESSAGES UIDVALIDITY UIDNEXT HIGHESTMODSEQ))"}));
}

TEST_F(ImapCommands, PlainListWithoutListExtended) {
  auto r = run("", {command(), send("* LIST (\\Sent) \"/\" Sent\r\n$TAG OK\r\n")}, do_list);
  EXPECT_EQ(r, "Sent|\\Sent|-;");
  EXPECT_EQ(sent(), (std::vector<std::string>{"e2 LIST \"\" \"*\""}));
}

TEST_F(ImapCommands, SearchWithEsearch) {
  auto r = run("ESEARCH", {command(), send("* ESEARCH (TAG \"$TAG\") UID ALL 2:4,9\r\n$TAG OK\r\n")}, do_search);
  EXPECT_EQ(r, "2:4,9");
  EXPECT_EQ(sent(), (std::vector<std::string>{"e2 UID SEARCH RETURN (ALL) SINCE 1-Feb-2026"}));
}

TEST_F(ImapCommands, SearchWithoutEsearch) {
  auto r = run("", {command(), send("* SEARCH 9 2 3\r\n$TAG OK\r\n")}, do_search);
  EXPECT_EQ(r, "2:3,9");
  EXPECT_EQ(sent(), (std::vector<std::string>{"e2 UID SEARCH SINCE 1-Feb-2026"}));
}

TEST_F(ImapCommands, MoveWithMove) {
  auto r = run("MOVE UIDPLUS",
               {command(), send("* OK [COPYUID 77 4:5 10:11] Moved\r\n* 1 EXPUNGE\r\n* 1 EXPUNGE\r\n$TAG OK Done\r\n")},
               do_move);
  EXPECT_EQ(r, "77 4>10 5>11");
  EXPECT_EQ(sent(), (std::vector<std::string>{"e2 UID MOVE 4:5 \"Trash\""}));
}

TEST_F(ImapCommands, MoveFallsBackToCopyStoreExpunge) {
  auto r = run("UIDPLUS",
               {command(), send("$TAG OK [COPYUID 77 4:5 20:21] Copied\r\n"), command(),
                send("* 1 FETCH (UID 4 FLAGS (\\Deleted))\r\n$TAG OK\r\n"), command(),
                send("* 1 EXPUNGE\r\n* 1 EXPUNGE\r\n$TAG OK\r\n")},
               do_move);
  EXPECT_EQ(r, "77 4>20 5>21");
  EXPECT_EQ(sent(), (std::vector<std::string>{"e2 UID COPY 4:5 \"Trash\"", "e3 UID STORE 4:5 +FLAGS (\\Deleted)",
                                              "e4 UID EXPUNGE 4:5"}));
}

TEST_F(ImapCommands, AppendWaitsForTheContinuation) {
  auto r = run("UIDPLUS", {command(), send("* 4 EXISTS\r\n+ OK\r\n"), line(), send("$TAG OK [APPENDUID 9 12] Appended\r\n")},
               do_append);
  EXPECT_EQ(r, "9:12");
  EXPECT_EQ(sent(), (std::vector<std::string>{"e2 APPEND \"Sent\" (\\Seen) \"01-Feb-2026 10:00:00 +0000\" {5}",
                                              "hello"}));
}

TEST_F(ImapCommands, AppendWithLiteralPlus) {
  auto r = run("LITERAL+", {command(), line(), send("$TAG OK Appended\r\n")}, do_append);
  EXPECT_EQ(r, "no appenduid");
  EXPECT_EQ(sent(), (std::vector<std::string>{"e2 APPEND \"Sent\" (\\Seen) \"01-Feb-2026 10:00:00 +0000\" {5+}",
                                              "hello"}));
}

TEST_F(ImapCommands, HostileArgumentsAreRefusedBeforeSending) {
  auto r = run("", {command(), send("$TAG OK\r\n")}, do_hostile_arguments);
  EXPECT_EQ(r, err(imap::error::unsendable_argument) + ";" + err(imap::error::unsendable_argument) + ";" +
                   err(imap::error::unsendable_argument) + ";created");
  // Only the last one was sent, in modified UTF-7 with its quote escaped.
  EXPECT_EQ(sent(), (std::vector<std::string>{"e4 CREATE \"Entw&APw-rfe \\\"x\\\"\""}));
}

TEST_F(ImapCommands, FetchSectionReturnsTheLiteral) {
  auto r = run("", {command(), send("* 2 FETCH (FLAGS (\\Seen))\r\n* 3 FETCH (UID 7 BODY[1]<0> {5}\r\nab\r\nc)\r\n$TAG OK\r\n")},
               do_fetch_section);
  EXPECT_EQ(r, "ab\r\nc");
  EXPECT_EQ(sent(), (std::vector<std::string>{"e2 UID FETCH 7 (BODY.PEEK[1]<0.5>)"}));
}

TEST_F(ImapCommands, StoreUnchangedSinceReportsModified) {
  auto r = run("CONDSTORE",
               {command(), send("* 1 FETCH (UID 1 FLAGS () MODSEQ (12346))\r\n$TAG OK [MODIFIED 2:3] Conditional\r\n")},
               do_store);
  EXPECT_EQ(r, "1 modified=2:3");
  EXPECT_EQ(sent(), (std::vector<std::string>{"e2 UID STORE 1:3 (UNCHANGEDSINCE 12345) -FLAGS (\\Seen \\Flagged)"}));
}
