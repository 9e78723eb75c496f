// Foundation end to end around the server's life: Dovecot going away and coming back, plain HTTP behind
// a TLS-terminating proxy, SIGHUP certificate reloads and SIGTERM.
#include "tests/integration/foundation_support.hpp"

namespace easd::test::foundation {
namespace {

// ======================================================================================================
// Dovecot goes away and comes back.

class FoundationImapOutage : public shared_easd_suite<FoundationImapOutage> {
public:
  static constexpr bool plain = false;
  static easd_service::options easd_options() {
    easd_service::options o;
    o.extra_toml = auth_toml;
    return o;
  }
};

TEST_F(FoundationImapOutage, UnreachableImapIs503AndAuthRecovers) {
  auto cached = s_->client("dave");
  ASSERT_EQ(cached.options().status, 200u) << context_of(*s_);

  const auto imaps_port = s_->dovecot->imaps_port();
  s_->dovecot->stop();
  ASSERT_FALSE(s_->dovecot->running());

  // The cache exists to skip IMAP logins: a verified password within cache_ttl_seconds is still served.
  auto again = s_->client("dave");
  EXPECT_EQ(again.options().status, 200u) << "cached credentials not served while IMAP is down";

  // A password that does not match the cache cannot be verified: 503, and never 200.
  auto other_password = s_->client("dave", "guess");
  auto op = other_password.options();
  EXPECT_NE(op.status, 200u);
  EXPECT_EQ(op.status, 503u);

  auto fresh = s_->client("erin");
  auto r = fresh.options();
  EXPECT_EQ(r.status, 503u) << "an IMAP outage must not look like a wrong password";
  EXPECT_FALSE(r.has_header("WWW-Authenticate"));
  const std::string retry = r.header("Retry-After");
  ASSERT_FALSE(retry.empty());
  EXPECT_GT(std::stoi(retry), 0) << retry;
  auto post = fresh.command("FolderSync", nullptr);
  EXPECT_EQ(post.status, 503u);
  EXPECT_FALSE(post.header("Retry-After").empty());

  s_->dovecot->start();
  ASSERT_TRUE(s_->dovecot->running());
  // easd's config names the old port; a restart elsewhere is a harness problem, not an easd one.
  ASSERT_EQ(s_->dovecot->imaps_port(), imaps_port)
      << "Dovecot came back on another port (scripts/services: port_free() binds without SO_REUSEADDR, so "
         "a port with TIME_WAIT connections looks taken)";

  // A never-seen user, so the cache cannot hide the recovery. The IMAP side may back off briefly.
  for (const char* user : {"frank", "erin"}) {
    SCOPED_TRACE(user);
    auto c = s_->client(user);
    unsigned status = 0;
    for (auto deadline = std::chrono::steady_clock::now() + 15s; std::chrono::steady_clock::now() < deadline;) {
      status = c.options().status;
      if (status != 503) break;
      std::this_thread::sleep_for(250ms);
    }
    EXPECT_EQ(status, 200u);
  }
}

// ======================================================================================================
// Plain HTTP behind a TLS-terminating proxy.

class FoundationPlainHttp : public shared_easd_suite<FoundationPlainHttp> {
public:
  static constexpr bool plain = true;
  static easd_service::options easd_options() {
    easd_service::options o;
    o.plain = true;
    o.extra_toml = std::string(auth_toml) + "[eas]\nprotocol_versions = [\"14.0\", \"14.1\"]\n";
    return o;
  }
};

TEST_F(FoundationPlainHttp, WorksWithoutTls) {
  auto c = s_->client();
  auto r = c.options();
  ASSERT_EQ(r.status, 200u) << context_of(*s_);
  EXPECT_EQ(r.header("MS-ASProtocolVersions"), "14.0,14.1");

  const auto req = validate_cert_request();
  auto v = c.command("ValidateCert", &req);
  EXPECT_EQ(v.status, 200u);
  EXPECT_EQ(v.eas_status(), 137u) << v.xml();

  // 12.1 is not configured here.
  auto old = s_->client("alice", "secret", "12.1");
  EXPECT_EQ(old.command("ValidateCert", &req).status, 400u);

  EXPECT_EQ(s_->client("alice", "wrong").options().status, 401u);
}

TEST_F(FoundationPlainHttp, OversizedHeaderIsRefusedAndTheServerStaysUp) {
  auto c = s_->client();
  expect_header_refused(c, oversized_header());
  try {
    auto flood = s_->client().options(header_flood());
    EXPECT_TRUE(flood.status == 431u || flood.status == 400u) << flood.describe();
  } catch (const eas_client_error&) {
    // A reset after the server stopped draining is acceptable here.
  }
  // Many headers rather than one long one.
  field_list many;
  for (int i = 0; i < 1000; ++i) many.emplace_back("X-H" + std::to_string(i), std::string(40, 'b'));
  auto c2 = s_->client();
  expect_header_refused(c2, many);
  EXPECT_EQ(s_->client().options().status, 200u);
  EXPECT_TRUE(process_alive(s_->easd->pid()));
}

// ======================================================================================================
// Signals: SIGHUP reloads the certificate, SIGTERM stops.

class FoundationSignals : public ::testing::Test {
protected:
  void SetUp() override {
    s_.start({});
  }
  void TearDown() override {
    expect_easd_alive(s_, "after this test");
    s_.stop();
  }
  services s_;
};

TEST_F(FoundationSignals, SighupReloadsTheCertificate) {
  const fs::path cert = s_.easd->cert_file();
  const fs::path key = cert.parent_path() / "key.pem";  // scripts/services/gen-cert writes the pair
  ASSERT_TRUE(fs::exists(key)) << key;
  const std::string old_fp = pem_certificate_sha256(cert);
  ASSERT_FALSE(old_fp.empty());

  auto held = s_.client();
  ASSERT_EQ(held.options().status, 200u);
  ASSERT_EQ(held.peer_certificate_sha256(), old_fp);

  // A new pair, written beside the old one and renamed over it.
  const fs::path dir = s_.run->path();
  const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
                          "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout '" +
                          (dir / "new-key.pem").string() + "' -out '" + (dir / "new-cert.pem").string() +
                          "' 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string new_fp = pem_certificate_sha256(dir / "new-cert.pem");
  ASSERT_FALSE(new_fp.empty());
  ASSERT_NE(new_fp, old_fp);
  fs::rename(dir / "new-key.pem", key);
  fs::rename(dir / "new-cert.pem", cert);
  s_.easd->signal(SIGHUP);

  std::string seen;
  for (auto deadline = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < deadline;) {
    eas_client_options o;
    o.port = s_.easd->port();
    o.user = "alice";
    o.password = "secret";
    o.timeout = 5s;
    eas_client probe(o);  // no verification: either certificate may answer while the reload runs
    probe.connect();
    seen = probe.peer_certificate_sha256();
    if (seen == new_fp) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(seen, new_fp) << "new TLS connections still get the old certificate";

  // Trusting only the new certificate works.
  auto fresh = s_.client();
  fresh.config().ca_file = cert.string();
  EXPECT_EQ(fresh.options().status, 200u);

  // The connection opened before the reload keeps working, on its old session.
  auto r = held.options();
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(held.connections_opened(), 1u);
  EXPECT_EQ(held.peer_certificate_sha256(), old_fp);
  EXPECT_TRUE(process_alive(s_.easd->pid()));
}

TEST_F(FoundationSignals, SighupWithABrokenCertificateKeepsServing) {
  const fs::path cert = s_.easd->cert_file();
  const std::string old_fp = pem_certificate_sha256(cert);
  {
    std::ofstream out(s_.run->path() / "broken.pem");
    out << "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n";
  }
  const std::string saved = read_file(cert);
  fs::rename(s_.run->path() / "broken.pem", cert);
  s_.easd->signal(SIGHUP);
  std::this_thread::sleep_for(500ms);
  EXPECT_TRUE(process_alive(s_.easd->pid()));
  eas_client_options o;
  o.port = s_.easd->port();
  o.user = "alice";
  o.password = "secret";
  eas_client c(o);
  EXPECT_EQ(c.options().status, 200u) << "a failed reload must keep the old certificate";
  EXPECT_EQ(c.peer_certificate_sha256(), old_fp);
  std::ofstream(cert, std::ios::binary | std::ios::trunc) << saved;
}

// scripts/services starts easd detached (setsid), so its exit status is not ours to collect: this test
// runs the same binary with the same rendered config as its own child.
TEST_F(FoundationSignals, SigtermExitsPromptlyWithStatusZero) {
  const fs::path config = s_.easd->config_file();
  const std::uint16_t port = s_.easd->port();
  s_.easd->stop();

  const fs::path log = s_.run->path() / "logs" / "easd-sigterm.log";
  const std::string binary = easd_binary().string();
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::execl(binary.c_str(), binary.c_str(), "serve", "--config", config.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  struct reaper {
    pid_t pid;
    bool done = false;
    ~reaper() {
      if (!done) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
      }
    }
  } guard{pid};

  eas_client_options o;
  o.port = port;
  o.user = "alice";
  o.password = "secret";
  o.timeout = 5s;
  eas_client idle(o);
  bool up = false;
  for (auto deadline = std::chrono::steady_clock::now() + 20s; !up && std::chrono::steady_clock::now() < deadline;) {
    try {
      idle.connect();
      up = true;
    } catch (const eas_client_error&) {
      std::this_thread::sleep_for(100ms);
    }
  }
  ASSERT_TRUE(up) << log_tail(log);
  // An idle keep-alive connection must not hold the shutdown up.
  ASSERT_EQ(idle.options().status, 200u) << log_tail(log);

  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int status = 0;
  pid_t got = 0;
  while ((got = ::waitpid(pid, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() - start < 30s)
    std::this_thread::sleep_for(20ms);
  ASSERT_EQ(got, pid) << "easd still running 30 s after SIGTERM\n" << log_tail(log);
  guard.done = true;
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(WIFEXITED(status)) << "status " << status << "\n" << log_tail(log);
  if (WIFEXITED(status)) {
    EXPECT_EQ(WEXITSTATUS(status), 0) << log_tail(log);
  }
  // shutdown_grace_seconds is 5 in the rendered config; an idle connection must not use it up.
  EXPECT_LT(took, 4s) << log_tail(log);
}


}  // namespace
}  // namespace easd::test::foundation
