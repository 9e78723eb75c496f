// The server's capability list (RFC 9051 §7.2.2), from a CAPABILITY response or a [CAPABILITY ...] code.
// Names compare case-insensitively: has("auth=plain") finds "AUTH=PLAIN".
#pragma once

#include "backend/imap/client/response.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace easd::backend::imap {

class capabilities {
public:
  capabilities() = default;

  // From the argument text of a [CAPABILITY ...] response code: space-separated atoms.
  static capabilities from_text(std::string_view atoms);
  // From an untagged "* CAPABILITY ..." response; atoms after the name, anything else ignored.
  static capabilities from_response(const response& r);
  // The same for another response listing atoms after its name, e.g. "* ENABLED CONDSTORE" (RFC 5161).
  static capabilities from_response_named(const response& r, std::string_view name);

  // Adds the names of `other` not yet present.
  void merge(const capabilities& other);

  bool has(std::string_view name) const noexcept;
  bool empty() const noexcept { return text_.empty(); }
  std::vector<std::string> names() const;

private:
  void add(std::string_view name);
  // The names, each followed by one space, in one allocation: every connection keeps its list for its
  // whole life, and a server lists dozens (a vector of strings cost ~2 KiB per connection).
  std::string text_;
};

}  // namespace easd::backend::imap
