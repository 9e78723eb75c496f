// The admin listener ([admin] listen): plain HTTP for machines, not phones — Dovecot's push notifications
// and the provisioning admin API (admin_api.hpp). It shares the public listener's connection code
// (session.hpp: bounds, deadlines, keep-alive, graceful close) and differs in routing: a table of exact
// paths, each with its methods, a body limit and a handler. Every request passes admin_access first
// (allow-list, then the shared push secret — or the route's own `authorize`, for the API's bearer token),
// so a handler only ever sees admitted callers.
#pragma once

#include "eas/core/config.hpp"
#include "eas/server/admin_access.hpp"
#include "eas/server/connection_registry.hpp"
#include "eas/server/exchange.hpp"
#include "eas/server/session.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>

#include <functional>
#include <list>
#include <string>
#include <string_view>
#include <vector>

namespace easd::server {

struct admin_route {
  std::string path;                         // exact match of the target without its query
  std::string name;                         // the request log's command field
  std::vector<http_wire::verb> methods;     // others get 405 with Allow
  std::size_t body_limit = 0;               // 0: the body is not read; over it: 413
  // Fills ex.response from the request and its body. Runs on the connection's strand; must not block.
  std::function<void(exchange& ex, std::string_view body)> handle;
  // Instead of `handle`, when set: a coroutine on the connection's strand that may await blocking work
  // through run_blocking (the registry's SQLite calls). `body` stays valid until it completes.
  std::function<boost::asio::awaitable<void>(exchange& ex, std::string_view body)> handle_async{};
  // When set, replaces the push_secret check for this route (the allow-list still comes first): true
  // admits the request; false refuses it, with ex.response already set (401, 404). Runs before the
  // method check and before any body byte is read. Must not block.
  std::function<bool(exchange& ex)> authorize{};
};

class admin_listener {
public:
  // Throws config_error for a bad [admin] section (see admin_policy::from_config). `cfg` must outlive it.
  admin_listener(boost::asio::io_context& ioc, const config& cfg, std::vector<admin_route> routes);
  ~admin_listener();
  admin_listener(const admin_listener&) = delete;
  admin_listener& operator=(const admin_listener&) = delete;

  // Binds every [admin] listen address (none: the listener stays off) and starts accepting. Returns the
  // bound endpoints (port 0 resolved). Throws std::system_error when an address is in use.
  std::vector<boost::asio::ip::tcp::endpoint> start();

  // Stops accepting and closes connections once their current answer is written. Thread-safe,
  // idempotent; requests here are short, so nothing waits for them.
  void shut_down();

  std::size_t connections() const { return connections_.size(); }

private:
  const config& cfg_;
  admin_policy policy_;
  std::vector<admin_route> routes_;
  http::trusted_proxies no_proxies_;  // X-Forwarded-For is never read here: the peer is the caller
  connection_registry connections_;
  session_host host_;
  boost::asio::strand<boost::asio::io_context::executor_type> accept_strand_;
  std::list<boost::asio::ip::tcp::acceptor> acceptors_;
};

// Routes one exchange through `routes` under `policy` (the listener's router; public for tests).
boost::asio::awaitable<void> route_admin_request(const admin_policy& policy, const std::vector<admin_route>& routes,
                                                 exchange& ex);

}  // namespace easd::server
