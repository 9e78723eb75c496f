#include "eas/protocol/compose/compose_parts.hpp"

#include "eas/core/ascii.hpp"
#include "eas/core/html_text.hpp"
#include "eas/protocol/compose/address_list.hpp"
#include "eas/protocol/compose/error.hpp"
#include "eas/protocol/compose/mime_writer.hpp"

#include <algorithm>

namespace easd::compose {
namespace {

bool is_token_char(char c) noexcept {
  const auto b = static_cast<unsigned char>(c);
  return b > 0x20 && b < 0x7F && std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
}

// "type/subtype" of two RFC 2045 tokens, lower case; the original's labels come from a backend.
std::string clean_content_type(std::string_view t) {
  const std::size_t slash = t.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == t.size() || t.size() > 127) {
    return "application/octet-stream";
  }
  const auto ok = [](std::string_view s) { return std::all_of(s.begin(), s.end(), is_token_char); };
  if (!ok(t.substr(0, slash)) || !ok(t.substr(slash + 1))) return "application/octet-stream";
  // RFC 2046 5.2.1, 5.1: message/* and multipart/* must not be base64-encoded, and every part we attach is.
  if (istarts_with_ascii(t, "message/") || istarts_with_ascii(t, "multipart/")) return "application/octet-stream";
  return to_lower_ascii(t);
}

bool clean_content_id(std::string_view id) {
  return !id.empty() && id.size() <= 250 && std::all_of(id.begin(), id.end(), [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return b > 0x20 && b < 0x7F && c != '<' && c != '>' && c != '"' && c != '\\';
  });
}

// Position of `needle` (ASCII, lower case) in `s` ignoring ASCII case, searching from `from`.
std::size_t ifind(std::string_view s, std::string_view needle, std::size_t from = 0) {
  for (std::size_t i = from; i + needle.size() <= s.size(); ++i) {
    if (istarts_with_ascii(s.substr(i), needle)) return i;
  }
  return std::string_view::npos;
}

std::size_t irfind(std::string_view s, std::string_view needle) {
  for (std::size_t i = s.size() >= needle.size() ? s.size() - needle.size() + 1 : 0; i-- > 0;) {
    if (istarts_with_ascii(s.substr(i), needle)) return i;
  }
  return std::string_view::npos;
}

}  // namespace

std::string phone_content::text() const {
  if (plain) return *plain;
  return html ? mime::html_to_text(*html) : std::string();
}

result<phone_content> read_phone(const outgoing_message& phone, const original_message& original,
                                 bool with_original_attachments, const compose_options& options) {
  auto leaves = parse_parts(phone.mime_headers(), phone.body, options.phone_parts);
  if (!leaves) return leaves.error();
  phone_content out;
  for (auto& leaf : *leaves) {
    const bool attached = leaf.disposition == "attachment" || !leaf.filename.empty();
    if (!attached && leaf.type == "text" && leaf.subtype == "plain" && !out.plain) {
      out.plain = leaf_text(leaf);
    } else if (!attached && leaf.type == "text" && leaf.subtype == "html" && !out.html) {
      out.html = leaf_text(leaf);
    } else {
      out.attachments.push_back({std::move(leaf.filename), leaf.type + "/" + leaf.subtype, std::move(leaf.content_id),
                                 leaf.disposition == "inline", std::move(leaf.bytes)});
    }
  }
  std::size_t count = out.attachments.size();
  std::size_t raw = phone.body.size();
  raw += original.text_plain ? original.text_plain->size() : 0;
  raw += original.text_html ? original.text_html->size() : 0;
  for (const auto& a : out.attachments) raw += a.bytes.size();
  if (with_original_attachments) {
    count += original.attachments.size();
    for (const auto& a : original.attachments) raw += a.bytes.size();
  }
  if (count > options.max_attachments) return compose_error::too_many_attachments;
  // base64 in 76-character lines: 4/3 and a CRLF per 57 input bytes.
  if (raw / 57 * 78 > options.max_output) return compose_error::too_large;
  return out;
}

entity text_entity(std::string_view subtype, std::string_view utf8) {
  return {"Content-Type: text/" + std::string(subtype) +
              "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n",
          encode_quoted_printable(utf8)};
}

entity attachment_entity(const attachment& a) {
  std::string h = "Content-Type: " + clean_content_type(a.content_type);
  if (!a.filename.empty()) h += mime_param("name", a.filename);
  h += "\r\nContent-Disposition: ";
  h += a.is_inline ? "inline" : "attachment";
  if (!a.filename.empty()) h += mime_param("filename", a.filename);
  h += "\r\nContent-Transfer-Encoding: base64\r\n";
  if (clean_content_id(a.content_id)) h += "Content-ID: <" + a.content_id + ">\r\n";
  return {std::move(h), encode_base64_lines(a.bytes)};
}

entity multipart_entity(std::string_view subtype, const std::vector<entity>& children) {
  std::vector<std::string_view> contents;
  std::size_t size = 0;
  for (const auto& c : children) {
    contents.push_back(c.header);
    contents.push_back(c.body);
    size += c.size() + 64;
  }
  const std::string boundary = new_boundary(contents);
  entity e{"Content-Type: multipart/" + std::string(subtype) + ";\r\n boundary=\"" + boundary + "\"\r\n", {}};
  e.body.reserve(size + 64);
  for (const auto& c : children) {
    e.body += "--" + boundary + "\r\n";
    e.body += c.header;
    e.body += "\r\n";
    e.body += c.body;  // its final CRLF belongs to the next delimiter (RFC 2046 5.1.1)
  }
  e.body += "--" + boundary + "--\r\n";
  return e;
}

entity body_entity(std::string_view plain, const std::optional<std::string>& html) {
  if (!html) return text_entity("plain", plain);
  return multipart_entity("alternative", {text_entity("plain", plain), text_entity("html", *html)});
}

result<std::string> finish_message(const outgoing_message& phone, const std::vector<std::string_view>& replaced,
                                   const std::vector<std::string>& added, const entity& top,
                                   const compose_options& options) {
  std::string out;
  out.reserve(top.size() + 4096);
  for (const auto& f : phone.fields) {
    if (istarts_with_ascii(f.name, "Content-") || iequals_ascii(f.name, "MIME-Version")) continue;
    if (std::any_of(replaced.begin(), replaced.end(), [&](std::string_view r) { return iequals_ascii(r, f.name); })) {
      continue;
    }
    append_crlf(out, f.raw);
    out += "\r\n";
  }
  for (const auto& f : added) out += f + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += top.header;
  out += "\r\n";
  if (out.size() + top.body.size() > options.max_output) return compose_error::too_large;
  out += top.body;
  return out;
}

result<std::string> replace_mime(const outgoing_message& phone, const compose_options& options) {
  std::string out = serialize(phone);
  if (out.size() > options.max_output) return compose_error::too_large;
  return out;
}

std::string readable_addresses(const std::vector<backend::mail_address>& list) {
  std::string out;
  for (const auto& a : list) {
    if (!out.empty()) out += ", ";
    out += a.name.empty() ? a.address : a.name + " <" + a.address + ">";
  }
  return out;
}

std::string text_as_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  bool first = true;
  for (const std::string_view line : text_lines(text)) {
    if (!first) out += "<br>\r\n";
    first = false;
    append_html_escaped(out, line);
  }
  return out;
}

std::string_view html_body_content(std::string_view html) {
  const std::size_t open = ifind(html, "<body");
  if (open == std::string_view::npos) return html;
  const std::size_t start = html.find('>', open);
  if (start == std::string_view::npos) return html;
  const std::size_t close = irfind(html, "</body");
  if (close == std::string_view::npos || close < start) return html.substr(start + 1);
  return html.substr(start + 1, close - start - 1);
}

std::string insert_before_body_end(std::string_view html, std::string_view snippet) {
  const std::size_t close = irfind(html, "</body");
  std::string out;
  out.reserve(html.size() + snippet.size());
  if (close == std::string_view::npos) return out.append(html).append(snippet);
  return out.append(html.substr(0, close)).append(snippet).append(html.substr(close));
}

std::string original_text(const original_message& o) {
  if (o.text_plain) return *o.text_plain;
  return o.text_html ? mime::html_to_text(*o.text_html) : std::string();
}

std::string trim_trailing_lines(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::vector<std::string_view> text_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r' && text[i] != '\n') continue;
    lines.push_back(text.substr(start, i - start));
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

}  // namespace easd::compose
