// The multipart body of an ItemOperations response ([MS-ASCMD] 2.2.1.10.1), sent when the client asked for
// it with MS-ASAcceptMultiPart: T (or the base64 query's Options bit 0x02). Layout, all integers 32-bit
// little-endian signed:
//
//   PartsCount
//   PartsCount × (Offset, Length)     Offset counted from the start of the body
//   part 0 (the WBXML response), part 1 … part n (raw data, referenced by io:Part = index)
//
// Parts are laid out back to back in order. The body as a whole must stay below 2^31 bytes, which the
// callers' byte budget (max_attachment_bytes) guarantees; encode_multipart refuses anything larger.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace easd::protocol {

inline constexpr const char* multipart_content_type = "application/vnd.ms-sync.multipart";

// nullopt when there are no parts or the body would not fit the 32-bit offsets.
std::optional<std::string> encode_multipart(std::span<const std::string> parts);

}  // namespace easd::protocol
