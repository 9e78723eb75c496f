// Content-Transfer-Encoding decoders (RFC 2045 §6.7, §6.8) for parts fetched with BODY.PEEK when the
// server has no BINARY (RFC 3516). Lenient as mail readers are: junk in base64 is skipped, a broken
// quoted-printable escape is kept literally. Never fail.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace easd::mime {

std::string decode_base64_lenient(std::string_view encoded, std::size_t max_out = 64u << 20);
std::string decode_quoted_printable(std::string_view encoded, std::size_t max_out = 64u << 20);
// By encoding name (any case): "base64", "quoted-printable"; anything else is returned as is.
std::string decode_transfer(std::string_view encoded, std::string_view encoding, std::size_t max_out = 64u << 20);

}  // namespace easd::mime
