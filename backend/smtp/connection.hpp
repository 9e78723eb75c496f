// One SMTP client connection's transport: TCP, implicit TLS or the STARTTLS upgrade, and replies read
// through the bounded reply_parser. It knows nothing of the mail transaction (smtp_submitter.cpp runs
// that); a reply of any code is a value, only transport and parser failures are errors.
//
// Contract:
// - One operation at a time, awaited from one coroutine; not thread-safe. The socket is created on the
//   executor given to the constructor; completions resume on the awaiting coroutine's executor.
// - Every operation takes a deadline; when it passes the pending I/O is cancelled and the call returns
//   error::timeout. After any error the connection is closed and every later call fails at once.
// - The ssl::context must outlive the connection.
#pragma once

#include "backend/smtp/options.hpp"
#include "backend/smtp/reply_parser.hpp"
#include "eas/core/result.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <chrono>
#include <string_view>
#include <vector>

namespace easd::backend::smtp {

class connection {
public:
  using clock = std::chrono::steady_clock;

  connection(boost::asio::any_io_executor ex, boost::asio::ssl::context& tls, options opts);
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  // Resolves, connects and, for security::tls, completes the TLS handshake; returns the greeting.
  boost::asio::awaitable<result<reply>> open(clock::time_point deadline);
  // Sends bytes (a command line with its CRLF, or a chunk of message data).
  boost::asio::awaitable<result<void>> write(std::string_view bytes, clock::time_point deadline);
  boost::asio::awaitable<result<reply>> read_reply(clock::time_point deadline);
  // write + read_reply.
  boost::asio::awaitable<result<reply>> command(std::string_view line, clock::time_point deadline);
  // After the server's 220 to STARTTLS: the TLS handshake (RFC 3207 §4). Bytes the server sent after
  // the 220 arrived in plaintext and would be read as if they came over TLS — a man in the middle's
  // injection (CVE-2011-0411): error::protocol_error rather than discarding them.
  boost::asio::awaitable<result<void>> start_tls(clock::time_point deadline);

  bool tls_active() const noexcept { return tls_; }
  bool is_open() const noexcept { return !broken_; }
  void close() noexcept;

private:
  boost::asio::awaitable<result<void>> handshake(clock::time_point deadline);
  error_code lost(error_code ec);

  options opts_;
  boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream_;
  reply_parser parser_;
  std::vector<char> rbuf_;
  std::size_t rbegin_ = 0;
  std::size_t rend_ = 0;
  bool tls_ = false;
  bool broken_ = false;
};

}  // namespace easd::backend::smtp
