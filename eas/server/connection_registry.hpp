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
public:
  explicit connection_registry(std::size_t max_connections) : max_(max_connections) {}

  class registration {
  public:
    registration(registration&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)), it_(other.it_) {}
    registration& operator=(registration&&) = delete;
    ~registration();

  private:
    friend class connection_registry;
    using iterator = std::list<std::shared_ptr<connection_control>>::iterator;
    registration(connection_registry* owner, iterator it) : owner_(owner), it_(it) {}
    connection_registry* owner_;
    iterator it_;
  };

  // nullopt when the server is at its connection limit or shutting down.
  [[nodiscard]] std::optional<registration> admit(std::shared_ptr<connection_control> control);

  // Closes idle connections and marks busy ones to close after their current reply. Idempotent.
  void shut_down();
  bool shutting_down() const noexcept { return shutting_down_; }
  std::size_t size() const;

private:
  const std::size_t max_;
  std::atomic<bool> shutting_down_{false};
  mutable std::mutex mutex_;
  std::list<std::shared_ptr<connection_control>> live_;
};

}  // namespace easd::server
