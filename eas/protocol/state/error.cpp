#include "eas/protocol/state/error.hpp"

#include <string>

namespace easd::state {
namespace {

class category final : public boost::system::error_category {
public:
  const char* name() const noexcept override { return "easd.state"; }

  std::string message(int ev) const override {
    switch (static_cast<state_error>(ev)) {
      case state_error::unknown_key: return "unknown sync key";
      case state_error::not_found: return "not found in the state store";
      case state_error::corrupt: return "state store corrupt";
      case state_error::io: return "state store I/O error";
      case state_error::busy: return "state store busy";
      case state_error::schema_too_new: return "state store written by a newer easd";
      case state_error::invalid_argument: return "value too long for the state store";
      case state_error::conflict: return "state store entry already exists";
      case state_error::limit: return "too many devices for this user";
    }
    return "unknown state store error";
  }
};

}  // namespace

const boost::system::error_category& state_category() noexcept {
  static const category instance;
  return instance;
}

}  // namespace easd::state
