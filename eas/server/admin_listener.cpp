#include "eas/server/admin_listener.hpp"

#include "eas/core/log_escape.hpp"
#include "eas/server/listener.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>

namespace easd::server {

namespace net = boost::asio;

namespace {

// Machines, not phones: a few connections are plenty, and a flood must not take descriptors from EAS.
constexpr std::size_t max_admin_connections = 256;

std::string allow_header(const admin_route& r) {
  std::string out;
  for (auto m : r.methods) {
    if (!out.empty()) out += ", ";
    out += std::string(http_wire::to_string(m));
  }
  return out;
}

}  // namespace

net::awaitable<void> route_admin_request(const admin_policy& policy, const std::vector<admin_route>& routes,
                                         exchange& ex) {
  ex.summary.method = std::string(ex.request.method_string());
  ex.summary.client = ex.client_address;
  ex.summary.command = "admin";
  boost::system::error_code ec;
  const auto client = net::ip::make_address(ex.client_address, ec);
  const auto access = ec ? admin_access::forbidden
                         : check_admin_access(policy, client, ex.request[http_wire::field::authorization]);
  if (access == admin_access::forbidden) {
    spdlog::warn("admin request refused client={} reason=address_not_allowed", ex.client_address);
    set_response(ex, 403);
    co_return;
  }
  std::string_view path = ex.request.target();
  path = path.substr(0, path.find('?'));
  const auto route = std::find_if(routes.begin(), routes.end(), [&](const admin_route& r) { return r.path == path; });
  if (route == routes.end()) {
    set_response(ex, 404);
    co_return;
  }
  ex.summary.command = route->name;
  if (route->authorize) {
    if (!route->authorize(ex)) co_return;
  } else if (access == admin_access::unauthorized) {
    spdlog::warn("admin request refused client={} path={} reason=bad_secret", ex.client_address,
                 log_escape(path));
    set_response(ex, 401);
    ex.response.set(http_wire::field::www_authenticate, "Basic realm=\"easd admin\", charset=\"UTF-8\"");
    co_return;
  }
  ex.authenticated = true;
  if (std::find(route->methods.begin(), route->methods.end(), ex.request.method()) == route->methods.end()) {
    set_response(ex, 405);
    ex.response.set(http_wire::field::allow, allow_header(*route));
    co_return;
  }
  std::string body;
  if (route->body_limit > 0) {
    auto read = co_await ex.read_body(route->body_limit);
    if (read.status != body_status::ok) {
      set_response(ex, read.status == body_status::too_large ? 413 : 400);
      ex.close_after = true;
      co_return;
    }
    body = std::move(read.bytes);
    ex.summary.bytes_in = body.size();
  }
  if (route->handle_async) {
    auto handling = route->handle_async(ex, body);
    co_await std::move(handling);
  } else {
    route->handle(ex, body);
  }
}

admin_listener::admin_listener(net::io_context& ioc, const config& cfg, std::vector<admin_route> routes)
    : cfg_(cfg),
      policy_(admin_policy::from_config(cfg)),
      routes_(std::move(routes)),
      connections_(max_admin_connections),
      host_{.limits = cfg.limits,
            .proxies = no_proxies_,
            .connections = connections_,
            .tls = nullptr,
            .route = [this](exchange& ex) { return route_admin_request(policy_, routes_, ex); }},
      accept_strand_(net::make_strand(ioc.get_executor())) {}

admin_listener::~admin_listener() = default;

std::vector<net::ip::tcp::endpoint> admin_listener::start() {
  std::vector<net::ip::tcp::endpoint> bound;
  for (const auto& where : cfg_.admin.listen) {
    auto& acceptor = acceptors_.emplace_back(open_acceptor(accept_strand_, where));
    bound.push_back(acceptor.local_endpoint());
    spdlog::info("admin listening address={}:{}", bound.back().address().to_string(), bound.back().port());
    net::co_spawn(accept_strand_, accept_loop(host_, acceptor), net::detached);
  }
  return bound;
}

void admin_listener::shut_down() {
  net::post(accept_strand_, [this] {
    for (auto& a : acceptors_) a.close();
  });
  connections_.shut_down();
}

}  // namespace easd::server
