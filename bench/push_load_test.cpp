// Hermetic checks of the push load generator's parts: the /proc parsers, the command line, source
// addresses, and one HTTP exchange of eas_connection against a scripted loopback server (the source
// address bound, the request line and headers sent, the WBXML answer decoded).
#include "bench/push_fleet.hpp"
#include "bench/push_http.hpp"
#include "bench/push_options.hpp"
#include "bench/push_proc.hpp"

#include "eas/wbxml/codec.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <thread>

namespace easd::bench {
namespace {

TEST(PushProc, StatusField) {
  const std::string text = "Name:\teasd\nVmPeak:\t  900 kB\nVmRSS:\t   12345 kB\nVmHWM:\t 20000 kB\n";
  EXPECT_EQ(status_kib(text, "VmRSS"), 12345u);
  EXPECT_EQ(status_kib(text, "VmHWM"), 20000u);
  EXPECT_FALSE(status_kib(text, "VmSwap"));
  EXPECT_FALSE(status_kib("VmRSS: lots\n", "VmRSS"));
}

TEST(PushProc, StatCpuTicksSkipsTheCommandName) {
  // utime 250, stime 50; the command name contains ") (" to trip a naive split.
  const std::string stat = "4242 (my) (easd) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 100 0 0";
  EXPECT_EQ(stat_cpu_ticks(stat), 300u);
  EXPECT_FALSE(stat_cpu_ticks("4242 (easd) S 1 2"));
  EXPECT_TRUE(process_cpu_seconds(::getpid()).has_value());
  EXPECT_GT(process_status_kib(::getpid(), "VmRSS").value_or(0), 0u);
}

TEST(PushProc, EstablishedOnPort) {
  const std::string tcp =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
      "   0: 0100007F:0D3D 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1\n"
      "   1: 0100007F:0D3D 0200007F:A1B2 01 00000000:00000000 00:00000000 00000000     0        0 2 1\n"
      "   2: 0100007F:0D3D 0300007F:A1B3 01 00000000:00000000 00:00000000 00000000     0        0 3 1\n"
      "   3: 0200007F:A1B2 0100007F:0D3D 01 00000000:00000000 00:00000000 00000000     0        0 4 1\n"
      "   4: 0100007F:0D3D 0300007F:A1B4 06 00000000:00000000 00:00000000 00000000     0        0 5 1\n";
  EXPECT_EQ(established_on_port(tcp, 0x0D3D), 2u);  // listener, client side and TIME_WAIT not counted
  EXPECT_EQ(established_on_port(tcp, 0xA1B2), 1u);
  EXPECT_EQ(established_on_port("", 80), 0u);
}

TEST(PushProc, Percentile) {
  EXPECT_EQ(percentile({}, 0.5), 0);
  EXPECT_EQ(percentile({3, 1, 2}, 0.5), 2);
  std::vector<double> v;
  for (int i = 1; i <= 200; ++i) v.push_back(i);
  EXPECT_EQ(percentile(v, 0.99), 198);
  EXPECT_EQ(percentile(v, 1.0), 200);
}

TEST(PushProc, RaiseNofileKeepsAtLeastTheCurrentLimit) { EXPECT_GE(raise_nofile(1024), 1024u); }

TEST(PushOptions, Defaults) {
  const char* argv[] = {"push_load"};
  std::string err;
  auto o = parse_load_options(1, argv, &err);
  ASSERT_TRUE(o) << err;
  EXPECT_EQ(o->steps, std::vector<unsigned>{10000});
  EXPECT_EQ(o->devices_per_user, 10u);
  EXPECT_EQ(o->nodes, 1u);
  EXPECT_FALSE(o->plain);
}

TEST(PushOptions, Values) {
  const char* argv[] = {"push_load", "--steps", "1000,5000", "--plain", "--nodes", "2", "--heartbeat", "120",
                        "--empty-pings", "--protocol", "16.1", "--push-plugin"};
  std::string err;
  auto o = parse_load_options(12, argv, &err);
  ASSERT_TRUE(o) << err;
  EXPECT_EQ(o->steps, (std::vector<unsigned>{1000, 5000}));
  EXPECT_TRUE(o->plain);
  EXPECT_TRUE(o->empty_pings);
  EXPECT_EQ(o->nodes, 2u);
  EXPECT_EQ(o->heartbeat, 120u);
  EXPECT_EQ(o->protocol_version, "16.1");
  EXPECT_TRUE(o->push_plugin);
}

TEST(PushOptions, Rejects) {
  std::string err;
  const char* bad_steps[] = {"push_load", "--steps", "10,x"};
  EXPECT_FALSE(parse_load_options(3, bad_steps, &err));
  EXPECT_NE(err.find("--steps"), std::string::npos);
  const char* missing[] = {"push_load", "--rate"};
  EXPECT_FALSE(parse_load_options(2, missing, &err));
  const char* nodes[] = {"push_load", "--nodes", "3"};
  EXPECT_FALSE(parse_load_options(3, nodes, &err));
  const char* plugin_external[] = {"push_load", "--push-plugin", "--url", "http://127.0.0.1:8080", "--pid", "7",
                                   "--imap-port", "1143"};
  EXPECT_FALSE(parse_load_options(8, plugin_external, &err));
  const char* url_alone[] = {"push_load", "--url", "https://127.0.0.1:8443"};
  EXPECT_FALSE(parse_load_options(3, url_alone, &err));
  const char* unknown[] = {"push_load", "--fast"};
  EXPECT_FALSE(parse_load_options(2, unknown, &err));
  const char* help[] = {"push_load", "--help"};
  EXPECT_FALSE(parse_load_options(2, help, &err));
  EXPECT_TRUE(err.empty());
}

TEST(PushOptions, ExternalServers) {
  const char* argv[] = {"push_load", "--url", "https://127.0.0.1:8443", "--pid", "77", "--url",
                        "http://127.0.0.1:8080/", "--pid", "78", "--imap-port", "1143"};
  std::string err;
  auto o = parse_load_options(11, argv, &err);
  ASSERT_TRUE(o) << err;
  EXPECT_EQ(o->urls.size(), 2u);
  EXPECT_EQ(o->pids, (std::vector<int>{77, 78}));
  EXPECT_EQ(o->imap_port, 1143);
  auto u = parse_url("http://127.0.0.1:8080/");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 8080);
  EXPECT_FALSE(u->tls);
  EXPECT_FALSE(parse_url("https://localhost:443"));  // IPv4 literals only
  EXPECT_FALSE(parse_url("ftp://127.0.0.1:21"));
  EXPECT_FALSE(parse_url("https://127.0.0.1:0"));
}

TEST(PushFleet, SourceAddresses) {
  EXPECT_EQ(source_address(0, 1000).to_string(), "127.0.0.2");
  EXPECT_EQ(source_address(999, 1000).to_string(), "127.0.0.2");
  EXPECT_EQ(source_address(1000, 1000).to_string(), "127.0.0.3");
  EXPECT_EQ(source_address(254 * 1000, 1000).to_string(), "127.0.1.0");
}

namespace net = boost::asio;
using tcp = net::ip::tcp;

// Accepts one connection, reads one request head, answers with a Ping Status 1 document.
struct scripted_server {
  net::io_context ioc;
  tcp::acceptor acceptor{ioc, tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), 0)};
  std::string request;
  std::string peer_address;
  std::thread thread;

  void start() {
    thread = std::thread([this] {
      tcp::socket s(ioc);
      acceptor.accept(s);
      peer_address = s.remote_endpoint().address().to_string();
      boost::system::error_code ec;
      net::read_until(s, net::dynamic_buffer(request), "\r\n\r\n", ec);
      auto doc = wbxml::element::named("Ping:Ping");
      doc.add("Ping:Status", "1");
      const std::string body = wbxml::encode_to_string(doc);
      const std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.ms-sync.wbxml\r\nContent-Length: " +
                               std::to_string(body.size()) + "\r\n\r\n";
      net::write(s, net::buffer(head + body), ec);
    });
  }
};

TEST(PushHttp, OneExchangeFromABoundSourceAddress) {
  scripted_server server;
  server.start();
  net::io_context ioc;
  server_target target{"127.0.0.1", server.acceptor.local_endpoint().port(), false, "localhost"};
  eas_connection conn(ioc.get_executor(), target, nullptr, net::ip::make_address_v4("127.0.0.7"));
  http_result result;
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        auto op = conn.post("/Microsoft-Server-ActiveSync?Cmd=Ping&User=u&DeviceId=D1&DeviceType=T", "", "Basic eDp5",
                            "14.1", std::chrono::seconds(10));
        result = co_await std::move(op);
      },
      net::detached);
  ioc.run();
  server.thread.join();
  ASSERT_FALSE(result.ec) << result.ec.message();
  EXPECT_EQ(result.response.status, 200u);
  EXPECT_EQ(result.response.eas_status(), 1u);
  EXPECT_EQ(server.peer_address, "127.0.0.7");
  EXPECT_EQ(conn.connects(), 1u);
  EXPECT_NE(server.request.find("POST /Microsoft-Server-ActiveSync?Cmd=Ping&User=u&DeviceId=D1&DeviceType=T HTTP/1.1\r\n"),
            std::string::npos);
  EXPECT_NE(server.request.find("Authorization: Basic eDp5\r\n"), std::string::npos);
  EXPECT_NE(server.request.find("MS-ASProtocolVersion: 14.1\r\n"), std::string::npos);
  EXPECT_NE(server.request.find("Content-Length: 0\r\n"), std::string::npos);
}

}  // namespace
}  // namespace easd::bench
