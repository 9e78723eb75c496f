#include "eas/wbxml/codec.hpp"

#include <string>

namespace easd::wbxml {
namespace {

// boost::system::error_category has a protected non-virtual destructor by design (categories are
// never deleted through a base pointer); g++'s -Wnon-virtual-dtor flags every derived category.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category final : public boost::system::error_category {
public:
  const char* name() const noexcept override { return "easd.wbxml"; }

  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::truncated: return "input ends inside a token, string, length or open element";
      case error::bad_header: return "header is not 03 01 6A 00 (WBXML 1.3, no public id, UTF-8)";
      case error::string_table: return "string table present (not used by EAS)";
      case error::forbidden_token: return "token not used by EAS (entity, literal, extension, PI, attribute)";
      case error::unknown_page: return "unknown code page";
      case error::unknown_token: return "unknown tag token in the current code page";
      case error::unbalanced: return "END without open element or content after the root element";
      case error::mixed_content: return "text and child elements in one element";
      case error::depth_exceeded: return "nesting deeper than the limit";
      case error::too_many_elements: return "more elements than the limit";
      case error::too_large: return "decoded content larger than the limit";
      case error::opaque_too_large: return "opaque data larger than the limit";
      case error::bad_integer: return "multi-byte integer longer than 5 bytes or over 32 bits";
      case error::empty_document: return "no root element";
      case error::bad_xml: return "malformed or unsupported XML";
    }
    return "unknown wbxml error";
  }

};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& error_category() noexcept {
  static const category instance;
  return instance;
}

boost::system::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), error_category()};
}

}  // namespace easd::wbxml
