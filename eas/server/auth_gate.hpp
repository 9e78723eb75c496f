// Authenticates one exchange with HTTP Basic ([MS-ASHTTP] 2.2.1.1.2.2). On failure it fills the response
// (401 with a challenge; 503 with Retry-After when the directory is down or the client is throttled) and
// returns nullopt — the caller simply returns.
#pragma once

#include "eas/server/exchange.hpp"

#include <optional>
#include <string>

namespace easd::server {

struct identity {
  std::string user;      // the login as the directory accepted it
  std::string password;  // verified; handlers act as the user on the backends with it (never logged)
};

boost::asio::awaitable<std::optional<identity>> authenticate(server_context& ctx, exchange& ex);

}  // namespace easd::server
