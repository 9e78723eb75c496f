#include "eas/http/eas_headers.hpp"

#include "eas/core/ascii.hpp"
#include "eas/http/text.hpp"

#include <charconv>
#include <string>

namespace easd::http {

namespace {

std::optional<std::string_view> find(const boost::beast::http::fields& fields, std::string_view name) {
  const auto it = fields.find(name);
  if (it == fields.end()) return std::nullopt;
  return it->value();
}

}  // namespace

result<protocol_version> parse_protocol_version_header(std::string_view value) {
  const auto v = parse_protocol_version(detail::trim_ows(value));
  if (!v) return header_error::bad_protocol_version;
  return *v;
}

result<std::optional<std::uint32_t>> parse_policy_key_header(std::string_view value) {
  value = detail::trim_ows(value);
  if (value.empty()) return std::optional<std::uint32_t>{};
  std::uint32_t key = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), key);
  if (ec != std::errc{} || end != value.data() + value.size()) return header_error::bad_policy_key;
  if (key == 0) return std::optional<std::uint32_t>{};
  return std::optional<std::uint32_t>{key};
}

bool parse_accept_multipart_header(std::string_view value) noexcept {
  return iequals_ascii(detail::trim_ows(value), "T");
}

eas_header_values eas_header_values_from(const boost::beast::http::fields& fields) {
  return {find(fields, "MS-ASProtocolVersion"), find(fields, "X-MS-PolicyKey"), find(fields, "MS-ASAcceptMultiPart")};
}

result<effective_request_parameters> effective_parameters(const eas_request_target& target,
                                                          const eas_header_values& headers) {
  effective_request_parameters out;
  out.accept_multipart = target.accept_multipart ||
                         (headers.accept_multipart && parse_accept_multipart_header(*headers.accept_multipart));
  const bool base64 = target.base64_form && target.version;

  if (base64) {
    // [MS-ASHTTP] 2.2.1.1.2.5/.6: the structure carries version and key; the headers SHOULD be absent.
    out.version = *target.version;
  } else {
    if (!headers.protocol_version) return header_error::missing_protocol_version;
    auto v = parse_protocol_version_header(*headers.protocol_version);
    if (!v) return v.error();
    out.version = *v;
  }

  // The base64 structure's key comes first; for the plain form the header does.
  if (base64 && target.policy_key) {
    out.policy_key = target.policy_key;
    return out;
  }
  if (headers.policy_key) {
    auto k = parse_policy_key_header(*headers.policy_key);
    if (!k) return k.error();
    out.policy_key = *k;
  }
  if (!out.policy_key) out.policy_key = target.policy_key;
  return out;
}

}  // namespace easd::http
