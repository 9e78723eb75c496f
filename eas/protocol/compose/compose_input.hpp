// What SmartReply and SmartForward compose from ([MS-ASCMD] 2.2.1.19, 2.2.1.20; issue 6 §3): the phone's
// message (parse_outgoing) and the original as plain data the command fetched from the mail store — the
// phone never downloaded the original's attachments, so the server carries them along.
#pragma once

#include "backend/api/mail_store.hpp"
#include "eas/protocol/compose/mime_parts.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace easd::compose {

struct attachment {
  std::string filename;      // UTF-8; "" for none
  std::string content_type;  // "type/subtype"; anything else is sent as application/octet-stream
  std::string content_id;    // without angle brackets; "" for none (dropped when not printable ASCII)
  bool is_inline = false;    // Content-Disposition inline (an image the HTML references by cid:)
  std::string bytes;         // decoded content
};

struct original_message {
  std::vector<backend::mail_address> from, to, cc;
  std::optional<std::int64_t> date;                  // unix seconds
  std::string subject;                               // decoded UTF-8
  std::string message_id;                            // with angle brackets, as in the header
  std::string references;                            // the References field, unfolded
  std::optional<std::string> text_plain, text_html;  // the main text body, decoded to UTF-8
  std::vector<attachment> attachments;               // used by forwards only
};

struct compose_options {
  // [MS-ASCMD] 2.2.3.152 ReplaceMime: the phone's message is complete and is sent as it is.
  bool replace_mime = false;
  std::size_t max_output = 32u << 20;  // the composed message
  std::size_t max_attachments = 100;   // the phone's and the original's together
  part_limits phone_parts;             // reading the phone's body
};

}  // namespace easd::compose
