// Decodes the input as a header value (RFC 2047), as an RFC 2231 parameter value and as the two date
// forms. Output must be well-formed UTF-8 within its bound, and a parsed date must format and parse back.
#include "eas/core/mail_date.hpp"
#include "eas/core/mime_header.hpp"
#include "eas/core/transfer_encoding.hpp"
#include "eas/core/utf8.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void check(const std::string& s, std::size_t max) {
  if (s.size() > max || !easd::utf8::is_valid(s)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check(easd::mime::decode_header(text), 1u << 20);
  const std::size_t small = size % 97;
  check(easd::mime::decode_header(text, small), small);
  check(easd::mime::decode_rfc2231(text), 64u << 10);
  check(easd::mime::decode_rfc2231(text, small), small);
  const std::string unfolded = easd::mime::unfold(text);
  if (unfolded.size() > size) std::abort();
  if (easd::mime::decode_base64_lenient(text).size() > size) std::abort();
  if (easd::mime::decode_quoted_printable(text).size() > size) std::abort();
  for (auto parsed : {easd::mail_date::parse_rfc5322(text), easd::mail_date::parse_internal_date(text)}) {
    if (!parsed) continue;
    const std::string formatted = easd::mail_date::format_rfc5322(*parsed);
    if (easd::mail_date::parse_rfc5322(formatted) != parsed) std::abort();
    if (easd::mail_date::format_eas(*parsed).size() != 24) std::abort();
  }
  return 0;
}
