// Attachment bytes by FileReference, shared by ItemOperations Fetch ([MS-ASCMD] 2.2.3.67.2 with
// asb:FileReference) and the 12.1 GetAttachment command ([MS-ASCMD] 2.2.1.8).
//
// The FileReference is hostile: it is parsed strictly (mail_folders.hpp) and resolved only through the
// authenticated user's own collections, so a forged one or another user's is `not_found` and nothing
// about the other mailbox is revealed. The bytes fetched are bounded by `cap` whatever the part claims.
#pragma once

#include "eas/protocol/request_context.hpp"
#include "eas/protocol/services.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace easd::protocol {

// The largest attachment (or range of one) easd holds in memory for one answer. A larger attachment is
// only available in ranges (ItemOperations Status 11 otherwise).
inline constexpr std::uint64_t max_attachment_bytes = 64u << 20;

// io:Range "m-n": zero-based, inclusive byte offsets ([MS-ASCMD] 2.2.3.140.2).
struct byte_range {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  friend bool operator==(const byte_range&, const byte_range&) = default;
};
// Strict: decimal digits without signs or spaces, at most 19 digits each side, first ≤ last.
std::optional<byte_range> parse_byte_range(std::string_view text) noexcept;

enum class attachment_status {
  ok,
  not_found,     // malformed, forged, another user's, or the message/part is gone
  bad_range,     // the range starts beyond the end of the attachment
  too_large,     // no range was asked and the attachment is bigger than the cap
  backend_error  // the mail store failed for another reason (retry later)
};

struct attachment_fetch {
  attachment_status status = attachment_status::not_found;
  std::string content_type;         // "type/subtype", application/octet-stream when unusable
  std::string bytes;                // decoded content (the range when one was asked)
  std::optional<std::uint64_t> total;  // the whole attachment's decoded size when known
  std::optional<byte_range> range;     // what `bytes` covers, when a range was asked and bytes is non-empty
};

// Fetches an attachment part, decoded (transfer encoding undone). With `range`, at most `cap` bytes of
// it from range->first (the returned range is authoritative, [MS-ASCMD] 3.2.5.1 ItemOperations).
boost::asio::awaitable<attachment_fetch> fetch_attachment(services& svc, const request_context& ctx,
                                                          std::string_view file_reference,
                                                          std::optional<byte_range> range,
                                                          std::uint64_t cap = max_attachment_bytes);

}  // namespace easd::protocol
