// Submits a message as the user (issue 6): the narrow interface between the sending commands (SendMail,
// SmartReply, SmartForward, a draft's Send) and the SMTP submission server. backend/smtp implements it;
// backend/fake has an in-memory one for hermetic tests. Never a local sendmail: the submission server
// authenticates the user and decides what the user may send as ([MS-ASCMD] 2.2.1.17 and ARCHITECTURE.md).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace easd::backend {

struct submission {
  std::string user;      // AUTH identity (the EAS login)
  std::string password;  // the password the device authenticated with
  std::string client_address;
  std::string envelope_from;            // MAIL FROM: the user's address
  std::vector<std::string> recipients;  // RCPT TO: every To, Cc and Bcc address (deduplicated, in order)
  std::string message;                  // the header block (without Bcc) and body, CRLF line ends
};

// What the server said, mapped to what the device needs to hear ([MS-ASCMD] 2.2.2 common statuses).
enum class submit_outcome {
  sent,                // 250 after the DATA
  auth_failed,         // 535 and friends: the device's password no longer works for SMTP
  recipient_rejected,  // a 5xx to RCPT TO (every recipient, or any: nothing is sent then)
  too_large,           // 552 / SIZE beyond the server's limit
  rejected,            // another permanent (5xx) refusal: sender not allowed, policy, content
  temporary,           // 4xx, or the connection failed / timed out: retry later, nothing was sent
};

struct submit_result {
  submit_outcome outcome = submit_outcome::temporary;
  unsigned smtp_code = 0;   // the deciding reply's code (0: no reply)
  std::string detail;       // the server's text, bounded (for the log, never for the device)
  std::string rejected_recipient;  // recipient_rejected: the first one refused
  // temporary only: the connection failed after the final dot went out, so the server may have taken the
  // message (RFC 5321 §4.1.1.4; RFC 1047). The caller must not submit it again on its own.
  bool delivery_unknown = false;
};

class mail_submitter {
public:
  virtual ~mail_submitter() = default;
  // Completes on the caller's executor; never throws for server or network failures. A message is
  // either accepted whole (every recipient) or not sent: a refused RCPT ends the transaction with RSET.
  virtual boost::asio::awaitable<submit_result> submit(const submission& s) = 0;
  // The server's advertised SIZE limit, once known (0: none advertised or not yet connected).
  virtual std::size_t size_limit() const noexcept = 0;
};

}  // namespace easd::backend
