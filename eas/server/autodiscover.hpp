// Autodiscover for mobile clients ([MS-ASCMD] 2.2.1.1): turns the XML POST body into the XML answer that
// tells the phone where the ActiveSync endpoint is. Pure functions: no sockets, no clock, no I/O. The HTTP
// server calls answer_autodiscover() after it has authenticated the user and read the body with
// `max_request_bytes` as its body limit.
//
// Contract:
// - The request is hostile. It is parsed with expat, DOCTYPE refused outright (so no entity can be declared:
//   no billion laughs, no XXE; no external entity handler is installed either), with caps on size, depth,
//   element count and text length. Any violation is an ordinary 600 answer, never an exception.
// - Every reply is HTTP 200 with an XML document, as Exchange does: protocol errors travel in the body
//   ([MS-ASCMD] 4.2.2, 4.2.3). The body is always schema-valid against AutodiscoverResponse.xsd.
// - Namespaces: the root and its descendants must all be in one namespace, either the mobilesync request
//   namespace (what iOS, Android and the spec send), the Outlook request namespace (answered 601 unless its
//   AcceptableResponseSchema is the mobilesync one), or no namespace at all. Accepting the un-namespaced
//   form is deliberate leniency for hand-written clients and scripts: it changes nothing about what we
//   answer. Element names are case-sensitive, as XML is; surrounding whitespace in text is trimmed and the
//   AcceptableResponseSchema URI is compared case-insensitively.
// - The answered User/EMailAddress is the requested address when it is a plausible address, otherwise the
//   authenticated login. The URL is the same for every user, so echoing another user's address leaks
//   nothing; the EAS endpoint authenticates again on every request.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace easd::server {

struct autodiscover_settings {
  std::string eas_url;                   // e.g. https://mail.example.test/Microsoft-Server-ActiveSync
  std::string culture = "en:us";         // [MS-ASCMD] 2.2.3.38, "lang:country"
  std::size_t max_request_bytes = 16 * 1024;
};

// Bounds the parser enforces besides max_request_bytes; a real request needs depth 3 and 4 elements.
inline constexpr std::size_t autodiscover_max_depth = 16;
inline constexpr std::size_t autodiscover_max_elements = 64;
inline constexpr std::size_t autodiscover_max_text_bytes = 1024;  // per captured element
inline constexpr std::size_t autodiscover_max_request_bytes_limit = 1024 * 1024;

// Empty when the settings are usable, otherwise a one-line description of the first problem (for
// `easd config check` and start-up).
std::string validate(const autodiscover_settings& settings);

enum class autodiscover_outcome {
  settings,            // Action/Settings/Server with the MobileSync URL
  invalid_request,     // framework Error, ErrorCode 600 ([MS-ASCMD] 2.2.3.64)
  unsupported_schema,  // framework Error, ErrorCode 601: AcceptableResponseSchema is not mobilesync
  provider_error,      // mobilesync Action/Error, Status 2 ([MS-ASCMD] 2.2.3.177.1): cannot answer for this user
};

struct autodiscover_reply {
  unsigned http_status = 200;
  std::string content_type;  // "text/xml; charset=utf-8"
  std::string body;
  autodiscover_outcome outcome = autodiscover_outcome::invalid_request;
  // Why, for the summary log line only (static text, never sent to the device).
  std::string_view reason;
};

// authenticated_user: the login the HTTP layer verified. display_name: optional, sent as User/DisplayName
// when not empty. Both are escaped; invalid UTF-8 or characters XML cannot carry become U+FFFD.
autodiscover_reply answer_autodiscover(std::string_view request_body, std::string_view authenticated_user,
                                       const autodiscover_settings& settings,
                                       std::string_view display_name = {});

}  // namespace easd::server
