// Errors of the SMTP client's transport and parser, as values (STYLE.md 7). Replies the server sends are
// not errors: they are mapped to a submit_outcome (outcome.hpp). These are everything before a reply could
// be read, or that made the byte stream untrustworthy; every one of them means "nothing was sent" (or, after
// the final dot, "unknown") and maps to submit_outcome::temporary.
#pragma once

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace easd::backend::smtp {

enum class error {
  timeout = 1,            // a deadline passed (connect, TLS handshake, greeting, a command, a data chunk)
  connect_failed,         // name resolution or TCP connect failed
  connection_lost,        // the server closed or reset the connection mid-exchange
  tls_failed,             // TLS handshake or certificate verification failed
  starttls_unavailable,   // security = starttls but the server did not offer STARTTLS (or refused it)
  plaintext_auth,         // AUTH would go over an unencrypted channel and security != none
  no_auth_mechanism,      // the server offers neither AUTH PLAIN nor AUTH LOGIN
  unsendable_argument,    // an address or credential holds bytes that cannot go on the wire: nothing sent
  protocol_error,         // a reply not allowed here, or bytes after STARTTLS's 220 (injection)
  // Reply parser limits and syntax (reply_parser.hpp): the server sent what we do not accept.
  line_too_long,
  too_many_lines,
  malformed_reply,
};

const boost::system::error_category& error_category() noexcept;

inline boost::system::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), error_category()};
}

}  // namespace easd::backend::smtp

template <>
struct boost::system::is_error_code_enum<easd::backend::smtp::error> : std::true_type {};
