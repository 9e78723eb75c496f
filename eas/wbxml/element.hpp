// The WBXML element tree: what the decoder produces and the encoder consumes.
//
// An element is identified by (code page, token) — never by name on the wire; names are only for XML
// rendering, traces and tests. Content is either child elements, text (STR_I, UTF-8), or opaque bytes
// (OPAQUE), never a mix of text and children (EAS uses no mixed content). Elements own their children
// by value; a tree is a plain value type, cheap to move.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::wbxml {

// A tag as (page, token). Token is the 6-bit token value 0x05..0x3F without the content/attribute bits.
struct tag {
  std::uint8_t page = 0;
  std::uint8_t token = 0;
  friend constexpr bool operator==(tag, tag) = default;
};

class element {
public:
  element() = default;
  explicit element(tag t) : tag_(t) {}
  element(tag t, std::string text) : tag_(t), text_(std::move(text)) {}

  // Looks the qualified name "Namespace:Name" (e.g. "AirSync:Sync", "FolderHierarchy:SyncKey") up in the
  // code-page table; throws std::invalid_argument for an unknown name (a programming error, not input).
  static element named(std::string_view qualified_name);
  static element named(std::string_view qualified_name, std::string text);

  tag id() const noexcept { return tag_; }
  // "Namespace:Name" from the code-page table.
  std::string qualified_name() const;

  // --- children ---
  const std::vector<element>& children() const noexcept { return children_; }
  std::vector<element>& children() noexcept { return children_; }
  // Appends a child and returns it, for building trees: root.add("AirSync:Collections").add(...)
  element& add(element child);
  element& add(std::string_view qualified_name);
  element& add(std::string_view qualified_name, std::string text);

  // First child with this tag, or nullptr.
  const element* child(tag t) const noexcept;
  const element* child(std::string_view qualified_name) const;
  // Text of the first child with this tag, or nullopt when absent.
  std::optional<std::string_view> child_text(std::string_view qualified_name) const;

  // --- content ---
  bool is_opaque() const noexcept { return opaque_; }
  // Text content (STR_I) or the raw bytes of OPAQUE content.
  const std::string& text() const noexcept { return text_; }
  void set_text(std::string text) { text_ = std::move(text); opaque_ = false; }
  // Marks content as raw bytes. The encoder emits OPAQUE only for elements whose table entry is a
  // byte array (MS-ASDTYPE 2.7.1); elsewhere it writes STR_I (Thunderbird's decoder breaks on OPAQUE),
  // unless the bytes contain NUL, which STR_I cannot carry (see encode() in codec.hpp).
  void set_opaque(std::string bytes) { text_ = std::move(bytes); opaque_ = true; }
  // An element with neither children nor content encodes as an empty tag (no 0x40 bit).
  bool empty() const noexcept { return children_.empty() && text_.empty() && !opaque_; }

  friend bool operator==(const element&, const element&) = default;

private:
  tag tag_{};
  std::string text_;
  bool opaque_ = false;
  std::vector<element> children_;
};

}  // namespace easd::wbxml
