// Real services for integration tests: thin wrappers over scripts/services/*, which render each daemon's
// configuration into a run directory, start it on free loopback ports, wait until it answers and record
// its ports and PID in RUN/<service>.env. The wrappers read those files.
//
// Constructors start the service and throw std::runtime_error (with the script's output, which carries
// the daemon's log tail) when it does not come up; destructors stop it and never throw. Declare the
// run_dir before the services that use it, so the services stop before the directory is removed.
// Not thread-safe: one test thread owns its services.
#pragma once

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::test {

// The repository root and the build tree this test binary belongs to.
std::filesystem::path source_dir();
std::filesystem::path binary_dir();
// The easd daemon built in this tree: EASD_BINARY_DIR/eas/server/easd.
std::filesystem::path easd_binary();

// Runs `scripts/services/SCRIPT ARGS...` and returns its combined output; throws std::runtime_error with
// that output when it exits non-zero.
std::string run_service_script(std::string_view script, const std::vector<std::string>& args);
// KEY=VALUE lines of a file written by the scripts; throws when the file is missing.
std::map<std::string, std::string> read_env_file(const std::filesystem::path& file);
// The last `max_lines` lines of a log file ("" when it does not exist), for failure messages.
std::string log_tail(const std::filesystem::path& file, std::size_t max_lines = 40);

// A fresh directory (mode 0755, which Dovecot's users need to traverse) for one test's services: under
// BUILD/test-runs when every parent is world-traversable, else under the system temp directory. The
// destructor stops any service still recorded in it (scripts/services/stop-all) and removes it, unless
// the environment has EASD_KEEP_RUN=1 (then it prints the path, to read the logs in RUN/logs).
class run_dir {
 public:
  explicit run_dir(std::string_view name = "run");
  ~run_dir();
  run_dir(const run_dir&) = delete;
  run_dir& operator=(const run_dir&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

struct dovecot_options {
  bool condstore = true;             // false: CONDSTORE and QRESYNC are not advertised
  bool notify = true;                // false: NOTIFY (RFC 5465) is not advertised (IDLE + STATUS path)
  std::string password = "secret";   // every user's password (except the deny list: "nosuchuser")
  // Load tests (bench/push_load): tens of thousands of IMAP connections — each imap process serves many
  // clients and the connection limits are raised (scripts/services/dovecot --many-connections).
  bool many_connections = false;
  // Non-empty: the push_notification plugin's OX driver PUTs new-mail JSON here on LMTP delivery
  // (scripts/services/dovecot --push-url), for users whose http-notify METADATA is set.
  std::string push_url;
};

// Dovecot 2.3: IMAP (plain with STARTTLS), IMAPS and LMTP on 127.0.0.1. Mail in RUN/dovecot/mail/USER.
class dovecot_service {
 public:
  using options = dovecot_options;
  explicit dovecot_service(const std::filesystem::path& run, options opts = {});
  ~dovecot_service();
  dovecot_service(const dovecot_service&) = delete;
  dovecot_service& operator=(const dovecot_service&) = delete;

  std::uint16_t imap_port() const noexcept { return imap_port_; }
  std::uint16_t imaps_port() const noexcept { return imaps_port_; }
  std::uint16_t lmtp_port() const noexcept { return lmtp_port_; }
  // The self-signed certificate Dovecot presents (CN localhost); trust it as a CA.
  std::filesystem::path cert_file() const { return cert_file_; }
  const std::string& password() const noexcept { return options_.password; }
  std::filesystem::path log_file() const { return run_ / "logs" / "dovecot.log"; }

  // Stop and start again; a restart keeps the ports and the mail.
  void stop();
  void start();
  bool running() const;

 private:
  std::filesystem::path run_;
  options options_;
  std::uint16_t imap_port_ = 0, imaps_port_ = 0, lmtp_port_ = 0;
  std::filesystem::path cert_file_;
};

// Redis 7 without persistence on 127.0.0.1.
class redis_service {
 public:
  explicit redis_service(const std::filesystem::path& run);
  ~redis_service();
  redis_service(const redis_service&) = delete;
  redis_service& operator=(const redis_service&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  void stop();
  void start();  // keeps the port
  bool running() const;

 private:
  std::filesystem::path run_;
  std::uint16_t port_ = 0;
};

struct radicale_options {
  // "NAME:PASSWORD" entries; each user gets /NAME/calendar/ (VEVENT, VTODO) and /NAME/contacts/.
  std::vector<std::string> users = {"demo@example.test:demo"};
};

// Radicale 3 (CalDAV, CardDAV) over plain HTTP on 127.0.0.1.
class radicale_service {
 public:
  using options = radicale_options;
  explicit radicale_service(const std::filesystem::path& run, options opts = {});
  ~radicale_service();
  radicale_service(const radicale_service&) = delete;
  radicale_service& operator=(const radicale_service&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  std::string base_url() const;  // http://127.0.0.1:PORT
  void stop();
  void start();  // keeps the port and the collections
  bool running() const;

 private:
  std::filesystem::path run_;
  options options_;
  std::uint16_t port_ = 0;
};

struct smtp_options {
  std::string password = "secret";        // every user's AUTH password (the test Dovecot's default too)
  std::size_t size_limit = 10u << 20;     // advertised SIZE; larger messages get 552
  std::optional<std::uint16_t> lmtp_port; // default: the LMTP_PORT of RUN/dovecot.env, read per message
};

// A submission server (scripts/services/smtp_relay.py, aiosmtpd) on 127.0.0.1: STARTTLS on port(),
// implicit TLS on smtps_port(), AUTH PLAIN/LOGIN required, 550 for "reject@..." recipients, delivery to
// the run directory's Dovecot over LMTP (451 while it is down). Start Dovecot first for deliveries.
class smtp_service {
 public:
  using options = smtp_options;
  explicit smtp_service(const std::filesystem::path& run, options opts = {});
  ~smtp_service();
  smtp_service(const smtp_service&) = delete;
  smtp_service& operator=(const smtp_service&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  std::uint16_t smtps_port() const noexcept { return smtps_port_; }
  // The self-signed certificate presented (RUN/cert.pem, shared with Dovecot); trust it as a CA.
  std::filesystem::path cert_file() const { return cert_file_; }
  const std::string& password() const noexcept { return options_.password; }
  std::filesystem::path log_file() const { return run_ / "logs" / "smtp.log"; }
  void stop();
  void start();  // keeps the ports
  bool running() const;

 private:
  std::filesystem::path run_;
  options options_;
  std::uint16_t port_ = 0, smtps_port_ = 0;
  std::filesystem::path cert_file_;
};

struct easd_options {
  bool plain = false;                       // plain HTTP instead of TLS
  std::string imap_security = "tls";        // "tls" (Dovecot's imaps port) | "starttls" | "none"
  std::optional<std::uint16_t> imap_port;   // another IMAP server (a scripted fake, a closed port)
  std::string log_level = "debug";
  // Appended to the rendered config; may add tables other than [server] [tls] [imap] [state] [log].
  std::string extra_toml;
  // false: "[provisioning] enabled = false" is appended, so tests of other commands need no Provision
  // dance. Provisioning tests set it and configure [provisioning] themselves in extra_toml.
  bool provisioning = false;
};

// easd serve with RUN/easd.toml pointing at the Dovecot of the same run directory (start that first,
// unless imap_port is given).
class easd_service {
 public:
  using options = easd_options;
  easd_service(const std::filesystem::path& run, const std::filesystem::path& binary, options opts = {});
  ~easd_service();
  easd_service(const easd_service&) = delete;
  easd_service& operator=(const easd_service&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  std::string base_url() const { return base_url_; }  // https://localhost:PORT (http:// when plain)
  std::filesystem::path cert_file() const { return cert_file_; }
  std::filesystem::path log_file() const { return run_ / "logs" / "easd.log"; }
  std::filesystem::path config_file() const { return run_ / "easd.toml"; }
  int pid() const noexcept { return pid_; }

  // Sends `sig` to the daemon (SIGHUP: reload the certificate; SIGTERM: graceful stop).
  void signal(int sig);
  void stop();
  void start();  // keeps the port
  bool running() const;

 private:
  std::vector<std::string> start_args() const;
  void read_env();

  std::filesystem::path run_, binary_;
  options options_;
  std::uint16_t port_ = 0;
  int pid_ = 0;
  std::string base_url_;
  std::filesystem::path cert_file_;
};

}  // namespace easd::test
