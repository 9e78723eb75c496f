// Helpers for walking the flat value tree of a response (response.hpp): the typed parsers of select,
// list, fetch and search share them. Every accessor checks kinds and bounds; none trusts the server.
#pragma once

#include "backend/imap/client/response.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::backend::imap::detail {

using values = std::vector<value>;

// Indices of the direct children of the list at `i` (empty when `i` is not a list).
std::vector<std::size_t> children(const values& v, std::size_t i);

// astring (atom or string) text, or nothing.
std::optional<std::string_view> astring(const values& v, std::size_t i) noexcept;

// nstring: NIL is nothing; a string (or, leniently, an atom) its text. `present` is false when `i` is
// neither (malformed).
std::optional<std::string> nstring(const values& v, std::size_t i, bool& present);

std::optional<std::uint64_t> number(const values& v, std::size_t i) noexcept;
std::optional<std::uint32_t> number32(const values& v, std::size_t i) noexcept;

// The atoms of a parenthesised flag list: "(\Seen \Answered)".
std::optional<std::vector<std::string>> flag_list(const values& v, std::size_t i);
// The same from unparsed resp-text-code arguments: "(\Seen \*)".
std::vector<std::string> flag_list_text(std::string_view text);

// "* n NAME ...": the number when data[1] is `name`.
std::optional<std::uint32_t> numbered(const response& r, std::string_view name) noexcept;

// First space-separated word of resp-text-code arguments as a number.
std::optional<std::uint64_t> code_number(std::string_view args);

}  // namespace easd::backend::imap::detail
