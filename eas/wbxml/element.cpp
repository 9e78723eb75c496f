#include "eas/wbxml/element.hpp"

#include "eas/wbxml/code_pages.hpp"

#include <stdexcept>
#include <string>

namespace easd::wbxml {
namespace {

tag require_tag(std::string_view qualified_name) {
  const auto t = find_tag(qualified_name);
  if (!t) throw std::invalid_argument("easd::wbxml: unknown tag name '" + std::string(qualified_name) + "'");
  return *t;
}

}  // namespace

element element::named(std::string_view qualified_name) { return element(require_tag(qualified_name)); }

element element::named(std::string_view qualified_name, std::string text) {
  return element(require_tag(qualified_name), std::move(text));
}

std::string element::qualified_name() const {
  const auto page = page_name(tag_.page);
  const auto name = tag_name(tag_);
  std::string out;
  if (page.empty()) {
    out = "page" + std::to_string(tag_.page);
  } else {
    out = page;
  }
  out += ':';
  if (name.empty()) {
    static constexpr char hex[] = "0123456789ABCDEF";
    out += "0x";
    out += hex[(tag_.token >> 4) & 0x0F];
    out += hex[tag_.token & 0x0F];
  } else {
    out += name;
  }
  return out;
}

element& element::add(element child) {
  children_.push_back(std::move(child));
  return children_.back();
}

element& element::add(std::string_view qualified_name) { return add(named(qualified_name)); }

element& element::add(std::string_view qualified_name, std::string text) {
  return add(named(qualified_name, std::move(text)));
}

const element* element::child(tag t) const noexcept {
  for (const auto& c : children_) {
    if (c.tag_ == t) return &c;
  }
  return nullptr;
}

const element* element::child(std::string_view qualified_name) const {
  return child(require_tag(qualified_name));
}

std::optional<std::string_view> element::child_text(std::string_view qualified_name) const {
  const auto* c = child(qualified_name);
  if (!c) return std::nullopt;
  return std::string_view(c->text());
}

}  // namespace easd::wbxml
