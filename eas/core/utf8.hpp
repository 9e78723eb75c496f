// UTF-8 (RFC 3629) as devices and backends send it: one sequence decoder for every check and repair of
// text, so "well-formed" means the same thing in request parsing, Autodiscover and the WBXML XML view.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace easd::utf8 {

// Decodes the sequence starting at s[pos] and advances `pos` past it. nullopt, with `pos` unchanged,
// if the sequence is ill-formed: a continuation or invalid lead byte, a truncated or broken sequence,
// an overlong form, a surrogate (U+D800..U+DFFF) or a value above U+10FFFF. Precondition: pos < s.size().
std::optional<char32_t> decode_one(std::string_view s, std::size_t& pos) noexcept;

// True if all of `s` is well-formed UTF-8.
bool is_valid(std::string_view s) noexcept;

}  // namespace easd::utf8
