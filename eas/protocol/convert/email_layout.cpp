// Which MIME parts of a message are its body, which are attachments, and what kind of message it is —
// decided from the server's BODYSTRUCTURE alone, so a Sync never downloads a part it does not send.
#include "eas/protocol/convert/email_detail.hpp"

#include "eas/core/ascii.hpp"

namespace easd::protocol::convert::detail {
namespace {

using backend::mime_part;

// BODYSTRUCTURE nests as deep as the sender likes; the IMAP parser bounds it, this bounds us again.
constexpr int max_depth = 64;

struct picked {
  const mime_part* plain = nullptr;
  const mime_part* html = nullptr;
  bool any() const noexcept { return plain != nullptr || html != nullptr; }
};

bool is_body_text(const mime_part& p) {
  return p.type == "text" && p.disposition != "attachment" && p.filename.empty() &&
         (p.subtype == "plain" || p.subtype == "html");
}

bool is_embedded_message(const mime_part& p) {
  return p.type == "message" && (p.subtype == "rfc822" || p.subtype == "global");
}

// multipart/alternative: the plain variant that comes first and the richest (last) HTML variant;
// multipart/related: its root (the first part, RFC 2387 without a start parameter); other multiparts
// (mixed, report, signed…): the first child that has a body.
picked pick_body(const mime_part& p, int depth) {
  if (depth > max_depth) return {};
  if (p.type == "multipart") {
    if (p.subtype == "alternative") {
      picked r;
      for (const auto& c : p.children) {
        const auto sub = pick_body(c, depth + 1);
        if (sub.plain != nullptr && r.plain == nullptr) r.plain = sub.plain;
        if (sub.html != nullptr) r.html = sub.html;
      }
      return r;
    }
    if (p.subtype == "related") return p.children.empty() ? picked{} : pick_body(p.children.front(), depth + 1);
    for (const auto& c : p.children) {
      auto sub = pick_body(c, depth + 1);
      if (sub.any()) return sub;
    }
    return {};
  }
  if (is_body_text(p)) {
    if (p.subtype == "plain") return {&p, nullptr};
    return {nullptr, &p};
  }
  return {};
}

const mime_part* find_calendar(const mime_part& p, int depth) {
  if (depth > max_depth || is_embedded_message(p)) return nullptr;
  if (p.type == "text" && p.subtype == "calendar" && p.disposition != "attachment") return &p;
  for (const auto& c : p.children) {
    if (const auto* found = find_calendar(c, depth + 1)) return found;
  }
  return nullptr;
}

std::string extension_for(const mime_part& p) {
  if (p.type == "image") {
    if (p.subtype == "jpeg" || p.subtype == "pjpeg") return ".jpg";
    if (p.subtype == "png" || p.subtype == "gif" || p.subtype == "bmp" || p.subtype == "tiff" ||
        p.subtype == "webp")
      return "." + p.subtype;
  }
  if (p.type == "application") {
    if (p.subtype == "pdf" || p.subtype == "zip") return "." + p.subtype;
    if (p.subtype == "pkcs7-mime" || p.subtype == "x-pkcs7-mime") return ".p7m";
    if (p.subtype == "pkcs7-signature" || p.subtype == "x-pkcs7-signature") return ".p7s";
    if (p.subtype == "ics") return ".ics";
  }
  if (p.type == "text") {
    if (p.subtype == "plain") return ".txt";
    if (p.subtype == "html") return ".html";
    if (p.subtype == "calendar") return ".ics";
  }
  return ".bin";
}

// A name the device can show and open: the sender's file name without control characters; a made-up one
// for nameless parts; ".eml" on embedded messages (Android will not open them otherwise — content.md §1.5).
std::string display_name_of(const mime_part& p, bool embedded) {
  std::string name;
  name.reserve(p.filename.size());
  for (const char c : p.filename) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) name += c;
  }
  if (name.size() > 255) name.resize(utf8_cut(name, 255));
  if (name.empty()) {
    if (p.subtype == "pkcs7-mime" || p.subtype == "x-pkcs7-mime") return "smime.p7m";
    if (p.subtype == "pkcs7-signature" || p.subtype == "x-pkcs7-signature") return "smime.p7s";
    name = embedded ? "message" : "attachment";
    if (!p.section.empty()) name += "-" + p.section;
    return name + (embedded ? ".eml" : extension_for(p));
  }
  if (embedded && !(name.size() >= 4 && iequals_ascii(std::string_view(name).substr(name.size() - 4), ".eml")))
    name += ".eml";
  return name;
}

void collect_attachments(const mime_part& p, const message_layout& layout, bool in_related, int depth,
                         std::vector<attachment_part>& out) {
  if (depth > max_depth) return;
  if (&p == layout.plain || &p == layout.html) return;
  if (p.type == "multipart") {
    const bool related = in_related || p.subtype == "related";
    for (const auto& c : p.children) collect_attachments(c, layout, related, depth + 1, out);
    return;
  }
  const bool embedded = is_embedded_message(p);
  // Text without a file name that is not the body: the other variant of an alternative, a calendar
  // invitation, a list footer — none of them is a file the user attached.
  if (!embedded && p.disposition != "attachment" && p.type == "text" && p.filename.empty()) return;
  attachment_part a;
  a.part = &p;
  a.embedded_message = embedded;
  a.display_name = display_name_of(p, embedded);
  // [MS-ASAIRS] 2.2.2.24 IsInline: shown in the body — an inline part with a Content-ID, or one a
  // multipart/related HTML root refers to by cid.
  a.is_inline = !p.content_id.empty() && (p.disposition == "inline" || (in_related && p.disposition.empty()));
  out.push_back(std::move(a));
}

}  // namespace

message_layout analyse_layout(const backend::message_summary& msg) {
  message_layout layout;
  const auto& root = msg.body;
  layout.smime_encrypted =
      root.type == "application" && (root.subtype == "pkcs7-mime" || root.subtype == "x-pkcs7-mime");
  if (root.type == "multipart" && root.subtype == "signed") {
    for (const auto& c : root.children) {
      if (c.type == "application" && (c.subtype == "pkcs7-signature" || c.subtype == "x-pkcs7-signature"))
        layout.smime_signed = true;
    }
  }
  const auto body = pick_body(root, 0);
  layout.plain = body.plain;
  layout.html = body.html;
  if (!layout.smime_encrypted) layout.calendar = find_calendar(root, 0);
  collect_attachments(root, layout, false, 0, layout.attachments);
  return layout;
}

std::uint64_t decoded_size_estimate(const backend::mime_part& part) noexcept {
  if (part.encoding == "base64") return part.size / 4 * 3;
  return part.size;
}

std::string message_class(const message_layout& layout, std::string_view method) {
  if (layout.smime_encrypted) return "IPM.Note.SMIME";
  if (layout.smime_signed) return "IPM.Note.SMIME.MultipartSigned";
  if (layout.calendar != nullptr) {
    if (method == "REQUEST") return "IPM.Schedule.Meeting.Request";
    if (method == "CANCEL") return "IPM.Schedule.Meeting.Canceled";
  }
  return "IPM.Note";
}

bool is_smime_class(std::string_view cls) noexcept { return cls.starts_with("IPM.Note.SMIME"); }
bool is_meeting_class(std::string_view cls) noexcept { return cls.starts_with("IPM.Schedule.Meeting."); }

std::string calendar_method(std::string_view ical) {
  std::size_t pos = 0;
  while (pos < ical.size()) {
    auto end = ical.find('\n', pos);
    if (end == std::string_view::npos) end = ical.size();
    auto line = ical.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (istarts_with_ascii(line, "METHOD:")) {
      auto value = line.substr(7);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
      std::string up(value);
      for (auto& c : up) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      }
      return up;
    }
    pos = end + 1;
  }
  return {};
}

}  // namespace easd::protocol::convert::detail
