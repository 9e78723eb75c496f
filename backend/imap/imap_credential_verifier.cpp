#include "backend/imap/imap_credential_verifier.hpp"

#include "backend/imap/client/connection.hpp"
#include "backend/imap/client/error.hpp"
#include "eas/core/log_escape.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include <optional>
#include <string_view>

namespace easd::backend {

namespace net = boost::asio;

namespace {

// Longer names and passwords are not real ones; refusing them keeps command lines well under any limit.
constexpr std::size_t max_user_bytes = 512;
constexpr std::size_t max_password_bytes = 4096;

// The address goes to the server only if it parses as an IP address, and then in canonical form.
std::optional<std::string> canonical_ip(std::string_view text) {
  error_code ec;
  auto addr = net::ip::make_address(text, ec);
  if (ec) return std::nullopt;
  if (addr.is_v6()) {
    auto v6 = addr.to_v6();
    v6.scope_id(0);  // an interface name means nothing to the server
    if (v6.is_v4_mapped()) return net::ip::make_address_v4(net::ip::v4_mapped, v6).to_string();
    return v6.to_string();
  }
  return addr.to_string();
}

bool acceptable(const credentials& c) {
  auto bad = [](std::string_view s) { return s.find_first_of(std::string_view("\0\r\n", 3)) != std::string_view::npos; };
  return !c.user.empty() && c.user.size() <= max_user_bytes && c.password.size() <= max_password_bytes &&
         !bad(c.user) && !bad(c.password);
}

auth_outcome unavailable(const imap::options& opts, const credentials& c, const error_code& ec) {
  spdlog::warn("imap_verifier outcome=unavailable server={}:{} user={} reason={}", log_escape(opts.host),
               opts.port, log_escape(c.user), ec.message());
  return auth_outcome::unavailable;
}

net::awaitable<auth_outcome> run_verification(imap::options opts, std::shared_ptr<net::ssl::context> tls,
                                              credentials c) {
  auto ex = co_await net::this_coro::executor;
  auto conn = co_await imap::connection::connect(ex, *tls, opts);
  if (!conn) co_return unavailable(opts, c, conn.error());

  std::vector<std::pair<std::string, std::string>> fields{{"name", "easd"}};
  if (auto ip = canonical_ip(c.client_address)) fields.emplace_back("x-originating-ip", *ip);
  auto id = co_await (*conn)->id(std::move(fields));
  // A server that dislikes our ID can still verify the password.
  if (!id && id.error() != imap::error::command_failed) co_return unavailable(opts, c, id.error());

  auto login = co_await (*conn)->login(c.user, c.password);
  if (!login) {
    if (login.error() == imap::error::auth_failed || login.error() == imap::error::unsendable_argument) {
      co_return auth_outcome::rejected;
    }
    co_return unavailable(opts, c, login.error());
  }
  (void)co_await (*conn)->logout();
  co_return auth_outcome::accepted;
}

}  // namespace

imap_credential_verifier::imap_credential_verifier(net::any_io_executor ex, imap::options opts,
                                                   std::shared_ptr<net::ssl::context> tls)
    : ex_(std::move(ex)), opts_(std::move(opts)), tls_(std::move(tls)) {}

net::awaitable<auth_outcome> imap_credential_verifier::verify(const credentials& c) {
  if (!acceptable(c)) co_return auth_outcome::rejected;
  co_return co_await net::co_spawn(net::make_strand(ex_), run_verification(opts_, tls_, c), net::use_awaitable);
}

}  // namespace easd::backend
