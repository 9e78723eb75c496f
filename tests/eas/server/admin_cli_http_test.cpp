// The admin CLI against a canned HTTP server on loopback (port 0): the request it sends (method, target,
// Authorization: Bearer, X-Easd-Actor, JSON body), where the token and address come from, and the exit
// codes for 200 / 404 / 401 / unreachable / no answer.
#include "eas/server/admin_cli.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/parse.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace easd::server::admin_cli {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
using tcp = net::ip::tcp;

// Accepts one connection, reads one request and answers `response` verbatim; with an empty `response`
// it never answers and waits for the client to give up.
class canned_server {
public:
  explicit canned_server(std::string response)
      : acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)), response_(std::move(response)) {
    thread_ = std::thread([this] { serve(); });
  }
  ~canned_server() {
    if (thread_.joinable()) thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  // The request received (after the client finished).
  const http::request<http::string_body>& request() {
    if (thread_.joinable()) thread_.join();
    return request_;
  }

private:
  void serve() {
    boost::system::error_code ec;
    tcp::socket socket(ioc_);
    acceptor_.accept(socket, ec);
    if (ec) return;
    boost::beast::flat_buffer buffer;
    http::read(socket, buffer, request_, ec);
    if (ec) return;
    if (response_.empty()) {
      char byte;
      socket.read_some(net::buffer(&byte, 1), ec);  // until the client closes
      return;
    }
    net::write(socket, net::buffer(response_), ec);
  }

  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::string response_;
  http::request<http::string_body> request_;
  std::thread thread_;
};

std::string answer(int status, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

struct outcome {
  int code;
  std::string out, err;
};

outcome run_cli(const invocation& inv, const environment& env = {"env-token-0123456789", "alice"},
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  std::ostringstream out, err;
  run_options options;
  options.timeout = timeout;
  const int code = run(inv, env, out, err, options);
  return {code, out.str(), err.str()};
}

invocation wipe_at(const std::string& url) {
  invocation inv;
  inv.group = "device";
  inv.action = "wipe";
  inv.user = "bob";
  inv.device = "ABC";
  inv.admin_url = url;
  inv.token = "cli-token-0123456789";
  inv.config_path = "/nonexistent/easd.toml";
  return inv;
}

const std::string device_json =
    R"({"user":"bob","device_id":"ABC","access":"allowed","wipe":"full","wipe_status":"requested"})";

TEST(AdminCliHttp, SendsBearerActorAndJsonBody) {
  canned_server server(answer(200, device_json));
  const auto r = run_cli(wipe_at(server.url()));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "wipe: bob ABC access=allowed wipe=requested (full)\n");
  const auto& req = server.request();
  EXPECT_EQ(req.method(), http::verb::post);
  EXPECT_EQ(req.target(), "/api/v1/device/wipe");
  EXPECT_EQ(req[http::field::authorization], "Bearer cli-token-0123456789");  // --token beats the environment
  EXPECT_EQ(req["X-Easd-Actor"], "alice");
  EXPECT_EQ(req[http::field::content_type], "application/json");
  EXPECT_EQ(req[http::field::host], "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(json::parse(req.body()), json::parse(R"({"user":"bob","device":"ABC"})"));
}

TEST(AdminCliHttp, JsonOutputIsThePrettyPrintedAnswer) {
  canned_server server(answer(200, R"({"devices":[]})"));
  auto inv = wipe_at(server.url());
  inv.action = "list";
  inv.json = true;
  const auto r = run_cli(inv);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "{\n  \"devices\": []\n}\n");
  EXPECT_EQ(server.request().method(), http::verb::get);
  EXPECT_EQ(server.request().body(), "");
}

TEST(AdminCliHttp, NotFoundPrintsTheServersErrorEscaped) {
  canned_server server(answer(404, R"({"error":"no such device \u001b[2J"})"));
  const auto r = run_cli(wipe_at(server.url()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "easd: no such device \\x1B[2J (HTTP 404)\n");
}

TEST(AdminCliHttp, NotFoundWithoutJsonMeansTheApiIsOff) {
  canned_server server("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  const auto r = run_cli(wipe_at(server.url()));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("api_token"), std::string::npos) << r.err;
}

TEST(AdminCliHttp, UnauthorizedNamesWhereTheTokenComesFrom) {
  canned_server server(answer(401, R"({"error":"bad token"})"));
  const auto r = run_cli(wipe_at(server.url()));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("bad token"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("EASD_ADMIN_TOKEN"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("HTTP 401"), std::string::npos) << r.err;
}

TEST(AdminCliHttp, ConflictIsExitOne) {
  canned_server server(answer(409, R"({"error":"account-only wipe needs EAS 16.1"})"));
  const auto r = run_cli(wipe_at(server.url()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "easd: account-only wipe needs EAS 16.1 (HTTP 409)\n");
}

TEST(AdminCliHttp, UnreachableIsExitThreeNamingTheUrl) {
  std::string url;
  {
    net::io_context ioc;
    tcp::acceptor closed(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    url = "http://127.0.0.1:" + std::to_string(closed.local_endpoint().port());
  }
  const auto r = run_cli(wipe_at(url));
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("cannot reach the admin API at " + url), std::string::npos) << r.err;
}

TEST(AdminCliHttp, NoAnswerTimesOutAsUnreachable) {
  canned_server server("");
  const auto r = run_cli(wipe_at(server.url()), {}, std::chrono::milliseconds(300));
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("no answer within 300 ms"), std::string::npos) << r.err;
}

TEST(AdminCliHttp, AnswerThatIsNotJsonIsExitOne) {
  canned_server server("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
  const auto r = run_cli(wipe_at(server.url()));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("not JSON"), std::string::npos) << r.err;
}

TEST(AdminCliHttp, UsageErrorsSendNothing) {
  auto inv = wipe_at("http://127.0.0.1:1");
  inv.user = "";
  EXPECT_EQ(run_cli(inv).code, 2);
  inv = wipe_at("https://127.0.0.1:1");
  EXPECT_EQ(run_cli(inv).code, 2);
  inv = wipe_at("http://127.0.0.1:1");
  inv.group = "policy";
  inv.action = "set";
  inv.name = "strict";
  inv.settings = {"oops"};
  EXPECT_EQ(run_cli(inv).code, 2);
  inv = wipe_at("http://127.0.0.1:1");
  inv.token = "token-0123456789\r\nX-Injected: 1";
  EXPECT_EQ(run_cli(inv).code, 2);
}

// The address and token from the configuration file, the token from the environment over the file's.
TEST(AdminCliHttp, AddressAndTokenFromTheConfiguration) {
  const auto dir = std::filesystem::temp_directory_path() / ("easd-cli-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "easd.toml";
  for (const bool env_token : {false, true}) {
    canned_server server(answer(200, R"({"policies":[],"users":[]})"));
    std::ofstream(file) << "[server]\nexternal_url = \"https://mail.example.com\"\n[tls]\nenabled = false\n"
                        << "[admin]\nlisten = \"0.0.0.0:" << server.port() << "\"\n"
                        << "api_token = \"config-token-0123456789\"\n";
    invocation inv;
    inv.group = "policy";
    inv.action = "list";
    inv.config_path = file.string();
    environment env;
    env.actor = "root";
    if (env_token) env.token = "env-token-0123456789";
    const auto r = run_cli(inv, env);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "no policies\n");
    EXPECT_EQ(server.request().target(), "/api/v1/policies");
    EXPECT_EQ(server.request()[http::field::authorization],
              env_token ? "Bearer env-token-0123456789" : "Bearer config-token-0123456789");
    EXPECT_EQ(server.request()["X-Easd-Actor"], "root");
  }
  // A configuration without [admin] listen: exit 1, nothing sent.
  std::ofstream(file) << "[server]\nexternal_url = \"https://mail.example.com\"\n[tls]\nenabled = false\n";
  invocation inv;
  inv.group = "policy";
  inv.action = "list";
  inv.config_path = file.string();
  const auto r = run_cli(inv);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no [admin] listen"), std::string::npos) << r.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace easd::server::admin_cli
