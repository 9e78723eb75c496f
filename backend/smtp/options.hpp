// Settings of the SMTP submission client: where, how secured, and the bounds on time.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace easd::backend::smtp {

enum class security {
  tls,       // implicit TLS from the first byte (RFC 8314 §3.3), normally port 465
  starttls,  // plaintext greeting and EHLO, then STARTTLS (RFC 3207) before AUTH; failure to upgrade is fatal
  none,      // plaintext throughout, AUTH included: only for a server on loopback or a trusted network
};

struct options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 465;
  security sec = security::tls;
  bool verify_certificate = true;  // chain and host name (sni, else host)
  std::string ca_file;             // PEM bundle to trust instead of the system store (make_tls_context)
  std::string sni;                 // name sent in SNI and checked in the certificate; empty: host
  std::string helo_name = "localhost";  // our name in EHLO (RFC 5321 §4.1.1.1): the easd host's FQDN
  // connect_timeout covers resolve, TCP connect, TLS handshake, greeting, EHLO and STARTTLS;
  // command_timeout covers one command (or one chunk of message data) up to its reply. RFC 5321 §4.5.3.2
  // suggests minutes, but a phone waits for our answer: a server slower than this counts as down.
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds command_timeout{30000};
};

}  // namespace easd::backend::smtp
