// imap_mail_watch against a scripted server (hermetic): the commands it sends under NOTIFY and under the
// IDLE fallback, unknown and unwatched responses ignored, exactly the watched folder reported, the
// linger ending in LOGOUT (and DONE before it when idling).
#include "backend/imap/imap_mail_watch.hpp"

#include "tests/backend/imap/fake_imap_server.hpp"
#include "tests/backend/imap/test_tls.hpp"

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace net = boost::asio;
namespace imap = easd::backend::imap;
using easd::backend::account;
using easd::backend::imap_mail_watch;
using easd::backend::imap_watch_options;
using namespace easd::test;
using namespace std::chrono_literals;

namespace {

class ImapMailWatchScript : public ::testing::Test {
protected:
  void start(std::vector<script_step> script) {
    server_ = std::make_unique<fake_imap_server>(ctx_, std::move(script));
    imap_watch_options o;
    o.server.host = "127.0.0.1";
    o.server.port = server_->port();
    o.server.sec = imap::security::none;
    o.server.connect_timeout = 5s;
    o.server.command_timeout = 5s;
    o.linger = 50ms;
    auto tls = std::make_shared<net::ssl::context>(make_trusting_client_context());
    watch_ = std::make_unique<imap_mail_watch>(ctx_.get_executor(), o, tls,
                                               [this](std::string_view user, std::string_view folder) {
                                                 events_.push_back(std::string(user) + "|" + std::string(folder));
                                               });
  }
  // The lines the server got, tags removed ("e7 IDLE" → "IDLE").
  std::vector<std::string> commands() const {
    std::vector<std::string> out;
    for (const auto& l : server_->lines()) {
      auto sp = l.find(' ');
      out.push_back(l.starts_with('e') && sp != std::string::npos ? l.substr(sp + 1) : l);
    }
    return out;
  }
  // One lease on INBOX until the first event, released; the commands once the script has run out.
  std::vector<std::string> watch_inbox_until_logout() {
    auto lease = watch_->watch(account{"user1", "secret", ""}, {"N:INBOX"});
    EXPECT_TRUE(run_until([&] { return !events_.empty(); }));
    lease.reset();
    EXPECT_TRUE(run_until([&] { return server_->script_done(); }));
    return commands();
  }
  // Runs the io_context until `done` or 10 s.
  bool run_until(const std::function<bool()>& done) {
    const auto end = std::chrono::steady_clock::now() + 10s;
    while (!done() && std::chrono::steady_clock::now() < end) {
      ctx_.restart();
      ctx_.run_for(10ms);
    }
    return done();
  }
  void TearDown() override {
    if (watch_) watch_->shutdown();
    run_until([&] { return watch_->stats().users == 0; });
    if (server_ && !server_->accepted()) server_->stop();
  }

  net::io_context ctx_;
  std::unique_ptr<fake_imap_server> server_;
  std::unique_ptr<imap_mail_watch> watch_;
  std::vector<std::string> events_;
};

}  // namespace

TEST_F(ImapMailWatchScript, NotifyMapsStatusEventsAndIgnoresTheRest) {
  start({send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN NOTIFY] ready\r\n"), command(), send("$TAG OK\r\n"),
         command(), send("* XUNKNOWN 1 (a \"b\" {1}\r\nc)\r\n$TAG OK NOTIFY completed\r\n"),
         send("* STATUS Other (MESSAGES 1)\r\n* 3 EXISTS\r\n* OK [XSTRANGE] hi\r\n* STATUS inbox (MESSAGES 2)\r\n"),
         command(), send("* BYE bye\r\n$TAG OK\r\n"), drain()});
  const auto l = watch_inbox_until_logout();
  // First the re-check every new watch asks for (what changed before it existed), then the Inbox event.
  EXPECT_EQ(events_, (std::vector<std::string>{"user1|", "user1|N:INBOX"}));
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[1], "NOTIFY SET (mailboxes (\"INBOX\") (MessageNew MessageExpunge FlagChange))");
  EXPECT_EQ(l[2], "LOGOUT");
}

TEST_F(ImapMailWatchScript, WithoutNotifyIdlesOnTheInboxAndSaysDoneBeforeLogout) {
  start({send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN IDLE] ready\r\n"), command(), send("$TAG OK\r\n"),
         command(), send("* 2 EXISTS\r\n* OK [UIDVALIDITY 7] x\r\n$TAG OK [READ-ONLY] done\r\n"), command(),
         send("+ idling\r\n* 1 RECENT\r\n* XODD\r\n* 3 EXISTS\r\n"), line(), send("$TAG OK IDLE done\r\n"),
         command(), send("* BYE bye\r\n$TAG OK\r\n"), drain()});
  const auto l = watch_inbox_until_logout();
  EXPECT_EQ(events_, (std::vector<std::string>{"user1|", "user1|N:INBOX"}));
  ASSERT_EQ(l.size(), 5u);
  EXPECT_EQ(l[1], "EXAMINE \"INBOX\"");
  EXPECT_EQ(l[2], "IDLE");
  EXPECT_EQ(l[3], "DONE");
  EXPECT_EQ(l[4], "LOGOUT");
}

TEST_F(ImapMailWatchScript, HostileBytesDropTheConnectionAndTheWatchRetries) {
  // An unbalanced list is unparsable: the connection goes, a reconnect is attempted (to a closed port).
  start({send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN NOTIFY] ready\r\n"), command(), send("$TAG OK\r\n"),
         command(), send("$TAG OK\r\n"), send("* STATUS INBOX ((((\r\n"), drain()});
  auto lease = watch_->watch(account{"user1", "secret", ""}, {"N:INBOX"});
  ASSERT_TRUE(run_until([&] { return watch_->stats().failures >= 1; }));
  // Only the new watch's re-check: nothing from the unparsable response.
  EXPECT_EQ(events_, (std::vector<std::string>{"user1|"}));
  EXPECT_EQ(watch_->stats().logins, 1u);
}
