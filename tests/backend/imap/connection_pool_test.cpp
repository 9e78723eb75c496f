// connection_pool with a fake clock: reuse, per-user and overall limits, back-off, idle timeout, discard,
// and a lease that outlives its pool. Connections come from scripted fake servers (one per connection).
#include "backend/imap/client/connection_pool.hpp"

#include "backend/imap/client/error.hpp"
#include "tests/backend/imap/fake_imap_server.hpp"
#include "tests/backend/imap/run_coroutine.hpp"
#include "tests/backend/imap/test_tls.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

namespace imap = easd::backend::imap;
namespace net = boost::asio;
using namespace easd::test;
using namespace std::chrono_literals;

namespace {

std::chrono::steady_clock::time_point fake_now{};

struct fake_connector {
  std::vector<std::uint16_t> ports;
  std::size_t next = 0;
  int calls = 0;
  net::ssl::context* tls = nullptr;

  std::string last_password;

  net::awaitable<easd::result<std::unique_ptr<imap::connection>>> open(std::string user, std::string password) {
    ++calls;
    last_password = std::move(password);
    if (user.empty() || next >= ports.size()) co_return imap::error::connect_failed;
    imap::options o;
    o.host = "127.0.0.1";
    o.port = ports[next++];
    o.sec = imap::security::none;
    o.connect_timeout = 5s;
    co_return co_await imap::connection::connect(co_await net::this_coro::executor, *tls, o);
  }
};

imap::connector connector_of(fake_connector* f) {
  // Not a coroutine: returns one.
  return [f](std::string user, std::string password) { return f->open(std::move(user), std::move(password)); };
}

class ImapConnectionPool : public ::testing::Test {
protected:
  void SetUp() override { fake_now = std::chrono::steady_clock::time_point{} + 1000h; }
  void add_servers(int n) {
    for (int i = 0; i < n; ++i) {
      std::vector<script_step> script;
      script.push_back(send("* OK [CAPABILITY IMAP4rev1] ready\r\n"));
      script.push_back(drain());
      servers_.push_back(std::make_unique<fake_imap_server>(ctx_, std::move(script)));
      conn_.ports.push_back(servers_.back()->port());
    }
  }
  imap::pool_options opts() {
    imap::pool_options o;
    o.max_per_user = 2;
    o.max_total = 3;
    o.idle_timeout = 60s;
    o.backoff_initial = 1s;
    o.backoff_max = 4s;
    o.acquire_timeout = 0s;  // fail at once at the per-user limit (WaitsForALeaseAtTheUserLimit waits)
    o.now = [] { return fake_now; };
    return o;
  }
  // Pooled connections stay open, so the servers' drain steps would keep the io_context busy: stop them.
  void stop_servers() {
    for (auto& s : servers_) s->stop();
  }

  net::io_context ctx_;
  std::unique_ptr<net::ssl::context> tls_ = std::make_unique<net::ssl::context>(make_trusting_client_context());
  fake_connector conn_{{}, 0, 0, tls_.get(), {}};
  std::vector<std::unique_ptr<fake_imap_server>> servers_;
};

net::awaitable<bool> reuse_and_limits(imap::connection_pool* pool, fake_connector* f) {
  imap::connection* first = nullptr;
  {
    auto a = co_await pool->acquire("alice", "pw");
    EXPECT_TRUE(a);
    if (!a) co_return false;
    first = &**a;
  }
  EXPECT_EQ(pool->idle_count("alice"), 1u);
  auto a1 = co_await pool->acquire("alice", "pw");
  EXPECT_TRUE(a1 && &**a1 == first);  // the idle one, not a new one
  EXPECT_EQ(f->calls, 1);
  auto a2 = co_await pool->acquire("alice", "pw");
  EXPECT_TRUE(a2);
  auto a3 = co_await pool->acquire("alice", "pw");
  EXPECT_EQ(a3.error(), imap::error::busy);  // max_per_user = 2
  auto b1 = co_await pool->acquire("bob", "pw");
  EXPECT_TRUE(b1);
  auto c1 = co_await pool->acquire("carol", "pw");
  EXPECT_EQ(c1.error(), imap::error::busy);  // max_total = 3
  EXPECT_EQ(pool->open_count(), 3u);
  EXPECT_EQ(f->calls, 3);
  // Discarded: the slot is freed, the connection is not reused.
  if (b1) b1->discard();
  EXPECT_EQ(pool->open_count(), 2u);
  EXPECT_EQ(pool->idle_count("bob"), 0u);
  co_return true;
}

net::awaitable<bool> backoff(imap::connection_pool* pool, fake_connector* f) {
  auto r1 = co_await pool->acquire("alice", "pw");
  EXPECT_EQ(r1.error(), imap::error::connect_failed);
  auto r2 = co_await pool->acquire("alice", "pw");
  EXPECT_EQ(r2.error(), imap::error::busy);  // within 1 s
  EXPECT_EQ(f->calls, 1);
  fake_now += 1s;
  auto r3 = co_await pool->acquire("alice", "pw");
  EXPECT_EQ(r3.error(), imap::error::connect_failed);  // tried again; back-off now 2 s
  fake_now += 1s;
  auto r4 = co_await pool->acquire("alice", "pw");
  EXPECT_EQ(r4.error(), imap::error::busy);
  fake_now += 1s;
  auto r5 = co_await pool->acquire("alice", "pw");
  EXPECT_EQ(r5.error(), imap::error::connect_failed);
  EXPECT_EQ(f->calls, 3);
  fake_now += 10s;  // capped at 4 s
  auto r6 = co_await pool->acquire("alice", "pw");
  EXPECT_EQ(r6.error(), imap::error::connect_failed);
  EXPECT_EQ(f->calls, 4);
  auto other = co_await pool->acquire("bob", "pw");  // another user is not held back
  EXPECT_EQ(f->calls, 5);
  EXPECT_EQ(pool->open_count(), 0u);
  co_return true;
}

net::awaitable<bool> idle_timeout(imap::connection_pool* pool) {
  {
    auto a = co_await pool->acquire("alice", "pw");
    EXPECT_TRUE(a);
  }
  EXPECT_EQ(pool->open_count(), 1u);
  fake_now += 30s;
  pool->prune();
  EXPECT_EQ(pool->open_count(), 1u);
  fake_now += 31s;
  pool->prune();
  EXPECT_EQ(pool->open_count(), 0u);
  co_return true;
}

net::awaitable<imap::lease> outlive(imap::connection_pool* pool) {
  auto a = co_await pool->acquire("alice", "pw");
  EXPECT_TRUE(a);
  if (!a) co_return imap::lease{};
  co_return std::move(*a);
}

// Two acquires at the per-user limit of 1: the second waits for the first lease and gets its connection;
// a third waiter beyond max_waiters_per_user, and one whose timeout passes, fail with busy.
net::awaitable<void> hold_then_release(imap::lease l, net::steady_timer* t) {
  boost::system::error_code ec;
  auto token = net::redirect_error(net::use_awaitable, ec);
  co_await t->async_wait(token);
  l = imap::lease{};
}

net::awaitable<bool> waits(imap::connection_pool* pool, fake_connector* f) {
  auto ex = co_await net::this_coro::executor;
  auto first = co_await pool->acquire("alice", "pw1");
  EXPECT_TRUE(first);
  if (!first) co_return false;
  EXPECT_EQ(f->last_password, "pw1");  // the connector got the password
  imap::connection* conn = &**first;
  net::steady_timer t(ex, std::chrono::milliseconds(50));
  net::co_spawn(ex, hold_then_release(std::move(*first), &t), net::detached);
  auto second = co_await pool->acquire("alice", "pw1");  // waits until the first comes back
  EXPECT_TRUE(second);
  EXPECT_TRUE(second && &**second == conn && second->reused());
  EXPECT_EQ(f->calls, 1);
  EXPECT_EQ(pool->waiting_count("alice"), 0u);
  auto third = co_await pool->acquire("alice", "pw1");  // nobody gives it back: times out
  EXPECT_EQ(third.error(), imap::error::busy);
  co_return true;
}

}  // namespace

TEST_F(ImapConnectionPool, WaitsForALeaseAtTheUserLimit) {
  add_servers(1);
  auto o = opts();
  o.max_per_user = 1;
  o.acquire_timeout = 300ms;
  imap::connection_pool pool(connector_of(&conn_), o);
  EXPECT_TRUE(run_coroutine(ctx_, waits(&pool, &conn_), [this] { stop_servers(); }));
}

TEST_F(ImapConnectionPool, ReusesIdleConnectionsAndEnforcesLimits) {
  add_servers(3);
  imap::connection_pool pool(connector_of(&conn_), opts());
  EXPECT_TRUE(run_coroutine(ctx_, reuse_and_limits(&pool, &conn_), [this] { stop_servers(); }));
}

TEST_F(ImapConnectionPool, FailedOpensBackOffExponentially) {
  imap::connection_pool pool(connector_of(&conn_), opts());
  EXPECT_TRUE(run_coroutine(ctx_, backoff(&pool, &conn_)));
}

TEST_F(ImapConnectionPool, IdleConnectionsAreClosedAfterTheTimeout) {
  add_servers(1);
  imap::connection_pool pool(connector_of(&conn_), opts());
  EXPECT_TRUE(run_coroutine(ctx_, idle_timeout(&pool), [this] { stop_servers(); }));
}

TEST_F(ImapConnectionPool, LeaseMayOutliveThePool) {
  add_servers(1);
  auto pool = std::make_unique<imap::connection_pool>(connector_of(&conn_), opts());
  auto l = run_coroutine(ctx_, outlive(pool.get()), [this] { stop_servers(); });
  ASSERT_TRUE(l);
  EXPECT_TRUE(l->is_open());
  pool.reset();
  EXPECT_TRUE(l->is_open());
  l = imap::lease{};  // returned to a closed pool: closed, nothing dangles
  EXPECT_FALSE(l);
}
