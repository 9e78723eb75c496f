#include "eas/protocol/compose/header_block.hpp"

#include "eas/core/ascii.hpp"
#include "eas/core/mime_header.hpp"
#include "eas/protocol/compose/error.hpp"

namespace easd::compose {
namespace {

bool is_wsp(char c) noexcept { return c == ' ' || c == '\t'; }

// RFC 5322 3.6.8 ftext: printable ASCII except the colon.
bool is_ftext(char c) noexcept {
  const auto b = static_cast<unsigned char>(c);
  return b >= 33 && b <= 126 && c != ':';
}

struct line {
  std::string_view text;  // without its line end
  std::size_t next;       // where the next line starts
};

line line_at(std::string_view s, std::size_t pos) {
  const std::size_t lf = s.find('\n', pos);
  if (lf == std::string_view::npos) return {s.substr(pos), s.size()};
  std::size_t end = lf;
  if (end > pos && s[end - 1] == '\r') --end;
  return {s.substr(pos, end - pos), lf + 1};
}

}  // namespace

result<header_split> split_header(std::string_view full, const header_limits& limits) {
  // Nothing past the bound is read: a header block without its empty line there is refused.
  const std::string_view entity = full.substr(0, limits.max_block + 2);
  header_split out;
  std::size_t pos = 0;
  std::size_t field_begin = 0;
  std::size_t field_end = 0;  // end of the current field's last line
  std::size_t name_len = 0;
  std::size_t value_off = 0;  // after the colon, relative to field_begin
  bool open = false;
  const auto close = [&]() -> bool {
    if (!open) return true;
    if (field_end - field_begin > limits.max_field) return false;
    if (out.fields.size() >= limits.max_fields) return false;
    const std::string_view raw = entity.substr(field_begin, field_end - field_begin);
    out.fields.push_back({raw.substr(0, name_len), raw, raw.substr(value_off)});
    open = false;
    return true;
  };
  while (pos < entity.size()) {
    if (pos > limits.max_block) return compose_error::too_large;
    const line l = line_at(entity, pos);
    // NUL, and a CR that does not end the line: RFC 5322 2.2 allows neither, and once line ends become
    // CRLF a bare CR would start a new, unchecked header line.
    if (l.text.find_first_of(std::string_view("\0\r", 2)) != std::string_view::npos) return compose_error::malformed;
    if (l.text.empty()) {  // the empty line ends the header block
      if (!close())
        return out.fields.size() >= limits.max_fields ? compose_error::too_many_fields : compose_error::too_large;
      if (l.next > limits.max_block) return compose_error::too_large;
      out.body = full.substr(l.next);
      return out;
    }
    if (is_wsp(l.text.front())) {  // continuation (RFC 5322 2.2.3)
      if (!open) return compose_error::malformed;
      field_end = pos + l.text.size();
      if (field_end - field_begin > limits.max_field) return compose_error::too_large;
    } else {
      if (!close())
        return out.fields.size() >= limits.max_fields ? compose_error::too_many_fields : compose_error::too_large;
      std::size_t i = 0;
      while (i < l.text.size() && is_ftext(l.text[i])) ++i;
      // obs-optional (RFC 5322 4.5.8) allows WSP before the colon; the name itself must not be empty.
      std::size_t colon = i;
      while (colon < l.text.size() && is_wsp(l.text[colon])) ++colon;
      if (i == 0 || colon >= l.text.size() || l.text[colon] != ':') return compose_error::malformed;
      field_begin = pos;
      name_len = i;
      value_off = colon + 1;
      field_end = pos + l.text.size();
      open = true;
    }
    pos = l.next;
  }
  if (pos > limits.max_block || full.size() > entity.size()) return compose_error::too_large;
  if (!close())
    return out.fields.size() >= limits.max_fields ? compose_error::too_many_fields : compose_error::too_large;
  out.body = {};
  return out;
}

const header_field* find_field(const std::vector<header_field>& fields, std::string_view name) noexcept {
  for (const auto& f : fields) {
    if (iequals_ascii(f.name, name)) return &f;
  }
  return nullptr;
}

std::size_t count_fields(const std::vector<header_field>& fields, std::string_view name) noexcept {
  std::size_t n = 0;
  for (const auto& f : fields) n += iequals_ascii(f.name, name) ? 1 : 0;
  return n;
}

std::string field_value(const header_field& field) { return mime::unfold(field.value); }

void append_crlf(std::string& out, std::string_view text) {
  out.reserve(out.size() + text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
}

}  // namespace easd::compose
