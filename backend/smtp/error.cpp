#include "backend/smtp/error.hpp"

#include <string>

namespace easd::backend::smtp {
namespace {

class category final : public boost::system::error_category {
public:
  const char* name() const noexcept override { return "easd.smtp"; }

  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::timeout: return "SMTP deadline passed";
      case error::connect_failed: return "cannot connect to SMTP server";
      case error::connection_lost: return "SMTP connection lost";
      case error::tls_failed: return "SMTP TLS failed";
      case error::starttls_unavailable: return "SMTP server does not offer STARTTLS";
      case error::plaintext_auth: return "refusing SMTP AUTH over an unencrypted connection";
      case error::no_auth_mechanism: return "SMTP server offers neither AUTH PLAIN nor AUTH LOGIN";
      case error::unsendable_argument: return "address or credential cannot be sent over SMTP";
      case error::protocol_error: return "SMTP protocol error";
      case error::line_too_long: return "SMTP reply line too long";
      case error::too_many_lines: return "SMTP reply has too many lines";
      case error::malformed_reply: return "malformed SMTP reply";
    }
    return "unknown SMTP error";
  }
};

}  // namespace

const boost::system::error_category& error_category() noexcept {
  static const category instance;
  return instance;
}

}  // namespace easd::backend::smtp
