// The client-side TLS context a backend wire client (IMAP, SMTP) connects with: TLS 1.2 or newer, no
// compression, trusting `ca_file` when set, else the system's store. One context serves every connection
// to the same server.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

namespace easd::backend::transport {

// nullptr when OpenSSL refuses the settings or `ca_file` cannot be loaded (callers report their own
// tls_failed).
std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(const std::string& ca_file);

}  // namespace easd::backend::transport
