#include "tests/support/lmtp_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <istream>
#include <stdexcept>

namespace easd::test {

namespace net = boost::asio;
using tcp = net::ip::tcp;

std::uint16_t free_loopback_port() {
  net::io_context io;
  tcp::acceptor a(io, {net::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

lmtp_delivery lmtp_deliver(std::uint16_t port, const std::string& rcpt, const std::string& subject) {
  net::io_context io;
  tcp::socket s(io);
  s.connect({net::ip::make_address("127.0.0.1"), port});
  net::streambuf in;
  auto expect = [&](const char* code) {
    // Multi-line replies ("250-…") end with the line whose code is followed by a space.
    for (;;) {
      net::read_until(s, in, "\r\n");
      std::istream is(&in);
      std::string line;
      std::getline(is, line);
      if (line.size() < 4 || line.compare(0, 3, code) != 0) throw std::runtime_error("LMTP: " + line);
      if (line[3] == ' ') return;
    }
  };
  auto say = [&](const std::string& line, const char* code) {
    net::write(s, net::buffer(line + "\r\n"));
    expect(code);
  };
  lmtp_delivery out;
  expect("220");
  say("LHLO easd-test", "250");
  say("MAIL FROM:<bob@example.test>", "250");
  say("RCPT TO:<" + rcpt + ">", "250");
  say("DATA", "354");
  const std::string message = "From: Bob <bob@example.test>\r\nTo: <" + rcpt + ">\r\nSubject: " + subject +
                              "\r\nMessage-ID: <" + subject + "@example.test>\r\n\r\nPushed by Dovecot.\r\n.\r\n";
  net::write(s, net::buffer(message));
  out.data_sent = std::chrono::steady_clock::now();
  expect("250");  // one 250 per recipient
  out.accepted = std::chrono::steady_clock::now();
  say("QUIT", "221");
  return out;
}

}  // namespace easd::test
