// Shared pieces of the sending end-to-end tests (send_test.cpp, issue 6): the real easd binary against a
// real Dovecot and a real submission server (scripts/services/smtp: aiosmtpd, STARTTLS, AUTH, delivery
// into the same Dovecot over LMTP), so a message a phone sends is read back from the recipient's INBOX
// over IMAP.
//
// Users: Dovecot takes any login with the password "secret" and treats "name" and "name@example.test" as
// one mailbox (auth_username_format %Ln), so a phone logs in as a bare name and [smtp] domain =
// "example.test" makes its address name@example.test — the address LMTP delivers to the same mailbox.
// The relay accepts AUTH from any user with that password, as a submission server sharing Dovecot's
// passdb would.
#pragma once

#include "tests/integration/mail_support.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace easd::test::send_e2e {

using namespace std::chrono_literals;
using mail::environment;
using mail::phone;

inline constexpr std::string_view domain = "example.test";
inline std::string address(std::string_view user) { return std::string(user) + "@" + std::string(domain); }
inline bool legacy(std::string_view version) { return version == "12.1"; }

// Dovecot + the relay + easd with an [smtp] table pointing at the relay (STARTTLS, verified against the
// run directory's certificate). `smtp_extra` adds [smtp] keys (limits); `extra` other tables.
struct send_environment {
  environment mail;
  std::unique_ptr<smtp_service> smtp;

  void start(std::string_view name, smtp_options relay, std::string_view smtp_extra, std::string_view extra = {}) {
    mail.run = std::make_unique<run_dir>(name);
    mail.dovecot = std::make_unique<dovecot_service>(mail.run->path());
    smtp = std::make_unique<smtp_service>(mail.run->path(), std::move(relay));
    easd_service::options o;
    o.log_level = "debug";
    o.extra_toml = std::string(mail::auth_toml) + "[smtp]\n" + "host = \"127.0.0.1\"\n" +
                   "port = " + std::to_string(smtp->port()) + "\n" + "security = \"starttls\"\n" +
                   "verify_certificate = true\n" + "ca_file = \"" + smtp->cert_file().string() + "\"\n" +
                   "timeout_seconds = 15\n" + "domain = \"" + std::string(domain) + "\"\n" +
                   std::string(smtp_extra) + std::string(extra);
    mail.easd = std::make_unique<easd_service>(mail.run->path(), easd_binary(), std::move(o));
  }
  void stop() {
    mail.easd.reset();
    smtp.reset();
    mail.stop();
  }
  std::string context() const {
    std::string out = mail.context();
    if (smtp) out += "\nsmtp log " + smtp->log_file().string() + ":\n" + log_tail(smtp->log_file(), 15);
    return out;
  }
};

// One request of a sending command, in whichever form the phone's version uses: 14.0+ WBXML
// (ComposeMail, [MS-ASCMD] 2.2.1.17/.19/.20) or 12.1 raw MIME with the ids in the query (2.2.1.1.1.2.5).
struct send_call {
  std::string command = "SendMail";  // SendMail | SmartReply | SmartForward
  std::string mime;
  std::string client_id;             // 14.0+ only
  bool save_in_sent = true;
  std::string folder_id, item_id;    // Smart*: the original
  bool replace_mime = false;
};

inline wbxml::element compose_request(const send_call& c) {
  auto root = wbxml::element::named("ComposeMail:" + c.command);
  root.add("ComposeMail:ClientId", c.client_id);
  if (c.command != "SendMail") {
    auto& src = root.add("ComposeMail:Source");
    if (!c.folder_id.empty()) src.add("ComposeMail:FolderId", c.folder_id);
    src.add("ComposeMail:ItemId", c.item_id);
  }
  if (c.save_in_sent) root.add("ComposeMail:SaveInSentItems");
  if (c.replace_mime) root.add("ComposeMail:ReplaceMime");
  auto mime = wbxml::element::named("ComposeMail:Mime");
  mime.set_opaque(c.mime);
  root.add(std::move(mime));
  return root;
}

// Sends `c` from phone `p` and schema-checks a WBXML answer.
inline eas_response send(environment& env, phone& p, const send_call& c) {
  eas_response r;
  if (legacy(p.device.version())) {
    field_list params;
    if (c.command != "SendMail") {
      params.emplace_back("ItemId", c.item_id);
      params.emplace_back("CollectionId", c.folder_id);
    }
    if (c.save_in_sent) params.emplace_back("SaveInSent", "T");
    r = p.client.command_bytes(c.command, c.mime, params, {}, "message/rfc822");
  } else {
    const auto req = compose_request(c);
    r = p.client.command(c.command, &req);
  }
  env.schemas(c.command, r);
  return r;
}

// Success is HTTP 200 with an empty body in every version.
inline bool sent_ok(const eas_response& r) { return r.status == 200 && r.body.empty(); }

// The answer a device hears for a failure: 14.0+ HTTP 200 and <Command><Status>N</Status>; 12.1 an HTTP
// status (500 for refusals, 503 for "retry later" — the rate limit and an unreachable server).
struct failure {
  unsigned eas = 0;   // expected EAS status (14.0+)
  unsigned http = 0;  // expected HTTP status (12.1)
};
inline ::testing::AssertionResult failed_with(const eas_response& r, std::string_view version, failure f) {
  if (legacy(version)) {
    if (r.status == f.http) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "12.1: expected HTTP " << f.http << ", got " << r.describe();
  }
  if (r.status == 200 && r.eas_status() == f.eas) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << version << ": expected Status " << f.eas << ", got " << r.describe();
}

// A phone's message, as phones write it: no Date, no Message-ID (easd adds both), Bcc as a header.
struct message_spec {
  std::string from, to, cc, bcc, subject, body;
  std::string extra_headers;  // complete lines with CRLF
};
inline std::string mime(const message_spec& m) {
  std::string out = "From: " + m.from + "\r\n";
  if (!m.to.empty()) out += "To: " + m.to + "\r\n";
  if (!m.cc.empty()) out += "Cc: " + m.cc + "\r\n";
  if (!m.bcc.empty()) out += "Bcc: " + m.bcc + "\r\n";
  out += "Subject: " + m.subject + "\r\n" + m.extra_headers +
         "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" +
         m.body + "\r\n";
  return out;
}

// --- reading what arrived ---------------------------------------------------------------------------

struct stored_message {
  std::uint32_t uid = 0;
  std::set<std::string> flags;
  std::string raw;
};

// Messages of `mailbox` (of `user`) whose raw Subject is `subject`, whole.
inline std::vector<stored_message> messages(environment& env, const std::string& user, std::string_view mailbox,
                                            std::string_view subject) {
  auto imap = env.imap(user);
  imap.select(mailbox);
  std::vector<stored_message> out;
  for (const auto& m : imap.messages(true)) {
    if (m.subject == subject) out.push_back({m.uid, m.flags, imap.fetch_section(m.uid).value_or("")});
  }
  return out;
}

// As messages(), polling until at least `count` are there (deliveries and APPENDs finish before easd
// answers; this only absorbs Dovecot's indexing latency) or `limit` passes.
inline std::vector<stored_message> await_messages(environment& env, const std::string& user,
                                                  std::string_view mailbox, std::string_view subject,
                                                  std::size_t count = 1, std::chrono::milliseconds limit = 5s) {
  const auto until = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto got = messages(env, user, mailbox, subject);
    if (got.size() >= count || std::chrono::steady_clock::now() >= until) return got;
    std::this_thread::sleep_for(100ms);
  }
}

inline std::set<std::string> flags_of(environment& env, const std::string& user, std::string_view mailbox,
                                      std::uint32_t uid) {
  auto imap = env.imap(user);
  imap.select(mailbox);
  for (const auto& m : imap.messages(false)) {
    if (m.uid == uid) return m.flags;
  }
  return {};
}

// The header block of a message (up to the first empty line).
inline std::string_view header_block(std::string_view raw) {
  const auto end = raw.find("\r\n\r\n");
  return end == std::string_view::npos ? raw : raw.substr(0, end + 2);
}

inline bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// The unfolded value of the first top-level header `name`, nullopt when absent.
inline std::optional<std::string> header(std::string_view raw, std::string_view name) {
  const auto block = header_block(raw);
  std::size_t pos = 0;
  while (pos < block.size()) {
    auto eol = block.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = block.size();
    const auto line = block.substr(pos, eol - pos);
    pos = eol + 2;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || line.empty() || line[0] == ' ' || line[0] == '\t') continue;
    if (!iequal(line.substr(0, colon), name)) continue;
    std::string value(line.substr(colon + 1));
    while (pos < block.size() && (block[pos] == ' ' || block[pos] == '\t')) {
      auto next = block.find("\r\n", pos);
      if (next == std::string_view::npos) next = block.size();
      value += block.substr(pos, next - pos);
      pos = next + 2;
    }
    const auto first = value.find_first_not_of(" \t");
    return first == std::string::npos ? std::string() : value.substr(first);
  }
  return std::nullopt;
}

// Quoted-printable soft breaks and =XX removed (text parts easd generates may be quoted-printable).
inline std::string decode_qp(std::string_view s) {
  std::string out;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '=' && i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') {
      i += 2;
    } else if (s[i] == '=' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// `text` occurs in the message as it is or after quoted-printable decoding.
inline bool contains_text(std::string_view raw, std::string_view text) {
  return raw.find(text) != std::string_view::npos || decode_qp(raw).find(text) != std::string::npos;
}

inline std::string decode_base64(std::string_view s) {
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : s) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else continue;  // line breaks, padding
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

// The decoded content of the base64 part whose headers (the last place they mention it) name `file`.
inline std::optional<std::string> attachment_bytes(std::string_view raw, std::string_view file) {
  const auto at = raw.rfind(file);
  if (at == std::string_view::npos) return std::nullopt;
  const auto body = raw.find("\r\n\r\n", at);
  if (body == std::string_view::npos) return std::nullopt;
  const auto end = raw.find("\r\n--", body + 4);
  return decode_base64(raw.substr(body + 4, end == std::string_view::npos ? std::string_view::npos : end - body - 4));
}

// --- the device's side ------------------------------------------------------------------------------

// The ServerId of the item with `subject` in a synced collection ("" when none).
inline std::string item_with_subject(const device_folder& f, std::string_view subject) {
  for (const auto& [id, item] : f.items) {
    if (item.subject == subject) return id;
  }
  return {};
}

// Email2:LastVerbExecuted of the Change (or Add) for `server_id` in a Sync response, nullopt when absent.
inline std::optional<std::string> last_verb(const sync_round& round, std::string_view server_id) {
  if (!round.response.document) return std::nullopt;
  const auto* colls = round.response.document->child("AirSync:Collections");
  if (!colls) return std::nullopt;
  for (const auto& coll : colls->children()) {
    const auto* cmds = coll.child("AirSync:Commands");
    if (!cmds) continue;
    for (const auto& c : cmds->children()) {
      if (text_of(c, "AirSync:ServerId") != server_id) continue;
      if (const auto* data = c.child("AirSync:ApplicationData")) {
        if (auto v = data->child_text("Email2:LastVerbExecuted")) return std::string(*v);
      }
    }
  }
  return std::nullopt;
}

// A ClientId unique to a test and version ([MS-ASCMD] 2.2.3.27.1: ≤ 40 characters).
inline std::string client_id(std::string_view base, std::string_view version) {
  std::string out(base);
  for (char c : version) {
    if (c != '.') out += c;
  }
  return out;
}

}  // namespace easd::test::send_e2e
