// SMTP replies and transport failures mapped to what the sending commands need (mail_submitter.hpp).
// The one place this mapping is made (STYLE.md 8); the commands map submit_outcome to EAS statuses.
#pragma once

#include "backend/api/mail_submitter.hpp"
#include "backend/smtp/reply_parser.hpp"
#include "eas/core/result.hpp"

#include <cstdint>

namespace easd::backend::smtp {

// Where in the session a reply came; the same code means different things at different steps.
enum class stage : std::uint8_t {
  greeting,
  ehlo,
  starttls,
  auth,
  mail,     // MAIL FROM
  rcpt,     // RCPT TO
  data,     // DATA (the 354, or a refusal before any message byte)
  message,  // the reply after the final dot
};

// A reply that ended the transaction, or the 250 after the final dot (sent):
//   2xx after the dot              → sent
//   530 / 534 / 535 (RFC 4954 §6)  → auth_failed (530 at MAIL or RCPT too: the server wants AUTH)
//   552 at MAIL / DATA / dot       → too_large (RFC 1870 §6); at RCPT → temporary (RFC 5321 §4.5.3.1.10:
//                                    552 there is the historical "too many recipients", read as 452)
//   other 5xx at RCPT              → recipient_rejected
//   other 5xx                      → rejected
//   4xx, or any other code here    → temporary
// detail is reply::summary(); smtp_code the reply's code.
submit_result classify(stage s, const reply& r);

// The connection failed, timed out, or the server sent garbage: temporary, code 0, the error's message.
submit_result transport_failure(error_code ec);

}  // namespace easd::backend::smtp
