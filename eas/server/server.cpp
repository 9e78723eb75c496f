#include "eas/server/server.hpp"

#include "eas/server/listener.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

namespace easd::server {

namespace net = boost::asio;

namespace {

std::string join_versions(const std::vector<protocol_version>& versions) {
  std::string out;
  for (auto v : versions) {
    if (!out.empty()) out += ',';
    out += to_string(v);
  }
  return out;
}

http::authenticator_options auth_options(const auth_config& a) {
  http::authenticator_options o;
  o.cache_ttl = a.cache_ttl;
  o.failure_floor = a.failure_floor;
  o.max_failures_per_address = a.max_failures_per_address;
  o.max_failures_per_user = a.max_failures_per_user;
  o.failure_window = a.failure_window;
  return o;
}

http::trusted_proxies parse_proxies(const config& cfg) {
  auto proxies = http::trusted_proxies::parse(cfg.server.trusted_proxies);
  if (!proxies) {
    throw config_error(cfg.source.string() + ": [server] trusted_proxies: " + proxies.error().message());
  }
  return std::move(*proxies);
}

std::unique_ptr<tls_context> make_tls(const config& cfg) {
  if (!cfg.tls.enabled) return nullptr;
  return std::make_unique<tls_context>(cfg.tls.certificate, cfg.tls.private_key);
}

}  // namespace

server::server(net::io_context& ioc, const config& cfg, backend::credential_verifier& verifier,
               const protocol::dispatcher& dispatcher)
    : ioc_(ioc),
      cfg_(cfg),
      proxies_(parse_proxies(cfg)),
      tls_(make_tls(cfg)),
      authenticator_(verifier, auth_options(cfg.auth)),
      connections_(cfg.server.max_connections),
      ctx_{.cfg = cfg,
           .dispatcher = dispatcher,
           .authenticator = authenticator_,
           .proxies = proxies_,
           .autodiscover = {.eas_url = cfg.server.external_url + "/Microsoft-Server-ActiveSync"},
           .tls = tls_.get(),
           .connections = connections_,
           .protocol_versions = join_versions(cfg.eas.protocol_versions),
           .protocol_commands = dispatcher.table().advertised_commands(),
           .server_version = std::string(to_string(cfg.eas.protocol_versions.back()))},
      host_{.limits = cfg.limits,
            .proxies = proxies_,
            .connections = connections_,
            .tls = tls_.get(),
            .route = [this](exchange& ex) { return route_request(ctx_, ex); }},
      accept_strand_(net::make_strand(ioc.get_executor())),
      drain_timer_(ioc) {
  if (const auto problem = validate(ctx_.autodiscover); !problem.empty()) {
    throw config_error(cfg.source.string() + ": [server] external_url: " + problem);
  }
}

server::~server() = default;

std::vector<net::ip::tcp::endpoint> server::start() {
  std::vector<net::ip::tcp::endpoint> bound;
  for (const auto& where : cfg_.server.listen) {
    auto& acceptor = acceptors_.emplace_back(open_acceptor(accept_strand_, where));
    bound.push_back(acceptor.local_endpoint());
    spdlog::info("listening address={}:{} tls={}", bound.back().address().to_string(), bound.back().port(),
                 tls_ != nullptr);
    net::co_spawn(accept_strand_, accept_loop(host_, acceptor), net::detached);
  }
  return bound;
}

std::string server::reload_tls() {
  if (!tls_) return "TLS is not enabled";
  return tls_->reload();
}

void server::shut_down(std::function<void()> done) {
  if (shutting_down_.exchange(true)) return;
  // One posted step, so the io_context cannot run out of work between closing the acceptors and arming
  // the drain timer (which would end run() without `done`).
  net::post(ioc_, [this, done = std::move(done)]() mutable {
    spdlog::info("shutting down connections={}", connections_.size());
    net::post(accept_strand_, [this] {
      for (auto& a : acceptors_) a.close();
    });
    connections_.shut_down();
    on_drained_ = std::move(done);
    drain(std::chrono::steady_clock::now() + cfg_.server.shutdown_grace);
  });
}

void server::drain(std::chrono::steady_clock::time_point deadline) {
  if (connections_.size() == 0 || std::chrono::steady_clock::now() >= deadline) {
    spdlog::info("stopped connections_left={}", connections_.size());
    if (on_drained_) on_drained_();
    return;
  }
  drain_timer_.expires_after(std::chrono::milliseconds(20));
  drain_timer_.async_wait([this, deadline](const boost::system::error_code&) { drain(deadline); });
}

}  // namespace easd::server
