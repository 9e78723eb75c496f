// HTML to plain text, for BodyPreference type 1 when a message has only an HTML body and for Preview
// ([MS-ASAIRS] 2.2.2.18). A bounded, single-pass tokenizer — not a browser: drops script/style/head
// content and comments, turns block elements and <br> into line breaks, list items into "- ", decodes
// character references (named: the common ones; numeric: all), collapses whitespace like a renderer.
// Linear time, never fails, output well-formed UTF-8 (input is expected to be UTF-8 already).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace easd::mime {

std::string html_to_text(std::string_view html, std::size_t max_out = 16u << 20);

// Whitespace runs collapsed to one space, trimmed, cut to at most max_chars characters (not bytes) at a
// character boundary — the Preview text of [MS-ASAIRS] 2.2.2.35 (max 255).
std::string preview_text(std::string_view text, std::size_t max_chars);

}  // namespace easd::mime
