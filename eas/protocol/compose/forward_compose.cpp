#include "eas/protocol/compose/forward_compose.hpp"

#include "eas/core/ascii.hpp"
#include "eas/core/html_text.hpp"
#include "eas/core/mail_date.hpp"
#include "eas/protocol/compose/compose_parts.hpp"
#include "eas/protocol/compose/mime_writer.hpp"

namespace easd::compose {
namespace {

constexpr std::string_view separator = "---------- Forwarded message ----------";

}  // namespace

std::string forward_header(const original_message& o) {
  std::string out;
  out += "From: " + readable_addresses(o.from) + "\r\n";
  if (o.date) out += "Date: " + mail_date::format_rfc5322(*o.date) + "\r\n";
  out += "Subject: " + o.subject + "\r\n";
  if (!o.to.empty()) out += "To: " + readable_addresses(o.to) + "\r\n";
  if (!o.cc.empty()) out += "Cc: " + readable_addresses(o.cc) + "\r\n";
  return out;
}

result<std::string> compose_forward(const outgoing_message& phone, const original_message& original,
                                    const compose_options& options) {
  if (options.replace_mime) return replace_mime(phone, options);
  auto content = read_phone(phone, original, true, options);
  if (!content) return content.error();

  const std::string header = forward_header(original);
  const std::string original_plain = original_text(original);
  const std::string text = trim_trailing_lines(content->text()) + "\r\n\r\n" + std::string(separator) + "\r\n" +
                           header + "\r\n" + original_plain;
  std::optional<std::string> html;
  if (content->html) {
    std::string block = "<div>" + std::string(separator) + "<br>\r\n";
    block += text_as_html(header);
    block += "</div><br>\r\n";
    block += original.text_html ? std::string(html_body_content(*original.text_html)) : text_as_html(original_plain);
    html = insert_before_body_end(*content->html, block);
  }
  std::vector<entity> parts{body_entity(text, html)};
  for (const auto& a : content->attachments) parts.push_back(attachment_entity(a));
  for (const auto& a : original.attachments) parts.push_back(attachment_entity(a));
  const entity top = multipart_entity("mixed", parts);

  std::vector<std::string> added;
  if (!phone.field("Subject")) {
    const bool has_fwd = istarts_with_ascii(original.subject, "fwd:") || istarts_with_ascii(original.subject, "fw:");
    added.push_back("Subject: " + header_text(has_fwd ? original.subject : "Fwd: " + original.subject));
  }
  return finish_message(phone, {}, added, top, options);
}

}  // namespace easd::compose
