#include "eas/protocol/compose/draft_mime.hpp"

#include "eas/core/ascii.hpp"
#include "eas/core/html_text.hpp"
#include "eas/core/mail_date.hpp"
#include "eas/protocol/compose/address_list.hpp"
#include "eas/protocol/compose/compose_parts.hpp"
#include "eas/protocol/compose/error.hpp"
#include "eas/protocol/compose/mime_writer.hpp"
#include "eas/protocol/compose/outgoing.hpp"

#include <algorithm>

namespace easd::compose {
namespace {

constexpr std::size_t max_msg_id = 250;
constexpr std::size_t max_references = 100;  // msg-ids kept in References

// "<left@right>" of printable ASCII without white space, quotes or further angle brackets: what we write
// back into a header must not carry anything a phone or another client smuggled into the stored one.
bool clean_msg_id(std::string_view id) {
  if (id.size() < 5 || id.size() > max_msg_id || id.front() != '<' || id.back() != '>') return false;
  const auto inner = id.substr(1, id.size() - 2);
  if (inner.find('@') == std::string_view::npos) return false;
  return std::all_of(inner.begin(), inner.end(), [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return b > 0x20 && b < 0x7F && c != '<' && c != '>' && c != '"' && c != '\\';
  });
}

// The clean msg-ids of a References / In-Reply-To value, folded between ids (RFC 5322 3.6.4).
std::string msg_id_list(std::string_view value, std::size_t max_ids) {
  std::string out;
  std::size_t line = 0, count = 0, pos = 0;
  while (pos < value.size() && count < max_ids) {
    while (pos < value.size() && std::string_view(" \t\r\n").find(value[pos]) != std::string_view::npos) ++pos;
    std::size_t end = pos;
    while (end < value.size() && std::string_view(" \t\r\n").find(value[end]) == std::string_view::npos) ++end;
    const auto id = value.substr(pos, end - pos);
    pos = end;
    if (!clean_msg_id(id)) continue;
    if (!out.empty()) {
      if (line + id.size() > 76) {
        out += "\r\n ";
        line = 1;
      } else {
        out += ' ';
        ++line;
      }
    }
    out += id;
    line += id.size();
    ++count;
  }
  return out;
}

std::string domain_of(std::string_view address) {
  const auto at = address.rfind('@');
  if (at == std::string_view::npos || at + 1 == address.size()) return "easd.invalid";
  const auto d = address.substr(at + 1);
  const bool ok = d.size() <= 253 &&
                  std::all_of(d.begin(), d.end(), [](char c) { return is_ascii_alnum(c) || c == '-' || c == '.'; });
  return ok ? std::string(d) : "easd.invalid";
}

// An EAS address list ([MS-ASDTYPE] 2.7.2 comma-separated); clients also separate with ';' the way
// DisplayTo does, so a list that does not parse is tried once more with ';' read as ','.
result<std::vector<backend::mail_address>> addresses(std::string_view value, const draft_limits& limits) {
  const address_limits al{.max_input = 64u << 10, .max_addresses = limits.max_recipients, .max_comment_depth = 16};
  auto list = parse_address_list(value, al);
  if (list || list.error() != compose_error::bad_address) return list;
  std::string semi(value);
  std::replace(semi.begin(), semi.end(), ';', ',');
  return parse_address_list(semi, al);
}

int importance_of(const outgoing_message& msg) {
  if (const auto* f = msg.field("Importance")) {
    const std::string v = to_lower_ascii(field_value(header_field{f->name, f->raw, f->value()}));
    if (v == "low") return 0;
    if (v == "high") return 2;
    return 1;
  }
  if (const auto* f = msg.field("X-Priority")) {
    const std::string v = field_value(header_field{f->name, f->raw, f->value()});
    if (!v.empty() && (v.front() == '1' || v.front() == '2')) return 2;
    if (!v.empty() && (v.front() == '4' || v.front() == '5')) return 0;
  }
  return 1;
}

std::size_t recipients(const draft_message& d) { return d.to.size() + d.cc.size() + d.bcc.size(); }

}  // namespace

result<draft_message> read_draft(std::string_view raw, const draft_limits& limits) {
  outgoing_limits ol;
  ol.max_message = limits.max_message;
  ol.max_recipients = limits.max_recipients;
  auto msg = parse_outgoing(raw, ol);
  if (!msg) return msg.error();
  draft_message d;
  d.to = std::move(msg->to);
  d.cc = std::move(msg->cc);
  d.bcc = std::move(msg->bcc);
  d.reply_to = std::move(msg->reply_to);
  d.subject = std::move(msg->subject);
  d.importance = importance_of(*msg);
  if (clean_msg_id(msg->message_id)) d.message_id = msg->message_id;
  d.in_reply_to = msg_id_list(msg->in_reply_to, 1);
  d.references = msg_id_list(msg->references, max_references);

  part_limits pl;
  pl.max_bytes = limits.max_message;
  pl.max_parts = limits.max_attachments + 8;
  auto leaves = parse_parts(msg->mime_headers(), msg->body, pl);
  if (!leaves) return leaves.error();
  for (auto& leaf : *leaves) {
    const bool attached = leaf.disposition == "attachment" || !leaf.filename.empty();
    if (!attached && leaf.type == "text" && leaf.subtype == "plain" && !d.plain) {
      d.plain = leaf_text(leaf);
    } else if (!attached && leaf.type == "text" && leaf.subtype == "html" && !d.html) {
      d.html = leaf_text(leaf);
    } else {
      if (d.attachments.size() >= limits.max_attachments) return compose_error::too_many_attachments;
      d.attachment_sections.push_back(leaf.section);
      d.attachments.push_back({std::move(leaf.filename), leaf.type + "/" + leaf.subtype, std::move(leaf.content_id),
                               leaf.disposition == "inline", std::move(leaf.bytes)});
    }
  }
  return d;
}

result<void> apply_draft_edit(draft_message& target, const draft_edit& edit, const draft_limits& limits) {
  draft_message draft = target;  // all or nothing: `target` changes only when every step succeeded
  if (edit.body_type == 4) {
    // The device's MIME is the draft now; what it cannot carry (importance as an element, attachments
    // added alongside) is applied below.
    auto from_mime = read_draft(edit.body_data, limits);
    if (!from_mime) return from_mime.error();
    from_mime->message_id = draft.message_id.empty() ? from_mime->message_id : draft.message_id;
    draft = std::move(*from_mime);
  } else if (edit.body_type == 1) {
    draft.plain = edit.body_data;
    draft.html.reset();
  } else if (edit.body_type == 2) {
    draft.html = edit.body_data;
    draft.plain.reset();
  } else if (edit.body_type) {
    return compose_error::malformed;  // 3 RTF: not for drafts
  }
  const std::pair<const std::optional<std::string>*, std::vector<backend::mail_address>*> lists[] = {
      {&edit.to, &draft.to}, {&edit.cc, &draft.cc}, {&edit.bcc, &draft.bcc}, {&edit.reply_to, &draft.reply_to}};
  for (const auto& [value, list] : lists) {
    if (!*value) continue;
    auto parsed = addresses(**value, limits);
    if (!parsed) return parsed.error();
    *list = std::move(*parsed);
  }
  if (recipients(draft) > limits.max_recipients) return compose_error::too_many_recipients;
  if (edit.subject) draft.subject = *edit.subject;
  if (edit.importance) draft.importance = std::clamp(*edit.importance, 0, 2);

  if (!edit.sections_deleted.empty()) {
    std::vector<attachment> kept;
    std::vector<std::string> kept_sections;
    for (std::size_t i = 0; i < draft.attachments.size(); ++i) {
      const std::string section = i < draft.attachment_sections.size() ? draft.attachment_sections[i] : std::string();
      const bool gone =
          std::find(edit.sections_deleted.begin(), edit.sections_deleted.end(), section) != edit.sections_deleted.end();
      if (gone) continue;
      kept.push_back(std::move(draft.attachments[i]));
      kept_sections.push_back(section);
    }
    draft.attachments = std::move(kept);
    draft.attachment_sections = std::move(kept_sections);
  }
  if (draft.attachments.size() + edit.attachments_added.size() > limits.max_attachments) {
    return compose_error::too_many_attachments;
  }
  std::size_t bytes = 0;
  for (const auto& a : draft.attachments) bytes += a.bytes.size();
  for (const auto& a : edit.attachments_added) {
    bytes += a.content.bytes.size();
    if (bytes > limits.max_message) return compose_error::too_large;
    draft.attachments.push_back(a.content);
    draft.attachment_sections.emplace_back();  // not stored yet: compose_draft numbers it
  }
  target = std::move(draft);
  return {};
}

result<std::string> compose_draft(draft_message& draft, const draft_envelope& envelope, const draft_limits& limits) {
  if (draft.attachments.size() > limits.max_attachments) return compose_error::too_many_attachments;
  if (recipients(draft) > limits.max_recipients) return compose_error::too_many_recipients;
  // Refuse before building: base64 in 76-character lines is 78 bytes per 57, quoted-printable up to 3 per 1.
  std::size_t estimate = 0;
  for (const auto& a : draft.attachments) estimate += a.bytes.size() / 57 * 78 + 78;
  if (draft.plain) estimate += draft.plain->size();
  if (draft.html) estimate += draft.html->size();
  if (estimate > limits.max_message) return compose_error::too_large;

  if (!clean_msg_id(draft.message_id)) {
    const std::string host =
        envelope.message_id_host.empty() ? domain_of(envelope.from.address) : envelope.message_id_host;
    draft.message_id = "<" + random_hex(16) + "@" + host + ">";
  }
  std::string head;
  head += "From: " + format_mailbox(envelope.from) + "\r\n";
  const std::pair<const char*, const std::vector<backend::mail_address>*> lists[] = {
      {"To", &draft.to}, {"Cc", &draft.cc}, {"Bcc", &draft.bcc}, {"Reply-To", &draft.reply_to}};
  for (const auto& [name, list] : lists) {
    if (!list->empty()) head += std::string(name) + ": " + format_mailboxes(*list) + "\r\n";
  }
  if (!draft.subject.empty()) head += "Subject: " + header_text(draft.subject) + "\r\n";
  head += "Date: " + mail_date::format_rfc5322(envelope.now) + "\r\n";
  head += "Message-ID: " + draft.message_id + "\r\n";
  if (const auto irt = msg_id_list(draft.in_reply_to, 1); !irt.empty()) head += "In-Reply-To: " + irt + "\r\n";
  if (const auto refs = msg_id_list(draft.references, max_references); !refs.empty()) {
    head += "References: " + refs + "\r\n";
  }
  if (draft.importance == 0) head += "Importance: low\r\n";
  if (draft.importance == 2) head += "Importance: high\r\n";
  head += "MIME-Version: 1.0\r\n";

  const std::string plain = draft.plain ? *draft.plain : draft.html ? mime::html_to_text(*draft.html) : std::string();
  entity top = body_entity(plain, draft.html);
  draft.attachment_sections.clear();
  if (!draft.attachments.empty()) {
    std::vector<entity> parts{std::move(top)};
    for (std::size_t i = 0; i < draft.attachments.size(); ++i) {
      parts.push_back(attachment_entity(draft.attachments[i]));
      draft.attachment_sections.push_back(std::to_string(i + 2));
    }
    top = multipart_entity("mixed", parts);
  }
  if (head.size() + top.size() > limits.max_message) return compose_error::too_large;
  std::string out;
  out.reserve(head.size() + top.size());
  out += head;
  out += top.header;
  out += "\r\n";
  out += top.body;
  return out;
}

}  // namespace easd::compose
