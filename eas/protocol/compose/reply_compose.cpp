#include "eas/protocol/compose/reply_compose.hpp"

#include "eas/core/ascii.hpp"
#include "eas/core/html_text.hpp"
#include "eas/core/mail_date.hpp"
#include "eas/protocol/compose/compose_parts.hpp"
#include "eas/protocol/compose/mime_writer.hpp"

#include <algorithm>
#include <vector>

namespace easd::compose {
namespace {

constexpr std::size_t max_references = 4000;  // octets of ids in References (folded, one id a line)

// A msg-id "<...>" safe to put into a header: printable ASCII without spaces, bounded. The original's
// header comes from the mail store: a CR or LF here would inject header fields.
bool clean_msg_id(std::string_view id) {
  return id.size() >= 3 && id.size() <= 250 && id.front() == '<' && id.back() == '>' &&
         std::all_of(id.begin(), id.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

// The original's References plus its Message-ID; when the chain is long the ids after the first are
// dropped oldest first (RFC 5322 3.6.4 keeps the first; clients thread by the last few).
std::string references_of(const original_message& o) {
  std::vector<std::string_view> ids;
  std::string_view refs = o.references;
  while (!refs.empty()) {
    const std::size_t start = refs.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos) break;
    const std::size_t end = std::min(refs.find_first_of(" \t\r\n", start), refs.size());
    if (clean_msg_id(refs.substr(start, end - start))) ids.push_back(refs.substr(start, end - start));
    refs.remove_prefix(end);
  }
  ids.push_back(o.message_id);
  std::size_t size = 0;
  for (const auto id : ids) size += id.size() + 1;
  while (ids.size() > 2 && size > max_references) {
    size -= ids[1].size() + 1;
    ids.erase(ids.begin() + 1);
  }
  std::string out;
  for (const auto id : ids) {
    if (!out.empty()) out += "\r\n ";
    out += id;
  }
  return out;
}

}  // namespace

std::string quote_header(const original_message& original) {
  std::string line;
  if (original.date) line = "On " + mail_date::format_rfc5322(*original.date) + ", ";
  const std::string from = readable_addresses(original.from);
  line += from.empty() ? "someone" : from;
  line += " wrote:";
  return line;
}

std::string quote_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16 + 4);
  for (const std::string_view line : text_lines(text)) {
    out += line.starts_with('>') ? ">" : "> ";
    out.append(line);
    out += "\r\n";
  }
  return out;
}

result<std::string> compose_reply(const outgoing_message& phone, const original_message& original,
                                  const compose_options& options) {
  if (options.replace_mime) return replace_mime(phone, options);
  auto content = read_phone(phone, original, false, options);
  if (!content) return content.error();

  const std::string header = quote_header(original);
  const std::string text =
      trim_trailing_lines(content->text()) + "\r\n\r\n" + header + "\r\n" + quote_text(original_text(original));
  std::optional<std::string> html;
  if (content->html) {
    std::string quoted = "<div>";
    append_html_escaped(quoted, header);
    quoted +=
        "</div>\r\n<blockquote type=\"cite\" style=\"margin:0 0 0 .8ex;border-left:1px solid #ccc;"
        "padding-left:1ex\">\r\n";
    quoted += original.text_html ? std::string(html_body_content(*original.text_html))
                                 : text_as_html(original_text(original));
    quoted += "\r\n</blockquote>\r\n";
    html = insert_before_body_end(*content->html, quoted);
  }
  entity body = body_entity(text, html);
  if (!content->attachments.empty()) {
    std::vector<entity> parts{std::move(body)};
    for (const auto& a : content->attachments) parts.push_back(attachment_entity(a));
    body = multipart_entity("mixed", parts);
  }

  std::vector<std::string_view> replaced;
  std::vector<std::string> added;
  if (clean_msg_id(original.message_id)) {
    replaced = {"In-Reply-To", "References"};
    added.push_back("In-Reply-To: " + original.message_id);
    added.push_back("References: " + references_of(original));
  }
  if (!phone.field("Subject")) {
    const bool has_re = istarts_with_ascii(original.subject, "re:");
    added.push_back("Subject: " + header_text(has_re ? original.subject : "Re: " + original.subject));
  }
  return finish_message(phone, replaced, added, body, options);
}

}  // namespace easd::compose
