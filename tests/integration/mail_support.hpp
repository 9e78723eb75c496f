// Shared pieces of the mail end-to-end tests (mail_*_test.cpp): the real easd binary against a real
// Dovecot, seeded through IMAP (tests/support/mail_seed.hpp), driven by the device model
// (tests/support/eas_device.hpp), changed behind easd's back by a second IMAP client, and every response
// checked against the EAS response schemas (../shared/tools/validate-eas-response).
//
// One Dovecot and one easd per suite (mail_suite<Derived>, like foundation's shared_easd_suite); each test
// uses its own users, so tests do not see each other's mail. Derived says `condstore` (false: Dovecot
// without CONDSTORE/QRESYNC, easd's slow path), `plain` (HTTP, for the crash tests' raw sockets) and
// `count_imap` (easd reaches Dovecot through imap_counting_proxy, plain IMAP).
#pragma once

#include "tests/support/eas_client.hpp"
#include "tests/support/eas_device.hpp"
#include "tests/support/imap_counting_proxy.hpp"
#include "tests/support/imap_test_client.hpp"
#include "tests/support/mail_seed.hpp"
#include "tests/support/services.hpp"

#include "eas/wbxml/codec.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace easd::test::mail {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

inline const std::vector<std::string>& versions() {
  static const std::vector<std::string> v = {"12.1", "14.1", "16.1"};
  return v;
}

// The throttle is not what these tests are about.
inline constexpr const char* auth_toml =
    "[auth]\n"
    "failure_floor_ms = 300\n"
    "max_failures_per_address = 100000\n"
    "max_failures_per_user = 100000\n";

inline fs::path validator() { return fs::path(EASD_SHARED_DIR) / "tools/validate-eas-response"; }

// Exit status of the validator for one WBXML body, its output in `out`.
inline int validate_wbxml(const std::string& body, std::string& out) {
  static std::atomic<unsigned> counter{0};
  const auto dir = fs::temp_directory_path() / ("easd-mail-schema-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto n = std::to_string(counter++);
  const auto file = dir / ("r" + n + ".wbxml");
  std::ofstream(file, std::ios::binary) << body;
  const auto log = dir / ("r" + n + ".log");
  const auto cmd = "sh '" + validator().string() + "' '" + file.string() + "' >'" + log.string() + "' 2>&1";
  const int rc = std::system(cmd.c_str());
  std::ifstream in(log);
  out.assign(std::istreambuf_iterator<char>(in), {});
  fs::remove(file);
  fs::remove(log);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// Validates responses as they come: every WBXML response (part 0 of a multipart one) up to `cap` per
// command and status, so long syncs do not spend minutes in xmllint while every kind is still checked.
class schema_checker {
public:
  explicit schema_checker(unsigned cap = 25) : cap_(cap) {}
  void operator()(std::string_view command, const eas_response& r) {
    if (r.status != 200 || r.body.empty() || !fs::exists(validator())) return;
    std::string body = r.body;
    if (r.header("Content-Type").find("multipart") != std::string::npos) {
      auto parts = split_multipart(r.body);
      if (!parts || parts->empty()) {
        ADD_FAILURE() << command << ": malformed multipart response";
        return;
      }
      body = (*parts)[0];
    } else if (r.header("Content-Type").find("ms-sync") == std::string::npos) {
      return;  // GetAttachment: the attachment itself
    }
    const std::string key = std::string(command) + "/" + std::to_string(r.eas_status().value_or(0));
    if (seen_[key]++ >= cap_) return;
    // libwbxml 0.11.8 (inside the validator) names Email tokens 0x19 "Reply-To" and 0x3B "FlagStatus",
    // not [MS-ASWBXML]'s "ReplyTo" and "Status", so the schema rejects correct ones; drop them before
    // validating (the device model checks their content).
    if (auto doc = wbxml::decode(body)) {
      if (strip_reply_to(*doc)) body = wbxml::encode_to_string(*doc);
    }
    std::string out;
    const int rc = validate_wbxml(body, out);
    ++validated_;
    std::string errors;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      if (line.find("validity error") != std::string::npos || line.find("fails to validate") != std::string::npos ||
          line.find("could not decode") != std::string::npos || line.find("no schema") != std::string::npos) {
        errors += line + "\n";
      }
    }
    EXPECT_EQ(rc, 0) << command << " response does not validate:\n" << errors << r.xml().substr(0, 3000);
  }
  unsigned validated() const noexcept { return validated_; }

private:
  static bool strip_reply_to(wbxml::element& e) {
    static const auto reply_to = wbxml::element::named("Email:ReplyTo").id();
    static const auto flag_status = wbxml::element::named("Email:Status").id();
    // Likewise misnamed by libwbxml 0.11.8 (wbxml.md, pages 14 and 18).
    static const auto storage_card = wbxml::element::named("Provision:RequireStorageCardEncryption").id();
    static const auto smtp_address = wbxml::element::named("Settings:SMTPAddress").id();
    static const auto rights = wbxml::element::named("Settings:RightsManagementInformation").id();
    auto& kids = e.children();
    const auto before = kids.size();
    std::erase_if(kids, [](const wbxml::element& c) {
      return c.id() == reply_to || c.id() == flag_status || c.id() == storage_card || c.id() == smtp_address ||
             c.id() == rights;
    });
    bool changed = kids.size() != before;
    for (auto& c : kids) changed = strip_reply_to(c) || changed;
    return changed;
  }
  unsigned cap_;
  unsigned validated_ = 0;
  std::map<std::string, unsigned> seen_;
};

struct environment {
  std::unique_ptr<run_dir> run;
  std::unique_ptr<dovecot_service> dovecot;
  std::unique_ptr<imap_counting_proxy> proxy;
  std::unique_ptr<easd_service> easd;
  bool plain = false;
  bool provisioning = false;  // set before start(): the provisioning gate on (tests/integration/provisioning_*)
  schema_checker schemas;

  void start(bool condstore, bool plain_http, bool count_imap, std::string extra_toml = {}) {
    plain = plain_http;
    run = std::make_unique<run_dir>(condstore ? "mail" : "mail-nocs");
    dovecot_options d;
    d.condstore = condstore;
    dovecot = std::make_unique<dovecot_service>(run->path(), std::move(d));
    easd_service::options o;
    o.plain = plain_http;
    o.log_level = "debug";
    o.extra_toml = std::string(auth_toml) + extra_toml;
    o.provisioning = provisioning;
    if (count_imap) {
      proxy = std::make_unique<imap_counting_proxy>(dovecot->imap_port());
      o.imap_port = proxy->port();
      o.imap_security = "none";
    }
    easd = std::make_unique<easd_service>(run->path(), easd_binary(), std::move(o));
  }
  void stop() {
    easd.reset();
    proxy.reset();
    dovecot.reset();
    run.reset();
  }

  eas_client client(const std::string& user, const std::string& version, const std::string& device_id) const {
    eas_client_options o;
    o.port = easd->port();
    o.tls = !plain;
    if (!plain) o.ca_file = easd->cert_file().string();
    o.user = user;
    o.password = "secret";
    o.protocol_version = version;
    o.device_id = device_id;
    o.timeout = 120s;
    return eas_client(std::move(o));
  }
  imap_test_client imap(const std::string& user) const { return imap_test_client(dovecot->imap_port(), user, "secret"); }

  std::string context() const {
    return easd ? "easd log " + easd->log_file().string() + ":\n" + log_tail(easd->log_file(), 25) : "(no easd)";
  }
};

// A phone: its own connection and its mail state, every response schema-checked.
struct phone {
  eas_client client;
  eas_device device;
  phone(environment& env, const std::string& user, const std::string& version, const std::string& device_id)
      : client(env.client(user, version, device_id)), device(client) {
    device.observer = [&env](std::string_view cmd, const eas_response& r) { env.schemas(cmd, r); };
  }
  // The collection of a mailbox: INBOX is the type-2 folder, Trash type 4, others by display name.
  device_folder& collection(std::string_view mailbox) {
    device_folder* f = nullptr;
    if (mailbox == "INBOX") f = device.folder_of_type(2);
    else if (mailbox == "Trash") f = device.folder_of_type(4);
    else if (mailbox == "Drafts") f = device.folder_of_type(3);
    else if (mailbox == "Sent") f = device.folder_of_type(5);
    if (!f) {
      std::string_view leaf = mailbox.substr(mailbox.rfind('/') == std::string_view::npos ? 0 : mailbox.rfind('/') + 1);
      f = device.folder_named(leaf);
    }
    if (!f) throw std::runtime_error("device has no collection for mailbox " + std::string(mailbox));
    return *f;
  }
  std::string id(std::string_view mailbox) { return collection(mailbox).server_id; }
  std::string problems() const {
    std::string out;
    for (const auto& a : device.anomalies) out += "  " + a + "\n";
    return out;
  }
};

inline std::unique_ptr<phone> new_phone(environment& env, const std::string& user, const std::string& version = "14.1",
                                        std::string device_id = "") {
  if (device_id.empty()) {
    device_id = "dev";
    for (char c : user + version) {
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) device_id += c;
    }
  }
  auto p = std::make_unique<phone>(env, user, version, device_id);
  auto fs = p->device.folder_sync();
  if (fs.status != 1) throw std::runtime_error("FolderSync failed: " + fs.response.describe() + "\n" + env.context());
  return p;
}

// A user name unique to the test and version ("conv-14-1").
inline std::string user_for(std::string_view base, std::string_view version) {
  std::string u(base);
  u += '-';
  for (char c : version) u += c == '.' ? '-' : c;
  return u;
}

// Syncs `mailbox` to the end and checks the device shows what the server has.
inline void expect_converged(environment& env, phone& p, imap_test_client& imap, std::string_view mailbox,
                             const sync_options& opts = {}) {
  auto& f = p.collection(mailbox);
  auto t = p.device.sync_all(f.server_id, opts);
  EXPECT_EQ(t.last_status, 1u) << mailbox << "\n" << env.context();
  const auto diff = diff_views(server_view(imap, mailbox), device_view(f));
  EXPECT_EQ(diff, "") << "device and server differ in " << mailbox << "\n" << env.context();
}

template <class Derived>
class mail_suite : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    env_ = new environment;
    env_->start(Derived::condstore, Derived::plain, Derived::count_imap);
  }
  static void TearDownTestSuite() {
    env_->stop();
    delete env_;
    env_ = nullptr;
  }
  void SetUp() override {
    if (env_->easd && !env_->easd->running()) env_->easd->start();
  }
  static inline environment* env_ = nullptr;
};

// The two backends every mail behaviour must work on.
struct with_condstore {
  static constexpr bool condstore = true, plain = false, count_imap = false;
};
struct without_condstore {
  static constexpr bool condstore = false, plain = false, count_imap = false;
};

}  // namespace easd::test::mail
