// The watcher's side of connection (connection.hpp): waiting for unsolicited responses and IDLE
// (RFC 2177). NOTIFY (RFC 5465) needs no code here: NOTIFY SET is an ordinary command, and its events are
// untagged responses read with read_unsolicited().
#include "backend/imap/client/connection.hpp"
#include "backend/imap/client/error.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/ssl.h>

#include <variant>

namespace easd::backend::imap {

namespace net = boost::asio;
using namespace net::experimental::awaitable_operators;

namespace {
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
}  // namespace

net::awaitable<result<connection::readiness>> connection::wait_readable(clock::time_point until) {
  if (auto u = usable(); !u) co_return u.error();
  // Bytes already read but not parsed, or a response half-parsed: reading goes on without waiting.
  if (rbegin_ < rend_ || !parser_.idle()) co_return readiness::readable;
  // OpenSSL may hold decrypted bytes or whole records the socket will never signal again.
  if (tls_ && (SSL_pending(tls_stream_->native_handle()) > 0 || SSL_has_pending(tls_stream_->native_handle()) == 1)) {
    co_return readiness::readable;
  }
  net::steady_timer timer(socket().get_executor(), until);
  auto r = co_await (socket().async_wait(net::socket_base::wait_read, use_tuple) ||
                     timer.async_wait(use_tuple));
  if (r.index() == 1) co_return readiness::waited;
  auto [ec] = std::get<0>(r);
  // Cancelled by the caller (its wake-up came first): nothing was consumed, the connection stays usable.
  if (ec == net::error::operation_aborted) co_return readiness::waited;
  if (ec) co_return lost(error::connection_lost);
  co_return readiness::readable;
}

net::awaitable<result<response>> connection::read_unsolicited() {
  if (auto u = usable(); !u) co_return u.error();
  auto r = co_await read_response(clock::now() + opts_.command_timeout);
  if (!r) co_return r.error();
  if (r->kind != response_kind::untagged) co_return lost(error::protocol_error);
  co_return std::move(*r);
}

net::awaitable<result<void>> connection::idle_begin(std::vector<response>& updates) {
  if (auto u = usable(); !u) co_return u;
  if (!idle_tag_.empty()) co_return error::protocol_error;  // one IDLE at a time
  last_completion_ = response{};
  const auto deadline = clock::now() + opts_.command_timeout;
  std::string tag = next_tag();
  std::string line = tag + " IDLE\r\n";
  auto w = co_await write(line, deadline);
  if (!w) co_return w;
  std::size_t collected_bytes = 0;
  for (;;) {
    auto r = co_await read_response(deadline);
    if (!r) co_return r.error();
    if (r->kind == response_kind::continuation) break;
    if (r->kind == response_kind::tagged) {
      if (r->tag != tag) co_return lost(error::protocol_error);
      last_completion_ = std::move(*r);
      co_return error::command_failed;  // a tagged OK here would also mean "not idling"
    }
    if (r->status == status::bye) co_return lost(error::unavailable);
    collected_bytes += footprint(*r);
    if (updates.size() >= opts_.max_untagged_responses || collected_bytes > opts_.max_result_bytes) {
      co_return lost(error::response_too_large);
    }
    updates.push_back(std::move(*r));
  }
  idle_tag_ = std::move(tag);
  co_return result<void>{};
}

net::awaitable<result<command_result>> connection::idle_done() {
  if (auto u = usable(); !u) co_return u.error();
  if (idle_tag_.empty()) co_return error::protocol_error;
  std::string tag = std::move(idle_tag_);
  idle_tag_.clear();
  const auto deadline = clock::now() + opts_.command_timeout;
  std::string line = "DONE\r\n";
  auto w = co_await write(line, deadline);
  if (!w) co_return w.error();
  command_result out;
  std::size_t collected_bytes = 0;
  for (;;) {
    auto r = co_await read_response(deadline);
    if (!r) co_return r.error();
    if (r->kind == response_kind::continuation) co_return lost(error::protocol_error);
    if (r->kind == response_kind::tagged) {
      if (r->tag != tag) co_return lost(error::protocol_error);
      last_completion_ = *r;
      out.completion = std::move(*r);
      co_return out;
    }
    if (r->status == status::bye) co_return lost(error::unavailable);
    collected_bytes += footprint(*r);
    if (out.untagged.size() >= opts_.max_untagged_responses || collected_bytes > opts_.max_result_bytes) {
      co_return lost(error::response_too_large);
    }
    out.untagged.push_back(std::move(*r));
  }
}

}  // namespace easd::backend::imap
