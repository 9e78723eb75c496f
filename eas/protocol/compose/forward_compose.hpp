// SmartForward ([MS-ASCMD] 2.2.1.19, issue 6 §3): the phone sends its new text; the server appends the
// original inline ("---------- Forwarded message ----------" with its From, Date, Subject, To, Cc and its
// text, as Gmail and Thunderbird do) and attaches every attachment of the original, which the phone never
// downloaded, base64-encoded with RFC 2231 file names — plus the phone's own attachments.
#pragma once

#include "eas/core/result.hpp"
#include "eas/protocol/compose/compose_input.hpp"
#include "eas/protocol/compose/outgoing.hpp"

#include <string>

namespace easd::compose {

// The complete forward as MIME bytes (CRLF): the phone's header fields minus its MIME fields, a Subject
// "Fwd: ..." when the phone gave none, and multipart/mixed of the body (text/plain, or
// multipart/alternative when the phone wrote HTML), the phone's attachments, then the original's. With
// options.replace_mime the phone's message as it is. The result still goes through parse_outgoing and
// prepare_for_submission. Errors: those of parse_parts, too_large, too_many_attachments.
result<std::string> compose_forward(const outgoing_message& phone, const original_message& original,
                                    const compose_options& options = {});

// The "---------- Forwarded message ----------" block's header lines, one per line, CRLF.
std::string forward_header(const original_message& original);

}  // namespace easd::compose
