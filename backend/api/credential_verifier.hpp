// Verifies a user's password against the organisation's user directory (for easd: an IMAP LOGIN).
//
// The protocol layer knows only this interface; which server answers is wired in eas/server/main.cpp.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <string>

namespace easd::backend {

enum class auth_outcome {
  accepted,      // the directory accepted the credentials
  rejected,      // wrong password or unknown user (never told apart)
  unavailable,   // the directory could not be reached or failed; the device should retry later (503)
};

struct credentials {
  std::string user;
  std::string password;
  std::string client_address;  // for the directory's logs (IMAP ID "x-originating-ip")
};

class credential_verifier {
public:
  virtual ~credential_verifier() = default;
  // Completes on the caller's executor. Never throws for directory failures: they are `unavailable`.
  virtual boost::asio::awaitable<auth_outcome> verify(const credentials& c) = 0;
};

}  // namespace easd::backend
