#include "backend/imap/client/connection.hpp"

#include "backend/imap/client/error.hpp"
#include "backend/net/connect.hpp"
#include "eas/core/ascii.hpp"
#include "eas/core/base64.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <openssl/crypto.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <string_view>
#include <variant>

namespace easd::backend::imap {

namespace net = boost::asio;
using namespace net::experimental::awaitable_operators;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// Passwords pass through command buffers; wipe them once sent rather than leave them in freed memory.
void cleanse(std::vector<std::string>& chunks) noexcept {
  for (auto& c : chunks) OPENSSL_cleanse(c.data(), c.size());
}

void cleanse(std::string& s) noexcept { OPENSSL_cleanse(s.data(), s.size()); }

// A command without literals. (Not a braced list at the call: g++ 12 miscompiles initializer lists in
// coroutine argument lists.)
std::vector<std::string> one_chunk(std::string line) {
  std::vector<std::string> v;
  v.push_back(std::move(line));
  return v;
}

bool sendable_credential(std::string_view s) noexcept {
  return s.find_first_of(std::string_view("\0\r\n", 3)) == std::string_view::npos;
}

bool is_ip_literal(const std::string& name) {
  error_code ec;
  (void)net::ip::make_address(name, ec);
  return !ec;
}

// Before login the server has said nothing that needs more than one line's worth of bytes.
parser_limits preauth_limits(const options& o) {
  parser_limits l;
  l.max_line_bytes = o.max_line_bytes;
  l.max_literal_bytes = std::min(o.max_literal_bytes, o.max_line_bytes);
  l.max_response_bytes = std::min(o.max_response_bytes, o.max_line_bytes);
  return l;
}

// One read's worth; allocated when a read starts and freed when a command completes with nothing
// buffered (release_read_buffer), so idle pooled connections cost no buffer. A watch keeps its buffer
// between events: freeing it in wait_readable too made imap_mail_watch_test's IDLE fallback lose a
// response now and then (not understood yet).
constexpr std::size_t read_buffer_bytes = 16 * 1024;

parser_limits full_limits(const options& o) {
  parser_limits l;
  l.max_line_bytes = o.max_line_bytes;
  l.max_literal_bytes = o.max_literal_bytes;
  l.max_response_bytes = o.max_response_bytes;
  return l;
}

}  // namespace

connection::connection(private_tag, net::any_io_executor ex, net::ssl::context& tls, options opts)
    : opts_(std::move(opts)),
      socket_(std::move(ex)),
      tls_context_(tls),
      parser_(preauth_limits(opts_)) {}

connection::~connection() { close(); }

void connection::close() noexcept {
  broken_ = true;
  error_code ec;
  socket().close(ec);
}

net::awaitable<result<std::unique_ptr<connection>>> connection::connect(net::any_io_executor ex,
                                                                        net::ssl::context& tls, options opts) {
  auto conn = std::make_unique<connection>(private_tag{}, std::move(ex), tls, std::move(opts));
  auto r = co_await conn->open();
  if (!r) co_return r.error();
  co_return std::move(conn);
}

result<void> connection::usable() const {
  if (broken_) return error::connection_lost;
  return {};
}

// A read or write failed or timed out: the stream is in an unknown state, nothing more may be sent.
error_code connection::lost(error_code ec) {
  close();
  return ec;
}

std::string connection::next_tag() { return "e" + std::to_string(++tag_counter_); }

literal_mode connection::literals() const noexcept {
  if (caps_.has("LITERAL+")) return literal_mode::non_synchronizing;
  if (caps_.has("LITERAL-")) return literal_mode::small_non_sync;
  return literal_mode::synchronizing;
}

net::awaitable<result<std::size_t>> connection::read_some(clock::time_point deadline) {
  net::steady_timer timer(socket().get_executor(), deadline);
  if (rbuf_.empty()) rbuf_.resize(read_buffer_bytes);
  auto buf = net::buffer(rbuf_);
  auto op = tls_ ? tls_stream_->async_read_some(buf, use_tuple) : socket().async_read_some(buf, use_tuple);
  auto r = co_await (std::move(op) || timer.async_wait(use_tuple));
  if (r.index() == 1) co_return lost(error::timeout);
  auto [ec, n] = std::get<0>(r);
  if (ec) co_return lost(bye_ ? error::unavailable : error::connection_lost);
  co_return n;
}

net::awaitable<result<void>> connection::write(std::string_view bytes, clock::time_point deadline) {
  net::steady_timer timer(socket().get_executor(), deadline);
  auto buf = net::buffer(bytes.data(), bytes.size());
  auto op = tls_ ? net::async_write(*tls_stream_, buf, use_tuple) : net::async_write(socket(), buf, use_tuple);
  auto r = co_await (std::move(op) || timer.async_wait(use_tuple));
  if (r.index() == 1) co_return lost(error::timeout);
  if (std::get<0>(std::get<0>(r))) co_return lost(bye_ ? error::unavailable : error::connection_lost);
  co_return result<void>{};
}

net::awaitable<result<response>> connection::read_response(clock::time_point deadline) {
  for (;;) {
    if (rbegin_ < rend_) {
      auto used = parser_.feed(std::string_view(rbuf_.data() + rbegin_, rend_ - rbegin_));
      if (!used) co_return lost(used.error());
      rbegin_ += *used;
      if (parser_.ready()) {
        response resp = parser_.take();
        if (resp.status == status::bye) bye_ = true;
        if (iequals_ascii(resp.code, "CAPABILITY")) {
          caps_ = capabilities::from_text(resp.code_args);
        } else if (is_data(resp, "CAPABILITY")) {
          caps_ = capabilities::from_response(resp);
        } else if (is_data(resp, "ENABLED")) {
          auto more = capabilities::from_response_named(resp, "ENABLED");
          enabled_.merge(more);
        }
        // A command is over: an idle connection (pooled, or a watch between events) holds no read buffer.
        if (resp.kind == response_kind::tagged) release_read_buffer();
        co_return resp;
      }
    }
    rbegin_ = rend_ = 0;
    auto n = co_await read_some(deadline);
    if (!n) co_return n.error();
    rend_ = *n;
  }
}

void connection::release_read_buffer() noexcept {
  if (rbegin_ < rend_) return;
  rbegin_ = rend_ = 0;
  std::vector<char>().swap(rbuf_);
}

std::size_t connection::footprint(const response& r) noexcept {
  std::size_t n = sizeof(response) + r.text.size() + r.code.size() + r.code_args.size();
  for (const auto& v : r.data) n += sizeof(value) + v.text.size();
  return n;
}

net::awaitable<result<response>> connection::run(std::string tag, std::vector<std::string> chunks,
                                                 clock::time_point deadline, std::vector<response>* untagged) {
  std::size_t collected_bytes = 0;
  struct wipe {
    std::vector<std::string>& c;
    ~wipe() { cleanse(c); }
  } wipe_on_exit{chunks};

  for (std::size_t k = 0; k < chunks.size(); ++k) {
    if (k > 0) {
      for (;;) {
        auto r = co_await read_response(deadline);
        if (!r) co_return r.error();
        if (r->kind == response_kind::continuation) break;
        if (r->kind == response_kind::tagged) {
          // The server refused the command before its literal or SASL response was sent.
          if (r->tag == tag) co_return std::move(*r);
          co_return lost(error::protocol_error);
        }
        // Unsolicited data (EXISTS, FETCH) may arrive before the "+": it belongs to the result too.
        if (untagged != nullptr) {
          collected_bytes += footprint(*r);
          if (untagged->size() >= opts_.max_untagged_responses || collected_bytes > opts_.max_result_bytes) {
            co_return lost(error::response_too_large);
          }
          untagged->push_back(std::move(*r));
        }
      }
    }
    auto w = co_await write(chunks[k], deadline);
    if (!w) co_return w.error();
  }
  for (;;) {
    auto r = co_await read_response(deadline);
    if (!r) co_return r.error();
    if (r->kind == response_kind::tagged) {
      if (r->tag == tag) co_return std::move(*r);
      co_return lost(error::protocol_error);
    }
    // A continuation now would ask for more than the command has (e.g. a second SASL challenge).
    if (r->kind == response_kind::continuation) co_return lost(error::protocol_error);
    if (untagged != nullptr) {
      if (r->status == status::bye) co_return lost(error::unavailable);
      collected_bytes += footprint(*r);
      if (untagged->size() >= opts_.max_untagged_responses || collected_bytes > opts_.max_result_bytes) {
        co_return lost(error::response_too_large);
      }
      untagged->push_back(std::move(*r));
    }
  }
}

net::awaitable<result<void>> connection::tls_handshake(clock::time_point deadline) {
  const std::string& name = opts_.sni.empty() ? opts_.host : opts_.sni;
  tls_stream_ = std::make_unique<net::ssl::stream<net::ip::tcp::socket>>(std::move(socket_), tls_context_);
  auto& stream = *tls_stream_;
  // RFC 6066 §3: SNI carries host names only, never address literals.
  if (!is_ip_literal(name) && SSL_set_tlsext_host_name(stream.native_handle(), name.c_str()) != 1) {
    co_return lost(error::tls_failed);
  }
  error_code ec;
  if (opts_.verify_certificate) {
    stream.set_verify_mode(net::ssl::verify_peer, ec);
    if (!ec) stream.set_verify_callback(net::ssl::host_name_verification(name), ec);
  } else {
    stream.set_verify_mode(net::ssl::verify_none, ec);
  }
  if (ec) co_return lost(error::tls_failed);

  net::steady_timer timer(stream.get_executor(), deadline);
  auto r = co_await (stream.async_handshake(net::ssl::stream_base::client, use_tuple) || timer.async_wait(use_tuple));
  if (r.index() == 1) co_return lost(error::timeout);
  if (std::get<0>(std::get<0>(r))) co_return lost(error::tls_failed);
  tls_ = true;
  co_return result<void>{};
}

net::awaitable<result<void>> connection::refresh_capabilities(clock::time_point deadline) {
  auto tag = next_tag();
  auto r = co_await run(tag, one_chunk(tag + " CAPABILITY\r\n"), deadline);
  if (!r) co_return r.error();
  if (r->status != status::ok) co_return lost(error::protocol_error);
  co_return result<void>{};
}

// RFC 9051 §6.2.1 and §11.1.
net::awaitable<result<void>> connection::starttls(clock::time_point deadline) {
  if (caps_.empty()) {
    auto c = co_await refresh_capabilities(deadline);
    if (!c) co_return c.error();
  }
  if (!caps_.has("STARTTLS")) co_return lost(error::tls_failed);

  auto tag = next_tag();
  auto r = co_await run(tag, one_chunk(tag + " STARTTLS\r\n"), deadline);
  if (!r) co_return r.error();
  if (r->status != status::ok) co_return lost(error::unavailable);
  // Bytes after the tagged OK arrived in plaintext but would be read as if they came over TLS: a
  // man in the middle's injection (CVE-2011-0411 class). Refuse rather than discard.
  if (rbegin_ != rend_ || !parser_.idle()) co_return lost(error::protocol_error);

  auto h = co_await tls_handshake(deadline);
  if (!h) co_return h.error();
  // Capabilities learnt before TLS may have been forged; ask again.
  caps_ = capabilities{};
  co_return co_await refresh_capabilities(deadline);
}

net::awaitable<result<void>> connection::open() {
  const auto deadline = clock::now() + opts_.connect_timeout;
  const auto connected = co_await transport::connect_before(socket(), opts_.host, opts_.port, deadline);
  if (connected == transport::connect_result::timed_out) co_return lost(error::timeout);
  if (connected == transport::connect_result::failed) co_return lost(error::connect_failed);

  if (opts_.sec == security::tls) {
    auto h = co_await tls_handshake(deadline);
    if (!h) co_return h.error();
  }

  auto greeting = co_await read_response(deadline);
  if (!greeting) co_return greeting.error();
  if (greeting->kind != response_kind::untagged) co_return lost(error::protocol_error);
  switch (greeting->status) {
    case status::ok: break;
    case status::preauth:
      if (opts_.sec == security::starttls) co_return lost(error::tls_failed);
      authenticated_ = true;
      parser_.set_limits(full_limits(opts_));
      break;
    case status::bye: co_return lost(error::unavailable);
    default: co_return lost(error::protocol_error);
  }

  if (opts_.sec == security::starttls) {
    auto s = co_await starttls(deadline);
    if (!s) co_return s.error();
  }
  if (caps_.empty()) co_return co_await refresh_capabilities(deadline);
  co_return result<void>{};
}

net::awaitable<result<void>> connection::id(std::vector<std::pair<std::string, std::string>> fields) {
  if (auto u = usable(); !u) co_return u;
  if (!caps_.has("ID")) co_return result<void>{};

  auto tag = next_tag();
  command_builder cmd(tag, "ID", literals());
  if (fields.empty()) {
    cmd.raw(" NIL");
  } else {
    cmd.raw(" (");
    bool first = true;
    for (const auto& [field, val] : fields) {
      if (!first) cmd.raw(" ");
      first = false;
      if (!cmd.string(field)) co_return error::unsendable_argument;
      cmd.raw(" ");
      if (!cmd.string(val)) co_return error::unsendable_argument;
    }
    cmd.raw(")");
  }
  auto r = co_await run(tag, std::move(cmd).finish(), clock::now() + opts_.command_timeout);
  if (!r) co_return r.error();
  if (r->status != status::ok) co_return error::command_failed;
  co_return result<void>{};
}

net::awaitable<result<void>> connection::login(std::string user, std::string password) {
  struct wipe {
    std::string& s;
    ~wipe() { cleanse(s); }
  } wipe_on_exit{password};

  if (auto u = usable(); !u) co_return u;
  if (authenticated_) co_return error::protocol_error;
  // NUL separates the PLAIN message's fields (RFC 4616) and cannot be in a string; CR/LF would be
  // read as the end of a line by some servers even inside a literal. Refuse before a byte is sent.
  if (user.empty() || !sendable_credential(user) || !sendable_credential(password)) {
    co_return error::unsendable_argument;
  }

  auto tag = next_tag();
  std::vector<std::string> chunks;
  if (caps_.has("AUTH=PLAIN")) {
    std::string message;
    message.reserve(user.size() + password.size() + 2);
    message.append(1, '\0').append(user).append(1, '\0').append(password);
    std::string encoded = encode_base64(message);
    cleanse(message);
    if (caps_.has("SASL-IR")) {
      // RFC 4959: an empty initial response is sent as "=".
      chunks.push_back(tag + " AUTHENTICATE PLAIN " + (encoded.empty() ? std::string("=") : encoded) + "\r\n");
    } else {
      chunks.push_back(tag + " AUTHENTICATE PLAIN\r\n");
      chunks.push_back(encoded + "\r\n");
    }
    cleanse(encoded);
  } else if (caps_.has("LOGINDISABLED")) {
    co_return error::login_disabled;
  } else {
    command_builder cmd(tag, "LOGIN", literals());
    cmd.raw(" ");
    (void)cmd.string(user);  // NUL ruled out above
    cmd.raw(" ");
    (void)cmd.string(password);
    chunks = std::move(cmd).finish();
  }

  auto r = co_await run(tag, std::move(chunks), clock::now() + opts_.command_timeout);
  if (!r) co_return r.error();
  if (r->status == status::ok) {
    authenticated_ = true;
    parser_.set_limits(full_limits(opts_));
    co_return result<void>{};
  }
  // RFC 5530: UNAVAILABLE is a temporary failure of the server, not a verdict on the credentials.
  if (r->status == status::no && (iequals_ascii(r->code, "UNAVAILABLE") || iequals_ascii(r->code, "SERVERBUG"))) {
    co_return error::unavailable;
  }
  co_return error::auth_failed;
}

command_builder connection::start_command(std::string_view name) {
  last_completion_ = response{};
  auto tag = next_tag();
  return command_builder(tag, name, literals());
}

net::awaitable<result<command_result>> connection::execute(command_builder cmd) {
  if (auto u = usable(); !u) co_return u.error();
  command_result out;
  std::string tag = cmd.tag();
  std::vector<std::string> chunks = std::move(cmd).finish();
  const auto deadline = clock::now() + opts_.command_timeout;
  auto r = co_await run(std::move(tag), std::move(chunks), deadline, &out.untagged);
  if (!r) co_return r.error();
  last_completion_ = *r;
  out.completion = std::move(*r);
  co_return out;
}

net::awaitable<result<void>> connection::logout() {
  if (auto u = usable(); !u) co_return u;
  auto tag = next_tag();
  auto r = co_await run(tag, one_chunk(tag + " LOGOUT\r\n"), clock::now() + opts_.command_timeout);
  close();
  // The BYE came and the server hung up before the tagged OK: that is a completed logout too.
  if (!r) co_return bye_ ? result<void>{} : result<void>(r.error());
  co_return result<void>{};
}

}  // namespace easd::backend::imap
