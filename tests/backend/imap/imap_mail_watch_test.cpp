// imap_mail_watch against a real Dovecot 2.3 (tests/support/services.hpp): changes made by another IMAP
// client (APPEND, a flag change, an expunge; in INBOX and in another folder) reach the sink with the right
// folder id, over NOTIFY and over the IDLE + STATUS fallback (a Dovecot that does not advertise NOTIFY);
// one connection per user whatever the number of leases (counted by imap_counting_proxy); linger then
// LOGOUT, and a lease during the linger reusing the connection; a Dovecot restart brings a reconnect and
// sink(user, ""); a wrong password backs off instead of storming; shutdown logs out at once.
//
// Behaviour is asserted with generous waits, never timing.
#include "backend/imap/imap_mail_watch.hpp"

#include "backend/imap/client/tls_context.hpp"
#include "tests/support/imap_counting_proxy.hpp"
#include "tests/support/imap_test_client.hpp"
#include "tests/support/services.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace net = boost::asio;
namespace imap = easd::backend::imap;
using easd::backend::account;
using easd::backend::imap_mail_watch;
using easd::backend::imap_watch_options;
using namespace easd::test;
using namespace std::chrono_literals;

namespace {

constexpr auto kWait = 20s;

std::string message(int n) {
  return "From: carol@example.test\r\nSubject: watch " + std::to_string(n) + "\r\n\r\nbody " + std::to_string(n) +
         "\r\n";
}

// What the sink saw, for the test thread to wait on.
class recorder {
public:
  void operator()(std::string_view user, std::string_view folder) {
    std::lock_guard lock(mu_);
    events_.emplace_back(std::string(user) + "|" + std::string(folder));
    cv_.notify_all();
  }
  bool wait_for(const std::string& user, const std::string& folder, std::chrono::seconds limit = kWait) {
    std::unique_lock lock(mu_);
    const std::string want = user + "|" + folder;
    return cv_.wait_for(lock, limit, [&] { return std::find(events_.begin(), events_.end(), want) != events_.end(); });
  }
  void clear() {
    std::lock_guard lock(mu_);
    events_.clear();
  }
  std::string seen() const {
    std::lock_guard lock(mu_);
    std::string s;
    for (const auto& e : events_) s += e + "; ";
    return s;
  }

private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> events_;
};

bool eventually(const std::function<bool()>& pred, std::chrono::seconds limit = kWait) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

std::size_t count_in_log(const std::filesystem::path& file, std::string_view needle) {
  std::ifstream in(file);
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    if (line.find(needle) != std::string::npos) ++n;
  }
  return n;
}

// One Dovecot, a counting proxy in front of its plain port, and a watcher on two io threads.
class ImapMailWatch : public ::testing::Test {
protected:
  void start(dovecot_options dopts = {}, std::function<void(imap_watch_options&)> tune = {}) {
    dovecot_ = std::make_unique<dovecot_service>(run_.path(), dopts);
    proxy_ = std::make_unique<imap_counting_proxy>(dovecot_->imap_port());
    imap_watch_options o;
    o.server.host = "127.0.0.1";
    o.server.port = proxy_->port();
    o.server.sec = imap::security::none;
    o.server.connect_timeout = 5s;
    o.server.command_timeout = 10s;
    o.linger = 1s;
    o.status_poll_interval = 200ms;
    o.backoff_initial = 100ms;
    o.backoff_max = 1s;
    if (tune) tune(o);
    auto tls = imap::make_tls_context(o.server);
    ASSERT_TRUE(tls);
    watch_ = std::make_unique<imap_mail_watch>(ioc_.get_executor(), o, *tls, std::ref(events_));
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }

  void TearDown() override {
    if (watch_) watch_->shutdown();
    work_.reset();
    for (auto& t : threads_) t.join();
    watch_.reset();
  }

  account alice() const { return account{"alice", dovecot_->password(), "127.0.0.1"}; }
  imap_test_client other(const std::string& user = "alice") {
    return imap_test_client(dovecot_->imap_port(), user, dovecot_->password());
  }
  bool watching(std::size_t n) {
    return eventually([&] { return watch_->stats().watching == n; });
  }

  run_dir run_{"mail-watch"};
  std::unique_ptr<dovecot_service> dovecot_;
  std::unique_ptr<imap_counting_proxy> proxy_;
  recorder events_;
  net::io_context ioc_{2};
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_{ioc_.get_executor()};
  std::vector<std::thread> threads_;
  std::unique_ptr<imap_mail_watch> watch_;
};

// APPEND, flag change and expunge in INBOX and in Work, by a second client.
void changes_reach_the_sink(imap_test_client& c, recorder& events) {
  for (const std::string box : {"INBOX", "Work"}) {
    const std::string id = "N:" + box;
    events.clear();
    const auto uid = c.append(box, message(1));
    EXPECT_TRUE(events.wait_for("alice", id)) << "append in " << box << ": " << events.seen();

    c.select(box);
    events.clear();
    c.add_flags(std::to_string(uid), "\\Flagged");
    EXPECT_TRUE(events.wait_for("alice", id)) << "flag in " << box << ": " << events.seen();

    events.clear();
    c.expunge(std::to_string(uid));
    EXPECT_TRUE(events.wait_for("alice", id)) << "expunge in " << box << ": " << events.seen();
    c.unselect();
  }
}

}  // namespace

TEST_F(ImapMailWatch, NotifyReportsAppendFlagAndExpungeInEveryWatchedFolder) {
  start();
  auto c = other();
  ASSERT_TRUE(c.has("NOTIFY"));
  c.create("Work");
  c.create("Elsewhere");
  auto lease = watch_->watch(alice(), {"N:INBOX", "N:Work"});
  ASSERT_TRUE(watching(1));

  changes_reach_the_sink(c, events_);

  // A folder nobody watches stays quiet (the INBOX event that follows proves the watch still runs).
  events_.clear();
  c.append("Elsewhere", message(2));
  c.append("INBOX", message(3));
  EXPECT_TRUE(events_.wait_for("alice", "N:INBOX"));
  EXPECT_EQ(events_.seen().find("N:Elsewhere"), std::string::npos) << events_.seen();

  auto names = proxy_->by_name();
  EXPECT_GE(names["NOTIFY"], 1u);
  EXPECT_EQ(names["IDLE"], 0u);
  EXPECT_EQ(proxy_->connections(), 1u);
}

TEST_F(ImapMailWatch, FallbackIdlesOnInboxAndPollsTheOthers) {
  dovecot_options d;
  d.notify = false;
  start(d);
  auto c = other();
  ASSERT_FALSE(c.has("NOTIFY"));
  c.create("Work");
  auto lease = watch_->watch(alice(), {"N:INBOX", "N:Work"});
  ASSERT_TRUE(watching(1));

  changes_reach_the_sink(c, events_);

  auto names = proxy_->by_name();
  EXPECT_EQ(names["NOTIFY"], 0u);
  EXPECT_GE(names["IDLE"], 1u);
  EXPECT_GE(names["STATUS"], 2u);
  EXPECT_EQ(proxy_->connections(), 1u);
}

TEST_F(ImapMailWatch, LeasesOfOneUserShareOneConnectionThenLingerAndLogOut) {
  start();
  auto c = other();
  c.create("Work");
  auto inbox = watch_->watch(alice(), {"N:INBOX"});
  auto work = watch_->watch(alice(), {"N:Work"});
  ASSERT_TRUE(watching(1));
  // The second lease's folder joins the watch (the union).
  ASSERT_TRUE(eventually([&] {
    events_.clear();
    c.append("Work", message(1));
    return events_.wait_for("alice", "N:Work", 2s);
  }));
  EXPECT_EQ(proxy_->connections(), 1u);

  // All leases gone, a new one within the linger: the same connection serves it.
  inbox.reset();
  work.reset();
  auto again = watch_->watch(alice(), {"N:INBOX"});
  events_.clear();
  c.append("INBOX", message(2));
  EXPECT_TRUE(events_.wait_for("alice", "N:INBOX")) << events_.seen();
  EXPECT_EQ(proxy_->connections(), 1u);
  EXPECT_EQ(watch_->stats().logins, 1u);

  // Released for good: after the linger the session logs out.
  again.reset();
  EXPECT_TRUE(eventually([&] { return watch_->stats().users == 0 && watch_->stats().connected == 0; }));
  EXPECT_EQ(proxy_->by_name()["LOGOUT"], 1u);
  EXPECT_TRUE(eventually([&] { return count_in_log(dovecot_->log_file(), "imap(alice)") > 0 &&
                                      count_in_log(dovecot_->log_file(), "Logged out") >= 1; }));

  // Another user's lease is another connection.
  auto bob = watch_->watch(account{"bob", dovecot_->password(), ""}, {"N:INBOX"});
  ASSERT_TRUE(watching(1));
  EXPECT_EQ(proxy_->connections(), 2u);
}

TEST_F(ImapMailWatch, DovecotRestartReconnectsAndAsksForARecheck) {
  start();
  auto lease = watch_->watch(alice(), {"N:INBOX"});
  ASSERT_TRUE(watching(1));
  // A new watch asks for a re-check too: what changed before it was set up was reported to nobody.
  EXPECT_TRUE(events_.wait_for("alice", "")) << events_.seen();
  events_.clear();
  dovecot_->stop();
  dovecot_->start();
  EXPECT_TRUE(events_.wait_for("alice", "", 30s)) << events_.seen();
  ASSERT_TRUE(watching(1));
  EXPECT_GE(watch_->stats().logins, 2u);
  // And the watch works again.
  auto c = other();
  c.append("INBOX", message(1));
  EXPECT_TRUE(events_.wait_for("alice", "N:INBOX")) << events_.seen();
}

TEST_F(ImapMailWatch, WrongPasswordBacksOffInsteadOfStorming) {
  start({}, [](imap_watch_options& o) {
    o.backoff_initial = 500ms;
    o.backoff_max = 2s;
  });
  auto lease = watch_->watch(account{"alice", "wrong", ""}, {"N:INBOX"});
  std::this_thread::sleep_for(6s);
  const auto s = watch_->stats();
  EXPECT_EQ(s.logins, 0u);
  EXPECT_GE(s.failures, 1u);
  // Dovecot delays each failure by 2 s, back-off adds 0.25–2 s: a handful of attempts at most.
  EXPECT_LE(s.failures, 4u);
  EXPECT_LE(proxy_->connections(), 4u);
  // The newest lease's credentials are used for the next attempt.
  auto good = watch_->watch(alice(), {"N:INBOX"});
  EXPECT_TRUE(watching(1));
  EXPECT_TRUE(events_.wait_for("alice", "")) << "a watch that had failed asks for a re-check";
}

TEST_F(ImapMailWatch, OverTlsAndShutdownLogsOutPromptly) {
  start({}, [this](imap_watch_options& o) {
    o.server.port = dovecot_->imaps_port();
    o.server.sec = imap::security::tls;
    o.server.ca_file = dovecot_->cert_file().string();
    o.server.sni = "localhost";
  });
  auto lease = watch_->watch(alice(), {"N:INBOX"});
  ASSERT_TRUE(watching(1));
  auto c = other();
  c.append("INBOX", message(1));
  EXPECT_TRUE(events_.wait_for("alice", "N:INBOX")) << events_.seen();

  watch_->shutdown();
  EXPECT_TRUE(eventually([&] { return watch_->stats().connected == 0 && watch_->stats().users == 0; }, 5s));
  EXPECT_TRUE(eventually([&] { return count_in_log(dovecot_->log_file(), "Logged out") >= 1; }, 5s));
  // Later leases are inert.
  auto late = watch_->watch(alice(), {"N:INBOX"});
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(watch_->stats().users, 0u);
  EXPECT_EQ(watch_->stats().logins, 1u);
}
