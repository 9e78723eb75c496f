// The building blocks reply_compose and forward_compose share: the phone's message read into text and
// attachments, generated MIME entities, and the final message around the phone's own header fields.
// Internal to eas/protocol/compose.
#pragma once

#include "eas/core/result.hpp"
#include "eas/protocol/compose/compose_input.hpp"
#include "eas/protocol/compose/outgoing.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::compose {

// The phone's body: its first text/plain and text/html leaves that are not attachments (UTF-8), and every
// other leaf as an attachment.
struct phone_content {
  std::optional<std::string> plain, html;
  std::vector<attachment> attachments;
  // The plain text, or the HTML rendered as text when there is only HTML.
  std::string text() const;
};
// Also checks the budget before anything is built: the attachment count (with the original's when
// `with_original_attachments`) and whether the bytes, once base64-encoded, could fit in max_output.
// Errors: those of parse_parts, too_many_attachments, too_large.
result<phone_content> read_phone(const outgoing_message& phone, const original_message& original,
                                 bool with_original_attachments, const compose_options& options);

// A generated entity: its MIME header lines (each ending CRLF) and its encoded body (ending CRLF).
struct entity {
  std::string header;
  std::string body;
  std::size_t size() const noexcept { return header.size() + body.size() + 2; }
};

entity text_entity(std::string_view subtype, std::string_view utf8);
entity attachment_entity(const attachment& a);
entity multipart_entity(std::string_view subtype, const std::vector<entity>& children);
// text/plain, or multipart/alternative of text/plain and text/html when there is HTML (RFC 2046 5.1.4:
// the plain part first).
entity body_entity(std::string_view plain, const std::optional<std::string>& html);

// The outgoing message: the phone's header fields without its MIME fields (Content-*, MIME-Version) and
// without those named in `replaced`, then `added` (complete fields without line end), MIME-Version and
// the entity. Errors: too_large.
result<std::string> finish_message(const outgoing_message& phone, const std::vector<std::string_view>& replaced,
                                   const std::vector<std::string>& added, const entity& top,
                                   const compose_options& options);

// The phone's message as it came (ReplaceMime), within max_output.
result<std::string> replace_mime(const outgoing_message& phone, const compose_options& options);

// Mailboxes as readers see them in body text: "Name <a@b>, c@d" (UTF-8, not encoded).
std::string readable_addresses(const std::vector<backend::mail_address>& list);
// Plain text as HTML: escaped, line breaks as <br>.
std::string text_as_html(std::string_view text);
// What is between <body ...> and </body> of an HTML document (all of it when there is no body tag).
std::string_view html_body_content(std::string_view html);
// `html` with `snippet` inserted before its closing </body> (appended when there is none).
std::string insert_before_body_end(std::string_view html, std::string_view snippet);
// The original's plain text, or its HTML rendered as text.
std::string original_text(const original_message& o);
// `s` without trailing line ends and spaces.
std::string trim_trailing_lines(std::string s);
// Text with CRLF, LF or CR line ends split into lines.
std::vector<std::string_view> text_lines(std::string_view text);

}  // namespace easd::compose
