// A scripted IMAP server on 127.0.0.1, port 0, for hermetic tests of the client: it accepts one
// connection and plays its script step by step, recording every line the client sends.
//
// "$TAG" in a sent text is replaced by the tag of the line read by the latest `command` step.
// Runs on the io_context given; stop() ends it from that context's thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace easd::test {

struct script_step {
  enum class kind {
    command,   // read one line; its first word becomes $TAG
    line,      // read one line (a literal's continuation, a SASL response)
    send,      // send `text` as is (after $TAG substitution)
    starttls,  // TLS handshake as server
    close,     // close the connection
    drain,     // read and record lines until the client closes
  };
  kind k;
  std::string text;
};

inline script_step command() { return {script_step::kind::command, {}}; }
inline script_step line() { return {script_step::kind::line, {}}; }
inline script_step send(std::string text) { return {script_step::kind::send, std::move(text)}; }
inline script_step starttls() { return {script_step::kind::starttls, {}}; }
inline script_step close() { return {script_step::kind::close, {}}; }
inline script_step drain() { return {script_step::kind::drain, {}}; }

class fake_imap_server {
public:
  // With `implicit_tls` the handshake happens right after accept (an IMAPS port).
  fake_imap_server(boost::asio::io_context& ctx, std::vector<script_step> script, bool implicit_tls = false);

  std::uint16_t port() const { return port_; }
  // Every line received (CRLF stripped), in order.
  const std::vector<std::string>& lines() const { return lines_; }
  // Raw bytes received, for tests that check that nothing was sent.
  const std::string& received() const { return received_; }
  bool script_done() const { return done_; }
  bool accepted() const { return accepted_; }
  void stop();

private:
  static boost::asio::awaitable<void> serve(fake_imap_server* self);
  boost::asio::awaitable<bool> read_line(std::string& out);

  boost::asio::ssl::context tls_ctx_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream_;
  std::vector<script_step> script_;
  std::vector<std::string> lines_;
  std::string received_;
  std::string buffer_;
  std::uint16_t port_ = 0;
  bool implicit_tls_ = false;
  bool tls_ = false;
  bool done_ = false;
  bool accepted_ = false;
};

}  // namespace easd::test
