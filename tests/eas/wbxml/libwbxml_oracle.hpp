// libwbxml (Debian 12, 0.11.8) as a test oracle for the easd codec. Trees are compared by (page, token),
// never by name, so libwbxml's non-spec names (wbxml.md §7.2) do not matter.
#pragma once

#include "eas/wbxml/element.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

struct WBXMLTagEntry;  // libwbxml_abi.hpp

namespace easd::wbxml::test {

// How libwbxml's tree shows a token missing from its table: the parser reports a literal "unknown".
inline constexpr tag libwbxml_unknown{0xFF, 0xFF};

// The entry libwbxml's ActiveSync table has for (page, token) (first match, as its decoder uses), or null.
const ::WBXMLTagEntry* libwbxml_entry(tag t);

struct libwbxml_decoded {
  std::optional<element> tree;  // content as text: libwbxml cannot tell STR_I from OPAQUE
  std::string error;
};
// Decodes with libwbxml's callback parser, language forced to ActiveSync (wbxml.md §7.3 row 11).
libwbxml_decoded libwbxml_decode(std::span<const std::uint8_t> bytes);

// Encodes with libwbxml's tree encoder: public id and string table disabled (wbxml.md §7.3 row 10),
// whitespace kept. nullopt with `why` when libwbxml cannot represent the tree (a tag missing from its
// table, or NUL in text of an element it would write as STR_I).
std::optional<std::vector<std::uint8_t>> libwbxml_encode(const element& root, std::string& why);

// The 25 EAS 16.1 tokens libwbxml 0.11.8 lacks (wbxml.md §7.2), from tests/eas/wbxml/libwbxml_names.inc.
bool libwbxml_lacks(tag t);

// Compares our tree with libwbxml's decode of the same bytes: equal tags and content bytes (the opaque
// flag is not compared). A libwbxml_unknown node matches ours only when ours is a tag libwbxml_lacks();
// those are counted in `known_gaps`. Returns an empty string when equal, else where they differ.
std::string compare_with_libwbxml(const element& ours, const element& theirs, int& known_gaps);

// True when the tree contains a tag libwbxml lacks.
bool uses_tags_libwbxml_lacks(const element& root);

}  // namespace easd::wbxml::test
