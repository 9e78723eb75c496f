// Counts live connections against the configured maximum and lets shutdown reach every one of them.
//
// Each connection registers a `connection_control` that lives on the connection's strand. Shutdown posts
// to that strand: a connection waiting for its next request is cancelled at once; one serving a request
// finishes it, answers with `Connection: close` and ends. No socket is touched from outside its strand.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <atomic>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <optional>

namespace easd::server {

struct connection_control {
  explicit connection_control(boost::asio::any_io_executor s) : strand(std::move(s)) {}
  boost::asio::any_io_executor strand;
  // The fields below are read and written only on `strand`.
  boost::beast::tcp_stream* lowest = nullptr;  // null once the connection has ended
  bool idle = false;                           // waiting for the next request's header
  bool closing = false;                        // answer the current request, then close
};

class connection_registry {
  struct shared_state;

public:
  explicit connection_registry(std::size_t max_connections);

  // Removes the connection when destroyed. It shares the registry's state, so a connection whose
  // coroutine frame is destroyed after the server (at io_context destruction) is still safe.
  class registration {
  public:
    registration(registration&& other) noexcept = default;
    registration& operator=(registration&&) = delete;
    ~registration();

  private:
    friend class connection_registry;
    using iterator = std::list<std::shared_ptr<connection_control>>::iterator;
    registration(std::shared_ptr<shared_state> owner, iterator it) : owner_(std::move(owner)), it_(it) {}
    std::shared_ptr<shared_state> owner_;
    iterator it_;
  };

  // nullopt when the server is at its connection limit or shutting down.
  [[nodiscard]] std::optional<registration> admit(std::shared_ptr<connection_control> control);

  // Closes idle connections and marks busy ones to close after their current reply. Idempotent.
  void shut_down();
  bool shutting_down() const noexcept;
  std::size_t size() const;

private:
  struct shared_state {
    explicit shared_state(std::size_t m) : max(m) {}
    const std::size_t max;
    std::atomic<bool> shutting_down{false};
    mutable std::mutex mutex;
    std::list<std::shared_ptr<connection_control>> live;
  };
  std::shared_ptr<shared_state> state_;
};

}  // namespace easd::server
