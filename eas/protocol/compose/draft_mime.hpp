// A 16.x draft as an IMAP message ([MS-ASEMAIL] 3.1.5.4; issue 6 §6): what the device's Sync Add / Change
// of an Email in the Drafts folder says, applied to the draft, and the RFC 5322 message stored for it
// (APPEND with \Draft). IMAP cannot edit a message, so every edit reads the stored draft back
// (read_draft), applies the device's fields (apply_draft_edit) and composes a whole new message
// (compose_draft) with the same Message-ID. Plain data in, bytes out: no WBXML, no I/O; bounded by
// draft_limits everywhere. The MIME pieces are compose_parts' (one encoder).
//
// Layout of a composed draft, so attachments have known IMAP part numbers (their FileReferences):
//   no attachments:   the body entity alone (text/plain, or multipart/alternative of plain and HTML);
//   with attachments: multipart/mixed — part 1 the body, part 2 + i the i-th attachment.
#pragma once

#include "backend/api/mail_store.hpp"
#include "eas/core/result.hpp"
#include "eas/protocol/compose/compose_input.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::compose {

struct draft_limits {
  std::size_t max_message = 32u << 20;  // the composed draft, a stored one read back, a device's Type 4 MIME
  std::size_t max_attachments = 100;
  std::size_t max_recipients = 500;  // To + Cc + Bcc
};

struct draft_message {
  std::vector<backend::mail_address> to, cc, bcc, reply_to;
  std::string subject;                     // UTF-8
  int importance = 1;                      // [MS-ASEMAIL] 2.2.2.39: 0 low, 1 normal, 2 high
  std::optional<std::string> plain, html;  // UTF-8
  std::vector<attachment> attachments;
  // read_draft: each attachment's part number in the message read (what its FileReference names);
  // compose_draft: the part numbers in the composed message. Same length as attachments.
  std::vector<std::string> attachment_sections;
  std::string message_id;               // "<…>"; kept across edits, generated when empty
  std::string in_reply_to, references;  // as the stored draft had them (a draft of a reply)
};

// What a Sync Add / Change of a draft carries. Absent fields stay as they are ([MS-ASCMD] 2.2.3.24:
// a Change sends what changed).
struct draft_edit {
  std::optional<std::string> to, cc, bcc, reply_to;  // EAS address lists as sent ("a@x, "B" <b@y>")
  std::optional<std::string> subject;
  std::optional<int> importance;
  // [MS-ASAIRS] 2.2.2.9 Body: Type 1 plain or 2 HTML replaces the text; Type 4 is a whole MIME message
  // whose header fields and parts replace the draft's (recipients from the MIME, [MS-ASEMAIL] 3.1.5.4).
  std::optional<std::uint8_t> body_type;
  std::string body_data;
  struct added {
    std::string client_id;  // [MS-ASAIRS] 2.2.2.14: echoed with the new FileReference
    attachment content;
  };
  std::vector<added> attachments_added;
  std::vector<std::string> sections_deleted;  // part numbers of the stored draft (from FileReferences)
};

// Applies `edit` to `draft`, all or nothing (on an error `draft` is unchanged): attachments are deleted first (unknown
// part numbers are ignored: deleting twice is not an error), then added at the end. Errors: bad_address (an address
// list that does not parse even with ';' as separator), malformed / too_large (a Type 4 body; an unsupported body type
// is malformed), too_many_recipients, too_many_attachments, too_large (the attachments' bytes).
result<void> apply_draft_edit(draft_message& draft, const draft_edit& edit, const draft_limits& limits);

struct draft_envelope {
  backend::mail_address from;   // the user
  std::int64_t now = 0;         // unix seconds, the Date field
  std::string message_id_host;  // right-hand side of a new Message-ID ("" = from's domain)
};

// The RFC 5322 message for `draft` (CRLF line ends): From, To, Cc, Bcc (a draft keeps its Bcc; Send
// removes it), Reply-To, Subject, Date, Message-ID, In-Reply-To, References, Importance, MIME-Version,
// then the layout above. Sets draft.message_id when it was empty or unusable and
// draft.attachment_sections. Errors: too_large, too_many_attachments.
result<std::string> compose_draft(draft_message& draft, const draft_envelope& envelope, const draft_limits& limits);

// A stored draft (or a device's Type 4 MIME) read into a draft_message: its first text/plain and
// text/html leaves that are not attachments are the body, every other leaf an attachment. Errors: those
// of parse_outgoing and parse_parts, too_many_attachments.
result<draft_message> read_draft(std::string_view raw, const draft_limits& limits);

}  // namespace easd::compose
