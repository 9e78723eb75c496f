// The client's watcher operations (client/idle.cpp) against a scripted server: IDLE, waiting for and
// reading unsolicited responses, a cancelled wait that leaves the connection usable, hostile bytes.
#include "backend/imap/client/connection.hpp"

#include "backend/imap/client/error.hpp"
#include "tests/backend/imap/fake_imap_server.hpp"
#include "tests/backend/imap/run_coroutine.hpp"
#include "tests/backend/imap/test_tls.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

namespace imap = easd::backend::imap;
namespace net = boost::asio;
using namespace net::experimental::awaitable_operators;
using namespace easd::test;
using namespace std::chrono_literals;

namespace {

const std::string kGreeting = "* OK [CAPABILITY IMAP4rev1 SASL-IR IDLE AUTH=PLAIN] ready\r\n";
using readiness = imap::connection::readiness;

struct trace {
  std::vector<std::string> events;
  easd::error_code failure;
};

std::string first_words(const imap::response& r) {
  std::string s;
  for (std::size_t i = 0; i < r.data.size() && i < 2; ++i) s += (i ? " " : "") + r.data[i].text;
  return s;
}

class ImapIdle : public ::testing::Test {
protected:
  trace run(std::vector<script_step> script,
            std::function<net::awaitable<void>(imap::connection&, trace&)> body) {
    server_ = std::make_unique<fake_imap_server>(ctx_, std::move(script));
    imap::options o;
    o.host = "127.0.0.1";
    o.port = server_->port();
    o.sec = imap::security::none;
    o.connect_timeout = 5s;
    o.command_timeout = 5s;
    auto task = [](imap::options opts, net::ssl::context* tls,
                   std::function<net::awaitable<void>(imap::connection&, trace&)> fn) -> net::awaitable<trace> {
      trace t;
      auto ex = co_await net::this_coro::executor;
      auto c = co_await imap::connection::connect(ex, *tls, opts);
      if (!c) {
        t.failure = c.error();
        co_return t;
      }
      auto l = co_await (*c)->login("user1", "secret");
      if (!l) {
        t.failure = l.error();
        co_return t;
      }
      co_await fn(**c, t);
      co_return t;
    };
    return run_coroutine(ctx_, task(o, tls_.get(), std::move(body)), [this] {
      if (!server_->accepted()) server_->stop();
    });
  }

  net::io_context ctx_;
  std::unique_ptr<net::ssl::context> tls_ = std::make_unique<net::ssl::context>(make_trusting_client_context());
  std::unique_ptr<fake_imap_server> server_;
};

}  // namespace

TEST_F(ImapIdle, IdleDeliversUpdatesBeforeDuringAndAfter) {
  auto got = run({send(kGreeting), command(), send("$TAG OK\r\n"), command(),
                send("* 1 EXISTS\r\n+ idling\r\n* 2 EXISTS\r\n"), line(),
                send("* 3 EXPUNGE\r\n$TAG OK IDLE terminated\r\n"), command(), send("$TAG OK\r\n"), drain()},
               [](imap::connection& c, trace& tr) -> net::awaitable<void> {
                 std::vector<imap::response> updates;
                 auto b = co_await c.idle_begin(updates);
                 if (!b) {
                   tr.failure = b.error();
                   co_return;
                 }
                 for (auto& u : updates) tr.events.push_back("before " + first_words(u));
                 auto w = co_await c.wait_readable(std::chrono::steady_clock::now() + 5s);
                 if (w && *w == readiness::readable) {
                   auto r = co_await c.read_unsolicited();
                   if (r) tr.events.push_back("during " + first_words(*r));
                 }
                 // Nothing more comes until DONE: the wait ends at its deadline, nothing consumed.
                 auto quiet = co_await c.wait_readable(std::chrono::steady_clock::now() + 100ms);
                 tr.events.push_back(quiet && *quiet == readiness::waited ? "quiet" : "noisy");
                 // A wait cancelled by a wake-up timer leaves the connection usable.
                 auto ex = co_await net::this_coro::executor;
                 net::steady_timer wake(ex, 50ms);
                 auto raced = co_await (c.wait_readable(std::chrono::steady_clock::now() + 10s) ||
                                        wake.async_wait(net::as_tuple(net::use_awaitable)));
                 tr.events.push_back(raced.index() == 1 ? "woken" : "not woken");
                 auto d = co_await c.idle_done();
                 if (!d) {
                   tr.failure = d.error();
                   co_return;
                 }
                 for (auto& u : d->untagged) tr.events.push_back("after " + first_words(u));
                 auto noop = c.start_command("NOOP");
                 auto n = co_await c.execute(std::move(noop));
                 tr.events.push_back(n && n->ok() ? "noop ok" : "noop failed");
               });
  EXPECT_FALSE(got.failure) << got.failure.message();
  EXPECT_EQ(got.events, (std::vector<std::string>{"before 1 EXISTS", "during 2 EXISTS", "quiet", "woken",
                                                "after 3 EXPUNGE", "noop ok"}));
  ASSERT_GE(server_->lines().size(), 4u);
  EXPECT_EQ(server_->lines()[1], "e2 IDLE");
  EXPECT_EQ(server_->lines()[2], "DONE");
  EXPECT_EQ(server_->lines()[3], "e3 NOOP");
}

TEST_F(ImapIdle, RefusedIdleIsCommandFailedAndTheConnectionStaysUsable) {
  auto got = run({send(kGreeting), command(), send("$TAG OK\r\n"), command(), send("$TAG NO [LIMIT] not now\r\n"),
                command(), send("$TAG OK\r\n"), drain()},
               [](imap::connection& c, trace& tr) -> net::awaitable<void> {
                 std::vector<imap::response> updates;
                 auto b = co_await c.idle_begin(updates);
                 tr.failure = b ? easd::error_code{} : b.error();
                 tr.events.push_back(c.last_completion().code);
                 auto noop = c.start_command("NOOP");
                 auto n = co_await c.execute(std::move(noop));
                 tr.events.push_back(n && n->ok() ? "noop ok" : "noop failed");
               });
  EXPECT_EQ(got.failure, imap::error::command_failed);
  EXPECT_EQ(got.events, (std::vector<std::string>{"LIMIT", "noop ok"}));
}

TEST_F(ImapIdle, UnsolicitedTaggedResponseIsAProtocolError) {
  auto got = run({send(kGreeting), command(), send("$TAG OK\r\n"), send("* STATUS INBOX (MESSAGES 1)\r\nx9 OK stray\r\n"),
                drain()},
               [](imap::connection& c, trace& tr) -> net::awaitable<void> {
                 auto first = co_await c.read_unsolicited();
                 tr.events.push_back(first ? first_words(*first) : first.error().message());
                 auto second = co_await c.read_unsolicited();
                 tr.failure = second ? easd::error_code{} : second.error();
                 tr.events.push_back(c.is_open() ? "open" : "closed");
               });
  EXPECT_EQ(got.failure, imap::error::protocol_error);
  EXPECT_EQ(got.events, (std::vector<std::string>{"STATUS INBOX", "closed"}));
}

TEST_F(ImapIdle, ServerClosingDuringAWaitIsConnectionLost) {
  auto got = run({send(kGreeting), command(), send("$TAG OK\r\n"), close()},
               [](imap::connection& c, trace& tr) -> net::awaitable<void> {
                 auto w = co_await c.wait_readable(std::chrono::steady_clock::now() + 5s);
                 if (!w) {
                   tr.failure = w.error();
                   co_return;
                 }
                 // Readable at EOF: the read tells.
                 auto r = co_await c.read_unsolicited();
                 tr.failure = r ? easd::error_code{} : r.error();
               });
  EXPECT_EQ(got.failure, imap::error::connection_lost);
}
