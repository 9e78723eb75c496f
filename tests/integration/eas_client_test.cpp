// Hermetic checks of the EAS test client against a scripted loopback HTTP server, so that integration
// failures can be blamed on the server, not on the client.
#include "tests/support/eas_client.hpp"

#include "eas/wbxml/codec.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace easd::test {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using namespace std::chrono_literals;

// Serves one connection at a time. Paths: "/drop" answers and then closes silently (like an idle
// timeout); "/close" answers with Connection: close; "/hang" never answers; "/wbxml" answers a WBXML
// <Sync><Status>137</Status></Sync>; anything else echoes. Every request is recorded.
class scripted_server {
public:
  scripted_server() : acceptor_(ioc_, {net::ip::make_address("127.0.0.1"), 0}) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { run(); });
  }
  ~scripted_server() {
    stop_ = true;
    try {
      net::io_context wake;
      tcp::socket s(wake);
      s.connect({net::ip::make_address("127.0.0.1"), port_});
    } catch (...) {
    }
    thread_.join();
  }
  std::uint16_t port() const { return port_; }
  unsigned accepted() const { return accepted_; }
  std::vector<http::request<http::string_body>> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

private:
  void run() {
    while (!stop_) {
      tcp::socket socket(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stop_) return;
      ++accepted_;
      serve(socket);
    }
  }

  void serve(tcp::socket& socket) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      boost::system::error_code ec;
      http::read(socket, buffer, req, ec);
      if (ec == http::error::header_limit) {  // answer early, close without reading the rest
        http::response<http::string_body> res{http::status::request_header_fields_too_large, 11};
        res.keep_alive(false);
        res.prepare_payload();
        http::write(socket, res, ec);
        return;
      }
      if (ec) return;
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(req);
      }
      const std::string target(req.target());
      if (target == "/hang") continue;  // read the next request, which never comes
      http::response<http::string_body> res{http::status::ok, 11};
      if (target == "/wbxml") {
        auto doc = wbxml::element::named("AirSync:Sync");
        doc.add("AirSync:Status", "137");
        res.set(http::field::content_type, "application/vnd.ms-sync.wbxml");
        res.body() = wbxml::encode_to_string(doc);
      } else {
        res.set(http::field::content_type, "text/plain");
        res.body() = req.body();
      }
      res.set("X-Echo-Target", target);
      res.insert("X-Twice", "a");
      res.insert("X-Twice", "b");
      res.keep_alive(target != "/close");
      res.prepare_payload();
      http::write(socket, res, ec);
      if (ec || target == "/close" || target == "/drop") return;
    }
  }

  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<unsigned> accepted_{0};
  std::mutex mutex_;
  std::vector<http::request<http::string_body>> requests_;
};

eas_client_options plain_options(std::uint16_t port) {
  eas_client_options o;
  o.port = port;
  o.tls = false;
  o.user = "alice@example.test";
  o.password = "secret";
  o.timeout = 5s;
  return o;
}

TEST(EasClient, Base64QueryMatchesTheSpecExample) {
  // [MS-ASHTTP] 2.2.1.1.1.1: 14.0, Sync, en-US, DeviceId v140Device, no policy key, SmartPhone.
  auto o = plain_options(1);
  o.protocol_version = "14.0";
  o.device_id = "v140Device";
  o.device_type = "SmartPhone";
  eas_client c(o);
  EXPECT_EQ(c.base64_query("Sync"), "jAAJBAp2MTQwRGV2aWNlAApTbWFydFBob25l");
}

TEST(EasClient, Base64QueryWithPolicyKeyAndParameters) {
  // The Nine client's query from http.md §3 (14.1, Sync, policy key 0, Options 0x00), '=' escaped.
  auto o = plain_options(1);
  o.protocol_version = "14.1";
  o.device_id = "Nine4383AF346860";
  o.device_type = "Android";
  o.policy_key = "0";
  eas_client c(o);
  EXPECT_EQ(c.base64_query("Sync", {{"Options", std::string(1, '\0')}}),
            "jQAJBBBOaW5lNDM4M0FGMzQ2ODYwBAAAAAAHQW5kcm9pZAcBAA%3D%3D");
  EXPECT_THROW(c.base64_query("NoSuchCommand"), std::invalid_argument);
  EXPECT_THROW(c.base64_query("Sync", {{"NoSuchParameter", "x"}}), std::invalid_argument);
}

TEST(EasClient, Helpers) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(url_encode("a b@c/d~"), "a%20b%40c%2Fd~");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto doc = node("FolderHierarchy:FolderSync", {leaf("FolderHierarchy:Status", "1")});
  EXPECT_EQ(top_level_status(doc), 1u);
  EXPECT_EQ(top_level_status(node("FolderHierarchy:FolderSync")), std::nullopt);
}

TEST(EasClient, PlainCommandSendsTheEasRequest) {
  scripted_server server;
  auto o = plain_options(server.port());
  o.policy_key = "1234";
  eas_client c(o);
  auto req = node("FolderHierarchy:FolderSync", {leaf("FolderHierarchy:SyncKey", "0")});
  auto r = c.command("FolderSync", &req, {{"SaveInSent", "T"}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("x-echo-target"),
            "/Microsoft-Server-ActiveSync?Cmd=FolderSync&User=alice%40example.test&DeviceId=easdtest0001"
            "&DeviceType=TestClient&SaveInSent=T");
  EXPECT_EQ(r.header("X-Twice"), "a, b");
  EXPECT_EQ(r.body, wbxml::encode_to_string(req));
  auto seen = server.requests().at(0);
  EXPECT_EQ(seen.method(), http::verb::post);
  EXPECT_EQ(seen["MS-ASProtocolVersion"], "14.1");
  EXPECT_EQ(seen["X-MS-PolicyKey"], "1234");
  EXPECT_EQ(seen["Content-Type"], "application/vnd.ms-sync.wbxml");
  EXPECT_EQ(seen["User-Agent"], "easd-test/1");
  EXPECT_EQ(seen["Authorization"], "Basic " + base64_encode("alice@example.test:secret"));

  // Overrides replace; an empty value removes.
  c.command("FolderSync", nullptr, {}, {{"MS-ASProtocolVersion", ""}, {"User-Agent", "Other/2"}});
  auto second = server.requests().at(1);
  EXPECT_EQ(second.count("MS-ASProtocolVersion"), 0u);
  EXPECT_EQ(second["User-Agent"], "Other/2");
  EXPECT_EQ(second["Content-Length"], "0");
  EXPECT_EQ(second.count("Content-Type"), 0u);

  c.command_base64("Sync", nullptr);
  auto third = server.requests().at(2);
  EXPECT_EQ(third.count("MS-ASProtocolVersion"), 0u);
  EXPECT_EQ(third.count("X-MS-PolicyKey"), 0u);
}

TEST(EasClient, DecodesWbxmlResponses) {
  scripted_server server;
  eas_client c(plain_options(server.port()));
  auto r = c.raw("POST", "/wbxml", "x");
  ASSERT_TRUE(r.document) << r.decode_error.message();
  EXPECT_EQ(r.document->qualified_name(), "AirSync:Sync");
  EXPECT_EQ(r.eas_status(), 137u);
}

TEST(EasClient, KeepsTheConnectionAndReconnectsWhenTheServerClosedIt) {
  scripted_server server;
  eas_client c(plain_options(server.port()));
  EXPECT_EQ(c.options().status, 200u);
  EXPECT_EQ(c.options().status, 200u);
  EXPECT_EQ(c.connections_opened(), 1u);
  EXPECT_EQ(c.raw("GET", "/drop").status, 200u);  // server closes silently afterwards
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(c.options().status, 200u);
  EXPECT_EQ(c.connections_opened(), 2u);
  EXPECT_EQ(c.raw("GET", "/close").status, 200u);  // Connection: close
  EXPECT_FALSE(c.connected());
  EXPECT_EQ(c.options().status, 200u);
  EXPECT_EQ(c.connections_opened(), 3u);
}

TEST(EasClient, ReadsAnEarlyAnswerToARequestItCouldNotFinishWriting) {
  scripted_server server;
  eas_client c(plain_options(server.port()));
  field_list huge;
  for (int i = 0; i < 40; ++i) huge.emplace_back("X-Filler-" + std::to_string(i), std::string(60'000, 'a'));
  auto r = c.options(huge);
  EXPECT_EQ(r.status, 431u);
  EXPECT_FALSE(c.connected());
  EXPECT_EQ(c.options().status, 200u);
}

TEST(EasClient, TimesOut) {
  scripted_server server;
  auto o = plain_options(server.port());
  o.timeout = 300ms;
  eas_client c(o);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(c.raw("GET", "/hang"), eas_client_error);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_FALSE(c.connected());
}

TEST(EasClient, ConnectFailureThrows) {
  std::uint16_t port = 0;
  {
    net::io_context ioc;
    tcp::acceptor a(ioc, {net::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }
  eas_client c(plain_options(port));
  EXPECT_THROW(c.options(), eas_client_error);
}

}  // namespace
}  // namespace easd::test
