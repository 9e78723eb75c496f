#include "backend/imap/client/message_data.hpp"

#include "backend/imap/client/error.hpp"
#include "backend/imap/client/values.hpp"
#include "eas/core/ascii.hpp"

namespace easd::backend::imap {

const fetched_section* message_data::section(std::string_view name) const noexcept {
  for (const auto& s : sections) {
    if (iequals_ascii(s.name, name)) return &s;
  }
  return nullptr;
}

bool is_fetch(const response& r) noexcept {
  return detail::numbered(r, "FETCH").has_value() && r.data.size() >= 3 && r.data[2].kind == value_kind::list;
}

result<message_data> parse_fetch(const response& r, body_limits limits) {
  if (!is_fetch(r)) return error::protocol_error;
  const auto& v = r.data;
  message_data m;
  m.seq = *detail::number32(v, 0);
  auto items = detail::children(v, 2);
  if (items.size() % 2 != 0) return error::protocol_error;
  for (std::size_t k = 0; k < items.size(); k += 2) {
    const std::size_t key_i = items[k];
    const std::size_t val = items[k + 1];
    if (v[key_i].kind != value_kind::atom) return error::protocol_error;
    const std::string key = to_lower_ascii(v[key_i].text);
    if (key == "uid") {
      auto n = detail::number32(v, val);
      if (!n || *n == 0) return error::protocol_error;
      m.uid = *n;
    } else if (key == "flags") {
      auto f = detail::flag_list(v, val);
      if (!f) return error::protocol_error;
      m.flags = std::move(*f);
    } else if (key == "modseq") {
      auto c = detail::children(v, val);  // MODSEQ (12345)
      if (c.size() != 1) return error::protocol_error;
      auto n = detail::number(v, c[0]);
      if (!n) return error::protocol_error;
      m.modseq = *n;
    } else if (key == "internaldate") {
      if (v[val].kind != value_kind::string) return error::protocol_error;
      m.internal_date = v[val].text;
    } else if (key == "rfc822.size") {
      auto n = detail::number(v, val);
      if (!n) return error::protocol_error;
      m.size = *n;
    } else if (key == "envelope") {
      auto e = parse_envelope(v, val);
      if (!e) return e.error();
      m.env = std::move(*e);
    } else if (key == "bodystructure" || key == "body") {
      auto b = parse_body_structure(v, val, limits);
      if (!b) return b.error();
      m.body = std::move(*b);
    } else if (key.find('[') != std::string::npos || key == "rfc822" || key == "rfc822.header" ||
               key == "rfc822.text") {
      // BODY[section]<origin>, BINARY[section]<origin>; BINARY.SIZE[...] is a number, skipped below.
      if (key.starts_with("binary.size")) {
        auto n = detail::number(v, val);
        if (!n) return error::protocol_error;
        m.binary_size = *n;
        continue;
      }
      fetched_section s;
      std::string_view name(v[key_i].text);
      auto close = name.rfind(']');
      if (close != std::string_view::npos && close + 1 < name.size()) {
        auto origin = name.substr(close + 1);
        if (origin.size() < 3 || origin.front() != '<' || origin.back() != '>') return error::protocol_error;
        value num;
        num.text = std::string(origin.substr(1, origin.size() - 2));
        auto o = to_number(num);
        if (!o) return error::protocol_error;
        s.origin = *o;
        name = name.substr(0, close + 1);
      }
      s.name = std::string(name);
      if (v[val].kind == value_kind::nil) {
        s.nil = true;
      } else if (v[val].kind == value_kind::string) {
        s.bytes = v[val].text;
      } else {
        return error::protocol_error;
      }
      m.sections.push_back(std::move(s));
    }
    // Anything else (X-GM-*, PREVIEW, SAVEDATE, EMAILID, ...) is ignored.
  }
  return m;
}

}  // namespace easd::backend::imap
