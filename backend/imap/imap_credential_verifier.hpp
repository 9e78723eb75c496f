// credential_verifier backed by an IMAP login (ARCHITECTURE.md §1 "auth"): connect, ID carrying the
// device's address, AUTHENTICATE PLAIN or LOGIN, LOGOUT; one fresh connection per verification (caching
// verified credentials is the caller's job).
//
// Outcomes: the server's NO/BAD to the login is `rejected` (Dovecot answers a wrong password and an
// unknown user alike, and so do we); credentials that cannot be sent over IMAP (NUL, CR, LF, empty or
// oversized user) are `rejected` without contacting the server; every transport or server trouble
// (unreachable, timeout, TLS, BYE, [UNAVAILABLE], LOGINDISABLED, garbage) is `unavailable`, never
// `rejected`, so a directory outage shows as 503 rather than as wrong passwords.
//
// verify() runs the IMAP exchange on its own strand of the executor given here and completes on the
// caller's executor; concurrent calls are independent (the verifier holds no per-call state). The user name is hostile: it reaches IMAP only through command_builder's quoting
// or literals, and logs only through log_escape.
#pragma once

#include "backend/api/credential_verifier.hpp"
#include "backend/imap/client/options.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>

#include <memory>

namespace easd::backend {

class imap_credential_verifier final : public credential_verifier {
public:
  // `tls` is shared by every connection this verifier makes (see imap::make_tls_context).
  imap_credential_verifier(boost::asio::any_io_executor ex, imap::options opts,
                           std::shared_ptr<boost::asio::ssl::context> tls);

  boost::asio::awaitable<auth_outcome> verify(const credentials& c) override;

private:
  boost::asio::any_io_executor ex_;
  imap::options opts_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace easd::backend
