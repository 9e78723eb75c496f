// The Redis bus against a real Redis 7 (tests/support redis_service): two bus instances are two nodes.
// Every awaitable is given 2 s: a held Ping must never hang on Redis, up or down.
#include "push/redis_bus.hpp"

#include "push/keys.hpp"
#include "tests/support/services.hpp"

#include <hiredis/hiredis.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;
using easd::push::message;
using easd::push::message_kind;
using clock_type = std::chrono::steady_clock;

constexpr auto call_limit = 2s;

// A second, synchronous client: what Redis itself sees.
class raw_redis {
public:
  explicit raw_redis(std::uint16_t port, const char* password = nullptr) {
    timeval tv{1, 0};
    c_ = redisConnectWithTimeout("127.0.0.1", port, tv);
    if (!c_ || c_->err) throw std::runtime_error("raw redis: cannot connect");
    redisSetTimeout(c_, tv);
    if (password) command({"AUTH", password});
  }
  ~raw_redis() { redisFree(c_); }
  raw_redis(const raw_redis&) = delete;
  raw_redis& operator=(const raw_redis&) = delete;

  // The reply as text: strings and status as they are, integers in decimal, nil as "(nil)", errors
  // prefixed "ERR:", arrays joined by '\n'.
  std::string command(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    auto* r = static_cast<redisReply*>(redisCommandArgv(c_, static_cast<int>(argv.size()), argv.data(), lens.data()));
    if (!r) throw std::runtime_error("raw redis: no reply");
    auto text = render(r);
    freeReplyObject(r);
    return text;
  }

  std::vector<std::string> channels() {
    const auto text = command({"PUBSUB", "CHANNELS", "easd:*"});
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
      const auto end = std::min(text.find('\n', start), text.size());
      out.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    return out;
  }
  bool has_channel(const std::string& name) {
    const auto all = channels();
    return std::find(all.begin(), all.end(), name) != all.end();
  }

private:
  static std::string render(const redisReply* r) {
    switch (r->type) {
      case REDIS_REPLY_STRING:
      case REDIS_REPLY_STATUS:
        return std::string(r->str, r->len);
      case REDIS_REPLY_ERROR:
        return "ERR:" + std::string(r->str, r->len);
      case REDIS_REPLY_INTEGER:
        return std::to_string(r->integer);
      case REDIS_REPLY_NIL:
        return "(nil)";
      default:
        break;
    }
    std::string out;
    for (std::size_t i = 0; i < r->elements; ++i) {
      if (i) out += '\n';
      out += render(r->element[i]);
    }
    return out;
  }
  redisContext* c_ = nullptr;
};

// What one node's hub would see.
struct recording_sinks {
  std::mutex mutex;
  std::vector<message> delivered;
  std::atomic<int> resyncs{0};
  std::vector<std::string> rechecked_users;  // resync_user calls: channels newly subscribed
  std::function<void()> on_deliver;  // runs after recording, on the bus's strand

  easd::push::bus_sinks sinks() {
    return {[this](const message& m) {
              {
                const std::lock_guard lock(mutex);
                delivered.push_back(m);
              }
              if (on_deliver) on_deliver();
            },
            [this] { ++resyncs; },
            [this](const std::string& user) {
              const std::lock_guard lock(mutex);
              rechecked_users.push_back(user);
            }};
  }
  std::size_t count() {
    const std::lock_guard lock(mutex);
    return delivered.size();
  }
  std::vector<message> snapshot() {
    const std::lock_guard lock(mutex);
    return delivered;
  }
};

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 5000ms) {
  const auto deadline = clock_type::now() + limit;
  while (clock_type::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

message content(std::string user, std::string folder) {
  message m;
  m.kind = message_kind::content;
  m.user = std::move(user);
  m.folder = std::move(folder);
  return m;
}

class RedisBus : public ::testing::Test {
protected:
  easd::test::run_dir run{"redis-bus"};
  easd::test::redis_service redis{run.path()};
  net::io_context io;
  net::executor_work_guard<net::io_context::executor_type> work = net::make_work_guard(io);
  std::thread runner{[this] { io.run(); }};

  // No io.stop(): the buses' last handlers (stop, cancelled waits) run to the end on their own.
  ~RedisBus() override {
    work.reset();
    runner.join();
  }

  std::string url() const { return "redis://127.0.0.1:" + std::to_string(redis.port()); }

  std::unique_ptr<easd::push::redis_bus> make_bus(recording_sinks& sinks, std::string url_text = {}) {
    auto endpoint = easd::parse_redis_url(url_text.empty() ? url() : url_text);
    if (!endpoint) throw std::runtime_error("bad url in test");
    easd::push::redis_bus_options opts;
    opts.endpoint = *endpoint;
    opts.health_interval = 500ms;  // a paused Redis is noticed quickly in the tests
    auto bus = std::make_unique<easd::push::redis_bus>(io.get_executor(), opts);
    bus->start(sinks.sinks());
    return bus;
  }

  // Runs an awaitable on the io thread; fails the test unless it completes within `limit`.
  template <class T>
  T await(net::awaitable<T> a, std::chrono::milliseconds limit = call_limit) {
    auto f = net::co_spawn(io, std::move(a), net::use_future);
    const auto start = clock_type::now();
    if (f.wait_for(limit) != std::future_status::ready) {
      ADD_FAILURE() << "the call did not complete within " << limit.count() << " ms";
      f.wait();
    }
    last_call = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start);
    return f.get();
  }
  void await_void(net::awaitable<void> a) {
    auto f = net::co_spawn(io, std::move(a), net::use_future);
    const auto start = clock_type::now();
    if (f.wait_for(call_limit) != std::future_status::ready) {
      ADD_FAILURE() << "the call did not complete in time";
      f.wait();
    }
    last_call = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start);
    f.get();
  }

  int redis_pid() const { return std::stoi(easd::test::read_env_file(run.path() / "redis.env").at("REDIS_PID")); }

  std::chrono::milliseconds last_call{0};
};

TEST_F(RedisBus, PublishReachesTheOtherNodeOnceAndOwnMessagesAreNotDuplicated) {
  recording_sinks a_sinks, b_sinks;
  auto a = make_bus(a_sinks);
  auto b = make_bus(b_sinks);
  a->interest("alice", true);
  b->interest("alice", true);
  raw_redis raw(redis.port());
  const auto channel = easd::push::keys::user_channel("alice");
  ASSERT_TRUE(eventually([&] { return raw.command({"PUBSUB", "NUMSUB", channel}) == channel + "\n2"; }));

  a->publish(content("alice", "mail:INBOX"));
  ASSERT_TRUE(eventually([&] { return b_sinks.count() == 1; }));
  const auto got = b_sinks.snapshot().front();
  EXPECT_EQ(got.user, "alice");
  EXPECT_EQ(got.folder, "mail:INBOX");
  EXPECT_EQ(got.kind, message_kind::content);

  // A heard its own message back from Redis and dropped it: delivered once, locally.
  ASSERT_TRUE(eventually([&] { return a->counters().own == 1; }));
  EXPECT_EQ(a_sinks.count(), 1u);
  EXPECT_EQ(b->counters().received, 1u);

  // And the other way round.
  b->publish(content("alice", ""));
  ASSERT_TRUE(eventually([&] { return a_sinks.count() == 2; }));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(b_sinks.count(), 2u);
  a->stop();
  b->stop();
}

TEST_F(RedisBus, InterestSubscribesAndUnsubscribesTheUsersChannel) {
  recording_sinks sinks;
  auto bus = make_bus(sinks);
  raw_redis raw(redis.port());
  const auto alice = easd::push::keys::user_channel("alice");
  const auto bob = easd::push::keys::user_channel("bob");

  bus->interest("alice", true);
  bus->interest("bob", true);
  ASSERT_TRUE(eventually([&] { return raw.has_channel(alice) && raw.has_channel(bob); }));
  bus->interest("alice", false);
  ASSERT_TRUE(eventually([&] { return !raw.has_channel(alice); }));
  EXPECT_TRUE(raw.has_channel(bob));

  // Flapping faster than Redis answers ends where the last call says.
  for (int i = 0; i < 20; ++i) {
    bus->interest("alice", true);
    bus->interest("alice", false);
  }
  bus->interest("alice", true);
  ASSERT_TRUE(eventually([&] { return raw.has_channel(alice); }));
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(raw.has_channel(alice));

  // Still delivering on it (hiredis 0.14 loses a channel's callback when UNSUBSCRIBE and SUBSCRIBE overlap).
  recording_sinks other_sinks;
  auto other = make_bus(other_sinks);
  ASSERT_TRUE(eventually([&] { return other->counters().command_connects == 1; }));
  other->publish(content("alice", "mail:1"));
  ASSERT_TRUE(eventually([&] { return sinks.count() == 1; }));

  bus->interest("alice", false);
  bus->interest("bob", false);
  ASSERT_TRUE(eventually([&] { return raw.channels().empty(); }));
  bus->stop();
  other->stop();
}

TEST_F(RedisBus, ANewlySubscribedUsersWaitersRecheck) {
  // What another node published between interest() and Redis confirming the SUBSCRIBE was missed: once the
  // channel is confirmed, that user's waiters (only) are told to re-check.
  recording_sinks sinks;
  auto bus = make_bus(sinks);
  raw_redis raw(redis.port());
  bus->interest("warmup", true);
  ASSERT_TRUE(eventually([&] { return raw.has_channel(easd::push::keys::user_channel("warmup")); }));
  bus->interest("carol", true);
  ASSERT_TRUE(eventually([&] {
    const std::lock_guard lock(sinks.mutex);
    return std::find(sinks.rechecked_users.begin(), sinks.rechecked_users.end(), "carol") !=
           sinks.rechecked_users.end();
  }));
  bus->stop();
}

TEST_F(RedisBus, KeyValueLivesInRedisWithTtl) {
  recording_sinks sinks;
  auto bus = make_bus(sinks);
  raw_redis raw(redis.port());
  ASSERT_TRUE(eventually([&] { return bus->counters().command_connects == 1; }));

  const auto key = easd::push::keys::ping_parameters("alice", "dev1");
  await_void(bus->put(key, std::string("value\0with nul", 14), 60s));
  EXPECT_EQ(raw.command({"GET", key}), std::string("value\0with nul", 14));
  const auto ttl = std::stoll(raw.command({"TTL", key}));
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, 60);
  EXPECT_EQ(await(bus->get(key)), std::optional<std::string>(std::string("value\0with nul", 14)));
  EXPECT_EQ(await(bus->get("easd:missing")), std::nullopt);

  const auto gen = easd::push::keys::ping_generation("alice", "dev1");
  EXPECT_EQ(await(bus->increment(gen, 30s)), 1u);
  EXPECT_EQ(await(bus->increment(gen, 30s)), 2u);
  EXPECT_EQ(raw.command({"GET", gen}), "2");
  ASSERT_TRUE(eventually([&] { return std::stoll(raw.command({"TTL", gen})) > 0; }));
  EXPECT_LE(std::stoll(raw.command({"TTL", gen})), 30);

  // Written by another node: this one reads it.
  raw.command({"SET", "easd:from-elsewhere", "x"});
  EXPECT_EQ(await(bus->get("easd:from-elsewhere")), std::optional<std::string>("x"));
  EXPECT_EQ(bus->counters().fallbacks, 0u);
  bus->stop();
}

TEST_F(RedisBus, HostileMessagesAreDroppedAndCounted) {
  recording_sinks sinks;
  auto bus = make_bus(sinks);
  bus->interest("alice", true);
  raw_redis raw(redis.port());
  const auto alice = easd::push::keys::user_channel("alice");
  ASSERT_TRUE(eventually([&] { return raw.has_channel(alice); }));

  const std::string foreign_node = "0123456789abcdeX";  // not hex: no node has it
  raw.command({"PUBLISH", alice, "short"});
  raw.command({"PUBLISH", alice, foreign_node + "not a message"});
  raw.command({"PUBLISH", alice, foreign_node + easd::push::encode(content("bob", "mail:1"))});
  raw.command({"PUBLISH", alice, ""});
  ASSERT_TRUE(eventually([&] { return bus->counters().rejected == 4; }));
  EXPECT_EQ(sinks.count(), 0u);

  raw.command({"PUBLISH", alice, foreign_node + easd::push::encode(content("alice", "mail:2"))});
  ASSERT_TRUE(eventually([&] { return sinks.count() == 1; }));
  EXPECT_EQ(sinks.snapshot().front().folder, "mail:2");
  bus->stop();
}

TEST_F(RedisBus, RedisDownMeansLocalAndRedisBackMeansResyncAndCrossNodeAgain) {
  recording_sinks a_sinks, b_sinks;
  auto a = make_bus(a_sinks);
  auto b = make_bus(b_sinks);
  a->interest("alice", true);
  b->interest("alice", true);
  const auto alice = easd::push::keys::user_channel("alice");
  ASSERT_TRUE(eventually([&] {
    raw_redis raw(redis.port());
    return raw.command({"PUBSUB", "NUMSUB", alice}) == alice + "\n2";
  }));
  ASSERT_TRUE(eventually([&] { return a_sinks.resyncs >= 1 && b_sinks.resyncs >= 1; }));
  const int a_resyncs = a_sinks.resyncs, b_resyncs = b_sinks.resyncs;

  redis.stop();
  // Publishing still reaches this node's waiters.
  a->publish(content("alice", "mail:down"));
  ASSERT_TRUE(eventually([&] { return a_sinks.count() == 1; }, 1000ms));

  // The key/value calls answer from the node-local fallback, promptly.
  await_void(a->put("easd:k", "local", 60s));
  EXPECT_LT(last_call, call_limit);
  EXPECT_EQ(await(a->get("easd:k")), std::optional<std::string>("local"));
  EXPECT_EQ(await(a->increment("easd:n", 60s)), 1u);
  EXPECT_EQ(await(a->increment("easd:n", 60s)), 2u);
  EXPECT_GT(a->counters().fallbacks, 0u);
  EXPECT_EQ(b_sinks.count(), 0u);

  redis.start();
  ASSERT_TRUE(eventually([&] { return a_sinks.resyncs > a_resyncs && b_sinks.resyncs > b_resyncs; }, 15000ms));
  raw_redis raw(redis.port());
  EXPECT_EQ(raw.command({"PUBSUB", "NUMSUB", alice}), alice + "\n2");

  // The command connection may come back a moment after the pub/sub one.
  ASSERT_TRUE(eventually(
      [&] {
        a->publish(content("alice", "mail:back"));
        return eventually([&] { return b_sinks.count() >= 1; }, 300ms);
      },
      10000ms));
  EXPECT_EQ(b_sinks.snapshot().front().folder, "mail:back");

  // Values written while Redis was away are still found; counters never go backwards.
  EXPECT_EQ(await(a->get("easd:k")), std::optional<std::string>("local"));
  EXPECT_EQ(await(a->increment("easd:n", 60s)), 3u);
  EXPECT_TRUE(eventually([&] { return raw.command({"GET", "easd:n"}) == "3"; }));
  a->stop();
  b->stop();
}

TEST_F(RedisBus, APausedRedisNeverHoldsACallLongerThanTheTimeout) {
  recording_sinks sinks;
  auto bus = make_bus(sinks);
  bus->interest("alice", true);
  ASSERT_TRUE(eventually([&] { return sinks.resyncs >= 1 && bus->counters().command_connects == 1; }));
  await_void(bus->put("easd:p", "before", 60s));

  const int pid = redis_pid();
  ASSERT_EQ(::kill(pid, SIGSTOP), 0);
  EXPECT_EQ(await(bus->get("easd:p")), std::nullopt);  // no reply within 1 s: the (empty) local value
  EXPECT_LT(last_call, call_limit);
  await_void(bus->put("easd:p", "during", 60s));
  EXPECT_EQ(await(bus->get("easd:p")), std::optional<std::string>("during"));
  bus->publish(content("alice", "mail:paused"));
  EXPECT_TRUE(eventually([&] { return sinks.count() == 1; }, 1000ms));
  ::kill(pid, SIGCONT);

  // The health check gave up on the silent connections; they come back and every waiter re-checks.
  ASSERT_TRUE(eventually([&] { return sinks.resyncs >= 2; }, 15000ms));
  bus->stop();
}

TEST_F(RedisBus, UnreachableFromTheStartStillAnswers) {
  recording_sinks sinks;
  redis.stop();
  auto bus = make_bus(sinks);
  bus->interest("alice", true);
  bus->publish(content("alice", "mail:1"));
  EXPECT_TRUE(eventually([&] { return sinks.count() == 1; }, 1000ms));
  await_void(bus->put("easd:x", "1", 10s));
  EXPECT_LT(last_call, call_limit);
  EXPECT_EQ(await(bus->get("easd:x")), std::optional<std::string>("1"));
  EXPECT_EQ(await(bus->increment("easd:y", 10s)), 1u);

  redis.start();
  ASSERT_TRUE(eventually([&] { return sinks.resyncs >= 1; }, 15000ms));
  raw_redis raw(redis.port());
  EXPECT_TRUE(raw.has_channel(easd::push::keys::user_channel("alice")));
  bus->stop();
}

TEST_F(RedisBus, PasswordAndDatabaseFromTheUrl) {
  {
    raw_redis raw(redis.port());
    ASSERT_EQ(raw.command({"CONFIG", "SET", "requirepass", "s3cr@t"}), "OK");
  }
  recording_sinks sinks;
  // A name, resolved off the io thread; Redis listens on 127.0.0.1 only, whatever "localhost" gives first.
  auto bus = make_bus(sinks, "redis://:s3cr%40t@localhost:" + std::to_string(redis.port()) + "/3");
  ASSERT_TRUE(eventually([&] { return sinks.resyncs >= 1; }));
  ASSERT_TRUE(eventually([&] { return bus->counters().command_connects >= 1; }));
  await_void(bus->put("easd:db3", "yes", 60s));
  EXPECT_EQ(bus->counters().fallbacks, 0u);
  raw_redis raw(redis.port(), "s3cr@t");
  EXPECT_EQ(raw.command({"SELECT", "3"}), "OK");
  EXPECT_EQ(raw.command({"GET", "easd:db3"}), "yes");

  // A wrong password: refused, so the node works alone, without hanging.
  recording_sinks wrong_sinks;
  auto wrong = make_bus(wrong_sinks, "redis://:nope@127.0.0.1:" + std::to_string(redis.port()));
  await_void(wrong->put("easd:w", "1", 60s));
  EXPECT_EQ(await(wrong->get("easd:w")), std::optional<std::string>("1"));
  EXPECT_EQ(raw.command({"SELECT", "0"}), "OK");
  EXPECT_EQ(raw.command({"GET", "easd:w"}), "(nil)");
  EXPECT_EQ(wrong_sinks.resyncs, 0);
  bus->stop();
  wrong->stop();
  raw.command({"CONFIG", "SET", "requirepass", ""});
}

// The hub stops the bus from wherever its shutdown runs, possibly inside a sink called from a hiredis
// callback: the context is freed after that callback returns, and nothing may touch the link meanwhile.
TEST_F(RedisBus, StopInsideASinkCalledFromRedis) {
  recording_sinks a_sinks, b_sinks;
  auto a = make_bus(a_sinks);
  auto b = make_bus(b_sinks);
  b->interest("alice", true);
  raw_redis raw(redis.port());
  ASSERT_TRUE(eventually(
      [&] { return raw.has_channel(easd::push::keys::user_channel("alice")) && a->counters().command_connects == 1; }));
  std::atomic<bool> stopped{false};
  b_sinks.on_deliver = [&] {
    b->stop();
    stopped = true;
  };
  for (int i = 0; i < 50; ++i) a->publish(content("alice", "mail:" + std::to_string(i)));
  ASSERT_TRUE(eventually([&] { return stopped.load(); }));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(b_sinks.count(), 1u);  // nothing after stop()
  EXPECT_EQ(await(b->get("easd:z")), std::nullopt);
  b.reset();
  a->stop();
}

// hiredis calls back with a null reply for everything pending when a context is freed: after stop() and
// the bus's destruction, those callbacks, late timers and waits must find nothing freed (run under ASan).
TEST_F(RedisBus, StopAndDestroyWithCallsInFlight) {
  for (int round = 0; round < 5; ++round) {
    recording_sinks sinks;
    auto bus = make_bus(sinks);
    bus->interest("alice", true);
    std::vector<std::future<std::optional<std::string>>> gets;
    for (int i = 0; i < 20; ++i)
      gets.push_back(net::co_spawn(io, bus->get("easd:k" + std::to_string(i)), net::use_future));
    if (round % 2) std::this_thread::sleep_for(std::chrono::milliseconds(20 * round));
    bus->publish(content("alice", "x"));
    bus->stop();
    bus.reset();
    for (auto& f : gets) {
      ASSERT_EQ(f.wait_for(call_limit), std::future_status::ready);
      f.get();
    }
  }
  // A stopped bus answers later calls from the fallback at once.
  recording_sinks sinks;
  auto bus = make_bus(sinks);
  bus->stop();
  await_void(bus->put("easd:after", "v", 10s));
  EXPECT_EQ(await(bus->get("easd:after")), std::optional<std::string>("v"));
  std::this_thread::sleep_for(100ms);
}

}  // namespace
