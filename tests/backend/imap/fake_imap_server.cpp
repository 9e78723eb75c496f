#include "tests/backend/imap/fake_imap_server.hpp"

#include "tests/backend/imap/test_tls.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace easd::test {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
}

fake_imap_server::fake_imap_server(net::io_context& ctx, std::vector<script_step> script, bool implicit_tls)
    : tls_ctx_(make_server_context()),
      acceptor_(ctx, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)),
      stream_(ctx, tls_ctx_),
      script_(std::move(script)),
      implicit_tls_(implicit_tls) {
  port_ = acceptor_.local_endpoint().port();
  net::co_spawn(ctx, serve(this), net::detached);
}

void fake_imap_server::stop() {
  boost::system::error_code ec;
  acceptor_.close(ec);
  stream_.next_layer().close(ec);
}

net::awaitable<bool> fake_imap_server::read_line(std::string& out) {
  auto [ec, n] = tls_ ? co_await net::async_read_until(stream_, net::dynamic_buffer(buffer_), "\r\n", use_tuple)
                      : co_await net::async_read_until(stream_.next_layer(), net::dynamic_buffer(buffer_), "\r\n",
                                                       use_tuple);
  if (ec) co_return false;
  out = buffer_.substr(0, n - 2);
  received_ += buffer_.substr(0, n);
  buffer_.erase(0, n);
  lines_.push_back(out);
  co_return true;
}

net::awaitable<void> fake_imap_server::serve(fake_imap_server* self) {
  auto [aec] = co_await self->acceptor_.async_accept(self->stream_.next_layer(), use_tuple);
  if (aec) co_return;
  self->accepted_ = true;
  if (self->implicit_tls_) {
    auto [hec] = co_await self->stream_.async_handshake(net::ssl::stream_base::server, use_tuple);
    if (hec) co_return;
    self->tls_ = true;
  }
  std::string tag = "*";
  for (const auto& step : self->script_) {
    switch (step.k) {
      case script_step::kind::command:
      case script_step::kind::line: {
        std::string l;
        if (!co_await self->read_line(l)) co_return;
        if (step.k == script_step::kind::command) tag = l.substr(0, l.find(' '));
        break;
      }
      case script_step::kind::send: {
        std::string text = step.text;
        for (auto pos = text.find("$TAG"); pos != std::string::npos; pos = text.find("$TAG", pos + tag.size())) {
          text.replace(pos, 4, tag);
        }
        auto [wec, wn] = self->tls_ ? co_await net::async_write(self->stream_, net::buffer(text), use_tuple)
                                    : co_await net::async_write(self->stream_.next_layer(), net::buffer(text), use_tuple);
        if (wec) co_return;
        break;
      }
      case script_step::kind::starttls: {
        auto [hec] = co_await self->stream_.async_handshake(net::ssl::stream_base::server, use_tuple);
        if (hec) co_return;
        self->tls_ = true;
        break;
      }
      case script_step::kind::close: {
        boost::system::error_code ec;
        self->stream_.next_layer().shutdown(tcp::socket::shutdown_both, ec);
        self->stream_.next_layer().close(ec);
        break;
      }
      case script_step::kind::drain: {
        std::string l;
        while (co_await self->read_line(l)) {
        }
        // Bytes of an unterminated last line count as received too.
        self->received_ += self->buffer_;
        break;
      }
    }
  }
  self->done_ = true;
}

}  // namespace easd::test
