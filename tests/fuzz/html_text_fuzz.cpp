// Converts the input (after its first byte) to UTF-8 in a charset chosen by the first byte, then to text
// and to a Preview. Every output must be well-formed UTF-8 within its bound.
#include "eas/core/charset.hpp"
#include "eas/core/html_text.hpp"
#include "eas/core/utf8.hpp"

#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

constexpr std::array<std::string_view, 24> charsets{
    "",           "utf-8",     "iso-8859-1", "windows-1252", "us-ascii",   "iso-8859-2",
    "koi8-r",     "shift_jis", "euc-jp",     "iso-2022-jp",  "gb2312",     "gb18030",
    "big5",       "euc-kr",    "utf-16",     "utf-16le",     "utf-16be",   "utf-7",
    "windows-1251", "iso-2022-kr", "utf-32", "x-unknown",   "iso-8859-15", "macintosh"};

void check(const std::string& s, std::size_t max) {
  if (s.size() > max || !easd::utf8::is_valid(s)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view charset = charsets[data[0] % charsets.size()];
  const std::size_t max = (data[0] & 0x80) ? 61 : (16u << 20);
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string utf8 = easd::charset::to_utf8(bytes, charset, max);
  check(utf8, max);
  const std::string text = easd::mime::html_to_text(utf8, max);
  check(text, max);
  check(easd::mime::html_to_text(bytes, max), max);  // not UTF-8 at all
  const std::string preview = easd::mime::preview_text(text, 255);
  check(preview, 255 * 4);
  return 0;
}
