// WBXML 1.3 global tokens and header values (WAP-192 §5.4, §7.1) that the decoder and the encoder must
// agree on. Internal to eas/wbxml.
#pragma once

#include <cstdint>

namespace easd::wbxml::detail {

inline constexpr std::uint8_t tok_switch_page = 0x00;
inline constexpr std::uint8_t tok_end = 0x01;
inline constexpr std::uint8_t tok_str_i = 0x03;
inline constexpr std::uint8_t tok_opaque = 0xC3;
// Bits of a tag token: the element has content (children or text) / has attributes (never in EAS).
inline constexpr std::uint8_t bit_content = 0x40;
inline constexpr std::uint8_t bit_attributes = 0x80;

// The only header EAS uses ([MS-ASWBXML] 2.1.3): version 1.3, public id 01 (unknown/none), charset 6A
// (UTF-8, IANA MIBenum 106), empty string table. The ids are mb_u_int32 values that fit in one byte.
inline constexpr std::uint8_t header_version = 0x03;
inline constexpr std::uint8_t header_public_id = 0x01;
inline constexpr std::uint8_t header_charset = 0x6A;
inline constexpr std::uint8_t header_string_table_length = 0x00;

}  // namespace easd::wbxml::detail
