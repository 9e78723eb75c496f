// HTML to plain text, for BodyPreference type 1 when a message has only an HTML body and for Preview
// ([MS-ASAIRS] 2.2.2.18). A bounded, single-pass tokenizer — not a browser: drops script/style/head
// content and comments, turns block elements and <br> into line breaks (<p> and headings into a blank
// line), list items into "- ", table cells into TAB-separated lines, keeps <pre> text as written, decodes
// character references (named: the common ones; numeric: all, 0x80..0x9F read as windows-1252, invalid
// ones U+FFFD), collapses whitespace like a renderer. An unterminated tag, comment or script hides the
// rest, as in a browser. Linear time, never fails, output well-formed UTF-8 (input is expected to be
// UTF-8 already; invalid bytes become U+FFFD), trimmed, at most `max_out` bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace easd::mime {

std::string html_to_text(std::string_view html, std::size_t max_out = 16u << 20);

// Whitespace runs (with NBSP) collapsed to one space, trimmed, invisible padding characters (soft hyphen,
// zero-width and joiner characters that newsletters pad previews with) dropped, cut to at most max_chars
// characters (code points, not bytes) — the Preview text of [MS-ASAIRS] 2.2.2.35 (max 255).
std::string preview_text(std::string_view text, std::size_t max_chars);

// Text made safe inside HTML element content and quoted attribute values: < > & " as references, every
// other byte as it is (plain bodies shown as HTML, quoted originals of replies).
void append_html_escaped(std::string& out, std::string_view text);

}  // namespace easd::mime
