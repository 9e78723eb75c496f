#include "push/redis_link.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <utility>

namespace easd::push {
namespace {

namespace net = boost::asio;

constexpr int keepalive_seconds = 15;  // finds a silently dead peer on an otherwise idle pub/sub socket

// hiredis 0.14 keeps redisKeepAlive out of its installed headers; the same socket options, by hand.
void enable_keepalive(int fd) {
  int on = 1, idle = keepalive_seconds, interval = keepalive_seconds / 3, count = 3;
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

bool is_error(const redisReply* r) { return r->type == REDIS_REPLY_ERROR; }

std::string reply_text(const redisReply* r) {
  // Redis's own error text, cut short: it ends up in our log, and the peer is not fully trusted.
  std::string s(r->str ? r->str : "", r->str ? std::min<std::size_t>(r->len, 200) : 0);
  for (auto& c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return s;
}

}  // namespace

std::shared_ptr<redis_link> redis_link::create(const redis_strand& strand, redis_endpoint endpoint,
                                               std::chrono::milliseconds setup_timeout, handlers h) {
  return std::shared_ptr<redis_link>(new redis_link(strand, std::move(endpoint), setup_timeout, std::move(h)));
}

redis_link::redis_link(const redis_strand& strand, redis_endpoint endpoint, std::chrono::milliseconds setup_timeout,
                       handlers h)
    : strand_(strand),
      endpoint_(std::move(endpoint)),
      setup_timeout_(setup_timeout),
      handlers_(std::move(h)),
      resolver_(strand),
      setup_timer_(strand) {}

redis_link::~redis_link() {
  closed_ = true;
  free_context();
}

void redis_link::start() {
  if (started_ || closed_) return;
  started_ = true;
  setup_timer_.expires_after(setup_timeout_);
  setup_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    const auto self = weak.lock();
    if (ec || !self || self->ready_) return;
    self->fail("no answer within " + std::to_string(self->setup_timeout_.count()) + " ms");
  });
  boost::system::error_code ec;
  net::ip::make_address(endpoint_.host, ec);
  if (!ec) {
    connect_to(endpoint_.host);
    return;
  }
  resolver_.async_resolve(
      endpoint_.host, std::to_string(endpoint_.port),
      [weak = weak_from_this()](boost::system::error_code rec, net::ip::tcp::resolver::results_type results) {
        const auto self = weak.lock();
        if (!self || self->closed_ || self->reported_) return;
        if (rec || results.empty()) {
          self->fail("cannot resolve the host name");
          return;
        }
        // Every address in turn ("localhost" is often ::1 first, while Redis listens on 127.0.0.1 only).
        for (const auto& r : results) self->addresses_.push_back(r.endpoint().address().to_string());
        self->connect_to(self->addresses_[self->next_address_++]);
      });
}

void redis_link::connect_to(const std::string& address) {
  redisAsyncContext* ac = redisAsyncConnect(address.c_str(), endpoint_.port);
  if (!ac) {
    fail("out of memory");
    return;
  }
  if (ac->err) {
    std::string why = ac->errstr;
    redisAsyncFree(ac);
    fail(why);
    return;
  }
  if (!redis_asio_attach(ac, strand_)) {
    redisAsyncFree(ac);
    fail("cannot watch the socket");
    return;
  }
  ac->data = this;
  redisAsyncSetConnectCallback(ac, &redis_link::on_connect);
  redisAsyncSetDisconnectCallback(ac, &redis_link::on_disconnect);
  enable_keepalive(ac->c.fd);
  ac_ = ac;

  // Pipelined behind the TCP handshake; hiredis sends them once connected. The handlers run with a null
  // reply when the link goes away first (then `this` may be mid-destruction: touch nothing).
  const auto check = [this](const char* what) {
    return [this, what](redisReply* r) {
      if (r && is_error(r)) fail(std::string(what) + " refused: " + reply_text(r));
    };
  };
  if (!endpoint_.password.empty()) {
    std::vector<std::string_view> auth{"AUTH"};
    if (!endpoint_.user.empty()) auth.push_back(endpoint_.user);
    auth.push_back(endpoint_.password);
    send(auth, check("AUTH"), true);
  }
  if (endpoint_.database != 0) {
    const auto db = std::to_string(endpoint_.database);
    send({"SELECT", db}, check("SELECT"), true);
  }
  send(
      {"PING"},
      [this](redisReply* r) {
        if (!r) return;
        if (is_error(r)) {
          fail("PING refused: " + reply_text(r));
          return;
        }
        if (reported_ || closed_) return;
        ready_ = true;
        setup_timer_.cancel();
        report_ready(true, {});
      },
      true);
}

void redis_link::fail(std::string why) {
  if (closed_ || reported_) return;
  setup_timer_.cancel();
  resolver_.cancel();
  free_context();
  report_ready(false, std::move(why));
}

void redis_link::report_ready(bool ok, std::string why) {
  if (reported_) return;
  reported_ = true;
  net::post(strand_, [self = shared_from_this(), ok, why = std::move(why)]() mutable {
    if (!self->closed_ && self->handlers_.on_ready) self->handlers_.on_ready(ok, std::move(why));
  });
}

void redis_link::close() {
  if (closed_) return;
  closed_ = true;
  ready_ = false;
  setup_timer_.cancel();
  resolver_.cancel();
  free_context();
}

void redis_link::free_context() {
  // Cut the context loose first: the callbacks hiredis runs while freeing it (now, or after the callback
  // we may be inside of returns) find no link behind it, even if the link is gone by then.
  if (auto* ac = std::exchange(ac_, nullptr)) {
    ac->data = nullptr;
    redisAsyncFree(ac);
  }
  ready_ = false;
}

bool redis_link::command(const std::vector<std::string_view>& args, reply_handler handler) {
  return send(args, std::move(handler), false);
}

bool redis_link::send(const std::vector<std::string_view>& args, reply_handler handler, bool even_if_not_ready) {
  if (!ac_ || closed_ || (!ready_ && !even_if_not_ready) || args.empty()) return false;
  std::vector<const char*> argv;
  std::vector<std::size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const auto a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* box = new reply_handler(std::move(handler));
  if (redisAsyncCommandArgv(ac_, &redis_link::on_reply, box, static_cast<int>(argv.size()), argv.data(), lens.data()) !=
      REDIS_OK) {
    delete box;
    return false;
  }
  ++in_flight_;
  return true;
}

bool redis_link::pubsub(std::string_view verb, const std::vector<std::string>& channels) {
  if (!ac_ || !ready_ || channels.empty()) return false;
  std::vector<const char*> argv{verb.data()};
  std::vector<std::size_t> lens{verb.size()};
  for (const auto& c : channels) {
    argv.push_back(c.data());
    lens.push_back(c.size());
  }
  return redisAsyncCommandArgv(ac_, &redis_link::on_pubsub_reply, this, static_cast<int>(argv.size()), argv.data(),
                               lens.data()) == REDIS_OK;
}

void redis_link::on_connect(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<redis_link*>(ac->data);
  if (!self || self->ac_ != ac || status == REDIS_OK) return;
  // hiredis frees the context right after this callback.
  std::string why = ac->errstr ? ac->errstr : "connect failed";
  self->ac_ = nullptr;
  if (self->next_address_ < self->addresses_.size() && !self->closed_ && !self->reported_) {
    // Not from inside this context's callback: the next context starts on a fresh turn of the strand.
    net::post(self->strand_, [weak = self->weak_from_this()] {
      const auto link = weak.lock();
      if (link && !link->closed_ && !link->reported_) link->connect_to(link->addresses_[link->next_address_++]);
    });
    return;
  }
  self->fail(std::move(why));
}

void redis_link::on_disconnect(const redisAsyncContext* ac, int) {
  auto* self = static_cast<redis_link*>(ac->data);
  if (!self || self->ac_ != ac) return;  // we freed it ourselves
  self->ac_ = nullptr;                   // hiredis is freeing it
  const bool was_ready = self->ready_;
  self->ready_ = false;
  if (!was_ready) {
    self->fail("connection closed during set-up");
    return;
  }
  net::post(self->strand_, [s = self->shared_from_this()] {
    if (!s->closed_ && s->handlers_.on_lost) s->handlers_.on_lost();
  });
}

void redis_link::on_reply(redisAsyncContext* ac, void* reply, void* privdata) {
  const std::unique_ptr<reply_handler> box(static_cast<reply_handler*>(privdata));
  // ac->data is null once the link let go of the context (close, destructor).
  if (auto* self = static_cast<redis_link*>(ac->data); self && self->in_flight_ > 0) --self->in_flight_;
  if (*box) (*box)(static_cast<redisReply*>(reply));
}

void redis_link::on_pubsub_reply(redisAsyncContext* ac, void* reply, void* privdata) {
  (void)privdata;  // the link, but only ac->data says whether it is still behind this context
  auto* self = static_cast<redis_link*>(ac->data);
  if (!reply || !self || self->ac_ != ac || !self->handlers_.on_pubsub) return;
  self->handlers_.on_pubsub(static_cast<redisReply*>(reply));
}

}  // namespace easd::push
