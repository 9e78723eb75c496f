// The request target of an EAS command: POST /Microsoft-Server-ActiveSync?<query> ([MS-ASHTTP] 2.2.1.1.1).
//
// Both query forms are accepted, as a server must ([MS-ASHTTP] 2.2.1.1.1):
//  * plain text (2.2.1.1.1.2): `Cmd=Sync&User=..&DeviceId=..&DeviceType=..`, parameters in any order,
//    percent-decoding with '+' as space, parameter names matched case-insensitively, unknown parameters
//    ignored, a known parameter twice is an error. `PolicyKey` is accepted as a query parameter because a
//    real client (pyactivesync) sends the temporary key that way on the Provision acknowledgement.
//  * base64 binary (2.2.1.1.1.1): chosen when the query has no '&', no '=' except trailing padding, and
//    (after percent-decoding; a raw '+' stays '+') is only base64 alphabet of at least 12 characters,
//    the smallest structure. A plain query always has a '=' inside it, so the two never overlap.
//
// Validation, identical for both forms; every field is bounded:
//  * command: 1..32 ASCII letters. Whether the name is a known command is the dispatcher's business.
//  * DeviceId: 1..32 of [A-Za-z0-9_-]. The spec says alphanumeric (2.2.1.1.1.2.3); '-' and '_' are
//    allowed as well because pyactivesync sends `pyactivesync-pytest`; both are safe in file names,
//    keys and logs. Case is kept. A binary DeviceId (base64 form) that is not all such characters is
//    replaced by its lowercase hex, so a 16-byte GUID becomes 32 hex digits, one text form per device.
//  * DeviceType: 1..64 printable ASCII (0x20..0x7E).
//  * User: optional (the base64 form has none unless tag 8 is present; the authenticated name comes
//    from the Authorization header anyway), at most 256 bytes, valid UTF-8, no control characters.
//    Kept verbatim: `DOMAIN\user`, `user@domain` and `'; DROP ...` alike; every sink escapes.
//  * AttachmentName, CollectionId, ItemId, LongId, Occurrence: at most 1024 bytes, valid UTF-8, no
//    control characters (else bad_query).
//  * SaveInSent: T or F (either case; else bad_query). PolicyKey: decimal uint32, 0 = none.
//
// Pure functions: no allocation beyond the result, no I/O, safe from any thread.
#pragma once

#include "eas/core/protocol_version.hpp"
#include "eas/core/result.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace easd::http {

enum class request_target_error {
  not_eas_path = 1,      // the path is not /Microsoft-Server-ActiveSync (→ 404)
  missing_command,       // no Cmd (→ 400)
  bad_command,           // Cmd not 1..32 letters, or unknown binary command code
  bad_device_id,         // missing, empty, too long or disallowed characters
  bad_device_type,       // missing, empty, too long or not printable ASCII
  bad_user,              // too long, invalid UTF-8 or control characters
  bad_query,             // malformed % escape or base64, truncated structure, bad parameter value, too long
  duplicate_parameter,   // a known parameter (or binary tag) given twice
  bad_protocol_version,  // base64 form: unknown version byte
  bad_policy_key,        // PolicyKey parameter not a decimal uint32
};

const boost::system::error_category& request_target_category() noexcept;
inline boost::system::error_code make_error_code(request_target_error e) noexcept {
  return {static_cast<int>(e), request_target_category()};
}

inline constexpr std::size_t max_request_target_bytes = 8192;
inline constexpr std::size_t max_command_bytes = 32;
inline constexpr std::size_t max_device_id_bytes = 32;
inline constexpr std::size_t max_device_type_bytes = 64;
inline constexpr std::size_t max_user_bytes = 256;
inline constexpr std::size_t max_parameter_bytes = 1024;

struct eas_request_target {
  std::string command;      // "Sync", "FolderSync", ... as sent (plain) or from the code table (base64)
  std::string user;         // empty if the target carried none
  std::string device_id;    // canonical text form, see above
  std::string device_type;
  std::optional<protocol_version> version;  // base64 form only; the plain form uses MS-ASProtocolVersion
  std::optional<std::uint32_t> policy_key;  // nullopt when absent or 0
  bool save_in_sent = false;                // SaveInSent=T, or Options bit 0x01
  bool accept_multipart = false;            // base64 form: Options bit 0x02
  std::uint16_t locale = 0;                 // base64 form: Windows LCID; 0 in the plain form
  std::string attachment_name;
  std::string collection_id;
  std::string item_id;
  std::string long_id;
  std::string occurrence;
  bool base64_form = false;
};

// Parses an origin-form (or absolute-form, RFC 9112 3.2.2) request target such as
// "/Microsoft-Server-ActiveSync?Cmd=Sync&...". The path is matched case-insensitively, a trailing '/'
// is accepted.
result<eas_request_target> parse_request_target(std::string_view target);

// True if the path of `target` is the EAS endpoint (query ignored): for OPTIONS and method checks.
bool is_eas_path(std::string_view target) noexcept;

// True if the path of `target` is /autodiscover/autodiscover.xml in any letter case (query ignored);
// clients use several casings ([MS-OXDISCO] 3.1.5; http.md 8.1).
bool is_autodiscover_path(std::string_view target) noexcept;

// The command name for a base64-form command code ([MS-ASHTTP] 2.2.1.1.1.1.2), nullopt if unassigned.
std::optional<std::string_view> command_name_from_code(std::uint8_t code) noexcept;

}  // namespace easd::http

template <>
struct boost::system::is_error_code_enum<easd::http::request_target_error> : std::true_type {};
