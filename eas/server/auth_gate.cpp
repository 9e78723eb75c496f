#include "eas/server/auth_gate.hpp"

#include "eas/core/log_escape.hpp"
#include "eas/http/basic_auth.hpp"

#include <spdlog/spdlog.h>

namespace easd::server {

namespace net = boost::asio;

namespace {

void challenge(exchange& ex) {
  set_response(ex, 401);
  ex.response.set(http_wire::field::www_authenticate, "Basic realm=\"easd\", charset=\"UTF-8\"");
  // The body of a refused request is still unread; don't read megabytes for a stranger.
  ex.close_after = true;
}

void retry_later(exchange& ex, std::chrono::seconds after) {
  set_response(ex, 503);
  ex.response.set(http_wire::field::retry_after, std::to_string(std::max<long long>(1, after.count())));
  ex.close_after = true;
}

}  // namespace

net::awaitable<std::optional<identity>> authenticate(server_context& ctx, exchange& ex) {
  const auto header = ex.request[http_wire::field::authorization];
  if (header.empty()) {
    challenge(ex);
    co_return std::nullopt;
  }
  auto creds = http::parse_basic_authorization(header);
  if (!creds) {
    spdlog::debug("unusable Authorization header client={} reason={}", ex.client_address, creds.error().message());
    challenge(ex);
    co_return std::nullopt;
  }
  ex.summary.user = creds->user;
  // A named local, not a temporary: g++ 12 mis-destroys temporaries that live across a co_await.
  const backend::credentials presented{creds->user, creds->password, ex.client_address};
  const auto verdict = co_await ctx.authenticator.authenticate(presented);
  switch (verdict.status) {
    case http::auth_status::ok:
      ex.authenticated = true;
      co_return identity{std::move(creds->user), std::move(creds->password)};
    case http::auth_status::rejected:
      spdlog::info("authentication failed user={} client={}", log_escape(creds->user), ex.client_address);
      challenge(ex);
      break;
    case http::auth_status::throttled:
      spdlog::warn("authentication throttled user={} client={}", log_escape(creds->user), ex.client_address);
      retry_later(ex, verdict.retry_after);
      break;
    case http::auth_status::unavailable:
      spdlog::warn("user directory unavailable user={} client={}", log_escape(creds->user), ex.client_address);
      retry_later(ex, verdict.retry_after);
      break;
  }
  co_return std::nullopt;
}

}  // namespace easd::server
