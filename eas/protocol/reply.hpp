// What a command handler answers: an HTTP status, an optional body and extra headers. The server turns it
// into the HTTP response; handlers never touch sockets.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace easd::protocol {

inline constexpr const char* wbxml_content_type = "application/vnd.ms-sync.wbxml";

struct reply {
  unsigned http_status = 200;
  std::string content_type;  // empty when body is empty
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // The EAS status carried in the body (or replaced by the HTTP status), for the summary log line.
  std::optional<unsigned> eas_status;
};

}  // namespace easd::protocol
