// The admin routes of Dovecot's push notifications (issue 4 §4):
//   PUT|POST /push/dovecot  the push_notification plugin's JSON (dovecot_push.hpp) → one message to the
//                           hub; 204, or 400 (malformed, details in the log), 413 (over 64 KiB)
//   GET /push/stats         {"received":N,"published":N,"refused":N} since start, for tests and monitoring
// Dovecot's OX driver sends PUT; its only use of the answer is to log anything but 2xx as an error, and it
// retries (max_retries) on 5xx and transport failures, so malformed input gets a 4xx, never a 5xx.
#pragma once

#include "eas/server/admin_listener.hpp"
#include "push/message.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

namespace easd::push {
class hub;
}

namespace easd::server {

class dovecot_push_endpoint {
public:
  using sink = std::function<void(const push::message&)>;  // called on a connection strand; must not block

  explicit dovecot_push_endpoint(sink publish) : publish_(std::move(publish)) {}
  // Publishes to the hub (push/hub.hpp; publish is thread-safe). `hub` must outlive the endpoint.
  explicit dovecot_push_endpoint(push::hub& hub);

  // The routes, bound to this endpoint: it must outlive the listener that serves them.
  std::vector<admin_route> routes();

  void handle_push(exchange& ex, std::string_view body);
  void handle_stats(exchange& ex, std::string_view body);

  std::uint64_t received() const noexcept { return received_.load(); }
  std::uint64_t published() const noexcept { return published_.load(); }
  std::uint64_t refused() const noexcept { return refused_.load(); }

private:
  sink publish_;
  std::atomic<std::uint64_t> received_{0}, published_{0}, refused_{0};
};

}  // namespace easd::server
