// The characters an XML 1.0 document can carry (XML 1.0 section 2.2, production Char): what both XML
// writers (Autodiscover replies, the WBXML XML view) must check before emitting text.
#pragma once

namespace easd {

constexpr bool is_xml_char(char32_t c) noexcept {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

}  // namespace easd
