// The admin listener with the Dovecot push routes, in process on port 0: raw HTTP requests as Dovecot's
// OX driver sends them, and the answers for wrong secrets, paths, methods, sizes and bodies.
#include "eas/server/admin_listener.hpp"

#include "eas/core/base64.hpp"
#include "eas/server/dovecot_push_endpoint.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

namespace easd::server {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr std::string_view secret = "s3cret-0123456789abcdef";
constexpr std::string_view payload =
    R"({"user":"alice@example.test","event":"messageNew","folder":"INBOX","imap-uidvalidity":7,"imap-uid":1,)"
    R"("from":"Bob <bob@example.test>","subject":"hi","snippet":"x","unseen":1})";

struct reply {
  unsigned status = 0;
  std::string head;
  std::string body;
};

class AdminListenerTest : public ::testing::Test {
protected:
  void start(const std::string& admin_toml) {
    cfg_ = parse_config(
        "[server]\nexternal_url = \"https://mail.example.test\"\n[tls]\nenabled = false\n[admin]\n"
        "listen = \"127.0.0.1:0\"\n" +
            admin_toml,
        "test.toml");
    listener_ = std::make_unique<admin_listener>(ioc_, cfg_, endpoint_.routes());
    port_ = listener_->start().at(0).port();
    runner_ = std::thread([this] { ioc_.run(); });
  }
  void TearDown() override {
    if (listener_) listener_->shut_down();
    ioc_.stop();
    if (runner_.joinable()) runner_.join();
  }

  // One request on its own connection (Connection: close), the whole answer read.
  reply send(std::string_view method, std::string_view target, std::string_view body = {},
             std::string_view authorization = {}, std::string extra_headers = {}) {
    net::io_context io;
    tcp::socket s(io);
    s.connect({net::ip::make_address("127.0.0.1"), port_});
    std::string req = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: easd\r\n";
    if (!authorization.empty()) req += "Authorization: " + std::string(authorization) + "\r\n";
    if (!body.empty() || method == "PUT" || method == "POST") {
      req += "Content-Type: application/json; charset=utf-8\r\nContent-Length: " + std::to_string(body.size()) +
             "\r\n";
    }
    req += extra_headers + "Connection: close\r\n\r\n";
    req += body;
    boost::system::error_code ec;
    net::write(s, net::buffer(req), ec);
    std::string all;
    net::read(s, net::dynamic_buffer(all), ec);  // to EOF
    reply r;
    const auto end = all.find("\r\n\r\n");
    if (all.size() < 12 || end == std::string::npos) return r;
    r.status = static_cast<unsigned>(std::stoul(all.substr(9, 3)));
    r.head = all.substr(0, end);
    r.body = all.substr(end + 4);
    return r;
  }
  static std::string dovecot_auth(std::string_view password) {
    return "Basic " + encode_base64("easd:" + std::string(password));
  }
  std::vector<push::message> published() {
    std::lock_guard lock(mutex_);
    return published_;
  }

  config cfg_;
  std::mutex mutex_;
  std::vector<push::message> published_;
  dovecot_push_endpoint endpoint_{[this](const push::message& m) {
    std::lock_guard lock(mutex_);
    published_.push_back(m);
  }};
  net::io_context ioc_{1};
  std::unique_ptr<admin_listener> listener_;
  std::uint16_t port_ = 0;
  std::thread runner_;
};

TEST_F(AdminListenerTest, DovecotPushIsPublished) {
  start("push_secret = \"" + std::string(secret) + "\"\n");
  const auto r = send("PUT", "/push/dovecot", payload, dovecot_auth(secret));
  EXPECT_EQ(r.status, 204u) << r.head;
  const auto got = published();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, push::message_kind::content);
  EXPECT_EQ(got[0].user, "alice@example.test");
  EXPECT_EQ(got[0].folder, "mail:N:INBOX");
  // POST and a Bearer token work too.
  EXPECT_EQ(send("POST", "/push/dovecot", payload, "Bearer " + std::string(secret)).status, 204u);
  EXPECT_EQ(published().size(), 2u);

  const auto stats = send("GET", "/push/stats", {}, dovecot_auth(secret));
  EXPECT_EQ(stats.status, 200u);
  EXPECT_EQ(stats.body, R"({"received":2,"published":2,"refused":0})");
}

TEST_F(AdminListenerTest, WrongOrMissingSecretIs401) {
  start("push_secret = \"" + std::string(secret) + "\"\n");
  auto r = send("PUT", "/push/dovecot", payload);
  EXPECT_EQ(r.status, 401u);
  EXPECT_NE(r.head.find("WWW-Authenticate: Basic"), std::string::npos) << r.head;
  EXPECT_EQ(send("PUT", "/push/dovecot", payload, dovecot_auth("nope")).status, 401u);
  EXPECT_EQ(send("GET", "/push/stats", {}, dovecot_auth("nope")).status, 401u);
  EXPECT_TRUE(published().empty());
}

TEST_F(AdminListenerTest, AddressOutsideTheAllowListIs403) {
  start("push_allow = [\"::1\"]\n");  // the test connects from 127.0.0.1
  EXPECT_EQ(send("PUT", "/push/dovecot", payload).status, 403u);
  EXPECT_EQ(send("GET", "/nowhere").status, 403u);
  EXPECT_TRUE(published().empty());
}

TEST_F(AdminListenerTest, PathsMethodsSizesAndBodies) {
  start("");  // loopback, no secret
  EXPECT_EQ(send("GET", "/nowhere").status, 404u);
  auto r = send("GET", "/push/dovecot");
  EXPECT_EQ(r.status, 405u);
  EXPECT_NE(r.head.find("Allow: PUT, POST"), std::string::npos) << r.head;
  EXPECT_EQ(send("DELETE", "/push/stats").status, 405u);
  EXPECT_EQ(send("PUT", "/push/dovecot?x=1", payload).status, 204u);  // the query is not part of the path

  EXPECT_EQ(send("PUT", "/push/dovecot", "{\"user\":").status, 400u);
  EXPECT_EQ(send("PUT", "/push/dovecot", R"({"folder":"INBOX"})").status, 400u);
  EXPECT_EQ(send("PUT", "/push/dovecot", "").status, 400u);
  const std::string big = R"({"user":"u","pad":")" + std::string(70 * 1024, 'x') + R"("})";
  EXPECT_EQ(send("PUT", "/push/dovecot", big).status, 413u);
  // Chunked bodies are bounded as they arrive.
  std::string chunked;
  for (int i = 0; i < 80; ++i) chunked += "400\r\n" + std::string(1024, ' ') + "\r\n";
  chunked += "0\r\n\r\n";
  {
    net::io_context io;
    tcp::socket s(io);
    s.connect({net::ip::make_address("127.0.0.1"), port_});
    const std::string req =
        "PUT /push/dovecot HTTP/1.1\r\nHost: easd\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
        chunked;
    boost::system::error_code ec;
    net::write(s, net::buffer(req), ec);
    std::string all;
    net::read(s, net::dynamic_buffer(all), ec);
    EXPECT_TRUE(all.starts_with("HTTP/1.1 413")) << all.substr(0, 40);
  }
  EXPECT_EQ(published().size(), 1u);
  const auto stats = send("GET", "/push/stats");
  EXPECT_EQ(stats.body, R"({"received":4,"published":1,"refused":3})");
}

TEST_F(AdminListenerTest, KeepAliveCarriesSeveralPushes) {
  start("");
  net::io_context io;
  tcp::socket s(io);
  s.connect({net::ip::make_address("127.0.0.1"), port_});
  const std::string one = "PUT /push/dovecot HTTP/1.1\r\nHost: easd\r\nContent-Length: " +
                          std::to_string(payload.size()) + "\r\n\r\n" + std::string(payload);
  const std::string req = one + one + one;
  net::write(s, net::buffer(req));
  std::string all;
  while (true) {
    std::array<char, 4096> buf;
    boost::system::error_code ec;
    const auto n = s.read_some(net::buffer(buf), ec);
    all.append(buf.data(), n);
    std::size_t count = 0;
    for (auto p = all.find("HTTP/1.1 204"); p != std::string::npos; p = all.find("HTTP/1.1 204", p + 1)) ++count;
    if (count == 3 || ec) break;
  }
  EXPECT_EQ(published().size(), 3u);
}

TEST(AdminListener, ConfigurationWithoutListenStartsNothing) {
  net::io_context ioc;
  const auto cfg = parse_config("[server]\nexternal_url = \"https://m.example.test\"\n[tls]\nenabled = false\n", "t");
  dovecot_push_endpoint endpoint{[](const push::message&) {}};
  admin_listener listener(ioc, cfg, endpoint.routes());
  EXPECT_TRUE(listener.start().empty());
}

}  // namespace
}  // namespace easd::server
