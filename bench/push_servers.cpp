#include "bench/push_servers.hpp"

#include "tests/support/lmtp_client.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace easd::bench {

namespace {

// The shared secret Dovecot's OX driver presents to easd's admin listener (--push-plugin).
constexpr const char* push_secret = "bench-push-secret-0123";

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

load_servers::load_servers(const load_options& o) {
  if (!o.urls.empty()) {
    for (const auto& u : o.urls) {
      const auto p = parse_url(u);  // validated by the option parser
      targets.push_back(server_target{p->host, p->port, p->tls, "localhost"});
    }
    pids = o.pids;
    imap_port = o.imap_port;
    password = o.password;
    if (!o.ca_file.empty()) ca_files.push_back(o.ca_file);
    description = "external servers";
    return;
  }
  if (o.imap_tls && o.nodes > 1) throw std::runtime_error("--imap-tls is for one node only");

  run_ = std::make_unique<test::run_dir>("bench-push");
  push_plugin = o.push_plugin;
  // Dovecot starts first, so the admin port it will PUT to is chosen now.
  const std::uint16_t admin_port = push_plugin ? test::free_loopback_port() : 0;
  test::dovecot_options d;
  d.many_connections = true;
  if (push_plugin) {
    d.push_url = "http://easd:" + std::string(push_secret) + "@127.0.0.1:" + std::to_string(admin_port) +
                 "/push/dovecot";
  }
  dovecot_ = std::make_unique<test::dovecot_service>(run_->path(), std::move(d));
  imap_port = dovecot_->imap_port();
  lmtp_port = dovecot_->lmtp_port();
  password = dovecot_->password();

  // Logins of thousands of users in a burst must not trip the per-address failure limits, and a request
  // log line per Ping would be measured too.
  std::string extra = "[auth]\nfailure_floor_ms = 300\nmax_failures_per_address = 1000000\n"
                      "max_failures_per_user = 1000000\n";
  if (o.nodes > 1) {
    redis_ = std::make_unique<test::redis_service>(run_->path());
    extra += "\n[redis]\nurl = \"redis://127.0.0.1:" + std::to_string(redis_->port()) + "\"\n";
  }
  if (push_plugin) extra += "\n[push]\nimap_watch = false\n";
  if (!o.extra_toml.empty()) extra += "\n" + read_text(o.extra_toml);

  for (unsigned n = 0; n < o.nodes; ++n) {
    // A second node needs its own run directory: the scripts keep one easd per directory. Its state
    // store is its own too, which is fine: each device always talks to the same node.
    if (n == 1) run_b_ = std::make_unique<test::run_dir>("bench-push-b");
    const auto& dir = n == 0 ? run_->path() : run_b_->path();
    test::easd_options e;
    e.plain = o.plain;
    e.log_level = o.log_level;
    e.extra_toml = extra;
    // Only the first node hears from Dovecot; a second node's Pings wake through Redis.
    if (push_plugin && n == 0) {
      e.extra_toml += "\n[admin]\nlisten = \"127.0.0.1:" + std::to_string(admin_port) + "\"\npush_secret = \"" +
                      push_secret + "\"\n";
    }
    if (o.imap_tls) {
      e.imap_security = "tls";
    } else {
      e.imap_security = "none";
      e.imap_port = dovecot_->imap_port();
    }
    auto node = std::make_unique<test::easd_service>(dir, test::easd_binary(), std::move(e));
    targets.push_back(server_target{"127.0.0.1", node->port(), !o.plain, "localhost"});
    pids.push_back(node->pid());
    if (!o.plain) ca_files.push_back(node->cert_file().string());
    easd_.push_back(std::move(node));
  }
  description = std::to_string(o.nodes) + " easd node(s) " + (o.plain ? "over plain HTTP" : "over TLS") +
                ", IMAP to Dovecot " + (o.imap_tls ? "over TLS" : "plain on loopback") +
                (redis_ ? ", sharing one Redis" : "") +
                (push_plugin ? "; new mail from Dovecot's push_notification plugin (LMTP deliveries, PUT to node 0),"
                               " no IMAP watch"
                             : "; new mail from IMAP NOTIFY");
}

load_servers::~load_servers() {
  // Nodes first, while Dovecot and Redis still answer their shutdown.
  easd_.clear();
  redis_.reset();
  dovecot_.reset();
  run_b_.reset();
  run_.reset();
}

}  // namespace easd::bench
