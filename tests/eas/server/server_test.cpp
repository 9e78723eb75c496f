// The public listener end to end, in process and hermetic: fake directory, plain HTTP on port 0 (and TLS
// with a generated certificate), the test client as the phone.
#include "eas/server/server.hpp"

#include "backend/fake/fake_credential_verifier.hpp"
#include "eas/protocol/command_table.hpp"
#include "eas/protocol/services.hpp"
#include "eas/wbxml/codec.hpp"
#include "tests/support/eas_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace easd::server {
namespace {

namespace net = boost::asio;
using test::eas_client;
using test::eas_client_options;

config test_config(bool tls, const std::filesystem::path& dir) {
  std::string text = R"(
[server]
listen = ["127.0.0.1:0"]
external_url = "https://mail.example.test"
shutdown_grace_seconds = 5
[auth]
failure_floor_ms = 20
max_failures_per_user = 3
[limits]
header_bytes_unauthenticated = 2048
)";
  if (tls) {
    text += "[tls]\ncertificate = \"" + (dir / "cert.pem").string() + "\"\nprivate_key = \"" +
            (dir / "key.pem").string() + "\"\n";
  } else {
    text += "[tls]\nenabled = false\n";
  }
  return parse_config(text, "test.toml");
}

// Makes a self-signed certificate with the openssl tool (installed by scripts/install-deps).
void make_certificate(const std::filesystem::path& dir, const std::string& cn) {
  const auto cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=" + cn + " -keyout '" +
                   (dir / "key.pem").string() + "' -out '" + (dir / "cert.pem").string() + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
}

class ServerTest : public ::testing::TestWithParam<bool> {
protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("easd-server-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    if (GetParam()) make_certificate(dir_, "first");
    cfg_ = test_config(GetParam(), dir_);
    verifier_.add_user("alice", "secret");
    verifier_.add_user("bob", "hunter2");
    server_ = std::make_unique<server>(ioc_, cfg_, verifier_, dispatcher_);
    port_ = server_->start().at(0).port();
    runner_ = std::thread([this] { ioc_.run(); });
  }
  void TearDown() override {
    bool stopped = false;
    server_->shut_down([this, &stopped] {
      stopped = true;
      ioc_.stop();
    });
    runner_.join();
    EXPECT_TRUE(stopped);
    server_.reset();
    std::filesystem::remove_all(dir_);
  }
  eas_client client(std::string user = "alice", std::string password = "secret") {
    eas_client_options o;
    o.port = port_;
    o.tls = GetParam();
    o.user = std::move(user);
    o.password = std::move(password);
    o.timeout = std::chrono::seconds(10);
    return eas_client(o);
  }

  std::filesystem::path dir_;
  config cfg_;
  backend::fake_credential_verifier verifier_;
  protocol::services services_;
  protocol::dispatcher dispatcher_{protocol::command_table::standard(), services_};
  net::io_context ioc_{2};
  std::unique_ptr<server> server_;
  std::uint16_t port_ = 0;
  std::thread runner_;
};

TEST_P(ServerTest, OptionsAdvertisesVersionsAndCommands) {
  auto c = client();
  const auto r = c.options();
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("MS-ASProtocolVersions"), "12.1,14.0,14.1,16.0,16.1");
  EXPECT_TRUE(r.has_header("MS-ASProtocolCommands"));
  EXPECT_EQ(r.header("MS-ASProtocolCommands"), protocol::command_table::standard().advertised_commands());
  EXPECT_EQ(r.header("MS-Server-ActiveSync"), "16.1");
}

TEST_P(ServerTest, CredentialsAreCheckedOnceThenCached) {
  auto c = client();
  EXPECT_EQ(c.options().status, 200u);
  EXPECT_EQ(c.options().status, 200u);
  EXPECT_EQ(verifier_.calls(), 1);
  EXPECT_EQ(c.connections_opened(), 1u);  // keep-alive
}

TEST_P(ServerTest, WrongPasswordAndUnknownUserLookAlike) {
  auto wrong = client("alice", "nope").options();
  auto unknown = client("mallory", "nope").options();
  EXPECT_EQ(wrong.status, 401u);
  EXPECT_EQ(unknown.status, 401u);
  EXPECT_EQ(wrong.header("WWW-Authenticate"), unknown.header("WWW-Authenticate"));
  EXPECT_EQ(wrong.body, unknown.body);
  EXPECT_GE(wrong.elapsed, std::chrono::milliseconds(20));    // the failure floor
  EXPECT_GE(unknown.elapsed, std::chrono::milliseconds(20));
  EXPECT_EQ(client("alice", "").options().status, 401u);        // parse failure, no directory call
}

TEST_P(ServerTest, NoAuthorizationGetsAChallenge) {
  auto c = client();
  const auto r = c.raw("OPTIONS", "/Microsoft-Server-ActiveSync", {}, {{"Authorization", ""}});
  EXPECT_EQ(r.status, 401u);
  EXPECT_NE(r.header("WWW-Authenticate").find("Basic"), std::string::npos);
}

TEST_P(ServerTest, DirectoryDownIs503WithRetryAfter) {
  verifier_.set_unavailable(true);
  const auto r = client("bob", "hunter2").options();
  verifier_.set_unavailable(false);
  EXPECT_EQ(r.status, 503u);
  EXPECT_FALSE(r.header("Retry-After").empty());
  EXPECT_EQ(client("bob", "hunter2").options().status, 200u);
}

TEST_P(ServerTest, RepeatedFailuresAreThrottled) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(client("bob", "wrong").options().status, 401u);
  const auto r = client("bob", "wrong").options();
  EXPECT_EQ(r.status, 503u);
  EXPECT_FALSE(r.header("Retry-After").empty());
}

TEST_P(ServerTest, GetAnswersAHumanPage) {
  auto c = client("", "");
  const auto r = c.get();
  EXPECT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("ActiveSync"), std::string::npos);
  EXPECT_EQ(c.raw("GET", "/nothing-here").status, 404u);
}

TEST_P(ServerTest, NotImplementedCommandsFollowTheVersion) {
  auto c = client();
  auto req = test::node("Search:Search", {test::node("Search:Store", {test::leaf("Search:Name", "Mailbox")})});
  const auto r14 = c.command("Search", &req);
  EXPECT_EQ(r14.status, 200u);
  EXPECT_EQ(r14.eas_status(), 137u);
  c.config().protocol_version = "12.1";
  EXPECT_EQ(c.command("Search", &req).status, 501u);
}

TEST_P(ServerTest, Base64QueryReachesTheDispatcher) {
  auto c = client();
  auto req = test::node("FolderHierarchy:FolderSync", {test::leaf("FolderHierarchy:SyncKey", "0")});
  const auto r = c.command_base64("FolderSync", &req);
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.eas_status(), 137u);
}

TEST_P(ServerTest, BadTargetsAndVersionsAre400) {
  auto c = client();
  EXPECT_EQ(c.post("/Microsoft-Server-ActiveSync?Cmd=Sync&DeviceId=bad%20id&DeviceType=x&User=alice", "").status,
            400u);
  EXPECT_EQ(c.post("/Microsoft-Server-ActiveSync?Cmd=Bogus&DeviceId=abc&DeviceType=x&User=alice", "").status, 400u);
  EXPECT_EQ(c.post("/Microsoft-Server-ActiveSync?Cmd=Sync&DeviceId=abc&DeviceType=x&User=alice", "",
                   {{"MS-ASProtocolVersion", "2.5"}})
                .status,
            400u);  // not an enabled version
}

TEST_P(ServerTest, HostileWbxmlIsAnsweredAndTheServerStaysUp) {
  auto c = client();
  std::string abort12("\x03\x01\x6a\x00\x45\x02\x88\x80\x80\x80\x00\x01", 12);
  std::string nested("\x03\x01\x6a\x00", 4);
  for (int i = 0; i < 100000; ++i) nested += '\x45';
  std::string amplifier("\x03\x01\x6a\x84\xa2\x40", 6);  // 70,000-byte string table
  amplifier += std::string(70000, 'A');
  amplifier += "\x45\x83\x00\x01";
  for (const std::string* body : {&abort12, &nested, &amplifier}) {
    const auto r = c.command_bytes("Sync", *body);
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.eas_status(), 102u);
  }
  c.config().protocol_version = "12.1";
  EXPECT_EQ(c.command_bytes("Sync", abort12).status, 400u);
  c.config().protocol_version = "14.1";
  EXPECT_EQ(c.options().status, 200u);
}

TEST_P(ServerTest, CommandMustMatchItsDocument) {
  auto c = client();
  auto ping = test::node("Ping:Ping", {test::leaf("Ping:HeartbeatInterval", "60")});
  EXPECT_EQ(c.command("FolderSync", &ping).eas_status(), 103u);
}

TEST_P(ServerTest, OversizeHeaderBeforeAuthenticationIs431) {
  auto c = client();
  const auto r = c.raw("OPTIONS", "/Microsoft-Server-ActiveSync", {}, {{"X-Filler", std::string(4000, 'x')}});
  EXPECT_EQ(r.status, 431u);
  EXPECT_EQ(client().options().status, 200u);
}

TEST_P(ServerTest, OversizeBodyIs413) {
  auto c = client();
  // FolderSync bodies are limited to 64 KiB by the command table.
  const auto r = c.command_bytes("FolderSync", std::string(100 * 1024, 'x'));
  EXPECT_EQ(r.status, 413u);
}

TEST_P(ServerTest, AutodiscoverNeedsAuthAndReturnsTheUrl) {
  EXPECT_EQ(client("alice", "bad").autodiscover("alice@example.test").status, 401u);
  auto c = client();
  const auto r = c.autodiscover("alice@example.test", "/AutoDiscover/AutoDiscover.xml");
  EXPECT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("<Url>https://mail.example.test/Microsoft-Server-ActiveSync</Url>"), std::string::npos);
  const auto bad = c.autodiscover_body("<not xml");
  EXPECT_EQ(bad.status, 200u);
  EXPECT_NE(bad.body.find("600"), std::string::npos);
}

TEST_P(ServerTest, ExpectContinueGetsAnInterimAnswer) {
  // curl, and some phones, send Expect: 100-continue and wait for "100 Continue" before the body.
  auto c = client();
  auto req = test::node("FolderHierarchy:FolderSync", {test::leaf("FolderHierarchy:SyncKey", "0")});
  const auto r = c.command("FolderSync", &req, {}, {{"Expect", "100-continue"}});
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.eas_status(), 137u);
  EXPECT_EQ(c.options().status, 200u);  // the interim answer did not desynchronise the connection
}

TEST_P(ServerTest, QueryWithoutUserActsAsTheLogin) {
  // The plain form's User is only informational: easd always acts as the authenticated login.
  auto c = client();
  auto req = test::node("FolderHierarchy:FolderSync", {test::leaf("FolderHierarchy:SyncKey", "0")});
  const auto body = wbxml::encode_to_string(req);
  const auto r = c.post("/Microsoft-Server-ActiveSync?Cmd=FolderSync&DeviceId=abc123&DeviceType=iPhone", body,
                        {{"MS-ASProtocolVersion", "14.1"}});
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.eas_status(), 137u);
}

TEST_P(ServerTest, UnknownMethodsAre405) {
  auto c = client();
  EXPECT_EQ(c.raw("DELETE", "/Microsoft-Server-ActiveSync").status, 405u);
}

TEST_P(ServerTest, GarbageIsAnswered400AndTheServerLives) {
  net::io_context io;
  net::ip::tcp::socket s(io);
  s.connect({net::ip::make_address("127.0.0.1"), port_});
  if (!GetParam()) {
    net::write(s, net::buffer(std::string("\x16\x03\x01 not http at all\r\n\r\n")));
    std::string reply(12, '\0');
    boost::system::error_code ec;
    net::read(s, net::buffer(reply), ec);
    EXPECT_EQ(reply.substr(0, 12), "HTTP/1.1 400");
  } else {
    net::write(s, net::buffer(std::string("GET / HTTP/1.1\r\n\r\n")));  // plain HTTP to the TLS port
    char byte;
    boost::system::error_code ec;
    s.read_some(net::buffer(&byte, 1), ec);
  }
  EXPECT_EQ(client().options().status, 200u);
}

TEST_P(ServerTest, ShutdownClosesIdleConnections) {
  auto c = client();
  EXPECT_EQ(c.options().status, 200u);
  EXPECT_EQ(server_->connections(), 1u);
  // TearDown's shut_down must complete although this keep-alive connection is open and idle.
}

std::string transport_name(const ::testing::TestParamInfo<bool>& param) { return param.param ? "Tls" : "Plain"; }
INSTANTIATE_TEST_SUITE_P(PlainAndTls, ServerTest, ::testing::Values(false, true), transport_name);

TEST(ServerShutdown, GraceEndsEvenWithARequestStuckMidBody) {
  // A client that sends a header and then stalls keeps its connection busy; shutdown must still end at the
  // grace period, and the connection's frame, destroyed with the io_context after the server, must be safe.
  auto cfg = parse_config(R"(
[server]
listen = ["127.0.0.1:0"]
external_url = "https://mail.example.test"
shutdown_grace_seconds = 1
[tls]
enabled = false
)",
                          "test.toml");
  backend::fake_credential_verifier verifier;
  verifier.add_user("alice", "secret");
  protocol::services services;
  protocol::dispatcher dispatcher(protocol::command_table::standard(), services);
  auto ioc = std::make_unique<net::io_context>();
  auto srv = std::make_unique<server>(*ioc, cfg, verifier, dispatcher);
  const auto port = srv->start().at(0).port();
  std::thread runner([&] { ioc->run(); });

  net::io_context client_io;
  net::ip::tcp::socket s(client_io);
  s.connect({net::ip::make_address("127.0.0.1"), port});
  const std::string head =
      "POST /Microsoft-Server-ActiveSync?Cmd=FolderSync&User=alice&DeviceId=abc&DeviceType=x HTTP/1.1\r\n"
      "Host: x\r\nAuthorization: Basic YWxpY2U6c2VjcmV0\r\nMS-ASProtocolVersion: 14.1\r\n"
      "Content-Type: application/vnd.ms-sync.wbxml\r\nContent-Length: 100\r\n\r\n";
  net::write(s, net::buffer(head));
  while (srv->connections() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the session now waits for the body

  bool stopped = false;
  srv->shut_down([&] {
    stopped = true;
    ioc->stop();
  });
  runner.join();
  EXPECT_TRUE(stopped);
  srv.reset();  // the server goes first, as in main.cpp ...
  ioc.reset();  // ... then the io_context destroys the stuck connection's coroutine frame
}

TEST(ServerTls, ReloadKeepsOpenConnectionsAndServesTheNewCertificate) {
  const auto dir = std::filesystem::temp_directory_path() / ("easd-reload-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  make_certificate(dir, "first");
  auto cfg = test_config(true, dir);
  backend::fake_credential_verifier verifier;
  verifier.add_user("alice", "secret");
  protocol::services services;
  protocol::dispatcher dispatcher(protocol::command_table::standard(), services);
  net::io_context ioc;
  server srv(ioc, cfg, verifier, dispatcher);
  const auto port = srv.start().at(0).port();
  std::thread runner([&] { ioc.run(); });

  eas_client_options o;
  o.port = port;
  o.user = "alice";
  o.password = "secret";
  eas_client old_conn(o);
  ASSERT_EQ(old_conn.options().status, 200u);
  const auto first = old_conn.peer_certificate_sha256();

  make_certificate(dir, "second");
  EXPECT_EQ(srv.reload_tls(), "");
  eas_client new_conn(o);
  ASSERT_EQ(new_conn.options().status, 200u);
  EXPECT_NE(new_conn.peer_certificate_sha256(), first);
  EXPECT_EQ(old_conn.options().status, 200u);   // still the same connection
  EXPECT_EQ(old_conn.connections_opened(), 1u);

  std::filesystem::remove(dir / "key.pem");
  EXPECT_NE(srv.reload_tls(), "");               // broken files: keep serving with the last good pair
  EXPECT_EQ(eas_client(o).options().status, 200u);

  srv.shut_down([&] { ioc.stop(); });
  runner.join();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace easd::server
