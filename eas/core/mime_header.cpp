#include "eas/core/mime_header.hpp"

#include "eas/core/ascii.hpp"
#include "eas/core/base64.hpp"
#include "eas/core/charset.hpp"

#include <algorithm>
#include <optional>

namespace easd::mime {
namespace {

constexpr std::size_t max_charset_length = 64;

bool is_wsp(char c) noexcept { return c == ' ' || c == '\t'; }

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_wsp(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_wsp(s.back())) s.remove_suffix(1);
  return s;
}

// A header value is one line of text to a device: line breaks and tabs become spaces, other C0 controls
// (NUL from "=00", escape sequences) are dropped. Bytes >= 0x20 of valid UTF-8 are never touched.
std::string one_line(std::string&& s) {
  std::size_t w = 0;
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '\r' || c == '\n' || c == '\t') {
      s[w++] = ' ';
    } else if (b >= 0x20) {
      s[w++] = c;
    }
  }
  s.resize(w);
  const std::string_view t = trim(s);
  return std::string(t);
}

// Cuts valid UTF-8 to at most `max` bytes at a character boundary.
void cut(std::string& s, std::size_t max) {
  if (s.size() <= max) return;
  std::size_t p = max;
  while (p > 0 && (static_cast<unsigned char>(s[p]) & 0xC0) == 0x80) --p;
  s.resize(p);
}

std::string decode_q(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '_') {
      out.push_back(' ');  // RFC 2047 4.2 (2)
    } else if (c == '=' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

struct encoded_word {
  std::size_t end;       // one past "?="
  std::string charset;   // lower case, without "*language" (RFC 2231 5)
  std::string bytes;     // decoded, still in `charset`
};

// Finds "?=" and whitespace ahead of a position, remembering the last answer so that a header full of
// "=?" that never close is still scanned in linear time.
class lookahead {
 public:
  explicit lookahead(std::string_view s) : s_(s) {}
  std::size_t close_from(std::size_t pos) {
    if (close_ == std::string_view::npos || close_ < pos) {
      if (close_searched_to_end_) return std::string_view::npos;
      close_ = s_.find("?=", pos);
      if (close_ == std::string_view::npos) close_searched_to_end_ = true;
    }
    return close_;
  }
  std::size_t space_from(std::size_t pos) {
    if (space_ == std::string_view::npos || space_ < pos) {
      if (space_searched_to_end_) return std::string_view::npos;
      space_ = s_.find_first_of(" \t", pos);
      if (space_ == std::string_view::npos) space_searched_to_end_ = true;
    }
    return space_;
  }

 private:
  std::string_view s_;
  std::size_t close_ = std::string_view::npos;
  std::size_t space_ = std::string_view::npos;
  bool close_searched_to_end_ = false;
  bool space_searched_to_end_ = false;
};

// Parses "=?charset?B|Q?text?=" at s[pos] (which is "=?"). nullopt if it is not a decodable word.
std::optional<encoded_word> parse_word(std::string_view s, std::size_t pos, lookahead& ahead) {
  std::size_t i = pos + 2;
  const std::size_t cs_begin = i;
  while (i < s.size() && i - cs_begin <= max_charset_length) {
    const char c = s[i];
    if (c == '?' || static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7F) break;
    ++i;
  }
  if (i == cs_begin || i + 3 > s.size() || s[i] != '?' || s[i + 2] != '?') return std::nullopt;
  std::string_view charset = s.substr(cs_begin, i - cs_begin);
  if (const auto star = charset.find('*'); star != std::string_view::npos) charset = charset.substr(0, star);
  if (charset.empty()) return std::nullopt;
  const char enc = ascii_lower(s[i + 1]);
  if (enc != 'b' && enc != 'q') return std::nullopt;
  const std::size_t text_begin = i + 3;
  const std::size_t close = ahead.close_from(text_begin);
  if (close == std::string_view::npos) return std::nullopt;
  const std::string_view text = s.substr(text_begin, close - text_begin);
  encoded_word w{close + 2, to_lower_ascii(charset), {}};
  if (enc == 'b') {
    // RFC 2047 forbids white space inside a word; a B word with it is not one.
    const std::size_t space = ahead.space_from(text_begin);
    if (space != std::string_view::npos && space < close) return std::nullopt;
    auto bytes = decode_base64(text, text.size(),
                               base64_decode_options{.allow_missing_padding = true, .allow_nonzero_pad_bits = true});
    if (!bytes) return std::nullopt;
    w.bytes = std::move(*bytes);
  } else {
    // Q words with raw spaces are a common encoder bug; readers show them, so do we.
    w.bytes = decode_q(text);
  }
  return w;
}

bool all_wsp(std::string_view s) {
  return std::all_of(s.begin(), s.end(), is_wsp);
}

// Unfolds (RFC 5322 2.2.3: CRLF before WSP is removed) and turns any other line break into a space.
std::string unfold_lines(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\r' || c == '\n') {
      std::size_t j = i;
      if (c == '\r' && j + 1 < raw.size() && raw[j + 1] == '\n') ++j;
      if (j + 1 < raw.size() && is_wsp(raw[j + 1])) {
        i = j;  // folding: the WSP that follows stays
        continue;
      }
      out.push_back(' ');
      i = j;
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string unfold(std::string_view raw) {
  const std::string lines = unfold_lines(raw);
  return std::string(trim(lines));
}

std::string decode_header(std::string_view raw, std::size_t max_out) {
  const std::string s = unfold_lines(raw);
  lookahead ahead(s);
  std::string out;
  // Adjacent words in one charset are decoded together: a multibyte character (or an ISO-2022 shift
  // sequence) may be split across two words, as many encoders do at their line-length limit.
  std::string run_bytes;
  std::string run_charset;
  bool in_run = false;
  auto flush_run = [&] {
    if (!in_run) return;
    if (out.size() < max_out) out += charset::to_utf8(run_bytes, run_charset, max_out - out.size() + 4);
    run_bytes.clear();
    in_run = false;
  };
  auto append_raw = [&](std::string_view text) {
    if (text.empty() || out.size() >= max_out) return;
    out += charset::to_utf8(text, "", max_out - out.size() + 4);
  };

  std::size_t text_start = 0;
  std::size_t pos = 0;
  while (pos < s.size() && out.size() < max_out) {
    const std::size_t w = s.find("=?", pos);
    if (w == std::string::npos) break;
    auto word = parse_word(s, w, ahead);
    if (!word) {
      pos = w + 1;
      continue;
    }
    const std::string_view between = std::string_view(s).substr(text_start, w - text_start);
    if (!(in_run && all_wsp(between))) {  // RFC 2047 6.2: white space between words is not displayed
      flush_run();
      append_raw(between);
    }
    if (in_run && word->charset != run_charset) flush_run();
    if (!in_run) {
      run_charset = std::move(word->charset);
      in_run = true;
    }
    run_bytes += word->bytes;
    text_start = pos = word->end;
  }
  flush_run();
  if (text_start < s.size()) append_raw(std::string_view(s).substr(text_start));
  out = one_line(std::move(out));
  cut(out, max_out);
  return out;
}

std::string decode_rfc2231(std::string_view value, std::size_t max_out) {
  value = trim(value);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
  std::string_view charset;
  // RFC 2231 4: charset'language'octets. Without both quotes the value is octets only (a continuation,
  // or a sender that left the prefix out).
  if (const auto q1 = value.find('\''); q1 != std::string_view::npos) {
    if (const auto q2 = value.find('\'', q1 + 1); q2 != std::string_view::npos) {
      charset = value.substr(0, q1);
      value = value.substr(q2 + 1);
    }
  }
  std::string bytes;
  bytes.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '%' && i + 2 < value.size() && hex_value(value[i + 1]) >= 0 && hex_value(value[i + 2]) >= 0) {
      bytes.push_back(static_cast<char>(hex_value(value[i + 1]) * 16 + hex_value(value[i + 2])));
      i += 2;
    } else {
      bytes.push_back(value[i]);  // a stray '%' is kept as written
    }
  }
  std::string out = one_line(charset::to_utf8(bytes, charset, max_out + 4));
  cut(out, max_out);
  return out;
}

}  // namespace easd::mime
