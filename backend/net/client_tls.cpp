#include "backend/net/client_tls.hpp"

#include <openssl/ssl.h>

namespace easd::backend::transport {

namespace asio = boost::asio;

std::shared_ptr<asio::ssl::context> make_client_tls_context(const std::string& ca_file) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  if (SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION) != 1) return nullptr;
  boost::system::error_code ec;
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_compression, ec);
  if (ec) return nullptr;
  if (!ca_file.empty()) {
    ctx->load_verify_file(ca_file, ec);
  } else {
    ctx->set_default_verify_paths(ec);
  }
  if (ec) return nullptr;
  return ctx;
}

}  // namespace easd::backend::transport
