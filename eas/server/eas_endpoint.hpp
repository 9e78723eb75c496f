// /Microsoft-Server-ActiveSync: GET (a human page), OPTIONS ([MS-ASHTTP] 2.2.3) and POST (every command).
#pragma once

#include "eas/server/exchange.hpp"

namespace easd::server {

boost::asio::awaitable<void> serve_eas(server_context& ctx, exchange& ex);

}  // namespace easd::server
