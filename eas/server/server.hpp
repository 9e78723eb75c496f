// The public EAS listener as one object: acceptors, shared request context, TLS reloading and graceful
// shutdown. main.cpp builds one with the real backends; tests build one with fakes on port 0.
#pragma once

#include "backend/api/credential_verifier.hpp"
#include "eas/core/config.hpp"
#include "eas/http/authenticator.hpp"
#include "eas/protocol/dispatcher.hpp"
#include "eas/server/server_context.hpp"
#include "eas/server/session.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <functional>
#include <list>
#include <memory>
#include <vector>

namespace easd::server {

class server {
public:
  // Throws (config_error, std::runtime_error, std::system_error) when the configuration cannot be served:
  // unreadable certificate, bad trusted proxy, address in use. `cfg`, `verifier` and `dispatcher` must
  // outlive the server.
  server(boost::asio::io_context& ioc, const config& cfg, backend::credential_verifier& verifier,
         const protocol::dispatcher& dispatcher);
  ~server();

  // Binds every [server] listen address and starts accepting. Returns the bound endpoints (port 0 resolved).
  std::vector<boost::asio::ip::tcp::endpoint> start();

  // Loads the certificate and key again; returns the problem, or "" when the new pair is in use.
  std::string reload_tls();

  // Stops accepting, closes idle connections, lets busy ones answer; `done` runs (on the io_context) when
  // every connection is gone or the grace period ran out. Thread-safe; later calls are ignored.
  void shut_down(std::function<void()> done);

  std::size_t connections() const { return connections_.size(); }

private:
  void drain(std::chrono::steady_clock::time_point deadline);

  boost::asio::io_context& ioc_;
  const config& cfg_;
  http::trusted_proxies proxies_;
  std::unique_ptr<tls_context> tls_;
  http::authenticator authenticator_;
  connection_registry connections_;
  server_context ctx_;
  session_host host_;
  boost::asio::strand<boost::asio::io_context::executor_type> accept_strand_;
  std::list<boost::asio::ip::tcp::acceptor> acceptors_;
  boost::asio::steady_timer drain_timer_;
  std::function<void()> on_drained_;
  std::atomic<bool> shutting_down_{false};
};

}  // namespace easd::server
