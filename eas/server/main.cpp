// easd — the one binary. This is the only file that wires concrete types together (ARCHITECTURE.md §2).
#include "backend/imap/client/tls_context.hpp"
#include "backend/imap/imap_credential_verifier.hpp"
#include "backend/imap/imap_mail_store.hpp"
#include "backend/imap/imap_mail_watch.hpp"
#include "backend/smtp/smtp_submitter.hpp"
#include "eas/core/blocking_pool.hpp"
#include "eas/core/config.hpp"
#include "eas/core/logging.hpp"
#include "eas/protocol/command_table.hpp"
#include "eas/protocol/commands/push_publish.hpp"
#include "eas/protocol/dispatcher.hpp"
#include "eas/protocol/policy_source.hpp"
#include "eas/protocol/services.hpp"
#include "eas/protocol/state/sqlite_state_store.hpp"
#include "eas/server/admin_api.hpp"
#include "eas/server/admin_cli.hpp"
#include "eas/server/admin_listener.hpp"
#include "eas/server/dovecot_push_endpoint.hpp"
#include "eas/server/server.hpp"
#include "eas/server/tls_context.hpp"
#include "eas/wbxml/cli.hpp"
#include "push/hub.hpp"
#include "push/local_bus.hpp"
#include "push/redis_bus.hpp"
#include "provisioning/settings.hpp"

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <functional>
#include <iostream>
#include <string_view>
#include <thread>

namespace net = boost::asio;

namespace {

using namespace easd;

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

// Our EHLO name: [smtp] helo_name, else the host of [server] external_url when it is a host name (an
// IP literal would need brackets, RFC 5321 §4.1.3), else "localhost".
std::string helo_name_of(const config& cfg) {
  if (!cfg.smtp.helo_name.empty()) return cfg.smtp.helo_name;
  std::string_view url = cfg.server.external_url;
  if (const auto scheme = url.find("://"); scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  const auto host = url.substr(0, url.find_first_of(":/"));
  const bool name = !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  }) && std::any_of(host.begin(), host.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
  return name ? std::string(host) : std::string("localhost");
}

backend::smtp::options smtp_options(const config& cfg) {
  const auto& smtp = cfg.smtp;
  backend::smtp::options o;
  o.host = smtp.host;
  o.port = smtp.port;
  o.sec = smtp.security == smtp_security::tls        ? backend::smtp::security::tls
          : smtp.security == smtp_security::starttls ? backend::smtp::security::starttls
                                                     : backend::smtp::security::none;
  o.verify_certificate = smtp.verify_certificate;
  o.ca_file = smtp.ca_file.string();
  o.helo_name = helo_name_of(cfg);
  o.connect_timeout = smtp.timeout;
  o.command_timeout = smtp.timeout;
  return o;
}

protocol::send_settings send_settings_of(const smtp_config& smtp) {
  protocol::send_settings s;
  s.domain = smtp.domain;
  s.rewrite_from = smtp.rewrite_from;
  s.save_sent = smtp.save_sent;
  s.max_message = smtp.max_message_bytes;
  s.max_recipients = smtp.max_recipients;
  s.rate.max_messages = smtp.max_messages_per_hour;
  s.rate.max_recipients = smtp.max_recipients_per_hour;
  return s;
}

// <state.path>/state.sqlite, the directory created when missing. Throws config_error naming the problem.
std::unique_ptr<state::sqlite_state_store> open_state(const config& cfg) {
  const auto& dir = cfg.state.path;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) {
    throw config_error(cfg.source.string() + ": [state] path " + dir.string() +
                       ": cannot create the directory: " + (ec ? ec.message() : "not a directory"));
  }
  const auto file = (dir / "state.sqlite").string();
  auto store = state::sqlite_state_store::open(file);
  if (!store) throw config_error(cfg.source.string() + ": [state] cannot open " + file + ": " + store.error().message());
  return std::move(*store);
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int serve(const std::string& config_path) {
  config cfg;
  provisioning::settings provisioning_settings;
  try {
    cfg = load_config(config_path);
    provisioning_settings = provisioning::load_settings(config_path);
  } catch (const std::runtime_error& e) {  // config_error, settings_error
    std::cerr << e.what() << "\n";
    return 1;
  }
  init_logging(cfg.log);
  std::signal(SIGPIPE, SIG_IGN);

  const unsigned threads =
      cfg.server.io_threads ? cfg.server.io_threads : std::max(1u, std::thread::hardware_concurrency());
  net::io_context ioc(static_cast<int>(threads));
  try {
    const auto imap = imap_options(cfg.imap);
    auto imap_tls = backend::imap::make_tls_context(imap);
    if (!imap_tls) throw config_error(cfg.source.string() + ": [imap] " + imap_tls.error().message());
    backend::imap_credential_verifier verifier(ioc.get_executor(), imap, *imap_tls);

    auto state_store = open_state(cfg);
    // SQLite calls and heavy conversions; SQLite serialises on one connection, so a few threads suffice.
    blocking_pool blocking(std::clamp(threads, 2u, 4u));
    backend::imap_store_options mail_opts;
    mail_opts.server = imap;
    mail_opts.shards = threads;  // one strand per io thread
    backend::imap_mail_store mail(ioc.get_executor(), mail_opts, *imap_tls);
    protocol::services services;
    services.state = state_store.get();
    services.blocking = &blocking;
    services.mail = &mail;
    services.now = &unix_now;
    // Provisioning (issue 5): the registry shares the state file; policies are the file's plus the admin's.
    protocol::policy_source policies(std::move(provisioning_settings), *state_store);
    services.devices = state_store.get();
    services.policies = &policies;
    // Sending (issue 6): SMTP submission as the user; the ledger shares the state file.
    auto submitter = backend::smtp::smtp_submitter::create(smtp_options(cfg));
    if (!submitter) throw config_error(cfg.source.string() + ": [smtp] " + submitter.error().message());
    services.submitter = submitter->get();
    services.sends = state_store.get();
    services.sending = send_settings_of(cfg.smtp);

    // Push (issue 4): the bus (Redis when configured, so every node wakes every Ping of a user; else
    // in-process), the hub held requests park on, and the IMAP watch feeding it while requests are held.
    std::unique_ptr<push::bus> push_bus;
    if (cfg.redis.enabled()) {
      push::redis_bus_options redis_opts;
      redis_opts.endpoint = cfg.redis.endpoint;
      push_bus = std::make_unique<push::redis_bus>(ioc.get_executor(), redis_opts);
    } else {
      push_bus = push::make_local_bus();
    }
    push::hub hub(*push_bus);
    backend::imap_watch_options watch_opts;
    watch_opts.server = imap;
    watch_opts.status_poll_interval = cfg.push.status_poll_interval;
    backend::imap_mail_watch mail_watch(ioc.get_executor(), watch_opts, *imap_tls, protocol::mail_watch_sink(hub));
    services.push = &hub;
    // Without it (Dovecot's push plugin posts to the admin listener instead) no IMAP connection is held.
    if (cfg.push.imap_watch) services.watch = &mail_watch;
    services.push_limits = {.min_heartbeat = cfg.push.min_heartbeat,
                            .max_heartbeat = cfg.push.max_heartbeat,
                            .max_folders = cfg.push.max_folders,
                            .ping_parameters_ttl = cfg.push.ping_parameters_ttl};

    // Idle IMAP connections of users who went quiet are closed after the pool's idle_timeout.
    net::steady_timer prune_timer(ioc);
    std::function<void()> prune_later = [&] {
      prune_timer.expires_after(std::chrono::seconds(60));
      prune_timer.async_wait([&](const boost::system::error_code& ec) {
        if (ec) return;
        mail.prune();
        prune_later();
      });
    };
    prune_later();
    protocol::dispatcher dispatcher(protocol::command_table::standard(), services);

    server::server eas_server(ioc, cfg, verifier, dispatcher);
    eas_server.start();
    // Dovecot's push_notification plugin PUTs new mail to the admin listener ([admin]; off unless set).
    server::dovecot_push_endpoint dovecot_push(hub);
    auto admin_routes = dovecot_push.routes();
    // The provisioning admin API (`easd device …`, `easd policy …`), off unless [admin] api_token is set.
    server::admin_api_deps api{.registry = *state_store,
                               .pool = blocking,
                               .hub = &hub,
                               .book = [&policies] { return policies.current(); },
                               .policies_changed = [&policies] { policies.invalidate(); },
                               .now = &unix_now,
                               .token = cfg.admin.api_token};
    for (auto& route : server::admin_api_routes(std::move(api))) admin_routes.push_back(std::move(route));
    server::admin_listener admin(ioc, cfg, std::move(admin_routes));
    admin.start();

    // SIGTERM/SIGINT: graceful stop. SIGHUP: reload the TLS certificate and key.
    net::signal_set signals(ioc, SIGINT, SIGTERM, SIGHUP);
    std::function<void()> wait_for_signal = [&] {
      signals.async_wait([&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        if (sig == SIGHUP) {
          const auto problem = eas_server.reload_tls();
          if (problem.empty())
            spdlog::info("tls reloaded");
          else
            spdlog::error("tls reload failed, keeping the old certificate: {}", problem);
          wait_for_signal();
          return;
        }
        spdlog::info("signal={} received", sig);
        prune_timer.cancel();
        // Held Pings and long-poll Syncs answer now (Status 1 / no changes), before the grace wait, so
        // devices reconnect to a node that is up instead of timing out; the watch logs out of IMAP.
        hub.shutdown();
        mail_watch.shutdown();
        admin.shut_down();
        eas_server.shut_down([&ioc] { ioc.stop(); });
      });
    };
    wait_for_signal();

    // Io threads are marked so blocking work (SQLite) that slips onto them is caught (STYLE.md 6).
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i) {
      pool.emplace_back([&ioc] {
        mark_io_thread();
        ioc.run();
      });
    }
    mark_io_thread();
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
    const auto cfg = load_config(path);
    (void)provisioning::load_settings(path);  // [provisioning], [policy.*], [groups], [access]
    // The files a running server would need must be usable too, not just named.
    if (cfg.tls.enabled) server::tls_context probe(cfg.tls.certificate, cfg.tls.private_key);
    (void)server::admin_policy::from_config(cfg);  // [admin] push_allow networks and their secret rule
    if (!cfg.imap.ca_file.empty()) {
      auto imap_tls = backend::imap::make_tls_context(imap_options(cfg.imap));
      if (!imap_tls) throw config_error(path + ": [imap] ca_file: " + imap_tls.error().message());
    }
  } catch (const std::exception& e) {
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

  // `easd device …` / `easd policy …`: the admin CLI, a client of the running daemon's admin API.
  server::admin_cli::invocation admin_inv;
  server::admin_cli::add_commands(app, admin_inv);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    // The admin CLI's contract: usage errors exit 2 (3 is "daemon unreachable").
    const bool admin_cli = argc > 1 && (std::string_view(argv[1]) == "device" || std::string_view(argv[1]) == "policy");
    return rc != 0 && admin_cli ? 2 : rc;
  }

  if (!admin_inv.action.empty()) {
    return server::admin_cli::run(admin_inv, server::admin_cli::process_environment(), std::cout, std::cerr);
  }
  if (serve_cmd->parsed()) return serve(config_path);
  if (check_cmd->parsed()) return check_config(config_path);
  if (decode_cmd->parsed()) return wbxml::wbxml_decode_file(wbxml_file, std::cout, std::cerr);
  if (encode_cmd->parsed()) return wbxml::wbxml_encode_file(wbxml_file, std::cout, std::cerr);
  return 2;
}
