// Settings of one IMAP connection: where, how secured, and the bounds on time and bytes.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace easd::backend::imap {

enum class security {
  tls,       // implicit TLS from the first byte (RFC 8314), normally port 993
  starttls,  // plaintext greeting, then STARTTLS before anything else is sent; failure to upgrade is fatal
  none,      // plaintext throughout: only for a server on loopback or a trusted network
};

struct options {
  std::string host;
  std::uint16_t port = 993;
  security sec = security::tls;
  bool verify_certificate = true;  // chain and host name (sni, else host)
  std::string ca_file;             // PEM bundle to trust instead of the system store (make_tls_context)
  std::string sni;                 // name sent in SNI and checked in the certificate; empty: host
  // Deadlines: connect_timeout covers resolve, TCP connect, TLS handshake, greeting, STARTTLS and the
  // first CAPABILITY; command_timeout covers one command from its first byte sent to its tagged reply.
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds command_timeout{30000};
  // Response bounds after login. Before login every response must fit in max_line_bytes (literals
  // included): an unauthenticated server has no reason to send more.
  std::size_t max_line_bytes = 64 * 1024;
  std::size_t max_literal_bytes = 64 * 1024 * 1024;
  std::size_t max_response_bytes = 80 * 1024 * 1024;
  // Bounds on what one command may collect (connection::execute): untagged responses and their bytes.
  std::size_t max_untagged_responses = 200000;
  std::size_t max_result_bytes = 256 * 1024 * 1024;
};

}  // namespace easd::backend::imap
