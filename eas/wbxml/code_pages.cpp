#include "eas/wbxml/code_pages.hpp"

#include <algorithm>
#include <cstddef>
#include <iterator>

namespace easd::wbxml {
namespace {

using detail::code_page_table;
constexpr std::size_t tag_count = std::size(code_page_table);
constexpr std::size_t tokens_per_page = 64;  // a tag byte carries a 6-bit token

// (page, token) -> table index, or -1. Built at compile time; also proves the table has no duplicates.
constexpr auto token_index = [] {
  std::array<std::int16_t, page_count * tokens_per_page> idx{};
  idx.fill(-1);
  for (std::size_t i = 0; i < tag_count; ++i) {
    const auto& e = code_page_table[i];
    if (e.page >= page_count || e.token < 0x05 || e.token >= tokens_per_page) throw "tag out of range";
    auto& slot = idx[e.page * tokens_per_page + e.token];
    if (slot != -1) throw "duplicate (page, token) in code_page_table";
    slot = static_cast<std::int16_t>(i);
  }
  return idx;
}();

constexpr bool name_less(const tag_info& a, const tag_info& b) noexcept {
  return a.page != b.page ? a.page < b.page : a.name < b.name;
}

// Table indexes sorted by (page, name), for find_tag. Also proves names are unique per page.
constexpr auto name_index = [] {
  std::array<std::uint16_t, tag_count> idx{};
  for (std::size_t i = 0; i < tag_count; ++i) idx[i] = static_cast<std::uint16_t>(i);
  std::sort(idx.begin(), idx.end(), [](std::uint16_t a, std::uint16_t b) {
    return name_less(code_page_table[a], code_page_table[b]);
  });
  for (std::size_t i = 1; i < tag_count; ++i) {
    const auto& a = code_page_table[idx[i - 1]];
    const auto& b = code_page_table[idx[i]];
    if (a.page == b.page && a.name == b.name) throw "duplicate name within a page";
  }
  return idx;
}();

static_assert([] {
  for (std::size_t i = 1; i < tag_count; ++i) {
    const auto& a = code_page_table[i - 1];
    const auto& b = code_page_table[i];
    if (a.page > b.page || (a.page == b.page && a.token >= b.token)) return false;
  }
  return true;
}(), "code_page_table must be sorted by (page, token)");

}  // namespace

std::span<const tag_info> all_tags() noexcept { return code_page_table; }

const tag_info* find_info(tag t) noexcept {
  if (t.page >= page_count || t.token >= tokens_per_page) return nullptr;
  const auto i = token_index[t.page * tokens_per_page + t.token];
  return i < 0 ? nullptr : &code_page_table[static_cast<std::size_t>(i)];
}

bool is_known(tag t) noexcept { return find_info(t) != nullptr; }

std::optional<std::uint8_t> find_page(std::string_view ns) noexcept {
  return detail::constexpr_find_page(ns);
}

std::optional<tag> find_tag(std::uint8_t page, std::string_view name) noexcept {
  tag_info key;
  key.page = page;
  key.name = name;
  const auto it = std::lower_bound(name_index.begin(), name_index.end(), key,
                                   [](std::uint16_t i, const tag_info& k) {
                                     return name_less(code_page_table[i], k);
                                   });
  if (it == name_index.end()) return std::nullopt;
  const auto& e = code_page_table[*it];
  if (e.page != page || e.name != name) return std::nullopt;
  return e.id();
}

std::optional<tag> find_tag(std::string_view qualified) noexcept {
  const auto colon = qualified.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto page = find_page(qualified.substr(0, colon));
  if (!page) return std::nullopt;
  return find_tag(*page, qualified.substr(colon + 1));
}

std::string_view page_name(std::uint8_t page) noexcept {
  return page < page_count ? page_names[page] : std::string_view{};
}

std::string_view tag_name(tag t) noexcept {
  const auto* e = find_info(t);
  return e ? e->name : std::string_view{};
}

bool is_opaque_element(tag t) noexcept {
  const auto* e = find_info(t);
  return e && e->byte_array();
}

bool is_legacy(tag t) noexcept {
  const auto* e = find_info(t);
  return e && e->legacy();
}

bool defined_in(tag t, protocol_version v) noexcept {
  const auto* e = find_info(t);
  return e && e->since <= v && v <= e->until;
}

}  // namespace easd::wbxml
