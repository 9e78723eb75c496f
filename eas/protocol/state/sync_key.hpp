// SyncKey values: "{uuid}N" (N = 1 … 2^31) or "0" (initialise). The key is opaque to the client
// ([MS-ASCMD] 2.2.3.181.4, ≤ 64 chars); the uuid names one chain of states of one collection (or of one
// device's folder hierarchy) and N counts the responses in that chain, so the next key is always N+1 of the
// presented key ([MS-ASCMD] 3.1.5.9: a repeated key N is answered again from the kept state N).
// The same format serves FolderSync keys.
#pragma once

#include "eas/core/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace easd::state {

inline constexpr std::uint32_t max_key_counter = 2147483648u;  // 2^31
inline constexpr std::size_t uuid_text_size = 36;                // 8-4-4-4-12 lower-case hex

struct sync_key {
  std::string uuid;           // canonical lower-case text form; empty for the initial key
  std::uint32_t counter = 0;  // 0 = initial key "0"

  bool initial() const noexcept { return counter == 0; }
  std::string to_string() const;
  friend bool operator==(const sync_key&, const sync_key&) = default;
};

// Strict parse of a client-supplied key. Anything but "0" or "{" canonical-uuid "}" N, with N decimal
// without leading zeros in 1 … 2^31, is state_error::unknown_key (the caller answers Status 3 / 9).
// Reads at most 64 bytes' worth of work whatever the input length.
result<sync_key> parse_sync_key(std::string_view text) noexcept;

// True when text is a canonical lower-case uuid (8-4-4-4-12 hex).
bool is_canonical_uuid(std::string_view text) noexcept;

// A fresh random (version 4) uuid in canonical text form.
std::string new_key_uuid();

}  // namespace easd::state
