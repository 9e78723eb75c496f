// A credential_verifier with a fixed user table, for hermetic tests of authentication and the server.
#pragma once

#include "backend/api/credential_verifier.hpp"

#include <atomic>
#include <map>
#include <string>

namespace easd::backend {

class fake_credential_verifier final : public credential_verifier {
public:
  void add_user(std::string user, std::string password) { users_[std::move(user)] = std::move(password); }
  void set_unavailable(bool down) { down_ = down; }
  int calls() const noexcept { return calls_; }

  boost::asio::awaitable<auth_outcome> verify(const credentials& c) override {
    ++calls_;
    if (down_) co_return auth_outcome::unavailable;
    auto it = users_.find(c.user);
    co_return (it != users_.end() && it->second == c.password) ? auth_outcome::accepted : auth_outcome::rejected;
  }

private:
  std::map<std::string, std::string> users_;
  std::atomic<bool> down_{false};
  std::atomic<int> calls_{0};
};

}  // namespace easd::backend
