// easd killed with SIGKILL after it committed a Sync state but before the device read the response, and
// the IMAP cost of a no-change Sync.
//
// The kill is deterministic without a hook in easd: ARCHITECTURE.md §3 commits state N+1 before the
// response is written, so the first response byte arriving on the device's socket proves the commit
// happened. The test sends the Sync over a raw socket, waits (poll, MSG_PEEK) until a byte is there,
// SIGKILLs easd without reading the answer, restarts it and resends the same request with the old key,
// as a phone does after a dropped connection ([MS-ASCMD] 3.1.5.9). A second variant kills at arbitrary
// moments (possibly before the commit); the outcome must be the same.
#include "tests/integration/mail_support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <csignal>
#include <thread>

namespace easd::test::mail {
namespace {

struct plain_with_condstore {
  static constexpr bool condstore = true, plain = true, count_imap = false;
};
struct plain_without_condstore {
  static constexpr bool condstore = false, plain = true, count_imap = false;
};

template <class T>
class MailRecovery : public mail_suite<MailRecovery<T>> {
public:
  static constexpr bool condstore = T::condstore, plain = T::plain, count_imap = T::count_imap;
};
using plain_backends = ::testing::Types<plain_with_condstore, plain_without_condstore>;
TYPED_TEST_SUITE(MailRecovery, plain_backends);

// Sends one EAS POST on a fresh plain connection and returns the socket without reading the answer.
int send_unread(environment& env, eas_client& c, std::string_view cmd, const wbxml::element& doc) {
  const auto& o = c.config();
  const std::string body = wbxml::encode_to_string(doc);
  std::string req = "POST /Microsoft-Server-ActiveSync?Cmd=" + std::string(cmd) + "&User=" + url_encode(o.user) +
                    "&DeviceId=" + url_encode(o.device_id) + "&DeviceType=" + url_encode(o.device_type) +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + c.authorization() +
                    "\r\nMS-ASProtocolVersion: " + o.protocol_version +
                    "\r\nUser-Agent: easd-test/1\r\nContent-Type: application/vnd.ms-sync.wbxml\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(env.easd->port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error("connect to easd failed");
  }
  if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    throw std::runtime_error("short write to easd");
  }
  return fd;
}

// True once a response byte is readable (not consumed).
bool response_started(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
  char b;
  return ::recv(fd, &b, 1, MSG_PEEK) == 1;
}

void kill_and_restart(environment& env) {
  const int pid = env.easd->pid();
  env.easd->signal(SIGKILL);
  for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string s;
    std::getline(stat, s);
    if (s.empty() || s.find(") Z") != std::string::npos) break;
    std::this_thread::sleep_for(50ms);
  }
  env.easd->start();
}

TYPED_TEST(MailRecovery, KilledAfterCommitRecoversWithoutDuplicatesOrResync) {
  auto& env = *this->env_;
  for (const auto& version : versions()) {
    SCOPED_TRACE(version);
    const auto user = user_for("crash", version);
    auto imap = env.imap(user);
    const auto uids = seed_small(imap, "INBOX", "k", 12);
    auto p = new_phone(env, user, version);
    const auto inbox = p->id("INBOX");
    sync_options o;
    o.window_size = 5;
    p->device.sync(inbox, o);  // prime
    p->device.sync(inbox, o);  // 5 items

    // 1. A server → client batch committed, the device never read it.
    {
      const auto req = p->device.sync_request(p->device.folder(inbox), o, {});
      const int fd = send_unread(env, p->client, "Sync", req);
      ASSERT_TRUE(response_started(fd, 30s)) << env.context();
      kill_and_restart(env);
      ::close(fd);
    }
    p->client.close();
    auto replay = p->device.sync(inbox, o);
    ASSERT_EQ(replay.status, 1u) << replay.response.xml() << env.context();
    EXPECT_EQ(replay.adds, 5u);

    // 2. A client change in the lost exchange: applied once, answered again.
    std::string target = p->device.folder(inbox).items.begin()->first;
    {
      const auto req = p->device.sync_request(p->device.folder(inbox), o, {{client_change::flag, target, true}});
      const int fd = send_unread(env, p->client, "Sync", req);
      ASSERT_TRUE(response_started(fd, 30s)) << env.context();
      kill_and_restart(env);
      ::close(fd);
    }
    p->client.close();
    auto replay2 = p->device.sync(inbox, o, {{client_change::flag, target, true}});
    ASSERT_EQ(replay2.status, 1u) << replay2.response.xml();
    for (const auto& [id, st] : replay2.item_status) EXPECT_EQ(st, 1u) << id;

    expect_converged(env, *p, imap, "INBOX", o);
    EXPECT_EQ(p->device.folder(inbox).items.size(), uids.size());
    EXPECT_TRUE(p->device.anomalies.empty()) << p->problems();
    EXPECT_EQ(p->device.resyncs, 0u);
    const auto view = server_view(imap, "INBOX");
    EXPECT_EQ(std::count_if(view.begin(), view.end(), [](const auto& m) { return m.flagged; }), 1);
  }
}

TYPED_TEST(MailRecovery, KilledAtAnyMomentRecovers) {
  auto& env = *this->env_;
  const auto user = user_for("anykill", "14.1");
  auto imap = env.imap(user);
  seed_small(imap, "INBOX", "a", 40);
  auto p = new_phone(env, user, "14.1");
  const auto inbox = p->id("INBOX");
  sync_options o;
  o.window_size = 4;
  p->device.sync(inbox, o);
  for (int i = 0; i < 6; ++i) {
    const auto req = p->device.sync_request(p->device.folder(inbox), o, {});
    const int fd = send_unread(env, p->client, "Sync", req);
    std::this_thread::sleep_for(std::chrono::milliseconds(i * 7));
    kill_and_restart(env);
    ::close(fd);
    p->client.close();
    imap.select("INBOX");
    imap.add_flags(std::to_string(1 + i), "\\Seen");
    auto r = p->device.sync(inbox, o);
    ASSERT_EQ(r.status, 1u) << r.response.xml() << env.context();
  }
  expect_converged(env, *p, imap, "INBOX", o);
  EXPECT_TRUE(p->device.anomalies.empty()) << p->problems();
  EXPECT_EQ(p->device.resyncs, 0u);
}

// ---- IMAP cost of a no-change Sync and of FolderSync

template <bool Condstore>
struct counted {
  static constexpr bool condstore = Condstore, plain = false, count_imap = true;
};

template <class T>
class MailImapCost : public mail_suite<MailImapCost<T>> {
public:
  static constexpr bool condstore = T::condstore, plain = T::plain, count_imap = T::count_imap;
};
using counted_backends = ::testing::Types<counted<true>, counted<false>>;
TYPED_TEST_SUITE(MailImapCost, counted_backends);

TYPED_TEST(MailImapCost, NoChangeSyncCostDoesNotGrowWithTheFolder) {
  auto& env = *this->env_;
  const auto user = user_for("cost", "14.1");
  auto imap = env.imap(user);
  imap.create("Small");
  imap.create("Big");
  seed_small(imap, "Small", "s", 10);
  imap.unselect();
  write_maildir(env.run->path(), user, "Big", small_messages("b", 3000));
  ASSERT_EQ(imap.status("Big").exists, 3000u);
  auto p = new_phone(env, user, "14.1");
  sync_options o;
  o.window_size = 512;
  expect_converged(env, *p, imap, "Small", o);
  const auto before_initial = env.proxy->commands();
  expect_converged(env, *p, imap, "Big", o);
  // The initial sync reads bodies a batch at a time, not a round trip per message (6 windows of 512).
  EXPECT_LE(env.proxy->commands() - before_initial, 100u) << "IMAP commands for the initial sync of 3,000";
  auto cost = [&](const std::string& mailbox) {
    const auto before = env.proxy->commands();
    auto r = p->device.sync(p->id(mailbox), o);
    EXPECT_TRUE(r.status == 1 || r.empty_body);
    EXPECT_EQ(r.adds + r.changes + r.deletes, 0u);
    return env.proxy->commands() - before;
  };
  cost("Small");
  cost("Big");  // warm connections
  const auto small = cost("Small");
  const auto big = cost("Big");
  EXPECT_LE(big, small + 1) << "a no-change Sync of 3,000 messages costs more IMAP commands than of 10";
  EXPECT_LE(big, 6u) << "IMAP commands for a no-change Sync";
  const auto before = env.proxy->commands();
  auto fs = p->device.folder_sync();
  EXPECT_EQ(fs.status, 1u);
  EXPECT_LE(env.proxy->commands() - before, 4u) << "IMAP commands for a no-change FolderSync";
  std::printf("  no-change Sync: %llu IMAP commands (10 msgs), %llu (3,000 msgs); FolderSync %llu\n",
              static_cast<unsigned long long>(small), static_cast<unsigned long long>(big),
              static_cast<unsigned long long>(env.proxy->commands() - before));
}

}  // namespace
}  // namespace easd::test::mail
