// The server's TLS context, replaceable at run time (SIGHUP) without dropping connections: each
// connection keeps the shared_ptr it started with; new connections take the current one.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

namespace easd::server {

class tls_context {
public:
  // Throws std::runtime_error naming the file when the certificate or key cannot be used.
  tls_context(std::filesystem::path certificate, std::filesystem::path private_key);

  std::shared_ptr<boost::asio::ssl::context> current() const;

  // Loads the files again. On failure keeps serving with the old context and returns the reason.
  std::string reload();

private:
  static std::shared_ptr<boost::asio::ssl::context> load(const std::filesystem::path& cert,
                                                         const std::filesystem::path& key);
  std::filesystem::path certificate_;
  std::filesystem::path private_key_;
  mutable std::mutex mutex_;
  std::shared_ptr<boost::asio::ssl::context> context_;
};

}  // namespace easd::server
