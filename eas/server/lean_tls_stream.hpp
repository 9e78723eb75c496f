// A TLS stream over a `beast::tcp_stream` that holds no I/O buffer while nothing is in flight.
//
// Asio's `ssl::stream` keeps, per connection and for its whole life, a BIO pair of two 17 KiB buffers and
// two 17 KiB vectors (bench/RESULTS.md, "Push"): ~68 KiB for each held Ping, which sits idle for up to an
// hour. This stream gives OpenSSL a BIO of its own instead. Ciphertext from the socket lands in a small
// inline array while waiting for the next request, and in a heap buffer of one TLS record only while
// bytes are flowing; ciphertext to the socket lives in a vector that is released once written. With
// SSL_MODE_RELEASE_BUFFERS, an idle connection keeps only OpenSSL's session state.
//
// Contract:
// - Models Beast's AsyncReadStream and AsyncWriteStream. One operation at a time: the connection's one
//   coroutine reads or writes, never both at once (session.cpp). Completions run on the handler's
//   associated executor (for `use_awaitable`, the connection's strand); an operation never completes
//   inside its initiating function.
// - Deadlines and cancellation are the lower layer's: every socket read and write goes through
//   `next_layer().async_read_some` / `async_write_some`, so `beast::get_lowest_layer(s).expires_*()` and
//   `tcp_stream::cancel()` apply (beast::error::timeout, net::error::operation_aborted).
// - Errors: a TLS failure is an error_code in asio's ssl category; the peer's close_notify reads as
//   net::error::eof; a peer that drops the connection without one as net::ssl::error::stream_truncated.
// - Renegotiation is refused (SSL_OP_NO_RENEGOTIATION): TLS 1.3 has none and a TLS 1.2 peer gets a
//   no_renegotiation warning instead of a handshake in the middle of a request.
// - The SSL object holds a reference to the SSL_CTX, so the context may be replaced (SIGHUP) while the
//   stream lives. Not movable: OpenSSL's BIO points at the stream.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/system/error_code.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <vector>

namespace easd::server {

class lean_tls_stream {
public:
  using next_layer_type = boost::beast::tcp_stream;
  using executor_type = next_layer_type::executor_type;
  using handshake_type = boost::asio::ssl::stream_base::handshake_type;

  // Throws boost::system::system_error when OpenSSL cannot make the SSL object.
  lean_tls_stream(next_layer_type next, boost::asio::ssl::context& context);
  ~lean_tls_stream();
  lean_tls_stream(const lean_tls_stream&) = delete;
  lean_tls_stream& operator=(const lean_tls_stream&) = delete;

  executor_type get_executor() noexcept { return next_.get_executor(); }
  next_layer_type& next_layer() noexcept { return next_; }
  const next_layer_type& next_layer() const noexcept { return next_; }
  SSL* native_handle() noexcept { return ssl_; }

  // Heap bytes the stream holds for ciphertext in flight (inbound record buffer + outbound vector); 0 when
  // idle. For tests and diagnostics.
  std::size_t buffered_bytes_capacity() const noexcept;

  // Signature void(error_code). The server side is what easd uses; `client` sets the connect state (the
  // caller configures SNI and verification on native_handle() first).
  template <class CompletionToken>
  auto async_handshake(handshake_type type, CompletionToken&& token) {
    set_handshake_type(type);
    return boost::asio::async_compose<CompletionToken, void(boost::system::error_code)>(
        io_op<handshake_action>{*this, {}}, token, next_);
  }

  // Sends close_notify and waits for the peer's (bound the wait with the lowest layer's deadline).
  // Signature void(error_code).
  template <class CompletionToken>
  auto async_shutdown(CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, void(boost::system::error_code)>(
        io_op<shutdown_action>{*this, {}}, token, next_);
  }

  // Signature void(error_code, std::size_t). Reads into the first non-empty buffer of the sequence.
  template <class MutableBufferSequence, class ReadToken>
  auto async_read_some(const MutableBufferSequence& buffers, ReadToken&& token) {
    return boost::asio::async_compose<ReadToken, void(boost::system::error_code, std::size_t)>(
        io_op<read_action>{*this, read_action{first_buffer(buffers)}}, token, next_);
  }

  // Signature void(error_code, std::size_t). Writes at most one TLS record (16 KiB) of the sequence;
  // several small buffers are gathered into one record rather than sent as a record each.
  template <class ConstBufferSequence, class WriteToken>
  auto async_write_some(const ConstBufferSequence& buffers, WriteToken&& token) {
    write_action action;
    gather(buffers, action);
    return boost::asio::async_compose<WriteToken, void(boost::system::error_code, std::size_t)>(
        io_op<write_action>{*this, std::move(action)}, token, next_);
  }

private:
  friend struct lean_tls_bio;

  // What the engine needs before the SSL call can make progress.
  enum class want { nothing, input, retry };
  struct step {
    want next = want::nothing;
    boost::system::error_code ec;
    std::size_t bytes = 0;
  };

  static constexpr std::size_t max_plaintext_record = 16 * 1024;
  static constexpr std::size_t inline_input_bytes = 512;

  struct handshake_action {
    static constexpr bool with_size = false;
    step operator()(lean_tls_stream& s) const { return s.do_handshake(); }
  };
  struct shutdown_action {
    static constexpr bool with_size = false;
    step operator()(lean_tls_stream& s) const { return s.do_shutdown(); }
  };
  struct read_action {
    static constexpr bool with_size = true;
    boost::asio::mutable_buffer buffer;
    step operator()(lean_tls_stream& s) const { return s.do_read(buffer); }
  };
  struct write_action {
    static constexpr bool with_size = true;
    boost::asio::const_buffer buffer;
    std::vector<unsigned char> gathered;  // only when the caller's first buffer is a small piece
    step operator()(lean_tls_stream& s) const { return s.do_write(buffer); }
  };

  template <class MutableBufferSequence>
  static boost::asio::mutable_buffer first_buffer(const MutableBufferSequence& buffers) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it) {
      boost::asio::mutable_buffer b(*it);
      if (b.size() != 0) return b;
    }
    return {};
  }

  template <class ConstBufferSequence>
  static void gather(const ConstBufferSequence& buffers, write_action& out) {
    std::size_t pieces = 0;
    std::size_t total = 0;
    boost::asio::const_buffer first;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers) && total < max_plaintext_record; ++it) {
      boost::asio::const_buffer b(*it);
      if (b.size() == 0) continue;
      if (pieces++ == 0) first = b;
      total += b.size();
    }
    if (pieces <= 1 || first.size() >= max_plaintext_record) {
      out.buffer = boost::asio::buffer(first, max_plaintext_record);
      return;
    }
    // Beast serialises a header as many small buffers; one record for all of them, not one each.
    out.gathered.resize(std::min(total, max_plaintext_record));
    boost::asio::buffer_copy(boost::asio::buffer(out.gathered), buffers);
    out.buffer = boost::asio::buffer(out.gathered);
  }

  // One TLS operation, re-run until OpenSSL needs nothing more: flush ciphertext it produced, read more
  // when it wants input, then complete.
  template <class Action>
  struct io_op {
    lean_tls_stream& s;
    Action action;
    enum class phase { start, flushing, reading, posted } at = phase::start;
    step result{};
    bool has_read = false;

    template <class Self>
    void operator()(Self& self, boost::system::error_code ec = {}, std::size_t n = 0) {
      switch (at) {
        case phase::start:
          break;
        case phase::posted:
          return complete(self, result.ec, result.bytes);
        case phase::flushing:
          s.output_sent();
          if (ec) return complete(self, result.ec ? result.ec : ec, 0);
          if (result.next == want::nothing) return complete(self, result.ec, result.bytes);
          if (result.next == want::input) return read(self);
          break;  // want::retry: OpenSSL had no room to write; run the call again
        case phase::reading:
          if (ec) return complete(self, s.input_error(ec), 0);
          s.input_received(n);
          has_read = true;
          break;
      }
      result = action(s);
      if (s.output_pending()) {
        at = phase::flushing;
        return boost::asio::async_write(s.next_, s.output_buffer(), std::move(self));
      }
      if (result.next == want::input) return read(self);
      if (result.next == want::retry) result = {want::nothing, boost::asio::ssl::error::unexpected_result, 0};
      // Done without I/O (plaintext already decrypted, an error): never complete inside the initiation.
      if (at == phase::start) {
        at = phase::posted;
        return boost::asio::post(std::move(self));
      }
      complete(self, result.ec, result.bytes);
    }

    template <class Self>
    void read(Self& self) {
      if (s.input_closed()) {
        if (at == phase::start) {
          result = {want::nothing, s.input_error(boost::asio::error::eof), 0};
          at = phase::posted;
          return boost::asio::post(std::move(self));
        }
        return complete(self, s.input_error(boost::asio::error::eof), 0);
      }
      // The first socket read of an operation is the wait for the peer: it goes to the inline array.
      at = phase::reading;
      s.next_.async_read_some(s.input_space(has_read), std::move(self));
    }

    template <class Self>
    void complete(Self& self, boost::system::error_code ec, std::size_t n) {
      s.release_idle_buffers();
      if constexpr (Action::with_size) {
        self.complete(ec, n);
      } else {
        self.complete(ec);
      }
    }
  };

  void set_handshake_type(handshake_type type);
  step do_handshake();
  step do_shutdown();
  step do_read(boost::asio::mutable_buffer buffer);
  step do_write(boost::asio::const_buffer buffer);
  step classify(int ret, std::size_t bytes);

  // Inbound ciphertext: where the next socket read goes (the inline array unless bytes are flowing).
  boost::asio::mutable_buffer input_space(bool flowing);
  void input_received(std::size_t n);
  bool input_closed() const noexcept { return peer_closed_; }
  boost::system::error_code input_error(boost::system::error_code ec);
  // Outbound ciphertext.
  bool output_pending() const noexcept { return !output_.empty(); }
  boost::asio::const_buffer output_buffer() const noexcept { return boost::asio::buffer(output_); }
  void output_sent() noexcept;
  void release_idle_buffers() noexcept;

  // Called by the BIO.
  int bio_read(char* out, int size) noexcept;
  int bio_write(const char* data, int size) noexcept;
  long bio_pending() const noexcept { return static_cast<long>(in_end_ - in_begin_); }

  next_layer_type next_;
  SSL* ssl_ = nullptr;
  boost::system::error_code fatal_;  // OpenSSL forbids further calls after a fatal error
  bool peer_closed_ = false;         // the socket read returned end of stream

  std::array<unsigned char, inline_input_bytes> inline_input_{};
  std::unique_ptr<unsigned char[]> record_input_;  // one record's worth, only while bytes are flowing
  unsigned char* in_ = inline_input_.data();
  std::size_t in_begin_ = 0;
  std::size_t in_end_ = 0;
  std::vector<unsigned char> output_;
};

}  // namespace easd::server
