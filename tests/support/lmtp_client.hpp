// Mail delivery the way an MTA does it: one message over LMTP (RFC 2033) to the test Dovecot, for the
// push-plugin path (Dovecot's push_notification plugin fires on LMTP delivery, not on IMAP APPEND) in
// tests/integration/dovecot_push_test and bench/push_load --push-plugin.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace easd::test {

// A free TCP port on 127.0.0.1 (closed again; a listener started next can take it).
std::uint16_t free_loopback_port();

struct lmtp_delivery {
  std::chrono::steady_clock::time_point data_sent;  // the message's final "." written
  std::chrono::steady_clock::time_point accepted;   // Dovecot's 250 for it read
};

// Delivers a small message to `rcpt` with `subject` (also the Message-ID's left part); throws
// std::runtime_error when Dovecot refuses any step.
lmtp_delivery lmtp_deliver(std::uint16_t port, const std::string& rcpt, const std::string& subject);

}  // namespace easd::test
