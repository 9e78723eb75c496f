// Internals of the Email converter (email.hpp), split by concern so each piece is tested on its own:
// the MIME layout (which parts are the body, which are attachments, the message class), the header-derived
// properties, the conversation ids, and the body builder. Not for use outside eas/protocol/convert.
#pragma once

#include "eas/protocol/convert/email.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::protocol::convert::detail {

// Server caps, whatever a device asks for: text bodies and raw MIME beyond these are sent truncated
// (the WBXML encoder and the HTTP writer hold a response in memory).
inline constexpr std::uint64_t max_text_body_bytes = 16u << 20;
inline constexpr std::uint64_t max_mime_bytes = 48u << 20;
// A meeting invitation's METHOD is near the top of the text/calendar part.
inline constexpr std::uint64_t calendar_probe_bytes = 8u << 10;

// --- MIME layout (email_layout.cpp)

struct attachment_part {
  const backend::mime_part* part = nullptr;
  std::string display_name;
  bool is_inline = false;
  bool embedded_message = false;  // message/rfc822
};

struct message_layout {
  const backend::mime_part* plain = nullptr;     // the text/plain body, if any
  const backend::mime_part* html = nullptr;      // the text/html body, if any
  const backend::mime_part* calendar = nullptr;  // a text/calendar part (meeting mail), if any
  std::vector<attachment_part> attachments;
  bool smime_encrypted = false;  // application/pkcs7-mime at the top
  bool smime_signed = false;     // multipart/signed with a PKCS#7 signature
};

message_layout analyse_layout(const backend::message_summary& msg);

// Estimated decoded size of a part from its encoded size (base64 carries 3 bytes in 4).
std::uint64_t decoded_size_estimate(const backend::mime_part& part) noexcept;

// [MS-ASEMAIL] 2.2.2.49 MessageClass. `calendar_method` is the METHOD of the text/calendar part
// (upper-case, "" when unknown or absent).
std::string message_class(const message_layout& layout, std::string_view calendar_method);
bool is_smime_class(std::string_view message_class) noexcept;
bool is_meeting_class(std::string_view message_class) noexcept;
// METHOD:… of an iCalendar text (the first one, unfolded lines not needed for it), upper-case.
std::string calendar_method(std::string_view ical);

// --- header-derived properties (email_properties.cpp)

// `"Name" <addr>` items joined by `separator`, at most max_chars bytes (whole items only). Group markers
// (empty address) are skipped.
std::string address_list(const std::vector<backend::mail_address>& list, std::string_view separator,
                         std::size_t max_chars = 32768);
// Display names (address when unnamed) joined by "; ".
std::string display_list(const std::vector<backend::mail_address>& list, std::size_t max_chars = 32768);
// Subject without reply/forward prefixes ("Re:", "Fwd:", "AW:", "Re[2]:" …), trimmed.
std::string strip_subject_prefixes(std::string_view subject);
// [MS-ASEMAIL] 2.2.2.39 Importance: 0 low, 1 normal, 2 high, from Importance / X-Priority / Priority.
int importance_of(const backend::message_summary& msg);
// IMAP keywords that are user categories ([MS-ASEMAIL] 2.2.2.16); system-ish ones are skipped.
std::vector<std::string> categories_of(const std::vector<std::string>& keywords);
bool is_category_keyword(std::string_view keyword) noexcept;
// [MS-ASEMAIL] 2.2.2.36 LastVerbExecuted: 1 reply to sender, 3 forward, 0 none.
int last_verb_of(const backend::message_flags& flags) noexcept;
// email:Flag: Status 2 + FlagType when flagged, an empty element otherwise ([MS-ASEMAIL] 2.2.2.34).
wbxml::element flag_element(bool flagged);
wbxml::element categories_element(const std::vector<std::string>& categories);
// Text safe for an STR_I element: NUL bytes removed (the encoder cannot carry them in text).
std::string text_value(std::string_view s);

// --- conversations (conversation.cpp)

// The Message-ID the thread starts with: the first of References, else In-Reply-To, else the message's own.
std::string thread_root_id(const backend::message_summary& msg);
// 16 opaque bytes, the same for every message of a thread ([MS-ASCON] 2.2.2.3).
std::string conversation_id(const backend::message_summary& msg);
// [MS-ASCON] 2.2.2.4: the 5-byte header (40 high bits of the FILETIME of the date sent), then the
// response levels of an Outlook Thread-Index when the message carries one.
std::string conversation_index(const backend::message_summary& msg);
std::string conversation_index_header(std::int64_t unix_seconds);

// --- bodies (email_body.cpp; utf8_cut in email_properties.cpp)

// The longest prefix of UTF-8 `s` of at most `max_bytes` bytes that ends on a character boundary.
std::size_t utf8_cut(std::string_view s, std::size_t max_bytes) noexcept;
// Plain text shown as HTML the way Exchange does: escaped inside <pre>.
std::string plain_to_html(std::string_view text);

// Which type the body is sent as and with which preference; MIME when MIMESupport asks for it.
struct body_choice {
  std::uint8_t type = 1;
  body_preference pref;
};
body_choice choose_body(const email_options& opts, std::string_view message_class);

// airsyncbase:Body for a chosen preference. Fetches only what the truncation needs.
boost::asio::awaitable<result<wbxml::element>> body_element(const email_context& ctx,
                                                           const backend::message_summary& msg,
                                                           const message_layout& layout, const body_choice& choice,
                                                           protocol_version v);
// airsyncbase:BodyPart (14.1+, HTML only); nullopt when no preference asks for type 2.
boost::asio::awaitable<result<std::optional<wbxml::element>>> body_part_element(
    const email_context& ctx, const backend::message_summary& msg, const message_layout& layout,
    const email_options& opts);

// --- attachments (email_attachments.cpp)

// airsyncbase:Attachments; nullopt when the message has none.
std::optional<wbxml::element> attachments_element(const email_context& ctx, const backend::message_summary& msg,
                                                  const message_layout& layout);

}  // namespace easd::protocol::convert::detail
