#include "backend/imap/client/error.hpp"

namespace easd::backend::imap {
namespace {

class category final : public boost::system::error_category {
public:
  const char* name() const noexcept override { return "easd.imap"; }

  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::auth_failed: return "authentication failed";
      case error::unavailable: return "IMAP server unavailable";
      case error::timeout: return "IMAP deadline passed";
      case error::connect_failed: return "cannot connect to IMAP server";
      case error::connection_lost: return "IMAP connection lost";
      case error::protocol_error: return "IMAP protocol error";
      case error::tls_failed: return "IMAP TLS failed";
      case error::login_disabled: return "IMAP server disabled login on this connection";
      case error::unsendable_argument: return "argument cannot be sent over IMAP";
      case error::command_failed: return "IMAP command failed";
      case error::busy: return "IMAP connection limit reached or reconnect backing off";
      case error::line_too_long: return "IMAP response line too long";
      case error::literal_too_large: return "IMAP literal too large";
      case error::response_too_large: return "IMAP response too large";
      case error::nesting_too_deep: return "IMAP response nested too deeply";
      case error::too_many_values: return "IMAP response has too many values";
    }
    return "unknown IMAP error";
  }
};

}  // namespace

const boost::system::error_category& error_category() noexcept {
  static const category instance;
  return instance;
}

bool is_protocol_error(const boost::system::error_code& ec) noexcept {
  if (ec.category() != error_category()) return false;
  switch (static_cast<error>(ec.value())) {
    case error::protocol_error:
    case error::line_too_long:
    case error::literal_too_large:
    case error::response_too_large:
    case error::nesting_too_deep:
    case error::too_many_values:
      return true;
    default:
      return false;
  }
}

}  // namespace easd::backend::imap
