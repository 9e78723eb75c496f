// easd — the one binary. This is the only file that wires concrete types together (ARCHITECTURE.md §2).
#include "backend/imap/client/tls_context.hpp"
#include "backend/imap/imap_credential_verifier.hpp"
#include "eas/core/config.hpp"
#include "eas/core/logging.hpp"
#include "eas/http/authenticator.hpp"
#include "eas/protocol/command_table.hpp"
#include "eas/protocol/dispatcher.hpp"
#include "eas/protocol/services.hpp"
#include "eas/server/listener.hpp"
#include "eas/server/server_context.hpp"
#include "eas/wbxml/cli.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>
#include <list>
#include <thread>

namespace net = boost::asio;

namespace {

using namespace easd;

std::string join_versions(const std::vector<protocol_version>& versions) {
  std::string out;
  for (auto v : versions) {
    if (!out.empty()) out += ',';
    out += to_string(v);
  }
  return out;
}

backend::imap::options imap_options(const imap_config& imap) {
  backend::imap::options o;
  o.host = imap.host;
  o.port = imap.port;
  o.sec = imap.security == imap_security::tls        ? backend::imap::security::tls
          : imap.security == imap_security::starttls ? backend::imap::security::starttls
                                                     : backend::imap::security::none;
  o.verify_certificate = imap.verify_certificate;
  o.ca_file = imap.ca_file.string();
  o.connect_timeout = imap.timeout;
  o.command_timeout = imap.timeout;
  return o;
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

// SIGTERM/SIGINT: stop accepting, let busy connections finish their reply, close idle ones, and stop
// when all are gone or the grace period ends. SIGHUP: reload the TLS certificate and key.
struct runtime {
  net::io_context& ioc;
  server::server_context& ctx;
  net::strand<net::io_context::executor_type> accept_strand;
  std::list<net::ip::tcp::acceptor>& acceptors;
  net::signal_set signals;
  net::steady_timer drain_timer;
  std::chrono::steady_clock::time_point drain_deadline{};

  void wait_for_signal() {
    signals.async_wait([this](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      if (sig == SIGHUP) {
        if (ctx.tls) {
          const auto problem = ctx.tls->reload();
          if (problem.empty()) spdlog::info("tls reloaded");
          else spdlog::error("tls reload failed, keeping the old certificate: {}", problem);
        }
        wait_for_signal();
        return;
      }
      spdlog::info("shutting down signal={} connections={}", sig, ctx.connections.size());
      net::post(accept_strand, [this] {
        for (auto& a : acceptors) a.close();
      });
      ctx.connections.shut_down();
      drain_deadline = std::chrono::steady_clock::now() + ctx.cfg.server.shutdown_grace;
      drain();
    });
  }

  void drain() {
    if (ctx.connections.size() == 0 || std::chrono::steady_clock::now() >= drain_deadline) {
      spdlog::info("stopped connections_left={}", ctx.connections.size());
      ioc.stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(20));
    drain_timer.async_wait([this](const boost::system::error_code&) { drain(); });
  }
};

int serve(const std::string& config_path) {
  config cfg;
  try {
    cfg = load_config(config_path);
  } catch (const config_error& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  init_logging(cfg.log);
  std::signal(SIGPIPE, SIG_IGN);

  const unsigned threads = cfg.server.io_threads ? cfg.server.io_threads
                                                 : std::max(1u, std::thread::hardware_concurrency());
  net::io_context ioc(static_cast<int>(threads));
  try {
    std::unique_ptr<server::tls_context> tls;
    if (cfg.tls.enabled) tls = std::make_unique<server::tls_context>(cfg.tls.certificate, cfg.tls.private_key);

    auto proxies = http::trusted_proxies::parse(cfg.server.trusted_proxies);
    if (!proxies) throw config_error(cfg.source.string() + ": [server] trusted_proxies: " + proxies.error().message());

    const auto imap = imap_options(cfg.imap);
    auto imap_tls = backend::imap::make_tls_context(imap);
    if (!imap_tls) throw config_error(cfg.source.string() + ": [imap] " + imap_tls.error().message());
    backend::imap_credential_verifier verifier(ioc.get_executor(), imap, *imap_tls);
    http::authenticator authenticator(verifier, auth_options(cfg.auth));
    protocol::services services;
    const auto& commands = protocol::command_table::standard();
    protocol::dispatcher dispatcher(commands, services);
    server::connection_registry connections(cfg.server.max_connections);

    server::server_context ctx{
        .cfg = cfg,
        .dispatcher = dispatcher,
        .authenticator = authenticator,
        .proxies = *proxies,
        .autodiscover = {.eas_url = cfg.server.external_url + "/Microsoft-Server-ActiveSync"},
        .tls = tls.get(),
        .connections = connections,
        .protocol_versions = join_versions(cfg.eas.protocol_versions),
        .protocol_commands = commands.advertised_commands(),
        .server_version = std::string(to_string(cfg.eas.protocol_versions.back())),
    };

    auto accept_strand = net::make_strand(ioc.get_executor());
    std::list<net::ip::tcp::acceptor> acceptors;
    for (const auto& where : cfg.server.listen) {
      auto& acceptor = acceptors.emplace_back(server::open_acceptor(accept_strand, where));
      const auto bound = acceptor.local_endpoint();
      spdlog::info("listening address={}:{} tls={}", bound.address().to_string(), bound.port(), cfg.tls.enabled);
      net::co_spawn(accept_strand, server::accept_loop(ctx, acceptor), net::detached);
    }

    runtime rt{ioc, ctx, accept_strand, acceptors, net::signal_set(ioc, SIGINT, SIGTERM, SIGHUP),
               net::steady_timer(ioc), {}};
    rt.wait_for_signal();

    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
    ioc.run();
    for (auto& t : pool) t.join();
  } catch (const std::exception& e) {
    spdlog::critical("cannot start: {}", e.what());
    return 1;
  }
  return 0;
}

int check_config(const std::string& path) {
  try {
    load_config(path);
  } catch (const config_error& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  std::cout << path << ": ok\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"easd — Exchange ActiveSync server beside your IMAP, CalDAV and CardDAV servers"};
  app.set_version_flag("--version", std::string("easd ") + EASD_VERSION);
  app.require_subcommand(1);

  std::string config_path = "/etc/easd/easd.toml";
  auto* serve_cmd = app.add_subcommand("serve", "run the server");
  serve_cmd->add_option("--config,-c", config_path, "configuration file")->capture_default_str();

  auto* config_cmd = app.add_subcommand("config", "configuration tools");
  config_cmd->require_subcommand(1);
  auto* check_cmd = config_cmd->add_subcommand("check", "validate a configuration file");
  check_cmd->add_option("--config,-c", config_path, "configuration file")->capture_default_str();

  std::string wbxml_file;
  auto* wbxml_cmd = app.add_subcommand("wbxml", "WBXML tools for humans");
  wbxml_cmd->require_subcommand(1);
  auto* decode_cmd = wbxml_cmd->add_subcommand("decode", "WBXML file to XML on stdout");
  decode_cmd->add_option("file", wbxml_file, "WBXML file")->required();
  auto* encode_cmd = wbxml_cmd->add_subcommand("encode", "XML file to WBXML on stdout");
  encode_cmd->add_option("file", wbxml_file, "XML file")->required();

  CLI11_PARSE(app, argc, argv);

  if (serve_cmd->parsed()) return serve(config_path);
  if (check_cmd->parsed()) return check_config(config_path);
  if (decode_cmd->parsed()) return wbxml::wbxml_decode_file(wbxml_file, std::cout, std::cerr);
  if (encode_cmd->parsed()) return wbxml::wbxml_encode_file(wbxml_file, std::cout, std::cerr);
  return 2;
}
