#include "backend/imap/client/capabilities.hpp"

#include "eas/core/ascii.hpp"

namespace easd::backend::imap {

capabilities capabilities::from_text(std::string_view atoms) {
  capabilities c;
  while (!atoms.empty()) {
    auto sp = atoms.find(' ');
    auto word = atoms.substr(0, sp);
    if (!word.empty()) c.names_.emplace_back(word);
    if (sp == std::string_view::npos) break;
    atoms.remove_prefix(sp + 1);
  }
  return c;
}

capabilities capabilities::from_response(const response& r) { return from_response_named(r, "CAPABILITY"); }

void capabilities::merge(const capabilities& other) {
  for (const auto& n : other.names_) {
    if (!has(n)) names_.push_back(n);
  }
}

capabilities capabilities::from_response_named(const response& r, std::string_view name) {
  capabilities c;
  if (!is_data(r, name)) return c;
  for (std::size_t i = 1; i < r.data.size(); i = next_sibling(r.data, i)) {
    if (r.data[i].kind == value_kind::atom) c.names_.push_back(r.data[i].text);
  }
  return c;
}

bool capabilities::has(std::string_view name) const noexcept {
  for (const auto& n : names_) {
    if (iequals_ascii(n, name)) return true;
  }
  return false;
}

}  // namespace easd::backend::imap
