// APPEND (RFC 9051 §6.3.12) with flags and internal date; the new message's UID from [APPENDUID]
// (RFC 4315 §3). The message travels as a literal (synchronising unless LITERAL+/LITERAL- allow otherwise).
#pragma once

#include "backend/imap/client/connection.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace easd::backend::imap {

struct append_uid {
  std::uint32_t uidvalidity = 0;
  std::uint32_t uid = 0;
};

struct append_options {
  std::vector<std::string> flags;                     // "\Seen", "\Draft", keywords
  std::optional<std::chrono::sys_seconds> internal_date;
};

// The message must be non-empty and free of NUL (error::unsendable_argument, nothing sent). Returns the
// APPENDUID when the server sent one (UIDPLUS).
boost::asio::awaitable<result<std::optional<append_uid>>> append(connection& c, std::string mailbox,
                                                                 std::string message, append_options opts);

}  // namespace easd::backend::imap
