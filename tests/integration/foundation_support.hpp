// Shared pieces of the foundation's end-to-end tests (foundation_*_test.cpp): the real easd binary against
// a real Dovecot, driven by the EAS test client the way a phone drives it. Every suite starts its own
// Dovecot and easd on free loopback ports in a fresh run directory; FoundationSignals, whose tests replace
// certificates and stop the server, does so per test. EASD_KEEP_RUN=1 keeps the run directories.
#pragma once

#include "tests/support/eas_client.hpp"
#include "tests/support/services.hpp"

#include "eas/wbxml/codec.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace easd::test::foundation {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

inline constexpr auto failure_floor = 300ms;

// Failures from 127.0.0.1 add up over a suite; the throttle is not what these tests are about.
inline constexpr const char* auth_toml =
    "[auth]\n"
    "failure_floor_ms = 300\n"
    "max_failures_per_address = 100000\n"
    "max_failures_per_user = 100000\n";

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Alive and not a zombie (scripts/services starts easd detached; a dead one lingers until reaped).
inline bool process_alive(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto close = line.rfind(')');
  if (close == std::string::npos || close + 2 >= line.size()) return false;
  const char state = line[close + 2];
  return state != 'Z' && state != 'X';
}

// `Basic realm="easd"`, optionally followed by RFC 7617 parameters such as charset="UTF-8".
inline bool basic_challenge(const std::string& value) {
  const std::string want = "Basic realm=\"easd\"";
  return value.compare(0, want.size(), want) == 0 && (value.size() == want.size() || value[want.size()] == ',');
}

inline std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    out.push_back(item);
  }
  return out;
}

inline std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// SHA-256 of the DER form of the first certificate in a PEM file (what peer_certificate_sha256 reports).
inline std::string pem_certificate_sha256(const fs::path& pem) {
  std::FILE* f = std::fopen(pem.c_str(), "r");
  if (!f) return {};
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (!cert) return {};
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(cert, EVP_sha256(), md, &len);
  X509_free(cert);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 0xF]);
  }
  return out;
}

// A well-formed request for a command easd does not implement in the foundation ([MS-ASCMD] 2.2.1.22).
// When ValidateCert is implemented, switch these tests to another unimplemented command.
inline wbxml::element validate_cert_request() {
  return node("ValidateCert:ValidateCert",
              {node("ValidateCert:Certificates", {leaf("ValidateCert:Certificate", "MIIBfake")})});
}

// Every command of [MS-ASCMD] 2.2.1 that takes a WBXML body, with the root of its request.
inline const std::map<std::string, std::string>& command_roots() {
  static const std::map<std::string, std::string> roots = {
      {"Sync", "AirSync:Sync"},
      {"SendMail", "ComposeMail:SendMail"},
      {"SmartForward", "ComposeMail:SmartForward"},
      {"SmartReply", "ComposeMail:SmartReply"},
      {"FolderSync", "FolderHierarchy:FolderSync"},
      {"FolderCreate", "FolderHierarchy:FolderCreate"},
      {"FolderDelete", "FolderHierarchy:FolderDelete"},
      {"FolderUpdate", "FolderHierarchy:FolderUpdate"},
      {"MoveItems", "Move:MoveItems"},
      {"GetItemEstimate", "GetItemEstimate:GetItemEstimate"},
      {"MeetingResponse", "MeetingResponse:MeetingResponse"},
      {"Search", "Search:Search"},
      {"Settings", "Settings:Settings"},
      {"Ping", "Ping:Ping"},
      {"ItemOperations", "ItemOperations:ItemOperations"},
      {"Provision", "Provision:Provision"},
      {"ResolveRecipients", "ResolveRecipients:ResolveRecipients"},
      {"ValidateCert", "ValidateCert:ValidateCert"},
      {"Find", "Find:Find"},
  };
  return roots;
}

// --- the three hostile WBXML documents -------------------------------------------------------------

// An ENTITY token with a 5-byte multi-byte integer: libwbxml 0.11.8 aborts on it (ARCHITECTURE.md §1).
inline std::string hostile_entity() { return std::string("\x03\x01\x6A\x00\x45\x02\x88\x80\x80\x80\x00\x01", 12); }

// 100,000 nested <Sync> elements: a recursive decoder overflows its stack.
inline std::string hostile_nesting() {
  std::string s("\x03\x01\x6A\x00", 4);
  s.append(100'000, '\x45');
  s.append(100'000, '\x01');
  return s;
}

// A ~66 KB string table referenced 2,000 times (~130 MB if expanded): 70 KB on the wire.
inline std::string hostile_string_table() {
  constexpr std::size_t table = 66'000;
  std::string s("\x03\x01\x6A", 3);
  // mb_u_int32 of the table length (66000 = 0x101D0: 0x84 0x83 0x50)
  s += std::string("\x84\x83\x50", 3);
  s.append(table - 1, 'A');
  s.push_back('\0');
  s += "\x45\x4B";  // <Sync><SyncKey>
  for (int i = 0; i < 2000; ++i) s += std::string("\x83\x00", 2);  // STR_T offset 0
  s += "\x01\x01";
  return s;
}

// Over [limits] header_bytes (32 KB), yet small enough for the server to read past after refusing it.
inline field_list oversized_header() { return {{"X-Filler", std::string(40'000, 'a')}}; }

// Far more than any limit or drain: the answer may be lost to a reset, but the server must survive it.
inline field_list header_flood() {
  field_list f;
  for (int i = 0; i < 20; ++i) f.emplace_back("X-Flood-" + std::to_string(i), std::string(60'000, 'f'));
  return f;
}

// The server must answer 431 (or 400) and let the client read it. Closing with the unread rest of the
// request in the socket makes the kernel send a reset, which can destroy the answer before the client
// reads it: a server has to stop reading politely (half-close, drain briefly) for the answer to arrive.
inline void expect_header_refused(eas_client& c, const field_list& headers) {
  try {
    auto r = c.options(headers);
    EXPECT_TRUE(r.status == 431u || r.status == 400u) << r.describe();
  } catch (const eas_client_error& e) {
    ADD_FAILURE() << "no HTTP answer to an oversized header, the connection failed: " << e.what()
                  << " (server closed without draining the unread request?)";
  }
}

// --- suite fixtures ----------------------------------------------------------------------------------

// The shared start-up: one Dovecot and one easd per suite.
struct services {
  std::unique_ptr<run_dir> run;
  std::unique_ptr<dovecot_service> dovecot;
  std::unique_ptr<easd_service> easd;

  void start(easd_service::options opts) {
    run = std::make_unique<run_dir>();
    dovecot = std::make_unique<dovecot_service>(run->path());
    easd = std::make_unique<easd_service>(run->path(), easd_binary(), std::move(opts));
  }
  void stop() {
    easd.reset();
    dovecot.reset();
    run.reset();
  }

  eas_client client(std::string user = "alice", std::string password = "secret",
                    std::string version = "14.1") const {
    eas_client_options o;
    o.port = easd->port();
    o.tls = !plain;
    if (!plain) o.ca_file = easd->cert_file().string();
    o.user = std::move(user);
    o.password = std::move(password);
    o.protocol_version = std::move(version);
    o.timeout = 20s;
    return eas_client(std::move(o));
  }

  bool plain = false;
};

inline std::string context_of(const services& s) {
  return s.easd ? "easd log " + s.easd->log_file().string() + ":\n" + log_tail(s.easd->log_file(), 15)
                : std::string("(no easd)");
}

// After a crash (already reported by the test that caused it) the suite goes on with a new easd.
inline void restart_if_dead(services& s) {
  if (s.easd && s.easd->pid() > 0 && !process_alive(s.easd->pid())) {
    std::printf("  (restarting easd, which died in an earlier test)\n");
    s.easd->start();
  }
}

// A crash shows up in the test that caused it, with the log, instead of as "connection refused" later.
inline void expect_easd_alive(const services& s, const char* when) {
  if (s.easd && s.easd->pid() > 0 && !process_alive(s.easd->pid()))
    ADD_FAILURE() << "easd (pid " << s.easd->pid() << ") is not running " << when << "\n" << context_of(s);
}

// One Dovecot and one easd for a whole suite (CRTP: each suite gets its own instance). `Derived` says how
// easd starts through `static easd_service::options easd_options()` and `static constexpr bool plain`.
template <class Derived>
class shared_easd_suite : public ::testing::Test {
protected:
  void SetUp() override { restart_if_dead(*s_); }
  void TearDown() override { expect_easd_alive(*s_, "after this test"); }
  static void SetUpTestSuite() {
    s_ = new services;
    s_->plain = Derived::plain;
    s_->start(Derived::easd_options());
  }
  static void TearDownTestSuite() {
    s_->stop();
    delete s_;
    s_ = nullptr;
  }
  static eas_client client(std::string user = "alice", std::string password = "secret",
                           std::string version = "14.1") {
    return s_->client(std::move(user), std::move(password), std::move(version));
  }
  static inline services* s_ = nullptr;
};

}  // namespace easd::test::foundation
