// The error categories of eas/http, one per error enum.
#include "eas/http/basic_auth.hpp"
#include "eas/http/client_address.hpp"
#include "eas/http/eas_headers.hpp"
#include "eas/http/request_target.hpp"

#include <string>

namespace easd::http {

namespace {

// boost::system::error_category has a protected non-virtual destructor by design (categories are
// never deleted through a base pointer); g++'s -Wnon-virtual-dtor flags every derived category.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class request_target_category_impl final : public boost::system::error_category {
public:
  const char* name() const noexcept override { return "easd.http.request_target"; }
  std::string message(int ev) const override {
    switch (static_cast<request_target_error>(ev)) {
      case request_target_error::not_eas_path: return "not the ActiveSync path";
      case request_target_error::missing_command: return "missing Cmd";
      case request_target_error::bad_command: return "bad command";
      case request_target_error::bad_device_id: return "bad DeviceId";
      case request_target_error::bad_device_type: return "bad DeviceType";
      case request_target_error::bad_user: return "bad User";
      case request_target_error::bad_query: return "malformed query";
      case request_target_error::duplicate_parameter: return "duplicate query parameter";
      case request_target_error::bad_protocol_version: return "unknown protocol version in base64 query";
      case request_target_error::bad_policy_key: return "bad PolicyKey";
    }
    return "unknown request target error";
  }
};

class header_category_impl final : public boost::system::error_category {
public:
  const char* name() const noexcept override { return "easd.http.header"; }
  std::string message(int ev) const override {
    switch (static_cast<header_error>(ev)) {
      case header_error::missing_protocol_version: return "missing MS-ASProtocolVersion";
      case header_error::bad_protocol_version: return "unsupported MS-ASProtocolVersion";
      case header_error::bad_policy_key: return "bad X-MS-PolicyKey";
    }
    return "unknown header error";
  }
};

class basic_auth_category_impl final : public boost::system::error_category {
public:
  const char* name() const noexcept override { return "easd.http.basic_auth"; }
  std::string message(int ev) const override {
    switch (static_cast<basic_auth_error>(ev)) {
      case basic_auth_error::missing: return "no credentials";
      case basic_auth_error::not_basic: return "not Basic credentials";
      case basic_auth_error::too_long: return "Authorization header too long";
      case basic_auth_error::bad_base64: return "credentials are not base64";
      case basic_auth_error::missing_colon: return "credentials without ':'";
      case basic_auth_error::empty_user: return "empty user name";
      case basic_auth_error::bad_user: return "user name with control characters or invalid UTF-8";
      case basic_auth_error::user_too_long: return "user name too long";
      case basic_auth_error::bad_password: return "empty password or password with NUL/CR/LF";
      case basic_auth_error::password_too_long: return "password too long";
    }
    return "unknown basic auth error";
  }
};

class address_category_impl final : public boost::system::error_category {
public:
  const char* name() const noexcept override { return "easd.http.address"; }
  std::string message(int ev) const override {
    switch (static_cast<address_error>(ev)) {
      case address_error::bad_address: return "not an IP address";
      case address_error::bad_prefix: return "bad CIDR prefix length";
    }
    return "unknown address error";
  }
};

#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& request_target_category() noexcept {
  static const request_target_category_impl category;
  return category;
}

const boost::system::error_category& header_category() noexcept {
  static const header_category_impl category;
  return category;
}

const boost::system::error_category& basic_auth_category() noexcept {
  static const basic_auth_category_impl category;
  return category;
}

const boost::system::error_category& address_category() noexcept {
  static const address_category_impl category;
  return category;
}

}  // namespace easd::http
