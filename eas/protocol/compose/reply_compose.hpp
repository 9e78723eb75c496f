// SmartReply ([MS-ASCMD] 2.2.1.20, issue 6 §3): the phone sends only its new text; the server quotes the
// original below it. Plain text gets "On <date>, <from> wrote:" and the original's lines prefixed "> "
// (RFC 3676 4.5 quoting); an HTML reply gets the same line and the original in a <blockquote
// type="cite">. The phone's own attachments are kept; the original's are not (a reply does not carry
// them). In-Reply-To and References point at the original (RFC 5322 3.6.4).
#pragma once

#include "eas/core/result.hpp"
#include "eas/protocol/compose/compose_input.hpp"
#include "eas/protocol/compose/outgoing.hpp"

#include <string>

namespace easd::compose {

// The complete reply as MIME bytes (CRLF): the phone's header fields minus its MIME fields, with
// In-Reply-To/References of the original and a Subject "Re: ..." when the phone gave none; then
// text/plain or multipart/alternative, inside multipart/mixed when the phone attached files. With
// options.replace_mime the phone's message as it is. The result still goes through parse_outgoing and
// prepare_for_submission like a SendMail. Errors: those of parse_parts, too_large, too_many_attachments.
result<std::string> compose_reply(const outgoing_message& phone, const original_message& original,
                                  const compose_options& options = {});

// "On Tue, 01 Dec 2026 08:44:20 +0000, Ann <ann@example.org> wrote:" ("<from> wrote:" without a date).
std::string quote_header(const original_message& original);
// Each line of `text` prefixed "> " (">" before a line that is already quoted), CRLF line ends.
std::string quote_text(std::string_view text);

}  // namespace easd::compose
