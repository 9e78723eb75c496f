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
// mean, per the WHATWG encoding standard; likewise GB2312 is read as GB18030, Shift_JIS as windows-31j,
// EUC-KR as windows-949). Each byte iconv cannot convert becomes one U+FFFD. At most `max_out` bytes of
// output (cut at a character boundary). Thread-safe (each thread keeps its own iconv descriptors).
std::string to_utf8(std::string_view bytes, std::string_view charset, std::size_t max_out = 64u << 20);

// The lower-case name of the converter to_utf8 uses for a label ("latin1" -> "windows-1252",
// "ks_c_5601-1987" -> "cp949", "gb2312" -> "gb18030", "x-sjis" -> "cp932"), or "" when unknown. Labels
// outside easd's alias table are tried on iconv as written (letters, digits and "-_.:" only).
std::string canonical_name(std::string_view label);

// EAS InternetCPID ([MS-ASEMAIL] 2.2.2.41: a Windows code page number) for a charset label; 65001 (UTF-8)
// when unknown.
unsigned windows_code_page(std::string_view label);

// The code point a windows-1252 byte stands for (WHATWG: 0x81, 0x8D, 0x8F, 0x90 and 0x9D map to the C1
// controls). HTML numeric references to 0x80..0x9F mean these too.
char32_t windows_1252_code_point(unsigned char byte) noexcept;

// Appends the UTF-8 form of `cp`; surrogates and values above U+10FFFF append U+FFFD.
void append_utf8(std::string& out, char32_t cp);

}  // namespace easd::charset
