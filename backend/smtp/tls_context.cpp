#include "backend/smtp/tls_context.hpp"

#include "backend/smtp/error.hpp"

#include <openssl/ssl.h>

namespace easd::backend::smtp {

namespace net = boost::asio;

result<std::shared_ptr<net::ssl::context>> make_tls_context(const options& opts) {
  auto ctx = std::make_shared<net::ssl::context>(net::ssl::context::tls_client);
  if (SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION) != 1) return error::tls_failed;
  error_code ec;
  ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_compression, ec);
  if (ec) return error::tls_failed;
  if (!opts.ca_file.empty()) {
    ctx->load_verify_file(opts.ca_file, ec);
  } else {
    ctx->set_default_verify_paths(ec);
  }
  if (ec) return error::tls_failed;
  return ctx;
}

}  // namespace easd::backend::smtp
