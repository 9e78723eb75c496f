// Input that decodes as WBXML is a draft's ApplicationData: parsed (bounded), applied to an empty draft
// and to a stored one with an attachment, composed and read back. Any other input is a stored draft (or a
// Type 4 body): read, composed again and read back. Invariants: composed drafts have only CRLF line
// ends and no line over 998 octets, stay within max_message, parse again with the same recipients,
// Message-ID and attachment count, and name each attachment by the part number compose_draft reported.
#include "eas/protocol/commands/sync_drafts.hpp"
#include "eas/protocol/compose/draft_mime.hpp"
#include "eas/protocol/compose/outgoing.hpp"
#include "eas/wbxml/codec.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace easd;

constexpr std::string_view stored =
    "From: ann@example.org\r\nTo: bob@example.net\r\nSubject: s\r\nMessage-ID: <m@example.org>\r\n"
    "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
    "text\r\n--b\r\nContent-Type: application/pdf; name=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    "JVBERg==\r\n--b--\r\n";

void check_lines(std::string_view s) {
  std::size_t line = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) std::abort();
    if (s[i] == '\r' && (i + 1 == s.size() || s[i + 1] != '\n')) std::abort();
    if (s[i] == '\n') {
      line = 0;
    } else if (++line > 999) {
      std::abort();
    }
  }
}

void compose_and_check(compose::draft_message d, const compose::draft_limits& limits) {
  compose::draft_envelope env;
  env.from.address = "ann@example.org";
  env.now = 1796114660;
  auto raw = compose::compose_draft(d, env, limits);
  if (!raw) return;
  if (raw->size() > limits.max_message) std::abort();
  check_lines(*raw);
  if (d.attachment_sections.size() != d.attachments.size()) std::abort();
  compose::draft_limits again_limits = limits;
  again_limits.max_message = limits.max_message + 4096;
  auto back = compose::read_draft(*raw, again_limits);
  if (!back) std::abort();
  if (back->to.size() != d.to.size() || back->cc.size() != d.cc.size() || back->bcc.size() != d.bcc.size()) {
    std::abort();
  }
  if (back->attachments.size() != d.attachments.size()) std::abort();
  if (back->attachment_sections != d.attachment_sections) std::abort();
  if (back->message_id != d.message_id) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  compose::draft_limits limits;
  limits.max_message = 1u << 20;
  limits.max_attachments = 20;
  limits.max_recipients = 50;

  wbxml::limits wl;
  wl.max_decoded_bytes = 1u << 20;
  wl.max_elements = 5000;
  if (auto root = wbxml::decode(text, wl)) {
    protocol::sync_detail::draft_request_limits rl;
    rl.max_body = limits.max_message;
    rl.max_attachment = limits.max_message;
    rl.max_attachments = limits.max_attachments;
    auto request = protocol::sync_detail::parse_draft_request(*root, "7", 5, rl);
    if (!request) return 0;
    compose::draft_message empty;
    if (compose::apply_draft_edit(empty, request->edit, limits)) compose_and_check(empty, limits);
    auto base = compose::read_draft(stored, limits);
    if (!base) std::abort();
    const auto before = *base;
    if (compose::apply_draft_edit(*base, request->edit, limits)) {
      compose_and_check(*base, limits);
    } else if (base->attachments.size() != before.attachments.size() || base->subject != before.subject) {
      std::abort();  // a refused edit changes nothing
    }
    return 0;
  }
  auto draft = compose::read_draft(text, limits);
  if (draft) compose_and_check(*draft, limits);
  return 0;
}
