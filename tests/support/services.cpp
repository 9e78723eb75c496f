#include "tests/support/services.hpp"

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <stdexcept>

#ifndef EASD_SOURCE_DIR
#error "EASD_SOURCE_DIR must be defined (tests/support/CMakeLists.txt)"
#endif
#ifndef EASD_BINARY_DIR
#error "EASD_BINARY_DIR must be defined (tests/support/CMakeLists.txt)"
#endif

namespace easd::test {

namespace fs = std::filesystem;

namespace {

struct script_result {
  int exit_code = -1;
  std::string output;
};

// One argument for /bin/sh, single-quoted.
std::string shell_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

script_result run_script(std::string_view script, const std::vector<std::string>& args) {
  std::string cmd = shell_quote((source_dir() / "scripts" / "services" / std::string(script)).string());
  for (const auto& a : args) {
    cmd += ' ';
    cmd += shell_quote(a);
  }
  cmd += " </dev/null 2>&1";
  // The scripts send every daemon's output to its log file, so the pipe reaches EOF when the script ends.
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) {
    throw std::runtime_error("popen failed for " + cmd + ": " + std::strerror(errno));
  }
  script_result r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) {
    r.output.append(buf.data(), n);
  }
  const int status = ::pclose(pipe);
  r.exit_code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  return r;
}

std::uint16_t parse_port(const std::map<std::string, std::string>& env, const std::string& key,
                         const fs::path& file) {
  auto it = env.find(key);
  if (it == env.end()) {
    throw std::runtime_error(file.string() + " has no " + key);
  }
  int value = 0;
  try {
    value = std::stoi(it->second);
  } catch (const std::exception&) {
    value = 0;
  }
  if (value <= 0 || value > 65535) {
    throw std::runtime_error(file.string() + ": bad " + key + "=" + it->second);
  }
  return static_cast<std::uint16_t>(value);
}

bool world_traversable(const fs::path& dir) {
  for (fs::path p = dir; !p.empty(); p = p.parent_path()) {
    std::error_code ec;
    auto st = fs::status(p, ec);
    if (ec) {
      return false;
    }
    if ((st.permissions() & fs::perms::others_exec) == fs::perms::none) {
      return false;
    }
    if (p == p.root_path()) {
      break;
    }
  }
  return true;
}

// Short, shell- and path-safe: Dovecot's socket paths under RUN are limited in length.
std::string sanitize_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (out.size() >= 24) {
      break;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_';
    out += ok ? c : '_';
  }
  return out.empty() ? std::string("run") : out;
}

void stop_quietly(std::string_view script, const fs::path& run) noexcept {
  try {
    auto r = run_script(script, {"stop", run.string()});
    if (r.exit_code != 0) {
      std::cerr << "scripts/services/" << script << " stop " << run.string() << " failed:\n" << r.output;
    }
  } catch (const std::exception& e) {
    std::cerr << "stopping " << script << ": " << e.what() << '\n';
  }
}

}  // namespace

fs::path source_dir() { return fs::path(EASD_SOURCE_DIR); }
fs::path binary_dir() { return fs::path(EASD_BINARY_DIR); }
fs::path easd_binary() { return binary_dir() / "eas" / "server" / "easd"; }

std::string run_service_script(std::string_view script, const std::vector<std::string>& args) {
  auto r = run_script(script, args);
  if (r.exit_code != 0) {
    std::string cmd = "scripts/services/" + std::string(script);
    for (const auto& a : args) {
      cmd += ' ' + a;
    }
    throw std::runtime_error(cmd + " failed (exit " + std::to_string(r.exit_code) + "):\n" + r.output);
  }
  return r.output;
}

std::map<std::string, std::string> read_env_file(const fs::path& file) {
  std::ifstream in(file);
  if (!in) {
    throw std::runtime_error("cannot read " + file.string());
  }
  std::map<std::string, std::string> env;
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0 || line[0] == '#') {
      continue;
    }
    env[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return env;
}

std::string log_tail(const fs::path& file, std::size_t max_lines) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return {};
  }
  // Only the end of a long log matters.
  constexpr std::streamoff window = 64 * 1024;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(size > window ? size - window : 0);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t pos = text.size();
  std::size_t lines = 0;
  if (pos > 0 && text[pos - 1] == '\n') {
    --pos;
  }
  while (pos > 0) {
    if (text[pos - 1] == '\n' && ++lines == max_lines) {
      break;
    }
    --pos;
  }
  return text.substr(pos);
}

// ---- run_dir

run_dir::run_dir(std::string_view name) {
  fs::path base = binary_dir() / "test-runs";
  if (world_traversable(binary_dir())) {
    fs::create_directories(base);
    fs::permissions(base, fs::perms(0755));
  } else {
    base = fs::temp_directory_path();
  }
  std::string tmpl = (base / (sanitize_name(name) + "-XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    throw std::runtime_error("mkdtemp " + tmpl + ": " + std::strerror(errno));
  }
  path_ = tmpl;
  // mkdtemp makes 0700; Dovecot's vmail and dovenull users must traverse it.
  fs::permissions(path_, fs::perms(0755));
}

run_dir::~run_dir() {
  std::error_code ec;
  bool has_services = false;
  for (const auto& entry : fs::directory_iterator(path_, ec)) {
    if (entry.path().extension() == ".env") {
      has_services = true;
      break;
    }
  }
  // A service whose owner forgot to stop it (or threw before its destructor could run) must not outlive
  // the test.
  if (has_services) {
    try {
      auto r = run_script("stop-all", {path_.string()});
      if (r.exit_code != 0) {
        std::cerr << "scripts/services/stop-all " << path_.string() << ":\n" << r.output;
      }
    } catch (const std::exception& e) {
      std::cerr << "stop-all: " << e.what() << '\n';
    }
  }
  const char* keep = std::getenv("EASD_KEEP_RUN");
  if (keep != nullptr && std::string_view(keep) == "1") {
    std::cerr << "EASD_KEEP_RUN=1: kept " << path_.string() << '\n';
    return;
  }
  fs::remove_all(path_, ec);
}

// ---- dovecot_service

dovecot_service::dovecot_service(const fs::path& run, options opts) : run_(run), options_(std::move(opts)) {
  start();
}

dovecot_service::~dovecot_service() { stop_quietly("dovecot", run_); }

void dovecot_service::start() {
  std::vector<std::string> args = {"start", run_.string(), "--password", options_.password};
  if (options_.many_connections) args.emplace_back("--many-connections");
  if (!options_.condstore) {
    args.emplace_back("--no-condstore");
  }
  if (!options_.notify) args.emplace_back("--no-notify");
  if (!options_.push_url.empty()) {
    args.emplace_back("--push-url");
    args.push_back(options_.push_url);
  }
  run_service_script("dovecot", args);
  const fs::path file = run_ / "dovecot.env";
  auto env = read_env_file(file);
  imap_port_ = parse_port(env, "IMAP_PORT", file);
  imaps_port_ = parse_port(env, "IMAPS_PORT", file);
  lmtp_port_ = parse_port(env, "LMTP_PORT", file);
  cert_file_ = env["DOVECOT_CERT"];
}

void dovecot_service::stop() { run_service_script("dovecot", {"stop", run_.string()}); }

bool dovecot_service::running() const { return run_script("dovecot", {"status", run_.string()}).exit_code == 0; }

// ---- redis_service

redis_service::redis_service(const fs::path& run) : run_(run) { start(); }

redis_service::~redis_service() { stop_quietly("redis", run_); }

void redis_service::start() {
  run_service_script("redis", {"start", run_.string()});
  const fs::path file = run_ / "redis.env";
  port_ = parse_port(read_env_file(file), "REDIS_PORT", file);
}

void redis_service::stop() { run_service_script("redis", {"stop", run_.string()}); }

bool redis_service::running() const { return run_script("redis", {"status", run_.string()}).exit_code == 0; }

// ---- radicale_service

radicale_service::radicale_service(const fs::path& run, options opts) : run_(run), options_(std::move(opts)) {
  start();
}

radicale_service::~radicale_service() { stop_quietly("radicale", run_); }

void radicale_service::start() {
  std::vector<std::string> args = {"start", run_.string()};
  for (const auto& u : options_.users) {
    args.emplace_back("--user");
    args.push_back(u);
  }
  run_service_script("radicale", args);
  const fs::path file = run_ / "radicale.env";
  port_ = parse_port(read_env_file(file), "RADICALE_PORT", file);
}

void radicale_service::stop() { run_service_script("radicale", {"stop", run_.string()}); }

bool radicale_service::running() const {
  return run_script("radicale", {"status", run_.string()}).exit_code == 0;
}

std::string radicale_service::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

// ---- smtp_service

smtp_service::smtp_service(const fs::path& run, options opts) : run_(run), options_(std::move(opts)) { start(); }

smtp_service::~smtp_service() { stop_quietly("smtp", run_); }

void smtp_service::start() {
  std::vector<std::string> args = {"start", run_.string(), "--password", options_.password, "--size-limit",
                                   std::to_string(options_.size_limit)};
  if (options_.lmtp_port) {
    args.emplace_back("--lmtp-port");
    args.push_back(std::to_string(*options_.lmtp_port));
  }
  run_service_script("smtp", args);
  const fs::path file = run_ / "smtp.env";
  auto env = read_env_file(file);
  port_ = parse_port(env, "SMTP_PORT", file);
  smtps_port_ = parse_port(env, "SMTPS_PORT", file);
  cert_file_ = env["SMTP_CERT"];
}

void smtp_service::stop() { run_service_script("smtp", {"stop", run_.string()}); }

bool smtp_service::running() const { return run_script("smtp", {"status", run_.string()}).exit_code == 0; }

// ---- easd_service

easd_service::easd_service(const fs::path& run, const fs::path& binary, options opts)
    : run_(run), binary_(binary), options_(std::move(opts)) {
  if (!options_.provisioning) options_.extra_toml += "\n[provisioning]\nenabled = false\n";
  if (!options_.extra_toml.empty()) {
    std::ofstream out(run_ / "easd-extra.toml", std::ios::trunc);
    out << options_.extra_toml << '\n';
    if (!out) {
      throw std::runtime_error("cannot write " + (run_ / "easd-extra.toml").string());
    }
  }
  start();
}

easd_service::~easd_service() { stop_quietly("easd", run_); }

std::vector<std::string> easd_service::start_args() const {
  std::vector<std::string> args = {"start", run_.string(), "--binary", binary_.string(), "--imap-security",
                                   options_.imap_security, "--log-level", options_.log_level};
  if (options_.plain) {
    args.emplace_back("--plain");
  }
  if (options_.imap_port) {
    args.emplace_back("--imap-port");
    args.push_back(std::to_string(*options_.imap_port));
  }
  if (!options_.extra_toml.empty()) {
    args.emplace_back("--extra-toml");
    args.push_back((run_ / "easd-extra.toml").string());
  }
  return args;
}

void easd_service::read_env() {
  const fs::path file = run_ / "easd.env";
  auto env = read_env_file(file);
  port_ = parse_port(env, "EASD_PORT", file);
  base_url_ = env["EASD_URL"];
  cert_file_ = env["EASD_CERT"];
  pid_ = 0;
  try {
    pid_ = std::stoi(env["EASD_PID"]);
  } catch (const std::exception&) {
    throw std::runtime_error(file.string() + ": bad EASD_PID");
  }
}

void easd_service::start() {
  run_service_script("easd", start_args());
  read_env();
}

void easd_service::stop() {
  run_service_script("easd", {"stop", run_.string()});
  pid_ = 0;
}

bool easd_service::running() const { return run_script("easd", {"status", run_.string()}).exit_code == 0; }

void easd_service::signal(int sig) {
  if (pid_ <= 0) {
    throw std::runtime_error("easd_service::signal: easd is not running");
  }
  if (::kill(pid_, sig) != 0) {
    throw std::runtime_error("kill " + std::to_string(pid_) + ": " + std::strerror(errno));
  }
}

}  // namespace easd::test
