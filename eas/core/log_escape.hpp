// Makes hostile text (user names, device ids, folder names, backend replies) safe for one log line:
// printable ASCII passes, everything else (control bytes, quotes, backslash, space, non-ASCII) becomes
// \xHH, and the result is cut at `max_bytes` with a trailing "..." so one field cannot flood the log.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace easd {

std::string log_escape(std::string_view s, std::size_t max_bytes = 256);

}  // namespace easd
