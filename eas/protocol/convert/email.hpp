// Mail → the AirSync Email class ([MS-ASEMAIL], [MS-ASAIRS] bodies): the ApplicationData of one message for
// Sync Add/Change, ItemOperations Fetch and Search results, answered in the format of the request's
// protocol version. The IMAP server parsed the message (message_summary's BODYSTRUCTURE and headers);
// bodies are fetched part by part through mail_store, only as much as the truncation asks for.
#pragma once

#include "backend/api/mail_store.hpp"
#include "eas/core/protocol_version.hpp"
#include "eas/core/result.hpp"
#include "eas/wbxml/element.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::protocol::convert {

// airsyncbase:BodyPreference / BodyPartPreference ([MS-ASAIRS] 2.2.2.7, 2.2.2.9).
struct body_preference {
  std::uint8_t type = 1;                          // 1 plain, 2 HTML, 3 RTF (unsupported), 4 MIME
  std::optional<std::uint32_t> truncation_size;   // bytes
  bool all_or_none = false;
  std::optional<std::uint32_t> preview;           // 14.0+: characters, 0–255
  friend bool operator==(const body_preference&, const body_preference&) = default;
};

struct email_options {
  protocol_version version = protocol_version::v14_1;
  std::vector<body_preference> body;       // empty: the 12.1+ default (plain, no truncation)
  std::vector<body_preference> body_part;  // 14.1+
  std::uint8_t mime_support = 0;           // 0 never, 1 S/MIME only, 2 always MIME ([MS-ASCMD] 2.2.3.110)
  std::optional<std::uint32_t> mime_truncation;  // 12.x MIMETruncation in bytes
  friend bool operator==(const email_options&, const email_options&) = default;
};

// Reads BodyPreference, BodyPartPreference, MIMESupport, MIMETruncation of a Sync/ItemOperations/Search
// Options element (nullptr: defaults). Out-of-range values are clamped or ignored, never trusted.
email_options parse_email_options(const wbxml::element* options, protocol_version v);
// Canonical text of the options for the per-collection options blob (persisted between Syncs), and back.
std::string serialize_email_options(const email_options& o);
std::optional<email_options> parse_serialized_email_options(std::string_view text);

struct email_context {
  backend::mail_store* store = nullptr;
  const backend::account* account = nullptr;
  std::string folder_id;      // backend folder of the message
  std::string collection_id;  // the device's CollectionId (for FileReferences)
  backend::folder_role role = backend::folder_role::none;  // drafts get email2:IsDraft etc.
};

// The <ApplicationData> element (AirSync:ApplicationData) for a new item: every Email property the
// version defines, then the body the options ask for. A message that cannot be converted yields an error
// (the caller skips it with a log line); backend I/O failures are errors too.
boost::asio::awaitable<result<wbxml::element>> email_application_data(const email_context& ctx,
                                                                     const backend::message_summary& msg,
                                                                     const email_options& opts);

// The flag-only <ApplicationData> of a Sync Change: Read, Flag and (14.0+) LastVerbExecuted / Categories.
wbxml::element email_flag_change(const backend::message_flags& flags, protocol_version v);

// The properties of a client Change's ApplicationData that map to IMAP flags ([MS-ASEMAIL] 2.2.2.53 Read,
// 2.2.2.35 Flag: Status 0 cleared, 1 complete, 2 active); nullopt for absent properties.
struct client_flag_change {
  std::optional<bool> read;
  std::optional<bool> flagged;
  std::optional<std::vector<std::string>> categories;
};
client_flag_change parse_client_flag_change(const wbxml::element& application_data);

}  // namespace easd::protocol::convert
