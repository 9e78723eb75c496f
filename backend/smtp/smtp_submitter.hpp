// backend::mail_submitter over SMTP submission (RFC 6409): one connection per submission, authenticated as
// the user (AUTH PLAIN, else AUTH LOGIN; RFC 4954), envelope from the submission, message dot-stuffed
// after DATA. No connection pool: a phone sends a few messages a day, and a fresh connection carries no
// state from another user's session.
//
// The session: greeting → EHLO → [STARTTLS → EHLO] → SIZE check → AUTH → MAIL FROM:<from> [SIZE=n]
// [BODY=8BITMIME] → RCPT TO:<r> for each recipient → DATA → message → QUIT. A refused RCPT ends the
// transaction with RSET, so the message goes to every recipient or to none. Replies are mapped by
// outcome.hpp; what happens before a reply (refused connection, timeout, TLS failure, garbage) is
// temporary. A message with 8-bit bytes to a server without 8BITMIME is rejected (RFC 6152 §3 forbids
// sending it; the caller may re-encode it as quoted-printable and try again).
//
// Contract: submit() may run concurrently from any number of coroutines (each opens its own connection);
// it completes on the awaiting coroutine's executor and never throws for server or network failures.
// `s` must stay alive until submit() completes (co_await it directly). The submitter must outlive every
// submit() in flight.
#pragma once

#include "backend/api/mail_submitter.hpp"
#include "backend/smtp/options.hpp"
#include "eas/core/result.hpp"

#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <memory>

namespace easd::backend::smtp {

class smtp_submitter final : public mail_submitter {
public:
  // Builds the TLS context from opts (ca_file); error::tls_failed when it cannot be loaded.
  static result<std::unique_ptr<smtp_submitter>> create(options opts);

  smtp_submitter(options opts, std::shared_ptr<boost::asio::ssl::context> tls);

  boost::asio::awaitable<submit_result> submit(const submission& s) override;
  // The SIZE limit of the last EHLO reply seen (0 before the first submission, or when none is advertised).
  std::size_t size_limit() const noexcept override { return size_limit_.load(std::memory_order_relaxed); }

private:
  options opts_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::atomic<std::size_t> size_limit_{0};
};

}  // namespace easd::backend::smtp
