// The phone's MIME message for SendMail ([MS-ASCMD] 2.2.1.17; the Mime of SmartReply/SmartForward too):
// our own bounded header parsing (no MIME library, ARCHITECTURE.md §1) and the checks before SMTP
// submission (issue 6 §2). The header block is kept as written, field by field, so what is submitted is
// the phone's bytes minus Bcc plus what we add — never a re-serialisation that could change a signature
// or an encoding the phone chose. Synchronous and allocation-bounded; call it anywhere.
#pragma once

#include "backend/api/mail_store.hpp"
#include "eas/core/result.hpp"
#include "eas/protocol/compose/header_block.hpp"
#include "eas/protocol/compose/mime_parts.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::compose {

struct outgoing_limits {
  std::size_t max_message = 32u << 20;  // the whole MIME as received
  header_limits header;
  std::size_t max_recipients = 500;  // To + Cc + Bcc mailboxes as written
};

struct outgoing_field {
  std::string name;  // as written
  std::string raw;   // the whole field as written (folding, line ends), without its final line end
  std::string_view value() const noexcept;  // after the colon
};

struct outgoing_message {
  std::vector<outgoing_field> fields;  // the header block, in order
  std::string body;                    // after the empty line, as written
  std::vector<backend::mail_address> from, sender, reply_to, to, cc, bcc;
  std::string subject;                              // decoded (RFC 2047) UTF-8
  std::optional<std::int64_t> date;                 // the Date field, when present and parseable (unix seconds)
  bool has_date = false;                            // a Date field is present (parseable or not)
  std::string message_id, in_reply_to, references;  // unfolded, as written; "" when absent

  const outgoing_field* field(std::string_view name) const noexcept;  // first of that name, any case
  part_headers mime_headers() const;  // Content-Type etc. of the top-level entity, for parse_parts
};

// Splits and checks the phone's message. Errors: too_large (message, header block, a field),
// too_many_fields, malformed (no field syntax, two From/Sender/Date/Message-ID fields), bad_address
// (From, Sender, Reply-To, To, Cc or Bcc not an RFC 5322 address list), too_many_recipients.
result<outgoing_message> parse_outgoing(std::string_view mime, const outgoing_limits& limits = {});

// The message as bytes: header fields, the empty line, the body, every line end CRLF.
std::string serialize(const outgoing_message& msg);

// What a From that is not the user's does (configuration [smtp] from_policy).
enum class from_policy {
  reject,   // compose_error::from_not_allowed
  rewrite,  // From becomes the user's primary address, the phone's display name kept; a foreign Sender goes
};

struct submission_options {
  std::vector<std::string> user_addresses;  // the user's own addresses; the first is the primary
  from_policy from = from_policy::reject;
  std::string message_id_host;          // right-hand side of generated Message-IDs ("" = From's domain)
  std::int64_t now = 0;                 // unix seconds, for a missing Date
  std::size_t max_message = 32u << 20;  // the submitted bytes
  std::size_t max_recipients = 500;     // after deduplication
};

// What backend::submission needs (backend/api/mail_submitter.hpp).
struct prepared_submission {
  std::string message;                  // header block without Bcc, empty line, body; CRLF line ends
  std::vector<std::string> recipients;  // To, Cc, Bcc in order, deduplicated (domain case-insensitive)
  std::string envelope_from;            // the user's address From names (the primary when rewritten)
  std::string message_id;               // the message's Message-ID (ours when it had none)
};

// Makes `msg` ready to submit: every Bcc (and Resent-Bcc) field is removed, Date (RFC 5322 3.3, `now`)
// and Message-ID ("<random@host>", RFC 5322 3.6.4) are added when missing, From is checked against the
// user's addresses per `from`. Other fields and the body stay byte for byte (line ends become CRLF).
// Errors: from_not_allowed, no_recipients, too_many_recipients, too_large.
result<prepared_submission> prepare_for_submission(outgoing_message& msg, const submission_options& options);

}  // namespace easd::compose
