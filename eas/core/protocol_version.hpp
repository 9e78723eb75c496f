// EAS protocol versions (MS-ASHTTP 2.2.1.1.2.6). The value is the version × 10, which is also the byte the
// base64 query form carries (MS-ASHTTP 2.2.1.1.1.1): 12.1 = 121.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace easd {

enum class protocol_version : std::uint8_t {
  v2_5 = 25, v12_0 = 120, v12_1 = 121, v14_0 = 140, v14_1 = 141, v16_0 = 160, v16_1 = 161,
};

constexpr std::optional<protocol_version> parse_protocol_version(std::string_view s) noexcept {
  if (s == "2.5") return protocol_version::v2_5;
  if (s == "12.0") return protocol_version::v12_0;
  if (s == "12.1") return protocol_version::v12_1;
  if (s == "14.0") return protocol_version::v14_0;
  if (s == "14.1") return protocol_version::v14_1;
  if (s == "16.0") return protocol_version::v16_0;
  if (s == "16.1") return protocol_version::v16_1;
  return std::nullopt;
}

constexpr std::optional<protocol_version> protocol_version_from_byte(std::uint8_t b) noexcept {
  switch (b) {
    case 25: case 120: case 121: case 140: case 141: case 160: case 161:
      return static_cast<protocol_version>(b);
    default:
      return std::nullopt;
  }
}

constexpr std::string_view to_string(protocol_version v) noexcept {
  switch (v) {
    case protocol_version::v2_5: return "2.5";
    case protocol_version::v12_0: return "12.0";
    case protocol_version::v12_1: return "12.1";
    case protocol_version::v14_0: return "14.0";
    case protocol_version::v14_1: return "14.1";
    case protocol_version::v16_0: return "16.0";
    case protocol_version::v16_1: return "16.1";
  }
  return "?";
}

// 14.0 and later report common errors as a body Status; 12.1 and earlier as an HTTP code
// ([MS-ASCMD] 2.2.2).
constexpr bool status_in_body(protocol_version v) noexcept { return v >= protocol_version::v14_0; }

}  // namespace easd
