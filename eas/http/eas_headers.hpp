// The EAS request headers ([MS-ASHTTP] 2.2.1.1.2) and the rule that combines them with the target.
//
//  * MS-ASProtocolVersion (2.2.1.1.2.6): one of 2.5 12.0 12.1 14.0 14.1 16.0 16.1; anything else is an
//    error. Required with the plain query, ignored with the base64 query (whose first byte carries it).
//  * X-MS-PolicyKey ([MS-ASPROV] 2.2.2.42, 3.1.5.1): decimal uint32; absent, empty and "0" all mean
//    "no key" (before provisioning). With the plain query a PolicyKey query parameter is used when the
//    header gives no key (pyactivesync sends the temporary key that way); the header wins otherwise.
//    With the base64 query the key inside the structure wins; the header is a fallback.
//  * MS-ASAcceptMultiPart (MS-ASCMD 2.2.1.10.1): "T" (either case) means multipart; anything else no.
//    The base64 form sets it with Options bit 0x02; either source turns it on.
//
// Values are passed as string views into the caller's header storage; nothing is kept.
#pragma once

#include "eas/core/protocol_version.hpp"
#include "eas/core/result.hpp"
#include "eas/http/request_target.hpp"

#include <boost/beast/http/fields.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>

namespace easd::http {

enum class header_error {
  missing_protocol_version = 1,  // plain query without MS-ASProtocolVersion (→ 400)
  bad_protocol_version,          // a version the spec does not define (→ 400)
  bad_policy_key,                // X-MS-PolicyKey not a decimal uint32 (→ 400)
};

const boost::system::error_category& header_category() noexcept;
inline boost::system::error_code make_error_code(header_error e) noexcept {
  return {static_cast<int>(e), header_category()};
}

result<protocol_version> parse_protocol_version_header(std::string_view value);
// nullopt for "", "0" (and surrounding whitespace).
result<std::optional<std::uint32_t>> parse_policy_key_header(std::string_view value);
bool parse_accept_multipart_header(std::string_view value) noexcept;

// The raw values of the three headers; nullopt = header absent.
struct eas_header_values {
  std::optional<std::string_view> protocol_version;
  std::optional<std::string_view> policy_key;
  std::optional<std::string_view> accept_multipart;
};

// Looks the three headers up (case-insensitively, as Beast does). The views point into `fields`.
eas_header_values eas_header_values_from(const boost::beast::http::fields& fields);

struct effective_request_parameters {
  protocol_version version = protocol_version::v14_1;
  std::optional<std::uint32_t> policy_key;  // nullopt = the device sent no key (or 0)
  bool accept_multipart = false;
};

// Applies the precedence rules above to a parsed POST target and its headers.
result<effective_request_parameters> effective_parameters(const eas_request_target& target,
                                                          const eas_header_values& headers);

}  // namespace easd::http

template <>
struct boost::system::is_error_code_enum<easd::http::header_error> : std::true_type {};
