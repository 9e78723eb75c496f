// The service launchers start real daemons that answer on their recorded ports. Raw sockets with receive
// timeouts keep the checks independent of the code under test.
#include "tests/support/services.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace easd::test {
namespace {

// A blocking loopback TCP connection whose reads and writes give up after 10 s.
class tcp_conn {
 public:
  explicit tcp_conn(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      throw std::runtime_error("socket");
    }
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~tcp_conn() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  tcp_conn(const tcp_conn&) = delete;
  tcp_conn& operator=(const tcp_conn&) = delete;

  bool connected() const noexcept { return connected_; }
  int fd() const noexcept { return fd_; }

  void send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) {
        throw std::runtime_error("send failed");
      }
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  // One line without its CRLF; "" on EOF or timeout. Lines are capped at 64 KiB.
  std::string read_line() {
    std::string line;
    char c = 0;
    while (line.size() < 65536 && ::recv(fd_, &c, 1, 0) == 1) {
      if (c == '\n') {
        if (!line.empty() && line.back() == '\r') {
          line.pop_back();
        }
        return line;
      }
      line += c;
    }
    return line;
  }

  // Reads lines until one starts with `prefix` and returns it ("" when the stream ends first).
  std::string read_until(std::string_view prefix) {
    for (int i = 0; i < 1000; ++i) {
      std::string line = read_line();
      if (line.empty()) {
        return line;
      }
      if (line.starts_with(prefix)) {
        return line;
      }
    }
    return {};
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

bool port_accepts(std::uint16_t port) { return tcp_conn(port).connected(); }

// Plain IMAP: the tagged answer to LOGIN.
std::string imap_login(std::uint16_t port, std::string_view user, std::string_view password) {
  tcp_conn c(port);
  if (!c.connected()) {
    return "connect failed";
  }
  if (!c.read_line().starts_with("* OK")) {
    return "no greeting";
  }
  c.send("a1 LOGIN \"" + std::string(user) + "\" \"" + std::string(password) + "\"\r\n");
  return c.read_until("a1 ");
}

// The CAPABILITY answer after a successful LOGIN ("" when the login fails).
std::string imap_capability_after_login(std::uint16_t port, std::string_view password) {
  tcp_conn c(port);
  c.read_line();
  c.send("a1 LOGIN alice \"" + std::string(password) + "\"\r\n");
  if (!c.read_until("a1 ").starts_with("a1 OK")) {
    return {};
  }
  c.send("a2 CAPABILITY\r\n");
  std::string caps;
  for (std::string line = c.read_line(); !line.empty() && !line.starts_with("a2 "); line = c.read_line()) {
    if (line.starts_with("* CAPABILITY ")) {
      caps = line;
    }
  }
  return caps;
}

// A TLS handshake that verifies the server's certificate against `ca_file` and the name "localhost".
// With `first_line`, also reads the first line the server sends (an IMAP greeting).
bool tls_handshake(std::uint16_t port, const std::filesystem::path& ca_file, std::string* first_line = nullptr) {
  tcp_conn c(port);
  if (!c.connected()) {
    return false;
  }
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  if (SSL_CTX_load_verify_locations(ctx.get(), ca_file.c_str(), nullptr) != 1) {
    return false;
  }
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
  SSL_set_tlsext_host_name(ssl.get(), "localhost");
  SSL_set1_host(ssl.get(), "localhost");
  SSL_set_fd(ssl.get(), c.fd());
  if (SSL_connect(ssl.get()) != 1 || SSL_get_verify_result(ssl.get()) != X509_V_OK) {
    ERR_clear_error();
    return false;
  }
  if (first_line != nullptr) {
    char ch = 0;
    while (first_line->size() < 4096 && SSL_read(ssl.get(), &ch, 1) == 1 && ch != '\n') {
      *first_line += ch;
    }
  }
  return true;
}

// The status line of a bare HTTP/1.1 request.
std::string http_status_line(std::uint16_t port, std::string_view method, std::string_view target,
                             std::string_view extra_headers = {}) {
  tcp_conn c(port);
  if (!c.connected()) {
    return {};
  }
  c.send(std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
         std::string(extra_headers) + "Content-Length: 0\r\nConnection: close\r\n\r\n");
  return c.read_line();
}

TEST(DovecotService, PortsAnswerAndLoginWithTheSharedPasswordWorks) {
  run_dir run("dovecot");
  dovecot_service dovecot(run.path());
  EXPECT_TRUE(dovecot.running());
  EXPECT_TRUE(port_accepts(dovecot.imap_port()));
  EXPECT_TRUE(port_accepts(dovecot.imaps_port()));
  EXPECT_TRUE(port_accepts(dovecot.lmtp_port()));
  EXPECT_TRUE(std::filesystem::exists(dovecot.cert_file()));

  EXPECT_TRUE(imap_login(dovecot.imap_port(), "alice@example.test", "secret").starts_with("a1 OK"));
  EXPECT_TRUE(imap_login(dovecot.imap_port(), "bob", "wrong").starts_with("a1 NO"));
  EXPECT_TRUE(imap_login(dovecot.imap_port(), "nosuchuser", "secret").starts_with("a1 NO"));

  std::string greeting;
  EXPECT_TRUE(tls_handshake(dovecot.imaps_port(), dovecot.cert_file(), &greeting));
  EXPECT_TRUE(greeting.starts_with("* OK")) << greeting;

  tcp_conn lmtp(dovecot.lmtp_port());
  EXPECT_TRUE(lmtp.read_line().starts_with("220 "));
}

TEST(DovecotService, StopAndStartKeepThePorts) {
  run_dir run("dovecot-restart");
  dovecot_service dovecot(run.path());
  const auto port = dovecot.imap_port();
  dovecot.stop();
  EXPECT_FALSE(dovecot.running());
  EXPECT_FALSE(port_accepts(port));
  dovecot.start();
  EXPECT_TRUE(dovecot.running());
  EXPECT_EQ(dovecot.imap_port(), port);
  EXPECT_TRUE(imap_login(port, "alice", "secret").starts_with("a1 OK"));
}

TEST(DovecotService, TwoInstancesRunSideBySide) {
  run_dir run_a("dovecot-a");
  run_dir run_b("dovecot-b");
  dovecot_service a(run_a.path());
  dovecot_options other;
  other.condstore = false;
  other.password = "other";
  dovecot_service b(run_b.path(), other);
  EXPECT_NE(a.imap_port(), b.imap_port());
  EXPECT_TRUE(imap_login(a.imap_port(), "alice", "secret").starts_with("a1 OK"));
  EXPECT_TRUE(imap_login(b.imap_port(), "alice", "other").starts_with("a1 OK"));

  const std::string caps_a = imap_capability_after_login(a.imap_port(), "secret");
  const std::string caps_b = imap_capability_after_login(b.imap_port(), "other");
  EXPECT_NE(caps_a.find(" CONDSTORE"), std::string::npos) << caps_a;
  EXPECT_NE(caps_a.find(" QRESYNC"), std::string::npos) << caps_a;
  EXPECT_EQ(caps_b.find(" CONDSTORE"), std::string::npos) << caps_b;
  EXPECT_EQ(caps_b.find(" QRESYNC"), std::string::npos) << caps_b;
  EXPECT_NE(caps_b.find(" NOTIFY"), std::string::npos) << caps_b;
  EXPECT_NE(caps_b.find(" IDLE"), std::string::npos) << caps_b;
}

TEST(RedisService, AnswersPing) {
  run_dir run("redis");
  redis_service redis(run.path());
  tcp_conn c(redis.port());
  ASSERT_TRUE(c.connected());
  c.send("PING\r\n");
  EXPECT_EQ(c.read_line(), "+PONG");
}

TEST(RadicaleService, AnswersHttpAndHasTheUsersCollections) {
  run_dir run("radicale");
  radicale_service radicale(run.path(), {.users = {"u:p"}});
  EXPECT_TRUE(http_status_line(radicale.port(), "GET", "/").starts_with("HTTP/1."));
  // "dTpw" is base64("u:p").
  // Radicale answers HTTP/1.0.
  const std::string_view auth = "Authorization: Basic dTpw\r\nDepth: 0\r\n";
  EXPECT_TRUE(http_status_line(radicale.port(), "PROPFIND", "/u/calendar/", auth).ends_with(" 207 Multi-Status"));
  EXPECT_TRUE(http_status_line(radicale.port(), "PROPFIND", "/u/contacts/", auth).ends_with(" 207 Multi-Status"));
  EXPECT_TRUE(http_status_line(radicale.port(), "PROPFIND", "/u/calendar/").ends_with(" 401 Unauthorized"));
}

TEST(EasdService, StartsWithTlsAgainstDovecot) {
  if (!std::filesystem::exists(easd_binary())) {
    GTEST_SKIP() << easd_binary() << " not built";
  }
  run_dir run("easd");
  dovecot_service dovecot(run.path());
  easd_service easd(run.path(), easd_binary());
  EXPECT_TRUE(easd.running());
  EXPECT_GT(easd.pid(), 0);
  EXPECT_EQ(easd.base_url(), "https://localhost:" + std::to_string(easd.port()));
  // The handshake verifies the certificate easd presents against the one the script made.
  EXPECT_TRUE(tls_handshake(easd.port(), easd.cert_file())) << log_tail(easd.log_file());
  easd.stop();
  EXPECT_FALSE(easd.running());
}

}  // namespace
}  // namespace easd::test
