// Errors of the IMAP client, as values (STYLE.md 7). One enum, one category: the connection returns these,
// and callers decide what they mean for the user (the credential verifier maps everything but
// auth_failed / unsendable_argument to "directory unavailable").
#pragma once

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace easd::backend::imap {

enum class error {
  auth_failed = 1,         // NO/BAD to AUTHENTICATE or LOGIN (wrong password and unknown user alike)
  unavailable,             // [UNAVAILABLE], BYE greeting or BYE before completion, NO to STARTTLS
  timeout,                 // a deadline passed (connect, TLS handshake, greeting, command)
  connect_failed,          // name resolution or TCP connect failed
  connection_lost,         // the server closed or reset the connection mid-exchange
  protocol_error,          // malformed response, or a response not allowed at this point
  tls_failed,              // TLS handshake or certificate verification failed; STARTTLS not offered
  login_disabled,          // LOGINDISABLED and no AUTH=PLAIN: the server refuses credentials here
  unsendable_argument,     // an argument cannot be sent (NUL; in credentials also CR, LF, empty user): nothing was sent
  command_failed,          // NO/BAD to a command other than authentication
  busy,                    // connection_pool: per-user or overall limit reached, or reconnect back-off pending
  // Parser limits (all of them mean the server sent more than we accept; the connection is dropped).
  line_too_long,
  literal_too_large,
  response_too_large,
  nesting_too_deep,
  too_many_values,
};

const boost::system::error_category& error_category() noexcept;

inline boost::system::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), error_category()};
}

// True for garbage and for every parser limit: the byte stream can no longer be trusted.
bool is_protocol_error(const boost::system::error_code& ec) noexcept;

}  // namespace easd::backend::imap

template <>
struct boost::system::is_error_code_enum<easd::backend::imap::error> : std::true_type {};
