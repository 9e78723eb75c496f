#include "eas/server/connection_registry.hpp"

#include <boost/asio/post.hpp>

namespace easd::server {

namespace net = boost::asio;

connection_registry::registration::~registration() {
  if (!owner_) return;
  std::lock_guard lock(owner_->mutex_);
  owner_->live_.erase(it_);
}

std::optional<connection_registry::registration> connection_registry::admit(
    std::shared_ptr<connection_control> control) {
  std::lock_guard lock(mutex_);
  if (shutting_down_ || live_.size() >= max_) return std::nullopt;
  live_.push_front(std::move(control));
  return registration(this, live_.begin());
}

void connection_registry::shut_down() {
  shutting_down_ = true;
  std::lock_guard lock(mutex_);
  for (const auto& control : live_) {
    net::post(control->strand, [control] {
      control->closing = true;
      if (control->idle && control->lowest) control->lowest->cancel();
    });
  }
}

std::size_t connection_registry::size() const {
  std::lock_guard lock(mutex_);
  return live_.size();
}

}  // namespace easd::server
