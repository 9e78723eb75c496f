#include "eas/server/tls_context.hpp"

#include <stdexcept>

namespace easd::server {

namespace net = boost::asio;

tls_context::tls_context(std::filesystem::path certificate, std::filesystem::path private_key)
    : certificate_(std::move(certificate)),
      private_key_(std::move(private_key)),
      context_(load(certificate_, private_key_)) {}

std::shared_ptr<net::ssl::context> tls_context::current() const {
  std::lock_guard lock(mutex_);
  return context_;
}

std::string tls_context::reload() {
  try {
    auto fresh = load(certificate_, private_key_);
    std::lock_guard lock(mutex_);
    context_ = std::move(fresh);
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

std::shared_ptr<net::ssl::context> tls_context::load(const std::filesystem::path& cert,
                                                     const std::filesystem::path& key) {
  auto ctx = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
  // TLS 1.2+ only; phones from the last decade all speak it.
  ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 | net::ssl::context::no_sslv3 |
                   net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert.string(), ec);
  if (ec) throw std::runtime_error(cert.string() + ": cannot load the certificate chain: " + ec.message());
  ctx->use_private_key_file(key.string(), net::ssl::context::pem, ec);
  if (ec) throw std::runtime_error(key.string() + ": cannot load the private key: " + ec.message());
  return ctx;
}

}  // namespace easd::server
