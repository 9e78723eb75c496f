// Code pages and tags of EAS WBXML ([MS-ASWBXML] 2.1.2.1): lookups over the one table in
// code_page_table.hpp.
//
// A qualified name is "Namespace:Name" with the namespace spelled as the page names below (wbxml.md §2),
// e.g. "AirSync:Sync", "FolderHierarchy:SyncKey", "GAL:Data". Page 16 is "GAL" (the spelling of the
// project's protocol digest); the spec table's "Gal" is accepted as an alias wherever a name is parsed.
// Namespace lookups also accept libwbxml's trailing colon ("AirSync:") so its XML can be read.
#pragma once

#include "eas/core/protocol_version.hpp"
#include "eas/wbxml/element.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace easd::wbxml {

// Pages 0..25; 25 (Find) exists from EAS 16.1 on, 3 (AirNotify) holds only legacy tokens.
inline constexpr std::uint8_t page_count = 26;

namespace tag_flag {
inline constexpr std::uint8_t byte_array = 0x01;  // MS-ASDTYPE 2.7.1: content goes as OPAQUE
inline constexpr std::uint8_t legacy = 0x02;      // not in current MS-ASWBXML (wbxml.md §6)
}  // namespace tag_flag

struct tag_info {
  std::uint8_t page = 0;
  std::uint8_t token = 0;
  std::string_view name;
  std::uint8_t flags = 0;
  protocol_version since = protocol_version::v2_5;
  protocol_version until = protocol_version::v16_1;

  constexpr tag id() const noexcept { return {page, token}; }
  constexpr bool byte_array() const noexcept { return (flags & tag_flag::byte_array) != 0; }
  constexpr bool legacy() const noexcept { return (flags & tag_flag::legacy) != 0; }
};

inline constexpr std::array<std::string_view, page_count> page_names{
    "AirSync",           "Contacts",    "Email",          "AirNotify",      "Calendar",
    "Move",              "GetItemEstimate", "FolderHierarchy", "MeetingResponse", "Tasks",
    "ResolveRecipients", "ValidateCert", "Contacts2",     "Ping",           "Provision",
    "Search",            "GAL",         "AirSyncBase",    "Settings",       "DocumentLibrary",
    "ItemOperations",    "ComposeMail", "Email2",         "Notes",          "RightsManagement",
    "Find",
};

}  // namespace easd::wbxml

#include "eas/wbxml/code_page_table.hpp"

namespace easd::wbxml {

// The whole table, sorted by (page, token).
std::span<const tag_info> all_tags() noexcept;

// Table entry of a tag, or nullptr for a (page, token) the table does not define.
const tag_info* find_info(tag t) noexcept;
bool is_known(tag t) noexcept;

// "AirSync:Sync" -> {0, 0x05}; nullopt for an unknown namespace or name.
std::optional<tag> find_tag(std::string_view qualified) noexcept;
std::optional<tag> find_tag(std::uint8_t page, std::string_view name) noexcept;
// Page of a namespace: "AirSync", "AirSync:" (libwbxml style) and the alias "Gal"/"Gal:" for GAL.
std::optional<std::uint8_t> find_page(std::string_view ns) noexcept;

// Namespace name of a page; empty for a page outside 0..25.
std::string_view page_name(std::uint8_t page) noexcept;
// Spec name of a tag ("SyncKey"); empty if unknown.
std::string_view tag_name(tag t) noexcept;
// True for exactly the byte-array elements of wbxml.md §1.3 (the only ones the encoder sends as OPAQUE).
bool is_opaque_element(tag t) noexcept;
bool is_legacy(tag t) noexcept;
// Whether the table lists the tag for protocol version v (legacy tags count as 2.5-only).
bool defined_in(tag t, protocol_version v) noexcept;

namespace detail {
constexpr std::optional<std::uint8_t> constexpr_find_page(std::string_view ns) noexcept {
  if (!ns.empty() && ns.back() == ':') ns.remove_suffix(1);
  if (ns == "Gal") return std::uint8_t{16};
  for (std::size_t i = 0; i < page_names.size(); ++i) {
    if (page_names[i] == ns) return static_cast<std::uint8_t>(i);
  }
  return std::nullopt;
}
constexpr std::optional<tag> constexpr_find_tag(std::string_view qualified) noexcept {
  const auto colon = qualified.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto page = constexpr_find_page(qualified.substr(0, colon));
  if (!page) return std::nullopt;
  const auto name = qualified.substr(colon + 1);
  for (const auto& e : code_page_table) {
    if (e.page == *page && e.name == name) return e.id();
  }
  return std::nullopt;
}
}  // namespace detail

// Compile-time checked tag: constexpr tag sync = tag_of("AirSync:Sync"); a misspelt name does not
// compile. For protocol code that builds responses.
consteval tag tag_of(std::string_view qualified) {
  const auto t = detail::constexpr_find_tag(qualified);
  if (!t) throw "easd::wbxml::tag_of: unknown qualified tag name";
  return *t;
}

}  // namespace easd::wbxml
