#include "eas/core/charset.hpp"

#include "eas/core/ascii.hpp"
#include "eas/core/utf8.hpp"

#include <iconv.h>

#include <array>
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

namespace easd::charset {
namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

// How a label is converted. UTF-8 and windows-1252 (which also stands for ISO-8859-1 and US-ASCII) are the
// bulk of all mail and are converted here without iconv; everything else goes through glibc iconv.
// `guess` is for unlabelled and unknown text: UTF-8 if it is valid UTF-8, else windows-1252.
enum class method { utf8, guess, windows_1252, iconv };

struct alias {
  std::string_view label;      // lower case, as senders write it
  std::string_view converter;  // iconv name (or the native converter's name)
  unsigned code_page;          // [MS-ASEMAIL] 2.2.2.41 InternetCPID
};

// Labels follow the WHATWG encoding standard where it differs from IANA: senders mean the superset
// (ISO-8859-1 mail is written in windows-1252, GB2312 in GBK/GB18030, Shift_JIS in windows-31j, EUC-KR
// in windows-949). The code page is what Outlook reports for the label as written.
constexpr std::array aliases{
    alias{"utf-8", "utf-8", 65001},
    alias{"utf8", "utf-8", 65001},
    alias{"unicode-1-1-utf-8", "utf-8", 65001},
    alias{"x-unicode20utf8", "utf-8", 65001},
    alias{"us-ascii", "windows-1252", 20127},
    alias{"ascii", "windows-1252", 20127},
    alias{"ansi_x3.4-1968", "windows-1252", 20127},
    alias{"iso646-us", "windows-1252", 20127},
    alias{"us", "windows-1252", 20127},
    alias{"iso-8859-1", "windows-1252", 28591},
    alias{"iso8859-1", "windows-1252", 28591},
    alias{"iso_8859-1", "windows-1252", 28591},
    alias{"iso_8859-1:1987", "windows-1252", 28591},
    alias{"iso-ir-100", "windows-1252", 28591},
    alias{"latin1", "windows-1252", 28591},
    alias{"latin-1", "windows-1252", 28591},
    alias{"l1", "windows-1252", 28591},
    alias{"cp819", "windows-1252", 28591},
    alias{"ibm819", "windows-1252", 28591},
    alias{"csisolatin1", "windows-1252", 28591},
    alias{"windows-1252", "windows-1252", 1252},
    alias{"cp1252", "windows-1252", 1252},
    alias{"x-cp1252", "windows-1252", 1252},
    alias{"iso-8859-2", "ISO-8859-2", 28592},
    alias{"iso8859-2", "ISO-8859-2", 28592},
    alias{"iso_8859-2", "ISO-8859-2", 28592},
    alias{"latin2", "ISO-8859-2", 28592},
    alias{"l2", "ISO-8859-2", 28592},
    alias{"iso-8859-3", "ISO-8859-3", 28593},
    alias{"iso-8859-4", "ISO-8859-4", 28594},
    alias{"iso-8859-5", "ISO-8859-5", 28595},
    alias{"iso-8859-6", "ISO-8859-6", 28596},
    alias{"iso-8859-7", "ISO-8859-7", 28597},
    alias{"iso-8859-8", "ISO-8859-8", 28598},
    alias{"iso-8859-8-i", "ISO-8859-8", 38598},
    alias{"iso-8859-9", "CP1254", 28599},
    alias{"latin5", "CP1254", 28599},
    alias{"iso-8859-10", "ISO-8859-10", 28600},
    alias{"iso-8859-11", "CP874", 874},
    alias{"iso-8859-13", "ISO-8859-13", 28603},
    alias{"iso-8859-14", "ISO-8859-14", 28604},
    alias{"iso-8859-15", "ISO-8859-15", 28605},
    alias{"iso8859-15", "ISO-8859-15", 28605},
    alias{"iso_8859-15", "ISO-8859-15", 28605},
    alias{"latin-9", "ISO-8859-15", 28605},
    alias{"latin9", "ISO-8859-15", 28605},
    alias{"l9", "ISO-8859-15", 28605},
    alias{"iso-8859-16", "ISO-8859-16", 28606},
    alias{"windows-1250", "CP1250", 1250},
    alias{"cp1250", "CP1250", 1250},
    alias{"windows-1251", "CP1251", 1251},
    alias{"cp1251", "CP1251", 1251},
    alias{"windows-1253", "CP1253", 1253},
    alias{"cp1253", "CP1253", 1253},
    alias{"windows-1254", "CP1254", 1254},
    alias{"cp1254", "CP1254", 1254},
    alias{"windows-1255", "CP1255", 1255},
    alias{"cp1255", "CP1255", 1255},
    alias{"windows-1256", "CP1256", 1256},
    alias{"cp1256", "CP1256", 1256},
    alias{"windows-1257", "CP1257", 1257},
    alias{"cp1257", "CP1257", 1257},
    alias{"windows-1258", "CP1258", 1258},
    alias{"cp1258", "CP1258", 1258},
    alias{"windows-874", "CP874", 874},
    alias{"cp874", "CP874", 874},
    alias{"tis-620", "CP874", 874},
    alias{"koi8-r", "KOI8-R", 20866},
    alias{"koi8", "KOI8-R", 20866},
    alias{"cskoi8r", "KOI8-R", 20866},
    alias{"koi8-u", "KOI8-U", 21866},
    alias{"koi8-ru", "KOI8-U", 21866},
    alias{"ibm866", "CP866", 866},
    alias{"cp866", "CP866", 866},
    alias{"ibm437", "IBM437", 437},
    alias{"cp437", "IBM437", 437},
    alias{"ibm850", "IBM850", 850},
    alias{"cp850", "IBM850", 850},
    alias{"macintosh", "MACINTOSH", 10000},
    alias{"mac", "MACINTOSH", 10000},
    alias{"x-mac-roman", "MACINTOSH", 10000},
    alias{"shift_jis", "CP932", 932},
    alias{"shift-jis", "CP932", 932},
    alias{"sjis", "CP932", 932},
    alias{"x-sjis", "CP932", 932},
    alias{"ms_kanji", "CP932", 932},
    alias{"csshiftjis", "CP932", 932},
    alias{"windows-31j", "CP932", 932},
    alias{"cp932", "CP932", 932},
    alias{"ms932", "CP932", 932},
    alias{"euc-jp", "EUC-JP-MS", 51932},
    alias{"x-euc-jp", "EUC-JP-MS", 51932},
    alias{"eucjp", "EUC-JP-MS", 51932},
    alias{"cseucpkdfmtjapanese", "EUC-JP-MS", 51932},
    // ISO-2022-JP-2 is a superset that also knows half-width katakana (ESC ( I), which Japanese phones
    // send under the plain label. NEC row 13 (CP50220) is not available in glibc and becomes U+FFFD.
    alias{"iso-2022-jp", "ISO-2022-JP-2", 50220},
    alias{"csiso2022jp", "ISO-2022-JP-2", 50220},
    alias{"iso-2022-jp-2", "ISO-2022-JP-2", 50220},
    alias{"gb2312", "GB18030", 936},
    alias{"gbk", "GB18030", 936},
    alias{"cp936", "GB18030", 936},
    alias{"windows-936", "GB18030", 936},
    alias{"x-gbk", "GB18030", 936},
    alias{"euc-cn", "GB18030", 936},
    alias{"csgb2312", "GB18030", 936},
    alias{"chinese", "GB18030", 936},
    alias{"gb_2312-80", "GB18030", 936},
    alias{"gb_2312", "GB18030", 936},
    alias{"iso-ir-58", "GB18030", 936},
    alias{"gb18030", "GB18030", 54936},
    alias{"big5", "BIG5-HKSCS", 950},
    alias{"big5-hkscs", "BIG5-HKSCS", 950},
    alias{"cn-big5", "BIG5-HKSCS", 950},
    alias{"x-x-big5", "BIG5-HKSCS", 950},
    alias{"csbig5", "BIG5-HKSCS", 950},
    alias{"cp950", "BIG5-HKSCS", 950},
    alias{"euc-kr", "CP949", 51949},
    alias{"cseuckr", "CP949", 51949},
    alias{"ks_c_5601-1987", "CP949", 949},
    alias{"ks_c_5601-1989", "CP949", 949},
    alias{"ks_c_5601", "CP949", 949},
    alias{"ksc5601", "CP949", 949},
    alias{"ksc_5601", "CP949", 949},
    alias{"csksc56011987", "CP949", 949},
    alias{"iso-ir-149", "CP949", 949},
    alias{"korean", "CP949", 949},
    alias{"windows-949", "CP949", 949},
    alias{"cp949", "CP949", 949},
    alias{"uhc", "CP949", 949},
    alias{"iso-2022-kr", "ISO-2022-KR", 50225},
    alias{"utf-16", "UTF-16", 1200},
    alias{"utf-16le", "UTF-16LE", 1200},
    alias{"utf-16be", "UTF-16BE", 1201},
    alias{"utf-32", "UTF-32", 12000},
    alias{"utf-32le", "UTF-32LE", 12000},
    alias{"utf-32be", "UTF-32BE", 12001},
    alias{"utf-7", "UTF-7", 65000},
};

// Lower case, without surrounding whitespace or quotes and without an RFC 2231 "*language" suffix.
std::string normalize(std::string_view label) {
  while (!label.empty() && (label.front() == ' ' || label.front() == '\t' || label.front() == '"')) {
    label.remove_prefix(1);
  }
  while (!label.empty() && (label.back() == ' ' || label.back() == '\t' || label.back() == '"')) {
    label.remove_suffix(1);
  }
  if (const auto star = label.find('*'); star != std::string_view::npos) label = label.substr(0, star);
  return to_lower_ascii(label);
}

const alias* find_alias(std::string_view normalized) {
  for (const auto& a : aliases) {
    if (a.label == normalized) return &a;
  }
  return nullptr;
}

// A label we may hand to iconv_open as is: iconv reads "//" suffixes as options and a name is only
// looked up in its module table, but keep the name plain and short anyway.
bool plain_iconv_name(std::string_view name) {
  if (name.empty() || name.size() > 40) return false;
  for (char c : name) {
    if (!is_ascii_alnum(c) && c != '-' && c != '_' && c != '.' && c != ':') return false;
  }
  return true;
}

// iconv descriptors are not thread-safe and iconv_open walks glibc's module cache, so each thread keeps
// its few recently used ones. Mail in one thread rarely mixes more than a handful of charsets.
class iconv_cache {
 public:
  iconv_cache() = default;
  iconv_cache(const iconv_cache&) = delete;
  iconv_cache& operator=(const iconv_cache&) = delete;
  ~iconv_cache() {
    for (auto& e : entries_) {
      if (e.cd != invalid()) iconv_close(e.cd);
    }
  }

  // A descriptor from `name` to UTF-8 in its initial shift state, or invalid().
  iconv_t get(const std::string& name) {
    for (auto& e : entries_) {
      if (e.cd != invalid() && e.name == name) {
        iconv(e.cd, nullptr, nullptr, nullptr, nullptr);
        return e.cd;
      }
    }
    const iconv_t cd = iconv_open("UTF-8", name.c_str());
    if (cd == invalid()) return cd;
    auto& slot = entries_[next_];
    next_ = (next_ + 1) % entries_.size();
    if (slot.cd != invalid()) iconv_close(slot.cd);
    slot.name = name;
    slot.cd = cd;
    return cd;
  }

  static iconv_t invalid() { return reinterpret_cast<iconv_t>(-1); }

 private:
  struct entry {
    std::string name;
    iconv_t cd = invalid();
  };
  std::array<entry, 6> entries_{};
  std::size_t next_ = 0;
};

iconv_cache& cache() {
  thread_local iconv_cache c;
  return c;
}

struct resolved {
  method how;
  std::string converter;  // iconv name for method::iconv
};

resolved resolve(std::string_view label) {
  const std::string norm = normalize(label);
  if (norm.empty()) return {method::guess, {}};
  if (const alias* a = find_alias(norm)) {
    if (a->converter == "utf-8") return {method::utf8, {}};
    if (a->converter == "windows-1252") return {method::windows_1252, {}};
    return {method::iconv, std::string(a->converter)};
  }
  if (plain_iconv_name(norm)) return {method::iconv, norm};
  return {method::guess, {}};
}

// Valid UTF-8 stays as is; every byte that does not start a well-formed sequence becomes U+FFFD.
void repair_utf8(std::string_view s, std::string& out, std::size_t max_out) {
  std::size_t pos = 0;
  while (pos < s.size() && out.size() < max_out) {
    const std::size_t start = pos;
    if (utf8::decode_one(s, pos)) {
      out.append(s.substr(start, pos - start));
    } else {
      out.append(replacement);
      pos = start + 1;
    }
  }
}

void from_windows_1252(std::string_view s, std::string& out, std::size_t max_out) {
  for (char c : s) {
    if (out.size() >= max_out) return;
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      out.push_back(c);
    } else {
      append_utf8(out, windows_1252_code_point(b));
    }
  }
}

// Converts with iconv, degrading instead of failing: an invalid byte becomes U+FFFD and is skipped, a
// truncated final sequence becomes one U+FFFD. false if iconv does not know `name`.
bool from_iconv(std::string_view s, const std::string& name, std::string& out, std::size_t max_out) {
  const iconv_t cd = cache().get(name);
  if (cd == iconv_cache::invalid()) return false;
  std::array<char, 16384> buf;
  char* in = const_cast<char*>(s.data());  // iconv's signature; the input is not written
  std::size_t in_left = s.size();
  bool flushed = false;
  while (!flushed && out.size() < max_out) {
    char* o = buf.data();
    std::size_t o_left = buf.size();
    // Once the input is consumed, one more call with no input writes a stateful decoder's final bytes.
    const bool flushing = in_left == 0;
    const std::size_t r = flushing ? iconv(cd, nullptr, nullptr, &o, &o_left) : iconv(cd, &in, &in_left, &o, &o_left);
    const int err = errno;
    out.append(buf.data(), static_cast<std::size_t>(o - buf.data()));
    if (r != static_cast<std::size_t>(-1)) {
      flushed = flushing;
      continue;
    }
    if (err == E2BIG) continue;
    if (flushing) break;  // a decoder that cannot end its shift state: nothing more to write
    out.append(replacement);
    if (err == EILSEQ && in_left > 0) {
      ++in;
      --in_left;
    } else {
      // EINVAL: an incomplete sequence at the end; anything else: give up on the rest.
      in_left = 0;
      if (err != EINVAL) break;
    }
  }
  return true;
}

// Cuts valid UTF-8 to at most `max` bytes at a character boundary.
void cut(std::string& s, std::size_t max) {
  if (s.size() <= max) return;
  std::size_t p = max;
  while (p > 0 && (static_cast<unsigned char>(s[p]) & 0xC0) == 0x80) --p;
  s.resize(p);
}

}  // namespace

char32_t windows_1252_code_point(unsigned char byte) noexcept {
  static constexpr std::array<char16_t, 32> high{
      0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};
  if (byte >= 0x80 && byte < 0xA0) return high[byte - 0x80];
  return byte;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    out.append(replacement);
  } else if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string to_utf8(std::string_view bytes, std::string_view charset, std::size_t max_out) {
  std::string out;
  // Converters stop once they reach max_out; a few bytes of slack let the cut land on a boundary.
  const std::size_t limit = max_out > SIZE_MAX - 8 ? max_out : max_out + 8;
  resolved r = resolve(charset);
  if (r.how == method::iconv) {
    out.reserve(std::min(bytes.size() + bytes.size() / 2, limit));
    if (from_iconv(bytes, r.converter, out, limit)) {
      // iconv writes well-formed UTF-8, but the contract is ours to keep.
      if (!utf8::is_valid(out)) {
        std::string fixed;
        repair_utf8(out, fixed, limit);
        out.swap(fixed);
      }
      cut(out, max_out);
      return out;
    }
    r.how = method::guess;  // a name iconv does not know
  }
  const std::string_view head = bytes.substr(0, std::min(bytes.size(), limit));
  switch (r.how) {
    case method::utf8:
      if (utf8::is_valid(head)) {
        out.assign(head);
      } else {
        repair_utf8(bytes, out, limit);  // labelled UTF-8 that is broken: keep the good sequences
      }
      break;
    case method::guess:
      if (utf8::is_valid(bytes)) {
        out.assign(head);
      } else {
        from_windows_1252(bytes, out, limit);
      }
      break;
    case method::windows_1252:
    case method::iconv:
      from_windows_1252(bytes, out, limit);
      break;
  }
  // A prefix of valid UTF-8 may end inside a character past max_out; cut() looks only up to max_out.
  cut(out, max_out);
  return out;
}

std::string canonical_name(std::string_view label) {
  const resolved r = resolve(label);
  switch (r.how) {
    case method::utf8:
      return "utf-8";
    case method::guess:
      return {};
    case method::windows_1252:
      return "windows-1252";
    case method::iconv:
      if (cache().get(r.converter) == iconv_cache::invalid()) return {};
      return to_lower_ascii(r.converter);
  }
  return {};
}

unsigned windows_code_page(std::string_view label) {
  const alias* a = find_alias(normalize(label));
  return a ? a->code_page : 65001u;
}

}  // namespace easd::charset
