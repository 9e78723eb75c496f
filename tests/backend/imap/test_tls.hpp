// A throw-away self-signed certificate for localhost / 127.0.0.1, made with OpenSSL's API at test time so
// that no key material is checked in.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <string>

namespace easd::test {

struct test_certificate {
  std::string cert_pem;
  std::string key_pem;
};

// Valid from an hour ago for a day; subjectAltName DNS:localhost, IP:127.0.0.1.
const test_certificate& localhost_certificate();

// A server context presenting localhost_certificate().
boost::asio::ssl::context make_server_context();

// A client context that trusts only localhost_certificate().
boost::asio::ssl::context make_trusting_client_context();

}  // namespace easd::test
