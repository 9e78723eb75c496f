#include "push/hub.hpp"

#include "push/local_bus.hpp"
#include "tests/backend/imap/run_coroutine.hpp"
#include "tests/push/recording_bus.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace {

namespace net = boost::asio;
namespace push = easd::push;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using push::message_kind;
using push::wake_reason;

push::message make(message_kind kind, std::string user, std::string folder = "", std::string device = "",
                   std::uint64_t generation = 0) {
  push::message m;
  m.kind = kind;
  m.user = std::move(user);
  m.folder = std::move(folder);
  m.device = std::move(device);
  m.generation = generation;
  return m;
}

struct Hub : ::testing::Test {
  net::io_context ctx;
  easd::test::recording_bus bus;
  std::unique_ptr<push::bus> local = push::make_local_bus();  // outlives the hub, as the contract asks
  std::optional<push::hub> hub{std::in_place, bus};

  void use_local_bus() {
    hub.reset();
    hub.emplace(*local);
  }

  push::subscription subscribe(std::string user, std::string device, std::uint64_t generation = 0) {
    return hub->subscribe(std::move(user), std::move(device), ctx.get_executor(), generation);
  }
  // wait() with a deadline `in` from now, run to completion on ctx.
  push::wake wait(push::subscription& s, clock_type::duration in = 30ms) {
    return easd::test::run_coroutine(ctx, s.wait(clock_type::now() + in));
  }
  // Starts wait() on ctx and runs it until it parks (or finishes); `out` gets the wake.
  void park(push::subscription& s, std::optional<push::wake>& out, clock_type::duration in = 20s) {
    net::co_spawn(ctx, s.wait(clock_type::now() + in), [&out](std::exception_ptr e, push::wake w) {
      if (e) std::rethrow_exception(e);
      out = std::move(w);
    });
    ctx.restart();
    ctx.poll();
  }
  // Runs ctx until every parked wait() is done; fails if that takes near the 20 s deadline.
  void finish() {
    const auto start = clock_type::now();
    ctx.restart();
    ctx.run();
    EXPECT_LT(clock_type::now() - start, 5s);
  }
  // Parks wait() on `s`, does `act` while it is parked, and returns the wake it ends with.
  template <class Act>
  push::wake woken_by(push::subscription& s, Act act) {
    std::optional<push::wake> out;
    park(s, out);
    EXPECT_FALSE(out) << "wait() returned before anything woke it";
    EXPECT_GE(hub ? hub->waiting() : 1, 1u);
    act();
    finish();
    EXPECT_TRUE(out);
    return out.value_or(push::wake{});
  }
};

TEST_F(Hub, PublishBeforeWaitIsNotLost) {
  auto s = subscribe("alice", "dev1");
  hub->publish(make(message_kind::content, "alice", "mail:INBOX"));
  const auto w = wait(s, 10s);
  EXPECT_EQ(w.reason, wake_reason::changed);
  EXPECT_EQ(w.folders, (std::set<std::string>{"mail:INBOX"}));
  EXPECT_FALSE(w.hierarchy);
  EXPECT_FALSE(w.policy);
}

TEST_F(Hub, ConflatesEverythingUntilTheNextWait) {
  auto s = subscribe("alice", "dev1");
  hub->publish(make(message_kind::content, "alice", "mail:1"));
  hub->publish(make(message_kind::content, "alice", "mail:2"));
  hub->publish(make(message_kind::content, "alice", "mail:1"));
  hub->publish(make(message_kind::hierarchy, "alice"));
  hub->publish(make(message_kind::content, "bob", "mail:3"));
  const auto w = wait(s);
  EXPECT_EQ(w.reason, wake_reason::changed);
  EXPECT_EQ(w.folders, (std::set<std::string>{"mail:1", "mail:2"}));
  EXPECT_TRUE(w.hierarchy);
  EXPECT_EQ(wait(s).reason, wake_reason::timeout);
}

TEST_F(Hub, AnyFolderAndTooManyFoldersConflateToAll) {
  auto s = subscribe("alice", "dev1");
  hub->publish(make(message_kind::content, "alice", "mail:1"));
  hub->publish(make(message_kind::content, "alice", ""));
  hub->publish(make(message_kind::content, "alice", "mail:2"));
  EXPECT_EQ(wait(s).folders, (std::set<std::string>{""}));
  for (int i = 0; i < 1000; ++i) hub->publish(make(message_kind::content, "alice", "mail:" + std::to_string(i)));
  EXPECT_EQ(wait(s).folders, (std::set<std::string>{""}));
}

TEST_F(Hub, OwnDeviceChangesDoNotWakeIt) {
  auto own = subscribe("alice", "dev1");
  auto other = subscribe("alice", "dev2");
  hub->publish(make(message_kind::content, "alice", "mail:1", "dev1"));
  hub->publish(make(message_kind::hierarchy, "alice", "", "dev1"));
  EXPECT_EQ(wait(own).reason, wake_reason::timeout);
  const auto w = wait(other);
  EXPECT_EQ(w.reason, wake_reason::changed);
  EXPECT_EQ(w.folders, (std::set<std::string>{"mail:1"}));
  EXPECT_TRUE(w.hierarchy);
}

TEST_F(Hub, PolicyAndWipeWakeTheAddressedDevice) {
  auto dev1 = subscribe("alice", "dev1");
  auto dev2 = subscribe("alice", "dev2");
  hub->publish(make(message_kind::policy, "alice", "", "dev2"));
  EXPECT_EQ(wait(dev1).reason, wake_reason::timeout);
  auto w = wait(dev2);
  EXPECT_EQ(w.reason, wake_reason::changed);
  EXPECT_TRUE(w.policy);
  EXPECT_TRUE(w.folders.empty());

  hub->publish(make(message_kind::wipe, "alice", "", "dev1"));
  EXPECT_TRUE(wait(dev1).policy);
  EXPECT_EQ(wait(dev2).reason, wake_reason::timeout);

  hub->publish(make(message_kind::policy, "alice"));  // every device
  EXPECT_TRUE(wait(dev1).policy);
  EXPECT_TRUE(wait(dev2).policy);
}

TEST_F(Hub, NewerPingClaimSupersedes) {
  auto s = subscribe("alice", "dev1", 5);
  auto unclaimed = subscribe("alice", "dev1", 0);
  hub->announce_ping("alice", "dev1", 5);  // its own claim
  hub->announce_ping("alice", "dev1", 4);  // an older one, arriving late
  hub->announce_ping("alice", "dev2", 9);  // another device
  hub->announce_ping("bob", "dev1", 9);    // another user
  EXPECT_EQ(wait(s).reason, wake_reason::timeout);
  hub->announce_ping("alice", "dev1", 6);
  EXPECT_EQ(wait(s).reason, wake_reason::superseded);
  EXPECT_EQ(wait(s).reason, wake_reason::superseded);  // final
  EXPECT_EQ(wait(unclaimed).reason, wake_reason::timeout);
}

TEST_F(Hub, NewestPingWinsThroughGenerations) {
  use_local_bus();
  const auto g1 = easd::test::run_coroutine(ctx, hub->next_ping_generation("alice", "dev1"));
  auto first = subscribe("alice", "dev1", g1);
  hub->announce_ping("alice", "dev1", g1);
  push::subscription second;
  const auto w = woken_by(first, [&] {
    // Not run_coroutine: ctx.run() would also wait out the parked Ping. local_bus never suspends.
    std::optional<std::uint64_t> g2;
    net::co_spawn(ctx, hub->next_ping_generation("alice", "dev1"), [&g2](std::exception_ptr, std::uint64_t g) {
      g2 = g;
    });
    ctx.poll();
    ASSERT_TRUE(g2);
    EXPECT_GT(*g2, g1);
    second = subscribe("alice", "dev1", *g2);
    hub->announce_ping("alice", "dev1", *g2);
  });
  EXPECT_EQ(w.reason, wake_reason::superseded);
  EXPECT_EQ(wait(second).reason, wake_reason::timeout);
  EXPECT_EQ(easd::test::run_coroutine(ctx, hub->next_ping_generation("alice", "dev2")), 1u);
}

TEST_F(Hub, TimesOutAtTheDeadline) {
  auto s = subscribe("alice", "dev1");
  const auto start = clock_type::now();
  EXPECT_EQ(wait(s, 50ms).reason, wake_reason::timeout);
  EXPECT_GE(clock_type::now() - start, 50ms);
  EXPECT_EQ(wait(s, -1s).reason, wake_reason::timeout);
}

TEST_F(Hub, ParkedWaiterWakesOnPublish) {
  auto s = subscribe("alice", "dev1");
  const auto w = woken_by(s, [&] {
    EXPECT_EQ(hub->waiting(), 1u);
    hub->publish(make(message_kind::content, "alice", "mail:1"));
    hub->publish(make(message_kind::content, "alice", "mail:2"));
  });
  EXPECT_EQ(w.reason, wake_reason::changed);
  EXPECT_EQ(w.folders, (std::set<std::string>{"mail:1", "mail:2"}));
  EXPECT_EQ(hub->waiting(), 0u);
}

TEST_F(Hub, MessagesFromOtherNodesWakeToo) {
  auto s = subscribe("alice", "dev1");
  const auto w = woken_by(s, [&] { bus.deliver_remote(make(message_kind::content, "alice", "mail:1")); });
  EXPECT_EQ(w.folders, (std::set<std::string>{"mail:1"}));
  EXPECT_TRUE(bus.published().empty());
}

TEST_F(Hub, ShutdownWakesParkedAndLaterWaiters) {
  auto a = subscribe("alice", "dev1");
  auto b = subscribe("bob", "dev1");
  std::optional<push::wake> out_a, out_b;
  park(a, out_a);
  park(b, out_b);
  EXPECT_EQ(hub->waiting(), 2u);
  hub->shutdown();
  hub->shutdown();
  finish();
  ASSERT_TRUE(out_a && out_b);
  EXPECT_EQ(out_a->reason, wake_reason::shutdown);
  EXPECT_EQ(out_b->reason, wake_reason::shutdown);
  EXPECT_EQ(bus.stops(), 1);

  auto later = subscribe("alice", "dev2");
  EXPECT_TRUE(later);
  EXPECT_EQ(wait(later, 20s).reason, wake_reason::shutdown);
  EXPECT_EQ(wait(a, 20s).reason, wake_reason::shutdown);
  hub->publish(make(message_kind::content, "alice"));
  EXPECT_TRUE(bus.published().empty());
  hub.reset();
  EXPECT_EQ(bus.stops(), 1);
}

TEST_F(Hub, ResyncWakesEveryWaiterOnce) {
  auto a = subscribe("alice", "dev1");
  auto b = subscribe("bob", "dev1");
  EXPECT_EQ(woken_by(a, [&] { bus.trigger_resync(); }).reason, wake_reason::resync);
  EXPECT_EQ(wait(b).reason, wake_reason::resync);  // not parked then: pending all the same
  EXPECT_EQ(wait(a).reason, wake_reason::timeout);
}

TEST_F(Hub, InterestIsReferenceCountedPerUser) {
  using calls = std::vector<std::pair<std::string, bool>>;
  EXPECT_EQ(bus.starts(), 1);
  {
    auto a1 = subscribe("alice", "dev1");
    auto a2 = subscribe("alice", "dev2");
    auto b1 = subscribe("bob", "dev1");
    EXPECT_EQ(bus.interest_calls(), (calls{{"alice", true}, {"bob", true}}));
    a1 = {};
    EXPECT_EQ(bus.interest_calls().size(), 2u);
    auto moved = std::move(a2);
    EXPECT_FALSE(a2);  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
    a2 = std::move(moved);
    EXPECT_EQ(bus.interest_calls().size(), 2u);
    a2 = std::move(b1);  // releases alice's last subscription
    EXPECT_EQ(bus.interest_calls(), (calls{{"alice", true}, {"bob", true}, {"alice", false}}));
  }
  EXPECT_EQ(bus.interest_calls(), (calls{{"alice", true}, {"bob", true}, {"alice", false}, {"bob", false}}));
  auto again = subscribe("alice", "dev1");
  EXPECT_EQ(bus.interest_calls().back(), (std::pair<std::string, bool>{"alice", true}));
}

TEST_F(Hub, NoInterestCallsAfterShutdown) {
  auto a = subscribe("alice", "dev1");
  hub->shutdown();
  a = {};
  auto later = subscribe("bob", "dev1");
  later = {};
  EXPECT_EQ(bus.interest_calls().size(), 1u);
}

TEST_F(Hub, DestroyingOtherSubscriptionsWhileOneParks) {
  auto parked = subscribe("alice", "dev1");
  const auto w = woken_by(parked, [&] {
    {
      auto other = subscribe("alice", "dev2");
      hub->publish(make(message_kind::content, "alice", "mail:1", "dev1"));  // wakes only `other`
    }
    ctx.poll();
    EXPECT_EQ(hub->waiting(), 1u);
    hub->publish(make(message_kind::content, "alice", "mail:2", "dev2"));
  });
  EXPECT_EQ(w.folders, (std::set<std::string>{"mail:2"}));
}

TEST_F(Hub, DestroyingTheHubWakesParkedWaitersAndSubscriptionsOutliveIt) {
  auto s = subscribe("alice", "dev1");
  auto idle = subscribe("alice", "dev2");
  EXPECT_EQ(woken_by(s, [&] { hub.reset(); }).reason, wake_reason::shutdown);
  EXPECT_EQ(wait(idle, 20s).reason, wake_reason::shutdown);
  bus.deliver_remote(make(message_kind::content, "alice"));  // the bus's sinks outlive the hub harmlessly
  bus.trigger_resync();
  s = {};
  idle = {};
  EXPECT_EQ(bus.interest_calls().size(), 1u);
}

TEST_F(Hub, DestroyingASubscriptionUnderItsWaiterEndsTheWait) {
  // Against the contract (the waiting coroutine owns it), but it must not sleep to the deadline or crash.
  auto s = std::make_unique<push::subscription>(subscribe("alice", "dev1"));
  EXPECT_EQ(woken_by(*s, [&] { s.reset(); }).reason, wake_reason::shutdown);
  EXPECT_EQ(hub->waiting(), 0u);
}

TEST_F(Hub, CancelledWaitReturnsPromptly) {
  auto s = subscribe("alice", "dev1");
  std::optional<push::wake> out;
  net::cancellation_signal cancel;
  net::co_spawn(ctx, s.wait(clock_type::now() + 20s),
                net::bind_cancellation_slot(cancel.slot(), [&out](std::exception_ptr e, push::wake w) {
                  if (e) std::rethrow_exception(e);
                  out = std::move(w);
                }));
  ctx.poll();
  EXPECT_EQ(hub->waiting(), 1u);
  cancel.emit(net::cancellation_type::terminal);
  finish();
  ASSERT_TRUE(out);
  EXPECT_EQ(out->reason, wake_reason::timeout);
}

// How a handler watches its connection while it waits: the loser of the race is cancelled.
net::awaitable<int> race_wait_against_timer(push::subscription& s) {
  using namespace boost::asio::experimental::awaitable_operators;
  net::steady_timer timer(co_await net::this_coro::executor, 10ms);
  auto waited = s.wait(clock_type::now() + 20s);
  auto timed = timer.async_wait(net::use_awaitable);
  const auto winner = co_await (std::move(waited) || std::move(timed));
  co_return static_cast<int>(winner.index());
}

TEST_F(Hub, LosingARaceEndsTheWait) {
  auto s = subscribe("alice", "dev1");
  const auto start = clock_type::now();
  EXPECT_EQ(easd::test::run_coroutine(ctx, race_wait_against_timer(s)), 1);
  EXPECT_LT(clock_type::now() - start, 5s);
  EXPECT_EQ(hub->waiting(), 0u);
  hub->publish(make(message_kind::content, "alice", "mail:1"));  // still subscribed
  EXPECT_EQ(wait(s).folders, (std::set<std::string>{"mail:1"}));
}

TEST_F(Hub, EmptySubscriptionWaitsNotAtAll) {
  push::subscription empty;
  EXPECT_FALSE(empty);
  EXPECT_EQ(wait(empty, 20s).reason, wake_reason::shutdown);
}

TEST_F(Hub, PingParametersRoundTripThroughTheBus) {
  use_local_bus();
  EXPECT_FALSE(easd::test::run_coroutine(ctx, hub->load_ping_parameters("alice", "dev1")));
  easd::test::run_coroutine(ctx, [](push::hub& h) -> net::awaitable<int> {
    auto op = h.save_ping_parameters("alice", "dev1", "blob", 60s);
    co_await std::move(op);
    co_return 0;
  }(*hub));
  EXPECT_EQ(easd::test::run_coroutine(ctx, hub->load_ping_parameters("alice", "dev1")), "blob");
  EXPECT_FALSE(easd::test::run_coroutine(ctx, hub->load_ping_parameters("alice", "dev2")));
  EXPECT_FALSE(easd::test::run_coroutine(ctx, hub->load_ping_parameters("alice:", "dev1")));
}

}  // namespace
