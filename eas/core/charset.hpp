// Text in any charset a mail may name, to UTF-8 (iconv, glibc). Mail and backends are hostile: unknown
// charsets, wrong labels and broken bytes are normal, so conversion never fails — it degrades.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace easd::charset {

// Converts `bytes` labelled `charset` (a MIME/IANA name or alias, any case: "iso-8859-1", "latin1",
// "windows-1252", "koi8-r", "gb2312", "shift_jis", "utf-8", "us-ascii"; "" = unlabelled) to well-formed
// UTF-8. Invalid sequences become U+FFFD. Unlabelled or unknown charsets: the bytes as UTF-8 if they are
// valid UTF-8, else windows-1252. ISO-8859-1 and US-ASCII labels are read as windows-1252 (what senders
// mean, per the WHATWG encoding standard). At most `max_out` bytes of output (cut at a character boundary).
std::string to_utf8(std::string_view bytes, std::string_view charset, std::size_t max_out = 64u << 20);

// The canonical lower-case name iconv knows for a label, or "" when unknown.
std::string canonical_name(std::string_view label);

// EAS InternetCPID ([MS-ASEMAIL] 2.2.2.41: a Windows code page number) for a charset label; 65001 (UTF-8)
// when unknown.
unsigned windows_code_page(std::string_view label);

}  // namespace easd::charset
