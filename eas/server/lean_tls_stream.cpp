#include "eas/server/lean_tls_stream.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <mutex>

namespace easd::server {

namespace net = boost::asio;
using boost::system::error_code;

namespace {

// One record of ciphertext: 16 KiB of plaintext plus header, padding and tag, with the slack Asio uses.
constexpr std::size_t record_input_bytes = 17 * 1024;
// Outbound ciphertext is flushed after every SSL call; this bounds what one call may queue (a server
// flight with a long certificate chain fits) before OpenSSL is told to wait.
constexpr std::size_t max_output_bytes = 64 * 1024;

}  // namespace

// The BIO's callbacks, friends of the stream. The BIO's data pointer is the stream; the stream outlives
// the SSL object, which owns the BIO.
struct lean_tls_bio {
  static lean_tls_stream& stream(BIO* bio) { return *static_cast<lean_tls_stream*>(BIO_get_data(bio)); }

  static int read(BIO* bio, char* out, int size) {
    BIO_clear_retry_flags(bio);
    const int n = stream(bio).bio_read(out, size);
    if (n < 0) BIO_set_retry_read(bio);
    return n;
  }

  static int write(BIO* bio, const char* data, int size) {
    BIO_clear_retry_flags(bio);
    const int n = stream(bio).bio_write(data, size);
    if (n < 0) BIO_set_retry_write(bio);
    return n;
  }

  static long ctrl(BIO* bio, int cmd, long, void*) {
    switch (cmd) {
      case BIO_CTRL_FLUSH: return 1;  // the stream flushes after every SSL call
      case BIO_CTRL_PENDING: return stream(bio).bio_pending();
      case BIO_CTRL_WPENDING: return static_cast<long>(stream(bio).output_.size());
      default: return 0;
    }
  }

  static int create(BIO* bio) {
    BIO_set_init(bio, 1);
    return 1;
  }

  static int destroy(BIO*) { return 1; }

  // Made once, kept for the process's life.
  static BIO_METHOD* method() {
    static BIO_METHOD* const m = [] {
      BIO_METHOD* made = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "easd lean tls");
      if (made == nullptr) return made;
      BIO_meth_set_read(made, &lean_tls_bio::read);
      BIO_meth_set_write(made, &lean_tls_bio::write);
      BIO_meth_set_ctrl(made, &lean_tls_bio::ctrl);
      BIO_meth_set_create(made, &lean_tls_bio::create);
      BIO_meth_set_destroy(made, &lean_tls_bio::destroy);
      return made;
    }();
    return m;
  }
};

namespace {

[[noreturn]] void throw_openssl(const char* what) {
  const error_code ec(static_cast<int>(ERR_get_error()), net::error::get_ssl_category());
  throw boost::system::system_error(ec, what);
}

}  // namespace

lean_tls_stream::lean_tls_stream(next_layer_type next, net::ssl::context& context) : next_(std::move(next)) {
  BIO_METHOD* method = lean_tls_bio::method();
  if (method == nullptr) throw_openssl("BIO_meth_new");
  ssl_ = SSL_new(context.native_handle());
  if (ssl_ == nullptr) throw_openssl("SSL_new");
  // RELEASE_BUFFERS: OpenSSL frees its record buffers whenever they are empty, i.e. while idle.
  // Partial writes: one record per async_write_some. Moving buffer: a retried write may come from a
  // gathered copy.
  SSL_set_mode(ssl_, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_set_options(ssl_, SSL_OP_NO_RENEGOTIATION);
  BIO* bio = BIO_new(method);
  if (bio == nullptr) {
    SSL_free(ssl_);
    throw_openssl("BIO_new");
  }
  BIO_set_data(bio, this);
  SSL_set_bio(ssl_, bio, bio);  // one reference, owned by the SSL object
  SSL_set_accept_state(ssl_);
}

lean_tls_stream::~lean_tls_stream() { SSL_free(ssl_); }

std::size_t lean_tls_stream::buffered_bytes_capacity() const noexcept {
  return (record_input_ ? record_input_bytes : 0) + output_.capacity();
}

void lean_tls_stream::set_handshake_type(handshake_type type) {
  if (type == net::ssl::stream_base::client) {
    SSL_set_connect_state(ssl_);
  } else {
    SSL_set_accept_state(ssl_);
  }
}

lean_tls_stream::step lean_tls_stream::classify(int ret, std::size_t bytes) {
  const int reason = SSL_get_error(ssl_, ret);
  switch (reason) {
    case SSL_ERROR_NONE: return {want::nothing, {}, bytes};
    case SSL_ERROR_WANT_READ: return {want::input, {}, 0};
    case SSL_ERROR_WANT_WRITE: return {want::retry, {}, 0};
    case SSL_ERROR_ZERO_RETURN: return {want::nothing, net::error::eof, 0};  // the peer's close_notify
    case SSL_ERROR_SSL: {
      const auto code = ERR_get_error();
      fatal_ = code != 0 ? error_code(static_cast<int>(code), net::error::get_ssl_category())
                         : error_code(net::ssl::error::unexpected_result);
      return {want::nothing, fatal_, 0};
    }
    case SSL_ERROR_SYSCALL:
      // The BIO never reports end of stream to OpenSSL (input_error() maps it), so this is unexpected.
      fatal_ = net::ssl::error::unspecified_system_error;
      return {want::nothing, fatal_, 0};
    default:
      return {want::nothing, net::ssl::error::unexpected_result, 0};
  }
}

lean_tls_stream::step lean_tls_stream::do_handshake() {
  if (fatal_) return {want::nothing, fatal_, 0};
  ERR_clear_error();
  return classify(SSL_do_handshake(ssl_), 0);
}

lean_tls_stream::step lean_tls_stream::do_shutdown() {
  if (fatal_) return {want::nothing, fatal_, 0};
  ERR_clear_error();
  int ret = SSL_shutdown(ssl_);
  // 0: our close_notify is queued; the second call waits for the peer's (WANT_READ until it arrives).
  if (ret == 0) ret = SSL_shutdown(ssl_);
  return classify(ret, 0);
}

lean_tls_stream::step lean_tls_stream::do_read(net::mutable_buffer buffer) {
  if (buffer.size() == 0) return {want::nothing, {}, 0};
  if (fatal_) return {want::nothing, fatal_, 0};
  ERR_clear_error();
  std::size_t n = 0;
  const int ret = SSL_read_ex(ssl_, buffer.data(), buffer.size(), &n);
  return classify(ret, n);
}

lean_tls_stream::step lean_tls_stream::do_write(net::const_buffer buffer) {
  if (buffer.size() == 0) return {want::nothing, {}, 0};
  if (fatal_) return {want::nothing, fatal_, 0};
  ERR_clear_error();
  std::size_t n = 0;
  const int ret = SSL_write_ex(ssl_, buffer.data(), buffer.size(), &n);
  return classify(ret, n);
}

// Called only when the BIO has handed OpenSSL every byte received so far. `flowing`: this operation has
// already read and OpenSSL wants more, i.e. the rest of a record or flight is on its way. Otherwise this
// may be the wait for the next request, which may last an hour and must hold no heap buffer, unless the
// kernel already has more than the inline array can take (a body streaming in).
net::mutable_buffer lean_tls_stream::input_space(bool flowing) {
  in_begin_ = in_end_ = 0;
  error_code ignored;
  if (flowing || next_.socket().available(ignored) > inline_input_bytes) {
    if (!record_input_) record_input_ = std::make_unique_for_overwrite<unsigned char[]>(record_input_bytes);
    in_ = record_input_.get();
    return net::buffer(in_, record_input_bytes);
  }
  record_input_.reset();
  in_ = inline_input_.data();
  return net::buffer(inline_input_);
}

void lean_tls_stream::input_received(std::size_t n) {
  in_begin_ = 0;
  in_end_ = n;
}

error_code lean_tls_stream::input_error(error_code ec) {
  if (ec != net::error::eof) return ec;
  peer_closed_ = true;
  // The end of the TCP stream is a clean end only after the peer's close_notify.
  if ((SSL_get_shutdown(ssl_) & SSL_RECEIVED_SHUTDOWN) != 0) return ec;
  return net::ssl::error::stream_truncated;
}

void lean_tls_stream::output_sent() noexcept { std::vector<unsigned char>().swap(output_); }

void lean_tls_stream::release_idle_buffers() noexcept {
  if (!record_input_ || in_ != record_input_.get()) return;
  const std::size_t left = in_end_ - in_begin_;
  if (left > inline_input_bytes) return;  // bytes still in flight: keep them where they are
  std::memcpy(inline_input_.data(), in_ + in_begin_, left);
  in_ = inline_input_.data();
  in_begin_ = 0;
  in_end_ = left;
  record_input_.reset();
}

int lean_tls_stream::bio_read(char* out, int size) noexcept {
  const std::size_t available = in_end_ - in_begin_;
  if (available == 0) return -1;  // retry: the operation reads the socket
  const std::size_t n = std::min(available, static_cast<std::size_t>(std::max(size, 0)));
  std::memcpy(out, in_ + in_begin_, n);
  in_begin_ += n;
  return static_cast<int>(n);
}

int lean_tls_stream::bio_write(const char* data, int size) noexcept {
  if (size <= 0) return 0;
  if (output_.size() >= max_output_bytes) return -1;  // retry after the flush
  try {
    output_.insert(output_.end(), data, data + size);
  } catch (const std::bad_alloc&) {
    return -1;
  }
  return size;
}

}  // namespace easd::server
