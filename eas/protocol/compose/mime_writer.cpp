#include "eas/protocol/compose/mime_writer.hpp"

#include "eas/core/ascii.hpp"
#include "eas/core/base64.hpp"
#include "eas/core/html_text.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

namespace easd::compose {
namespace {

constexpr char hex_digits[] = "0123456789ABCDEF";
constexpr std::size_t word_bytes = 45;  // 60 base64 characters + "=?UTF-8?B?" + "?=" = 72 ≤ 75

bool is_printable_ascii(char c) noexcept {
  const auto b = static_cast<unsigned char>(c);
  return b >= 0x20 && b < 0x7F;
}

bool is_phrase_atext(char c) noexcept {
  return is_ascii_alnum(c) || c == ' ' || std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

// Length of the UTF-8 sequence a lead byte starts (1 for anything else, so broken input still advances).
std::size_t sequence_length(unsigned char lead) noexcept {
  if (lead >= 0xF0 && lead < 0xF8) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

}  // namespace

std::string encode_words(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  for (const char c : text) clean += static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? ' ' : c;
  std::string out;
  std::size_t pos = 0;
  while (pos < clean.size()) {
    std::size_t end = pos;
    while (end < clean.size()) {
      const std::size_t n = sequence_length(static_cast<unsigned char>(clean[end]));
      if (end + n - pos > word_bytes && end > pos) break;
      end = std::min(end + n, clean.size());
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?";
    out += encode_base64(std::string_view(clean).substr(pos, end - pos));
    out += "?=";
    pos = end;
  }
  return out;
}

std::string header_text(std::string_view text) {
  const bool plain = text.size() <= 900 && std::all_of(text.begin(), text.end(), is_printable_ascii) &&
                     text.find("=?") == std::string_view::npos;
  return plain ? std::string(text) : encode_words(text);
}

std::string phrase_text(std::string_view name) {
  if (!std::all_of(name.begin(), name.end(), is_printable_ascii) || name.find("=?") != std::string_view::npos ||
      name.size() > 900) {
    return encode_words(name);
  }
  if (std::all_of(name.begin(), name.end(), is_phrase_atext) && name.front() != ' ' && name.back() != ' ') {
    return std::string(name);
  }
  return quoted_string(name);
}

std::string quoted_string(std::string_view text) {
  std::string q = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  q += '"';
  return q;
}

std::string encode_quoted_printable(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8 + 8);
  std::size_t line = 0;  // characters on the current output line
  const auto emit = [&](std::string_view piece) {
    if (line + piece.size() > 75) {  // leaves room for the "=" of a soft break (76 in all)
      out += "=\r\n";
      line = 0;
    }
    out += piece;
    line += piece.size();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += "\r\n";
      line = 0;
      continue;
    }
    const bool at_line_end = i + 1 == text.size() || text[i + 1] == '\r' || text[i + 1] == '\n';
    const auto b = static_cast<unsigned char>(c);
    // RFC 2045 6.7 (3): white space at a line end must be encoded; "." alone at a line start is encoded
    // too, against SMTP transparency bugs.
    const bool literal =
        (b >= 33 && b <= 126 && c != '=' && !(c == '.' && line == 0)) || ((c == ' ' || c == '\t') && !at_line_end);
    if (literal) {
      emit(std::string_view(&c, 1));
    } else {
      const char enc[3] = {'=', hex_digits[b >> 4], hex_digits[b & 15]};
      emit(std::string_view(enc, 3));
    }
  }
  if (!out.empty() && out.back() != '\n') out += "\r\n";
  return out;
}

std::string encode_base64_lines(std::string_view bytes) {
  const std::string flat = encode_base64(bytes);
  std::string out;
  out.reserve(flat.size() + flat.size() / 38 + 2);
  for (std::size_t i = 0; i < flat.size(); i += 76) {
    out.append(flat, i, 76);
    out += "\r\n";
  }
  return out;
}

std::string mime_param(std::string_view name, std::string_view value) {
  const bool ascii = std::all_of(value.begin(), value.end(), is_printable_ascii);
  const bool token = ascii && !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
                       return c != ' ' && std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
                     });
  std::string out = ";\r\n ";
  if (token && value.size() <= 60) return out + std::string(name) + "=" + std::string(value);
  if (ascii && value.size() <= 60) {
    return out + std::string(name) + "=" + quoted_string(value);
  }
  // RFC 2231 3, 4: continuations of percent-encoded UTF-8 on lines of ≤ 76 characters, never splitting
  // a %XX.
  const std::string encoded = percent_encode(value, "!#$&+-.^_`|~");
  std::size_t pos = 0;
  for (unsigned n = 0; pos < encoded.size() || n == 0; ++n) {
    const std::size_t prefix = 1 + name.size() + 1 + std::to_string(n).size() + 2 + (n == 0 ? 7 : 0) + 1;
    const std::size_t chunk = prefix < 60 ? 76 - prefix : 16;
    std::size_t end = std::min(pos + chunk, encoded.size());
    if (end < encoded.size()) {
      if (encoded[end - 1] == '%')
        end -= 1;
      else if (end >= 2 && encoded[end - 2] == '%')
        end -= 2;
    }
    if (n > 0) out += ";\r\n ";
    out += std::string(name) + "*" + std::to_string(n) + "*=" + (n == 0 ? "UTF-8''" : "");
    out.append(encoded, pos, end - pos);
    pos = end;
  }
  return out;
}

std::string random_hex(std::size_t n) {
  std::string bytes(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(n)) != 1) {
    // A broken CSPRNG is a bug of the host, not an expected failure (STYLE.md 7).
    throw std::runtime_error("RAND_bytes failed");
  }
  std::string out;
  out.reserve(2 * n);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += ascii_lower(hex_digits[b >> 4]);
    out += ascii_lower(hex_digits[b & 15]);
  }
  return out;
}

std::string new_boundary(const std::vector<std::string_view>& contents) {
  while (true) {
    std::string b = "=_easd_" + random_hex(16);
    const bool clash = std::any_of(contents.begin(), contents.end(),
                                   [&](std::string_view c) { return c.find(b) != std::string_view::npos; });
    if (!clash) return b;
  }
}

void append_html_escaped(std::string& out, std::string_view text) { mime::append_html_escaped(out, text); }

}  // namespace easd::compose
