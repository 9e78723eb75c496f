#include "backend/imap/client/capabilities.hpp"

#include "eas/core/ascii.hpp"

namespace easd::backend::imap {

namespace {

// The next space-separated word of `rest` ("" for a run of spaces), which loses it and its space.
std::string_view take_word(std::string_view& rest) noexcept {
  const auto sp = rest.find(' ');
  const auto word = rest.substr(0, sp);
  rest.remove_prefix(sp == std::string_view::npos ? rest.size() : sp + 1);
  return word;
}

}  // namespace

capabilities capabilities::from_text(std::string_view atoms) {
  capabilities c;
  while (!atoms.empty()) {
    if (const auto word = take_word(atoms); !word.empty()) c.add(word);
  }
  c.text_.shrink_to_fit();
  return c;
}

capabilities capabilities::from_response(const response& r) { return from_response_named(r, "CAPABILITY"); }

void capabilities::merge(const capabilities& other) {
  for (std::string_view rest = other.text_; !rest.empty();) {
    if (const auto n = take_word(rest); !has(n)) add(n);
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
  for (std::string_view rest = text_; !rest.empty();) out.emplace_back(take_word(rest));
  return out;
}

bool capabilities::has(std::string_view name) const noexcept {
  for (std::string_view rest = text_; !rest.empty();) {
    if (iequals_ascii(take_word(rest), name)) return true;
  }
  return false;
}

}  // namespace easd::backend::imap
