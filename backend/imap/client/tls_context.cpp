#include "backend/imap/client/tls_context.hpp"

#include "backend/imap/client/error.hpp"
#include "backend/net/client_tls.hpp"

namespace easd::backend::imap {

result<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(const options& opts) {
  auto ctx = transport::make_client_tls_context(opts.ca_file);
  if (!ctx) return error::tls_failed;
  return ctx;
}

}  // namespace easd::backend::imap
