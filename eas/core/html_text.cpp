#include "eas/core/html_text.hpp"

#include "eas/core/ascii.hpp"
#include "eas/core/charset.hpp"
#include "eas/core/utf8.hpp"

#include <algorithm>
#include <array>
#include <optional>

namespace easd::mime {
namespace {

struct named_ref {
  std::string_view name;
  char32_t cp;
};

// The references mail HTML actually uses (HTML names are case-sensitive). Anything else stays literal.
constexpr std::array named_refs{
    named_ref{"amp", '&'},        named_ref{"lt", '<'},          named_ref{"gt", '>'},
    named_ref{"quot", '"'},       named_ref{"apos", '\''},       named_ref{"nbsp", 0xA0},
    named_ref{"copy", 0xA9},      named_ref{"reg", 0xAE},        named_ref{"trade", 0x2122},
    named_ref{"hellip", 0x2026},  named_ref{"mdash", 0x2014},    named_ref{"ndash", 0x2013},
    named_ref{"lsquo", 0x2018},   named_ref{"rsquo", 0x2019},    named_ref{"sbquo", 0x201A},
    named_ref{"ldquo", 0x201C},   named_ref{"rdquo", 0x201D},    named_ref{"bdquo", 0x201E},
    named_ref{"laquo", 0xAB},     named_ref{"raquo", 0xBB},      named_ref{"lsaquo", 0x2039},
    named_ref{"rsaquo", 0x203A},  named_ref{"euro", 0x20AC},     named_ref{"pound", 0xA3},
    named_ref{"yen", 0xA5},       named_ref{"cent", 0xA2},       named_ref{"curren", 0xA4},
    named_ref{"sect", 0xA7},      named_ref{"para", 0xB6},       named_ref{"bull", 0x2022},
    named_ref{"middot", 0xB7},    named_ref{"deg", 0xB0},        named_ref{"plusmn", 0xB1},
    named_ref{"times", 0xD7},     named_ref{"divide", 0xF7},     named_ref{"frac12", 0xBD},
    named_ref{"frac14", 0xBC},    named_ref{"frac34", 0xBE},     named_ref{"sup1", 0xB9},
    named_ref{"sup2", 0xB2},      named_ref{"sup3", 0xB3},       named_ref{"micro", 0xB5},
    named_ref{"iexcl", 0xA1},     named_ref{"iquest", 0xBF},     named_ref{"shy", 0xAD},
    named_ref{"ordf", 0xAA},      named_ref{"ordm", 0xBA},       named_ref{"not", 0xAC},
    named_ref{"macr", 0xAF},      named_ref{"acute", 0xB4},      named_ref{"cedil", 0xB8},
    named_ref{"uml", 0xA8},       named_ref{"brvbar", 0xA6},     named_ref{"dagger", 0x2020},
    named_ref{"Dagger", 0x2021},  named_ref{"permil", 0x2030},   named_ref{"prime", 0x2032},
    named_ref{"Prime", 0x2033},   named_ref{"larr", 0x2190},     named_ref{"rarr", 0x2192},
    named_ref{"uarr", 0x2191},    named_ref{"darr", 0x2193},     named_ref{"harr", 0x2194},
    named_ref{"rArr", 0x21D2},    named_ref{"hArr", 0x21D4},     named_ref{"ensp", 0x2002},
    named_ref{"emsp", 0x2003},    named_ref{"thinsp", 0x2009},   named_ref{"zwnj", 0x200C},
    named_ref{"zwj", 0x200D},     named_ref{"lrm", 0x200E},      named_ref{"rlm", 0x200F},
    named_ref{"infin", 0x221E},   named_ref{"ne", 0x2260},       named_ref{"le", 0x2264},
    named_ref{"ge", 0x2265},      named_ref{"minus", 0x2212},    named_ref{"asymp", 0x2248},
    named_ref{"hearts", 0x2665},  named_ref{"check", 0x2713},    named_ref{"star", 0x2606},
    named_ref{"circ", 0x2C6},     named_ref{"tilde", 0x2DC},     named_ref{"fnof", 0x192},
    named_ref{"OElig", 0x152},    named_ref{"oelig", 0x153},     named_ref{"Scaron", 0x160},
    named_ref{"scaron", 0x161},   named_ref{"Yuml", 0x178},      named_ref{"szlig", 0xDF},
    named_ref{"Agrave", 0xC0},    named_ref{"Aacute", 0xC1},     named_ref{"Acirc", 0xC2},
    named_ref{"Atilde", 0xC3},    named_ref{"Auml", 0xC4},       named_ref{"Aring", 0xC5},
    named_ref{"AElig", 0xC6},     named_ref{"Ccedil", 0xC7},     named_ref{"Egrave", 0xC8},
    named_ref{"Eacute", 0xC9},    named_ref{"Ecirc", 0xCA},      named_ref{"Euml", 0xCB},
    named_ref{"Igrave", 0xCC},    named_ref{"Iacute", 0xCD},     named_ref{"Icirc", 0xCE},
    named_ref{"Iuml", 0xCF},      named_ref{"ETH", 0xD0},        named_ref{"Ntilde", 0xD1},
    named_ref{"Ograve", 0xD2},    named_ref{"Oacute", 0xD3},     named_ref{"Ocirc", 0xD4},
    named_ref{"Otilde", 0xD5},    named_ref{"Ouml", 0xD6},       named_ref{"Oslash", 0xD8},
    named_ref{"Ugrave", 0xD9},    named_ref{"Uacute", 0xDA},     named_ref{"Ucirc", 0xDB},
    named_ref{"Uuml", 0xDC},      named_ref{"Yacute", 0xDD},     named_ref{"THORN", 0xDE},
    named_ref{"agrave", 0xE0},    named_ref{"aacute", 0xE1},     named_ref{"acirc", 0xE2},
    named_ref{"atilde", 0xE3},    named_ref{"auml", 0xE4},       named_ref{"aring", 0xE5},
    named_ref{"aelig", 0xE6},     named_ref{"ccedil", 0xE7},     named_ref{"egrave", 0xE8},
    named_ref{"eacute", 0xE9},    named_ref{"ecirc", 0xEA},      named_ref{"euml", 0xEB},
    named_ref{"igrave", 0xEC},    named_ref{"iacute", 0xED},     named_ref{"icirc", 0xEE},
    named_ref{"iuml", 0xEF},      named_ref{"eth", 0xF0},        named_ref{"ntilde", 0xF1},
    named_ref{"ograve", 0xF2},    named_ref{"oacute", 0xF3},     named_ref{"ocirc", 0xF4},
    named_ref{"otilde", 0xF5},    named_ref{"ouml", 0xF6},       named_ref{"oslash", 0xF8},
    named_ref{"ugrave", 0xF9},    named_ref{"uacute", 0xFA},     named_ref{"ucirc", 0xFB},
    named_ref{"uuml", 0xFC},      named_ref{"yacute", 0xFD},     named_ref{"thorn", 0xFE},
    named_ref{"yuml", 0xFF},      named_ref{"alpha", 0x3B1},     named_ref{"beta", 0x3B2},
    named_ref{"gamma", 0x3B3},    named_ref{"delta", 0x3B4},     named_ref{"Delta", 0x394},
    named_ref{"mu", 0x3BC},       named_ref{"pi", 0x3C0},        named_ref{"Omega", 0x3A9},
    named_ref{"omega", 0x3C9},    named_ref{"sum", 0x2211},      named_ref{"radic", 0x221A},
};

// Names a sender may write without ';' (the legacy subset every browser still accepts).
constexpr std::array<std::string_view, 7> legacy_refs{"amp", "lt", "gt", "quot", "nbsp", "copy", "reg"};

std::optional<char32_t> lookup(std::string_view name) {
  for (const auto& r : named_refs) {
    if (r.name == name) return r.cp;
  }
  return std::nullopt;
}

bool is_html_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool is_name_char(char c) noexcept { return is_ascii_alnum(c) || c == '-' || c == ':' || c == '_'; }

// What a tag does to the text around it.
enum class tag_kind { other, line, paragraph, br, list_item, cell, row, pre, raw_text };

struct tag_rule {
  std::string_view name;
  tag_kind kind;
};

constexpr std::array tag_rules{
    tag_rule{"br", tag_kind::br},
    tag_rule{"p", tag_kind::paragraph},
    tag_rule{"h1", tag_kind::paragraph},
    tag_rule{"h2", tag_kind::paragraph},
    tag_rule{"h3", tag_kind::paragraph},
    tag_rule{"h4", tag_kind::paragraph},
    tag_rule{"h5", tag_kind::paragraph},
    tag_rule{"h6", tag_kind::paragraph},
    tag_rule{"li", tag_kind::list_item},
    tag_rule{"td", tag_kind::cell},
    tag_rule{"th", tag_kind::cell},
    tag_rule{"tr", tag_kind::row},
    tag_rule{"pre", tag_kind::pre},
    // Content that is never shown: scripts, style sheets, the document title, inert templates.
    tag_rule{"script", tag_kind::raw_text},
    tag_rule{"style", tag_kind::raw_text},
    tag_rule{"title", tag_kind::raw_text},
    tag_rule{"template", tag_kind::raw_text},
    tag_rule{"noframes", tag_kind::raw_text},
    tag_rule{"div", tag_kind::line},
    tag_rule{"ul", tag_kind::line},
    tag_rule{"ol", tag_kind::line},
    tag_rule{"dl", tag_kind::line},
    tag_rule{"dt", tag_kind::line},
    tag_rule{"dd", tag_kind::line},
    tag_rule{"table", tag_kind::line},
    tag_rule{"thead", tag_kind::line},
    tag_rule{"tbody", tag_kind::line},
    tag_rule{"tfoot", tag_kind::line},
    tag_rule{"caption", tag_kind::line},
    tag_rule{"blockquote", tag_kind::line},
    tag_rule{"hr", tag_kind::line},
    tag_rule{"section", tag_kind::line},
    tag_rule{"article", tag_kind::line},
    tag_rule{"header", tag_kind::line},
    tag_rule{"footer", tag_kind::line},
    tag_rule{"nav", tag_kind::line},
    tag_rule{"aside", tag_kind::line},
    tag_rule{"main", tag_kind::line},
    tag_rule{"address", tag_kind::line},
    tag_rule{"figure", tag_kind::line},
    tag_rule{"figcaption", tag_kind::line},
    tag_rule{"form", tag_kind::line},
    tag_rule{"fieldset", tag_kind::line},
    tag_rule{"center", tag_kind::line},
    tag_rule{"details", tag_kind::line},
    tag_rule{"summary", tag_kind::line},
    tag_rule{"html", tag_kind::line},
    tag_rule{"body", tag_kind::line},
};

tag_kind classify(std::string_view lower_name) {
  for (const auto& r : tag_rules) {
    if (r.name == lower_name) return r.kind;
  }
  return tag_kind::other;
}

// The text being built: whitespace is collapsed lazily, so a run of spaces, tags and line breaks turns
// into at most one space or the largest line break asked for.
class text_sink {
 public:
  explicit text_sink(std::size_t max_out) : max_(max_out) {}

  bool full() const { return out_.size() >= max_; }

  void space() { pending_space_ = true; }
  // At least `n` line ends before the next text (1: a new line, 2: a blank line between). A block that
  // opens right after a list item's "- " (<li><p>) stays on the item's line.
  void lines(int n) {
    if (prefix_.empty()) want_lines_ = std::max(want_lines_, n);
  }
  void line_break() {
    settle();
    out_.push_back('\n');
    space_ok_ = false;
  }
  // Text that starts its own line ("- " of a list item), written with the item's first text.
  void line_prefix(std::string_view prefix) {
    prefix_ = {};
    lines(1);
    prefix_ = prefix;
  }
  // </li>: an item that had no text leaves no "- " behind.
  void end_item() {
    prefix_ = {};
    lines(1);
  }
  void cell() {
    if (!space_ok_ || want_lines_ > 0 || !prefix_.empty()) return;  // the first cell of a row
    pending_space_ = false;
    out_.push_back('\t');
    space_ok_ = false;
  }
  // Verbatim text (inside <pre>, or a character reference): no collapsing.
  void literal(std::string_view bytes) {
    settle();
    out_.append(bytes);
    space_ok_ = !bytes.empty() && bytes.back() != '\n';
  }
  void literal_newline() {
    settle();
    out_.push_back('\n');
    space_ok_ = false;
  }
  void code_point(char32_t cp) {
    std::string tmp;
    charset::append_utf8(tmp, cp);
    literal(tmp);
  }

  std::string finish() {
    // No leading or trailing white space; then cut at a character boundary.
    std::size_t b = 0;
    while (b < out_.size() && (out_[b] == ' ' || out_[b] == '\n' || out_[b] == '\t')) ++b;
    std::size_t e = out_.size();
    while (e > b && (out_[e - 1] == ' ' || out_[e - 1] == '\n' || out_[e - 1] == '\t')) --e;
    std::string s = out_.substr(b, e - b);
    if (s.size() > max_) {
      std::size_t p = max_;
      while (p > 0 && (static_cast<unsigned char>(s[p]) & 0xC0) == 0x80) --p;
      s.resize(p);
    }
    return s;
  }

 private:
  void settle() {
    if (out_.empty()) {
      want_lines_ = 0;
      pending_space_ = false;
    }
    if (want_lines_ > 0) {
      int have = 0;
      for (auto it = out_.rbegin(); it != out_.rend() && *it == '\n' && have < want_lines_; ++it) ++have;
      for (; have < want_lines_; ++have) out_.push_back('\n');
      want_lines_ = 0;
      pending_space_ = false;
      space_ok_ = false;
    }
    if (!prefix_.empty()) {
      out_.append(prefix_);
      prefix_ = {};
      pending_space_ = false;
      space_ok_ = false;
    }
    if (pending_space_ && space_ok_) out_.push_back(' ');
    pending_space_ = false;
  }

  std::string out_;
  std::size_t max_;
  int want_lines_ = 0;
  std::string_view prefix_;  // a static string
  bool pending_space_ = false;
  bool space_ok_ = false;  // false at a line start, after a list prefix or a cell separator
};

class converter {
 public:
  converter(std::string_view html, std::size_t max_out) : s_(html), sink_(max_out) {}

  std::string run() {
    while (i_ < s_.size() && !sink_.full()) {
      const char c = s_[i_];
      if (c == '<') {
        markup();
      } else if (c == '&') {
        reference();
      } else {
        text_char();
      }
    }
    return sink_.finish();
  }

 private:
  void whitespace(char c) {
    if (pre_depth_ == 0) {
      sink_.space();
    } else if (c == '\n') {
      sink_.literal_newline();
    } else if (c == '\r') {
      if (i_ + 1 >= s_.size() || s_[i_ + 1] != '\n') sink_.literal_newline();
    } else {
      sink_.literal(std::string_view(&c, 1));
    }
  }

  void text_char() {
    const char c = s_[i_];
    if (is_html_space(c)) {
      whitespace(c);
      ++i_;
      return;
    }
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      if (b >= 0x20 && b != 0x7F) sink_.literal(std::string_view(&c, 1));  // other controls are dropped
      ++i_;
      return;
    }
    const std::size_t start = i_;
    if (utf8::decode_one(s_, i_)) {
      sink_.literal(s_.substr(start, i_ - start));
    } else {
      sink_.code_point(0xFFFD);
      i_ = start + 1;
    }
  }

  void emit_reference(char32_t cp) {
    if (cp == 0xA0) {
      sink_.literal(" ");  // a space that does not collapse
    } else if (cp < 0x80 && is_html_space(static_cast<char>(cp))) {
      whitespace(static_cast<char>(cp));
    } else if (cp < 0x20 || cp == 0x7F) {
      // C0 controls from a reference are dropped, like raw ones.
    } else {
      sink_.code_point(cp);
    }
  }

  // At '&': a character reference, or a literal '&'.
  void reference() {
    const std::size_t n = s_.size();
    std::size_t j = i_ + 1;
    if (j < n && s_[j] == '#') {
      ++j;
      const bool hex = j < n && (s_[j] == 'x' || s_[j] == 'X');
      if (hex) ++j;
      const std::size_t digits_begin = j;
      char32_t value = 0;
      for (; j < n; ++j) {
        int d = -1;
        const char c = s_[j];
        if (is_ascii_digit(c)) {
          d = c - '0';
        } else if (hex && c >= 'a' && c <= 'f') {
          d = c - 'a' + 10;
        } else if (hex && c >= 'A' && c <= 'F') {
          d = c - 'A' + 10;
        } else {
          break;
        }
        value = std::min<char32_t>(value * (hex ? 16 : 10) + static_cast<char32_t>(d), 0x110000);
      }
      if (j == digits_begin) {
        sink_.literal("&");
        ++i_;
        return;
      }
      if (j < n && s_[j] == ';') ++j;
      // HTML numeric reference rules: NUL, surrogates and values beyond Unicode are U+FFFD; 0x80..0x9F
      // are read as windows-1252, which is what the authors of such references meant.
      if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
        value = 0xFFFD;
      } else if (value >= 0x80 && value < 0xA0) {
        value = charset::windows_1252_code_point(static_cast<unsigned char>(value));
      }
      emit_reference(value);
      i_ = j;
      return;
    }
    while (j < n && j - i_ <= 32 && is_ascii_alnum(s_[j])) ++j;
    const std::string_view name = s_.substr(i_ + 1, j - i_ - 1);
    if (!name.empty()) {
      if (j < n && s_[j] == ';') {
        if (auto cp = lookup(name)) {
          emit_reference(*cp);
          i_ = j + 1;
          return;
        }
      } else if (std::find(legacy_refs.begin(), legacy_refs.end(), name) != legacy_refs.end() &&
                 (j >= n || s_[j] != '=')) {
        emit_reference(*lookup(name));
        i_ = j;
        return;
      }
    }
    sink_.literal("&");
    ++i_;
  }

  // Skips to the '>' closing markup that starts at `from`; quotes after '=' hide '>' as in HTML
  // attribute values. Returns s_.size() when unterminated (the rest is part of the unfinished tag).
  std::size_t tag_end(std::size_t from) const {
    const std::size_t n = s_.size();
    char quote = 0;
    bool after_equals = false;
    for (std::size_t j = from; j < n; ++j) {
      const char c = s_[j];
      if (quote) {
        if (c == quote) quote = 0;
        continue;
      }
      if (c == '>') return j;
      if ((c == '"' || c == '\'') && after_equals) {
        quote = c;
        after_equals = false;
        continue;
      }
      if (c == '=') {
        after_equals = true;
      } else if (!is_html_space(c)) {
        after_equals = false;
      }
    }
    return n;
  }

  // Skips the content of a raw-text element up to and including its end tag (or to the end).
  void skip_raw_text(std::string_view lower_name) {
    const std::size_t n = s_.size();
    std::size_t j = i_;
    while (true) {
      j = s_.find("</", j);
      if (j == std::string_view::npos) {
        i_ = n;
        return;
      }
      const std::size_t name_begin = j + 2;
      if (name_begin + lower_name.size() <= n &&
          iequals_ascii(s_.substr(name_begin, lower_name.size()), lower_name) &&
          (name_begin + lower_name.size() == n || !is_name_char(s_[name_begin + lower_name.size()]))) {
        const std::size_t end = tag_end(name_begin + lower_name.size());
        i_ = end < n ? end + 1 : n;
        return;
      }
      j += 2;
    }
  }

  void markup() {
    const std::size_t n = s_.size();
    const std::size_t j = i_ + 1;
    if (j >= n) {
      sink_.literal("<");
      ++i_;
      return;
    }
    if (s_[j] == '!') {
      if (s_.substr(j, 3) == "!--") {
        // A comment: to "-->"; unterminated, it hides the rest (as in a browser).
        const std::size_t end = s_.find("-->", j + 3);
        i_ = end == std::string_view::npos ? n : end + 3;
        return;
      }
      const std::size_t end = s_.find('>', j);  // <!DOCTYPE>, <![endif]>, CDATA
      i_ = end == std::string_view::npos ? n : end + 1;
      return;
    }
    if (s_[j] == '?') {
      const std::size_t end = s_.find('>', j);
      i_ = end == std::string_view::npos ? n : end + 1;
      return;
    }
    const bool closing = s_[j] == '/';
    const std::size_t name_begin = closing ? j + 1 : j;
    if (name_begin >= n || !is_ascii_alpha(s_[name_begin])) {
      if (closing) {  // "</>" or "</ junk>": ignored, like a browser's bogus comment
        const std::size_t end = s_.find('>', j);
        i_ = end == std::string_view::npos ? n : end + 1;
        return;
      }
      sink_.literal("<");  // "a < b"
      ++i_;
      return;
    }
    std::size_t k = name_begin;
    while (k < n && is_name_char(s_[k])) ++k;
    std::array<char, 12> buf{};
    const std::size_t len = k - name_begin;
    tag_kind kind = tag_kind::other;
    std::string_view lower;
    if (len <= buf.size()) {
      for (std::size_t m = 0; m < len; ++m) buf[m] = ascii_lower(s_[name_begin + m]);
      lower = std::string_view(buf.data(), len);
      kind = classify(lower);
    }
    const std::size_t end = tag_end(k);
    i_ = end < n ? end + 1 : n;
    if (end >= n) return;  // an unfinished tag at the end is dropped
    apply(kind, closing, lower);
  }

  void apply(tag_kind kind, bool closing, std::string_view lower_name) {
    switch (kind) {
      case tag_kind::other:
        break;
      case tag_kind::line:
        sink_.lines(1);
        break;
      case tag_kind::paragraph:
        sink_.lines(2);
        break;
      case tag_kind::br:
        sink_.line_break();
        break;
      case tag_kind::list_item:
        if (closing) {
          sink_.end_item();
        } else {
          sink_.line_prefix("- ");
        }
        break;
      case tag_kind::cell:
        if (!closing) sink_.cell();
        break;
      case tag_kind::row:
        sink_.lines(1);
        break;
      case tag_kind::pre:
        sink_.lines(1);
        if (closing) {
          if (pre_depth_ > 0) --pre_depth_;
        } else if (pre_depth_ < 64) {
          ++pre_depth_;
        }
        break;
      case tag_kind::raw_text:
        if (!closing) skip_raw_text(lower_name);
        break;
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
  text_sink sink_;
  int pre_depth_ = 0;
};

// Characters that take no room: used by newsletters to pad the preview ("&zwnj;&#847;" runs).
bool invisible(char32_t cp) noexcept {
  return cp == 0xAD || cp == 0x34F || (cp >= 0x200B && cp <= 0x200F) || cp == 0x2060 || cp == 0xFEFF;
}

bool preview_space(char32_t cp) noexcept {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' || cp == 0xA0 ||
         cp == 0x2028 || cp == 0x2029;
}

}  // namespace

std::string html_to_text(std::string_view html, std::size_t max_out) {
  return converter(html, max_out).run();
}

std::string preview_text(std::string_view text, std::size_t max_chars) {
  std::string out;
  std::size_t chars = 0;
  bool pending_space = false;
  std::size_t pos = 0;
  while (pos < text.size() && chars < max_chars) {
    const std::size_t start = pos;
    char32_t cp = 0xFFFD;
    const auto decoded = utf8::decode_one(text, pos);
    if (decoded) {
      cp = *decoded;
    } else {
      pos = start + 1;
    }
    if (preview_space(cp)) {
      pending_space = chars > 0;
      continue;
    }
    if (invisible(cp) || cp < 0x20 || cp == 0x7F) continue;
    if (pending_space) {
      if (chars + 2 > max_chars) break;
      out.push_back(' ');
      ++chars;
      pending_space = false;
    }
    if (!decoded) {
      charset::append_utf8(out, cp);
    } else {
      out.append(text.substr(start, pos - start));
    }
    ++chars;
  }
  return out;
}

void append_html_escaped(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
}

}  // namespace easd::mime
