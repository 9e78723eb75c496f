#include "eas/protocol/compose/error.hpp"

#include <string>

namespace easd::compose {
namespace {

class category final : public boost::system::error_category {
public:
  const char* name() const noexcept override { return "easd.compose"; }

  std::string message(int ev) const override {
    switch (static_cast<compose_error>(ev)) {
      case compose_error::malformed:
        return "malformed MIME";
      case compose_error::too_large:
        return "message or header beyond its size limit";
      case compose_error::too_many_fields:
        return "too many header fields";
      case compose_error::bad_address:
        return "invalid address list";
      case compose_error::too_many_recipients:
        return "too many recipients";
      case compose_error::no_recipients:
        return "no recipients";
      case compose_error::from_not_allowed:
        return "From is not one of the user's addresses";
      case compose_error::too_many_attachments:
        return "too many attachments";
    }
    return "unknown compose error";
  }
};

}  // namespace

const boost::system::error_category& compose_category() noexcept {
  static const category instance;
  return instance;
}

}  // namespace easd::compose
