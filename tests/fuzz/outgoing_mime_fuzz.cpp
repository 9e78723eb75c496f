// Parses the input as the phone's message, prepares it for submission (both From policies) and composes
// a reply and a forward from it. Invariants: the submitted bytes have only CRLF line ends, no Bcc field
// and parse again; every recipient is a valid addr-spec; composed output stays within its bound and
// parses again.
#include "eas/core/ascii.hpp"
#include "eas/protocol/compose/address_list.hpp"
#include "eas/protocol/compose/forward_compose.hpp"
#include "eas/protocol/compose/outgoing.hpp"
#include "eas/protocol/compose/reply_compose.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace easd::compose;

void check_crlf(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) std::abort();
    if (s[i] == '\r' && (i + 1 == s.size() || s[i + 1] != '\n')) std::abort();
  }
}

void prepare(const outgoing_message& parsed, from_policy policy, const outgoing_limits& limits) {
  outgoing_message m = parsed;
  submission_options o;
  o.user_addresses = {"ann@example.org"};
  o.from = policy;
  o.message_id_host = "fuzz.example";
  o.now = 1796114660;
  o.max_message = limits.max_message + 4096;
  auto p = prepare_for_submission(m, o);
  if (!p) return;
  check_crlf(p->message);
  for (const auto& r : p->recipients) {
    if (!is_valid_addr_spec(r)) std::abort();
  }
  auto again =
      parse_outgoing(p->message, outgoing_limits{limits.max_message + 4096, {512u << 10, 1010, 64u << 10}, 1000});
  if (!again) std::abort();
  for (const auto& f : again->fields) {
    if (easd::iequals_ascii(f.name, "Bcc")) std::abort();
  }
  // Whatever the policy, only the user's address can be in From after a successful prepare.
  if (again->from.empty()) std::abort();
  for (const auto& a : again->from) {
    if (!easd::iequals_ascii(a.address, "ann@example.org")) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const outgoing_limits limits{1u << 20, {64u << 10, 200, 16u << 10}, 100};
  auto parsed = parse_outgoing(text, limits);
  if (!parsed) return 0;
  prepare(*parsed, from_policy::reject, limits);
  prepare(*parsed, from_policy::rewrite, limits);

  original_message o;
  o.from = {{"Bob", "bob@example.net"}};
  o.date = 1796114660;
  o.subject = parsed->subject;
  o.message_id = "<orig@example.net>";
  o.text_plain = std::string(text.substr(0, 512));
  o.attachments = {{"f\xc3\xbc.bin", "application/octet-stream", "cid@x", false, std::string(text.substr(0, 300))}};
  compose_options c;
  c.max_output = 4u << 20;
  c.phone_parts.max_bytes = 2u << 20;
  for (auto out : {compose_reply(*parsed, o, c), compose_forward(*parsed, o, c)}) {
    if (!out) continue;
    if (out->size() > c.max_output) std::abort();
    check_crlf(*out);
    auto again = parse_outgoing(*out, outgoing_limits{8u << 20, {512u << 10, 1010, 64u << 10}, 1000});
    if (!again) std::abort();
    if (!parse_parts(again->mime_headers(), again->body)) std::abort();
  }
  return 0;
}
