// One hiredis async connection to Redis, for redis_bus: resolve (asynchronously: hiredis would block in
// getaddrinfo), connect, AUTH and SELECT as the endpoint asks, then a PING; the link is ready when the PING
// answers. hiredis 0.14 has no timeouts of its own, so the whole set-up runs against one deadline.
//
// Threads: create and use a link only on its strand. Every callback (on_ready, on_lost, reply handlers,
// the message handler) runs on that strand; on_ready and on_lost are posted, never called from inside a
// link call, so the owner may close or drop the link from them.
//
// Lifetime: close() (or the destructor) frees the hiredis context at once: pending reply handlers run with
// a null reply right then, and neither on_ready nor on_lost runs afterwards. The owner's callbacks must
// therefore hold only what outlives the link, or weak references.
#pragma once

#include "eas/core/redis_url.hpp"
#include "push/redis_asio.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct redisAsyncContext;
struct redisReply;

namespace easd::push {

class redis_link : public std::enable_shared_from_this<redis_link> {
public:
  // reply == nullptr: the link went away before the answer.
  using reply_handler = std::function<void(redisReply* reply)>;
  struct handlers {
    std::function<void(bool ok, std::string why)> on_ready;  // once, unless closed first
    std::function<void()> on_lost;                           // once, only after on_ready(true)
    // Every pub/sub reply ("subscribe", "unsubscribe", "message" arrays); set for the pub/sub connection.
    std::function<void(redisReply* reply)> on_pubsub;
  };

  static std::shared_ptr<redis_link> create(const redis_strand& strand, redis_endpoint endpoint,
                                            std::chrono::milliseconds setup_timeout, handlers h);
  ~redis_link();
  redis_link(const redis_link&) = delete;
  redis_link& operator=(const redis_link&) = delete;

  void start();
  void close();
  bool ready() const noexcept { return ready_; }
  // Commands sent and not yet answered (bounded by the owner).
  std::size_t in_flight() const noexcept { return in_flight_; }

  // Queues a command; false (and `handler` is dropped, never called) when the link is not ready. A null
  // handler: the reply is not wanted.
  bool command(const std::vector<std::string_view>& args, reply_handler handler);
  // SUBSCRIBE / UNSUBSCRIBE: their replies, and later messages, go to handlers.on_pubsub.
  bool pubsub(std::string_view verb, const std::vector<std::string>& channels);

private:
  redis_link(const redis_strand& strand, redis_endpoint endpoint, std::chrono::milliseconds setup_timeout, handlers h);
  void connect_to(const std::string& address);
  void fail(std::string why);
  void report_ready(bool ok, std::string why);
  bool send(const std::vector<std::string_view>& args, reply_handler handler, bool even_if_not_ready);
  void free_context();

  static void on_connect(const redisAsyncContext* ac, int status);
  static void on_disconnect(const redisAsyncContext* ac, int status);
  static void on_reply(redisAsyncContext* ac, void* reply, void* privdata);
  static void on_pubsub_reply(redisAsyncContext* ac, void* reply, void* privdata);

  redis_strand strand_;
  redis_endpoint endpoint_;
  std::chrono::milliseconds setup_timeout_;
  handlers handlers_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer setup_timer_;
  std::vector<std::string> addresses_;  // resolved, tried in order until one connects
  std::size_t next_address_ = 0;
  redisAsyncContext* ac_ = nullptr;
  bool started_ = false, ready_ = false, reported_ = false, closed_ = false;
  std::size_t in_flight_ = 0;
};

}  // namespace easd::push
