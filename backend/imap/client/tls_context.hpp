// The client-side TLS context for IMAP connections: TLS 1.2 or newer, trusting options::ca_file when set,
// else the system's store. One context can serve every connection to the same server.
#pragma once

#include "backend/imap/client/options.hpp"
#include "eas/core/result.hpp"

#include <boost/asio/ssl/context.hpp>

#include <memory>

namespace easd::backend::imap {

// Fails with error::tls_failed when ca_file cannot be loaded.
result<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(const options& opts);

}  // namespace easd::backend::imap
