#include "eas/server/connection_registry.hpp"

#include <boost/asio/post.hpp>

namespace easd::server {

namespace net = boost::asio;

connection_registry::connection_registry(std::size_t max_connections)
    : state_(std::make_shared<shared_state>(max_connections)) {}

connection_registry::registration::~registration() {
  if (!owner_) return;  // moved from
  std::lock_guard lock(owner_->mutex);
  owner_->live.erase(it_);
}

std::optional<connection_registry::registration> connection_registry::admit(
    std::shared_ptr<connection_control> control) {
  std::lock_guard lock(state_->mutex);
  if (state_->shutting_down || state_->live.size() >= state_->max) return std::nullopt;
  state_->live.push_front(std::move(control));
  return registration(state_, state_->live.begin());
}

void connection_registry::shut_down() {
  state_->shutting_down = true;
  std::lock_guard lock(state_->mutex);
  for (const auto& control : state_->live) {
    net::post(control->strand, [control] {
      control->closing = true;
      if (control->idle && control->lowest) control->lowest->cancel();
    });
  }
}

bool connection_registry::shutting_down() const noexcept { return state_->shutting_down; }

std::size_t connection_registry::size() const {
  std::lock_guard lock(state_->mutex);
  return state_->live.size();
}

}  // namespace easd::server
