#include "backend/imap/client/values.hpp"

#include "eas/core/ascii.hpp"

namespace easd::backend::imap::detail {

std::vector<std::size_t> children(const values& v, std::size_t i) {
  std::vector<std::size_t> out;
  if (i >= v.size() || v[i].kind != value_kind::list) return out;
  for (std::size_t k = i + 1; k < v[i].end && k < v.size(); k = next_sibling(v, k)) out.push_back(k);
  return out;
}

std::optional<std::string_view> astring(const values& v, std::size_t i) noexcept {
  if (i >= v.size()) return std::nullopt;
  if (v[i].kind == value_kind::atom || v[i].kind == value_kind::string) return std::string_view(v[i].text);
  return std::nullopt;
}

std::optional<std::string> nstring(const values& v, std::size_t i, bool& present) {
  present = false;
  if (i >= v.size()) return std::nullopt;
  if (v[i].kind == value_kind::nil) {
    present = true;
    return std::nullopt;
  }
  if (v[i].kind == value_kind::string || v[i].kind == value_kind::atom) {
    present = true;
    return v[i].text;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> number(const values& v, std::size_t i) noexcept {
  if (i >= v.size()) return std::nullopt;
  return to_number(v[i]);
}

std::optional<std::uint32_t> number32(const values& v, std::size_t i) noexcept {
  auto n = number(v, i);
  if (!n || *n > UINT32_MAX) return std::nullopt;
  return static_cast<std::uint32_t>(*n);
}

std::optional<std::vector<std::string>> flag_list(const values& v, std::size_t i) {
  if (i >= v.size() || v[i].kind != value_kind::list) return std::nullopt;
  std::vector<std::string> out;
  for (auto k : children(v, i)) {
    if (v[k].kind != value_kind::atom) return std::nullopt;
    out.push_back(v[k].text);
  }
  return out;
}

std::vector<std::string> flag_list_text(std::string_view text) {
  std::vector<std::string> out;
  if (!text.empty() && text.front() == '(') text.remove_prefix(1);
  if (!text.empty() && text.back() == ')') text.remove_suffix(1);
  while (!text.empty()) {
    auto sp = text.find(' ');
    auto w = text.substr(0, sp);
    if (!w.empty()) out.emplace_back(w);
    if (sp == std::string_view::npos) break;
    text.remove_prefix(sp + 1);
  }
  return out;
}

std::optional<std::uint32_t> numbered(const response& r, std::string_view name) noexcept {
  if (r.kind != response_kind::untagged || r.is_status() || r.data.size() < 2) return std::nullopt;
  if (r.data[1].kind != value_kind::atom || !iequals_ascii(r.data[1].text, name)) return std::nullopt;
  return number32(r.data, 0);
}

std::optional<std::uint64_t> code_number(std::string_view args) {
  value v;
  v.text = std::string(args.substr(0, args.find(' ')));
  return to_number(v);
}

}  // namespace easd::backend::imap::detail
