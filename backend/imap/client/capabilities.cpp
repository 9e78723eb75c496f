#include "backend/imap/client/capabilities.hpp"

#include "eas/core/ascii.hpp"

namespace easd::backend::imap {

capabilities capabilities::from_text(std::string_view atoms) {
  capabilities c;
  while (!atoms.empty()) {
    auto sp = atoms.find(' ');
    auto word = atoms.substr(0, sp);
    if (!word.empty()) c.add(word);
    if (sp == std::string_view::npos) break;
    atoms.remove_prefix(sp + 1);
  }
  c.text_.shrink_to_fit();
  return c;
}

capabilities capabilities::from_response(const response& r) { return from_response_named(r, "CAPABILITY"); }

void capabilities::merge(const capabilities& other) {
  for (const auto& n : other.names()) {
    if (!has(n)) add(n);
  }
  text_.shrink_to_fit();
}

capabilities capabilities::from_response_named(const response& r, std::string_view name) {
  capabilities c;
  if (!is_data(r, name)) return c;
  for (std::size_t i = 1; i < r.data.size(); i = next_sibling(r.data, i)) {
    if (r.data[i].kind == value_kind::atom && !r.data[i].text.empty()) c.add(r.data[i].text);
  }
  c.text_.shrink_to_fit();
  return c;
}

void capabilities::add(std::string_view name) {
  text_.append(name);
  text_.push_back(' ');
}

std::vector<std::string> capabilities::names() const {
  std::vector<std::string> out;
  std::string_view rest = text_;
  while (!rest.empty()) {
    const auto sp = rest.find(' ');
    out.emplace_back(rest.substr(0, sp));
    rest.remove_prefix(sp + 1);
  }
  return out;
}

bool capabilities::has(std::string_view name) const noexcept {
  std::string_view rest = text_;
  while (!rest.empty()) {
    const auto sp = rest.find(' ');
    if (iequals_ascii(rest.substr(0, sp), name)) return true;
    rest.remove_prefix(sp + 1);
  }
  return false;
}

}  // namespace easd::backend::imap
