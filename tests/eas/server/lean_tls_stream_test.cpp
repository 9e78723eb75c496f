// The lean TLS stream as a server on a loopback TCP pair, Asio's ssl::stream as the phone: handshakes,
// round trips, peer closes, deadlines, and that an idle connection holds no ciphertext buffer.
#include "eas/server/lean_tls_stream.hpp"

#include "eas/server/tls_context.hpp"
#include "tests/backend/imap/test_tls.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace easd::server {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using boost::system::error_code;
using client_stream = net::ssl::stream<tcp::socket>;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// The server context as easd makes it (tls_context: TLS 1.2+), from the test certificate written to files.
std::shared_ptr<net::ssl::context> server_context() {
  static const std::shared_ptr<net::ssl::context> ctx = [] {
    const auto dir = std::filesystem::temp_directory_path() / ("easd-lean-tls-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto& cert = test::localhost_certificate();
    std::ofstream(dir / "cert.pem") << cert.cert_pem;
    std::ofstream(dir / "key.pem") << cert.key_pem;
    tls_context loaded(dir / "cert.pem", dir / "key.pem");
    std::filesystem::remove_all(dir);
    return loaded.current();
  }();
  return ctx;
}

std::string pattern(std::size_t n, char seed) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + static_cast<char>(i % 251));
  return s;
}

class LeanTlsStreamTest : public ::testing::Test {
protected:
  LeanTlsStreamTest() { client_ctx_.set_verify_mode(net::ssl::verify_peer); }

  // A connected pair: the server end wrapped in a lean stream, the client end in Asio's ssl::stream.
  void connect() {
    tcp::acceptor acceptor(ioc_, {net::ip::make_address("127.0.0.1"), 0});
    tcp::socket client(ioc_);
    client.connect(acceptor.local_endpoint());
    tcp::socket accepted = acceptor.accept();
    server_ = std::make_unique<lean_tls_stream>(beast::tcp_stream(std::move(accepted)), *server_ctx_);
    client_ = std::make_unique<client_stream>(std::move(client), client_ctx_);
  }

  // Runs the coroutines to completion (at most 30 s); rethrows the first exception.
  template <class... Awaitables>
  void run(Awaitables... coroutines) {
    std::exception_ptr failure;
    int finished = 0;
    auto done = [&](std::exception_ptr e) {
      ++finished;
      if (e && !failure) failure = e;
    };
    (net::co_spawn(ioc_, std::move(coroutines), done), ...);
    ioc_.restart();
    ioc_.run_for(std::chrono::seconds(30));
    ASSERT_EQ(finished, static_cast<int>(sizeof...(coroutines))) << "timed out";
    if (failure) std::rethrow_exception(failure);
  }

  void handshake() {
    run(server_handshake(*server_, server_ec_), client_handshake(*client_, client_ec_));
    ASSERT_FALSE(server_ec_) << server_ec_.message();
    ASSERT_FALSE(client_ec_) << client_ec_.message();
  }

  static net::awaitable<void> server_handshake(lean_tls_stream& s, error_code& out) {
    beast::get_lowest_layer(s).expires_after(std::chrono::seconds(10));
    auto [ec] = co_await s.async_handshake(net::ssl::stream_base::server, use_tuple);
    out = ec;
  }
  static net::awaitable<void> client_handshake(client_stream& c, error_code& out) {
    auto [ec] = co_await c.async_handshake(net::ssl::stream_base::client, use_tuple);
    out = ec;
  }

  // The server reads `n` bytes and echoes them; the client sends `data` and reads the echo.
  static net::awaitable<void> server_echo(lean_tls_stream& s, std::size_t n, error_code& out) {
    std::string got(n, '\0');
    auto [rec, rn] = co_await net::async_read(s, net::buffer(got), use_tuple);
    if (rec) {
      out = rec;
      co_return;
    }
    auto [wec, wn] = co_await net::async_write(s, net::buffer(got), use_tuple);
    out = wec;
  }
  static net::awaitable<void> client_echo(client_stream& c, const std::string& data, std::string& echoed) {
    auto [wec, wn] = co_await net::async_write(c, net::buffer(data), use_tuple);
    if (wec) co_return;
    echoed.assign(data.size(), '\0');
    auto [rec, rn] = co_await net::async_read(c, net::buffer(echoed), use_tuple);
    echoed.resize(rn);
  }

  static net::awaitable<void> server_read_some(lean_tls_stream& s, error_code& out, std::size_t& n) {
    std::array<char, 64> buf;
    auto [ec, got] = co_await s.async_read_some(net::buffer(buf), use_tuple);
    out = ec;
    n = got;
  }

  net::io_context ioc_;
  std::shared_ptr<net::ssl::context> server_ctx_ = server_context();
  net::ssl::context client_ctx_ = test::make_trusting_client_context();
  std::unique_ptr<lean_tls_stream> server_;
  std::unique_ptr<client_stream> client_;
  error_code server_ec_;
  error_code client_ec_;
};

TEST_F(LeanTlsStreamTest, HandshakeNegotiatesTls13AndHoldsNoBuffer) {
  connect();
  handshake();
  EXPECT_EQ(SSL_version(server_->native_handle()), TLS1_3_VERSION);
  EXPECT_EQ(server_->buffered_bytes_capacity(), 0u);
}

TEST_F(LeanTlsStreamTest, HandshakeWithTls12Client) {
  SSL_CTX_set_max_proto_version(client_ctx_.native_handle(), TLS1_2_VERSION);
  connect();
  handshake();
  EXPECT_EQ(SSL_version(server_->native_handle()), TLS1_2_VERSION);
  std::string echoed;
  const auto data = pattern(40000, 'a');
  run(server_echo(*server_, data.size(), server_ec_), client_echo(*client_, data, echoed));
  EXPECT_FALSE(server_ec_) << server_ec_.message();
  EXPECT_EQ(echoed, data);
}

net::awaitable<void> send_garbage(tcp::socket& raw) {
  const std::string junk = "GET / HTTP/1.1\r\nHost: not-tls\r\n\r\n";
  co_await net::async_write(raw, net::buffer(junk), use_tuple);
}

TEST_F(LeanTlsStreamTest, HandshakeFailsOnGarbage) {
  connect();
  auto& raw = client_->next_layer();
  run(server_handshake(*server_, server_ec_), send_garbage(raw));
  ASSERT_TRUE(server_ec_);
  EXPECT_EQ(server_ec_.category(), net::error::get_ssl_category()) << server_ec_.message();
  EXPECT_EQ(server_->buffered_bytes_capacity(), 0u);
  // After a fatal error the stream refuses further work instead of calling into OpenSSL again.
  std::size_t n = 0;
  error_code read_ec;
  run(server_read_some(*server_, read_ec, n));
  EXPECT_EQ(read_ec, server_ec_);
}

net::awaitable<void> close_raw(tcp::socket& raw) {
  raw.close();
  co_return;
}

// A phone that goes away without close_notify: FIN, not RST (a close with unread session tickets would
// reset the connection instead).
net::awaitable<void> drop_raw(tcp::socket& raw) {
  raw.shutdown(tcp::socket::shutdown_send);
  co_return;
}

TEST_F(LeanTlsStreamTest, HandshakeFailsWhenPeerDrops) {
  connect();
  run(server_handshake(*server_, server_ec_), close_raw(client_->next_layer()));
  EXPECT_EQ(server_ec_, net::ssl::error::stream_truncated) << server_ec_.message();
}

TEST_F(LeanTlsStreamTest, RoundTripsOfEverySize) {
  connect();
  handshake();
  for (std::size_t n : {1u, 2u, 100u, 511u, 512u, 513u, 1000u, 16383u, 16384u, 16385u, 17408u, 65536u, 100000u,
                        1u << 20}) {
    SCOPED_TRACE(n);
    const auto data = pattern(n, static_cast<char>('A' + n % 26));
    std::string echoed;
    server_ec_ = {};
    run(server_echo(*server_, n, server_ec_), client_echo(*client_, data, echoed));
    EXPECT_FALSE(server_ec_) << server_ec_.message();
    EXPECT_TRUE(echoed == data);
    EXPECT_EQ(server_->buffered_bytes_capacity(), 0u);
  }
}

net::awaitable<void> server_small_writes(lean_tls_stream& s, const std::string& data, error_code& out) {
  for (std::size_t at = 0, step = 1; at < data.size(); at += step, step = step % 7 + 1) {
    const auto piece = net::buffer(data.data() + at, std::min(step, data.size() - at));
    auto [ec, n] = co_await s.async_write_some(piece, use_tuple);
    if (ec || n != piece.size()) {
      out = ec ? ec : net::error::message_size;
      co_return;
    }
  }
}

net::awaitable<void> client_read_all(client_stream& c, std::size_t n, std::string& out) {
  out.assign(n, '\0');
  auto [ec, got] = co_await net::async_read(c, net::buffer(out), use_tuple);
  out.resize(got);
}

TEST_F(LeanTlsStreamTest, ManySmallWrites) {
  connect();
  handshake();
  const auto data = pattern(4000, 'x');
  std::string got;
  run(server_small_writes(*server_, data, server_ec_), client_read_all(*client_, data.size(), got));
  EXPECT_FALSE(server_ec_) << server_ec_.message();
  EXPECT_EQ(got, data);
  EXPECT_EQ(server_->buffered_bytes_capacity(), 0u);
}

net::awaitable<void> server_gathered_write(lean_tls_stream& s, std::size_t& written) {
  const std::array<net::const_buffer, 4> pieces{net::buffer("HTTP/1.1 ", 9), net::buffer("200 OK", 6),
                                                net::buffer("\r\n", 2), net::buffer("\r\n", 2)};
  auto [ec, n] = co_await s.async_write_some(pieces, use_tuple);
  written = ec ? 0 : n;
}

TEST_F(LeanTlsStreamTest, WriteSomeGathersSmallBuffersIntoOneRecord) {
  connect();
  handshake();
  std::size_t written = 0;
  std::string got;
  run(server_gathered_write(*server_, written), client_read_all(*client_, 19, got));
  EXPECT_EQ(written, 19u);
  EXPECT_EQ(got, "HTTP/1.1 200 OK\r\n\r\n");
}

net::awaitable<void> client_pipelined(client_stream& c) {
  // Three records in one TCP write: the server must serve all three without reading the socket again.
  std::string a(300, 'a'), b(300, 'b'), cc(300, 'c');
  co_await net::async_write(c, net::buffer(a), use_tuple);
  co_await net::async_write(c, net::buffer(b), use_tuple);
  co_await net::async_write(c, net::buffer(cc), use_tuple);
}

net::awaitable<void> server_read_exact(lean_tls_stream& s, std::size_t n, std::string& out, error_code& ec_out) {
  out.assign(n, '\0');
  auto [ec, got] = co_await net::async_read(s, net::buffer(out), use_tuple);
  ec_out = ec;
  out.resize(got);
}

TEST_F(LeanTlsStreamTest, ReadsRecordsThatArriveTogether) {
  connect();
  handshake();
  std::string got;
  run(client_pipelined(*client_), server_read_exact(*server_, 900, got, server_ec_));
  EXPECT_FALSE(server_ec_) << server_ec_.message();
  EXPECT_EQ(got, std::string(300, 'a') + std::string(300, 'b') + std::string(300, 'c'));
  EXPECT_EQ(server_->buffered_bytes_capacity(), 0u);
}

net::awaitable<void> client_shutdown(client_stream& c, error_code& out) {
  auto [ec] = co_await c.async_shutdown(use_tuple);
  out = ec;
}

net::awaitable<void> server_read_then_shutdown(lean_tls_stream& s, error_code& read_ec, error_code& shut_ec) {
  std::array<char, 64> buf;
  auto [ec, n] = co_await s.async_read_some(net::buffer(buf), use_tuple);
  read_ec = ec;
  beast::get_lowest_layer(s).expires_after(std::chrono::seconds(5));
  auto [sec] = co_await s.async_shutdown(use_tuple);
  shut_ec = sec;
}

TEST_F(LeanTlsStreamTest, PeerCloseNotifyReadsAsEndOfStream) {
  connect();
  handshake();
  error_code read_ec;
  error_code shut_ec;
  run(server_read_then_shutdown(*server_, read_ec, shut_ec), client_shutdown(*client_, client_ec_));
  EXPECT_EQ(read_ec, net::error::eof) << read_ec.message();
  EXPECT_FALSE(shut_ec) << shut_ec.message();
  EXPECT_FALSE(client_ec_) << client_ec_.message();
}

TEST_F(LeanTlsStreamTest, PeerDropWithoutCloseNotifyIsTruncation) {
  connect();
  handshake();
  error_code read_ec;
  error_code shut_ec;
  run(server_read_then_shutdown(*server_, read_ec, shut_ec), drop_raw(client_->next_layer()));
  EXPECT_EQ(read_ec, net::ssl::error::stream_truncated) << read_ec.message();
  EXPECT_TRUE(shut_ec);  // the peer is gone: no close_notify will come back
}

net::awaitable<void> server_shutdown(lean_tls_stream& s, error_code& out) {
  beast::get_lowest_layer(s).expires_after(std::chrono::seconds(5));
  auto [ec] = co_await s.async_shutdown(use_tuple);
  out = ec;
}

net::awaitable<void> client_read_then_shutdown(client_stream& c, error_code& read_ec, error_code& shut_ec) {
  std::array<char, 64> buf;
  auto [ec, n] = co_await c.async_read_some(net::buffer(buf), use_tuple);
  read_ec = ec;
  auto [sec] = co_await c.async_shutdown(use_tuple);
  shut_ec = sec;
}

TEST_F(LeanTlsStreamTest, ServerShutdownCompletesWhenPeerAnswers) {
  connect();
  handshake();
  error_code read_ec;
  error_code shut_ec;
  run(server_shutdown(*server_, server_ec_), client_read_then_shutdown(*client_, read_ec, shut_ec));
  EXPECT_FALSE(server_ec_) << server_ec_.message();
  EXPECT_EQ(read_ec, net::error::eof) << read_ec.message();
  EXPECT_FALSE(shut_ec) << shut_ec.message();
}

net::awaitable<void> client_idle(client_stream& c, std::chrono::milliseconds for_how_long) {
  net::steady_timer t(c.get_executor(), for_how_long);
  co_await t.async_wait(use_tuple);
}

net::awaitable<void> quick_shutdown(lean_tls_stream& s, error_code& out) {
  beast::get_lowest_layer(s).expires_after(std::chrono::milliseconds(100));
  auto [ec] = co_await s.async_shutdown(use_tuple);
  out = ec;
}

TEST_F(LeanTlsStreamTest, ServerShutdownIsBoundedByTheDeadline) {
  connect();
  handshake();
  const auto started = std::chrono::steady_clock::now();
  run(quick_shutdown(*server_, server_ec_), client_idle(*client_, std::chrono::milliseconds(500)));
  EXPECT_EQ(server_ec_, beast::error::timeout) << server_ec_.message();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

net::awaitable<void> server_read_with_deadline(lean_tls_stream& s, error_code& out) {
  beast::get_lowest_layer(s).expires_after(std::chrono::milliseconds(100));
  std::array<char, 64> buf;
  auto [ec, n] = co_await s.async_read_some(net::buffer(buf), use_tuple);
  out = ec;
}

TEST_F(LeanTlsStreamTest, ReadDeadlineTimesOut) {
  connect();
  handshake();
  run(server_read_with_deadline(*server_, server_ec_), client_idle(*client_, std::chrono::milliseconds(400)));
  EXPECT_EQ(server_ec_, beast::error::timeout) << server_ec_.message();
}

// While the server waits for the next request, the only buffer is the inline array: checked from outside
// the read, then the wait is cancelled the way connection_registry does at shutdown.
net::awaitable<void> inspect_then_cancel(lean_tls_stream& s, std::size_t& capacity_while_waiting) {
  net::steady_timer t(s.get_executor(), std::chrono::milliseconds(100));
  co_await t.async_wait(use_tuple);
  capacity_while_waiting = s.buffered_bytes_capacity();
  beast::get_lowest_layer(s).cancel();
}

TEST_F(LeanTlsStreamTest, IdleWaitHoldsNoBufferAndCancels) {
  connect();
  handshake();
  const auto data = pattern(1u << 20, 'q');
  std::string echoed;
  run(server_echo(*server_, data.size(), server_ec_), client_echo(*client_, data, echoed));
  ASSERT_EQ(echoed, data);
  std::size_t capacity = 1;
  std::size_t n = 0;
  run(server_read_some(*server_, server_ec_, n), inspect_then_cancel(*server_, capacity));
  EXPECT_EQ(capacity, 0u);
  EXPECT_EQ(server_ec_, net::error::operation_aborted) << server_ec_.message();
}

net::awaitable<void> http_server(lean_tls_stream& s, error_code& out) {
  beast::flat_buffer buffer;
  beast::http::request<beast::http::string_body> req;
  auto [rec, rn] = co_await beast::http::async_read(s, buffer, req, use_tuple);
  if (rec) {
    out = rec;
    co_return;
  }
  beast::http::response<beast::http::string_body> res{beast::http::status::ok, 11};
  res.body() = "echo:" + req.body();
  res.prepare_payload();
  auto [wec, wn] = co_await beast::http::async_write(s, res, use_tuple);
  out = wec;
}

net::awaitable<void> http_client(client_stream& c, std::string& body) {
  beast::http::request<beast::http::string_body> req{beast::http::verb::post, "/Microsoft-Server-ActiveSync", 11};
  req.set(beast::http::field::host, "localhost");
  req.body() = pattern(30000, 'h');
  req.prepare_payload();
  co_await beast::http::async_write(c, req, use_tuple);
  beast::flat_buffer buffer;
  beast::http::response<beast::http::string_body> res;
  co_await beast::http::async_read(c, buffer, res, use_tuple);
  body = res.body();
}

TEST_F(LeanTlsStreamTest, CarriesBeastHttp) {
  connect();
  handshake();
  std::string body;
  run(http_server(*server_, server_ec_), http_client(*client_, body));
  EXPECT_FALSE(server_ec_) << server_ec_.message();
  EXPECT_EQ(body, "echo:" + pattern(30000, 'h'));
}

#if defined(__GLIBC__)
// The point of the stream: what one idle connection costs on the heap, measured as what destroying the
// server ends gives back (the SSL object, its session and whatever buffers the stream still holds), next
// to Asio's ssl::stream measured the same way.
template <class Server>
net::awaitable<void> echo_any(Server& s, std::size_t n, error_code& out) {
  std::string got(n, '\0');
  auto [rec, rn] = co_await net::async_read(s, net::buffer(got), use_tuple);
  if (rec) {
    out = rec;
    co_return;
  }
  auto [wec, wn] = co_await net::async_write(s, net::buffer(got), use_tuple);
  out = wec;
}

template <class Server>
net::awaitable<void> accept_any(Server& s, error_code& out) {
  auto [ec] = co_await s.async_handshake(net::ssl::stream_base::server, use_tuple);
  out = ec;
}

class IdleHeapTest : public LeanTlsStreamTest {
protected:
  template <class Server, class Make>
  std::size_t heap_per_idle_server(Make make) {
    constexpr int connections = 32;
    std::vector<std::unique_ptr<Server>> servers;
    std::vector<std::unique_ptr<client_stream>> clients;
    const auto data = pattern(20000, 'm');
    for (int i = 0; i < connections; ++i) {
      tcp::acceptor acceptor(ioc_, {net::ip::make_address("127.0.0.1"), 0});
      tcp::socket client(ioc_);
      client.connect(acceptor.local_endpoint());
      servers.push_back(make(acceptor.accept()));
      clients.push_back(std::make_unique<client_stream>(std::move(client), client_ctx_));
      std::string echoed;
      run(accept_any(*servers.back(), server_ec_), client_handshake(*clients.back(), client_ec_));
      run(echo_any(*servers.back(), data.size(), server_ec_), client_echo(*clients.back(), data, echoed));
      EXPECT_EQ(echoed, data);
    }
    malloc_trim(0);
    const auto before = mallinfo2().uordblks;
    servers.clear();
    const auto after = mallinfo2().uordblks;
    return (before - after) / connections;
  }
};

TEST_F(IdleHeapTest, IdleConnectionHoldsLittleHeap) {
  const auto lean = heap_per_idle_server<lean_tls_stream>([&](tcp::socket s) {
    return std::make_unique<lean_tls_stream>(beast::tcp_stream(std::move(s)), *server_ctx_);
  });
  const auto asio = heap_per_idle_server<net::ssl::stream<beast::tcp_stream>>([&](tcp::socket s) {
    return std::make_unique<net::ssl::stream<beast::tcp_stream>>(beast::tcp_stream(std::move(s)), *server_ctx_);
  });
  std::printf("heap held per idle server stream after a 20 kB echo: lean %zu bytes, asio ssl::stream %zu bytes\n",
              lean, asio);
  // Asio's stream holds ~68 KiB of buffers alone; an idle SSL object with its session is a few KiB.
  EXPECT_LT(lean, 16u * 1024);
  EXPECT_GT(asio, lean + 60u * 1024);
}
#endif

}  // namespace
}  // namespace easd::server
