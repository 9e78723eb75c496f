#include "eas/protocol/compose/mime_parts.hpp"

#include "eas/core/ascii.hpp"
#include "eas/core/charset.hpp"
#include "eas/core/mime_header.hpp"
#include "eas/core/transfer_encoding.hpp"
#include "eas/protocol/compose/error.hpp"

#include <algorithm>
#include <map>

namespace easd::compose {
namespace {

constexpr std::size_t max_params = 64;
constexpr unsigned max_continuations = 64;

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

struct raw_param {
  std::string value;
  bool extended = false;  // "name*" or "name*N*": charset'lang'%xx
};

// Resolves RFC 2231 continuations of one parameter ("name*0", "name*1*", ...) into one UTF-8 value.
std::string join_continuations(const std::map<unsigned, raw_param>& segments) {
  const bool any_extended =
      std::any_of(segments.begin(), segments.end(), [](const auto& s) { return s.second.extended; });
  std::string joined;
  unsigned expect = 0;
  for (const auto& [n, seg] : segments) {
    if (n != expect++) break;  // RFC 2231 3: a gap ends the value
    // Plain segments among extended ones are literal text: %-encode them so one decoder reads all.
    joined += any_extended && !seg.extended ? percent_encode(seg.value, "!#$&+-.^_`|~ ") : seg.value;
  }
  if (!any_extended) return joined;
  if (!segments.empty() && !segments.begin()->second.extended) joined.insert(0, "''");
  return mime::decode_rfc2231(joined);
}

}  // namespace

const std::string* mime_value::param(std::string_view name) const noexcept {
  for (const auto& [n, v] : params) {
    if (n == name) return &v;
  }
  return nullptr;
}

mime_value parse_mime_value(std::string_view value) {
  mime_value out;
  const std::size_t semi = value.find(';');
  out.token = to_lower_ascii(trim(value.substr(0, semi)));
  std::map<std::string, std::map<unsigned, raw_param>> found;
  std::size_t pos = semi == std::string_view::npos ? value.size() : semi + 1;
  while (pos < value.size() && found.size() < max_params) {
    while (pos < value.size() && (is_space(value[pos]) || value[pos] == ';')) ++pos;
    const std::size_t eq = value.find('=', pos);
    if (eq == std::string_view::npos) break;
    if (const std::size_t junk = value.find(';', pos); junk < eq) {  // "; junk;" without "="
      pos = junk + 1;
      continue;
    }
    std::string name = to_lower_ascii(trim(value.substr(pos, eq - pos)));
    pos = eq + 1;
    while (pos < value.size() && is_space(value[pos])) ++pos;
    std::string v;
    if (pos < value.size() && value[pos] == '"') {
      for (++pos; pos < value.size() && value[pos] != '"'; ++pos) {
        if (value[pos] == '\\' && pos + 1 < value.size()) ++pos;
        if (value[pos] != '\r' && value[pos] != '\n') v += value[pos];
      }
      ++pos;
    } else {
      const std::size_t end = std::min(value.find(';', pos), value.size());
      v = std::string(trim(value.substr(pos, end - pos)));
      pos = end;
    }
    raw_param p{std::move(v), false};
    unsigned segment = 0;
    if (!name.empty() && name.back() == '*') {
      p.extended = true;
      name.pop_back();
    }
    if (const std::size_t star = name.find('*'); star != std::string::npos) {
      const std::string digits = name.substr(star + 1);
      if (digits.empty() || digits.size() > 2 || !std::all_of(digits.begin(), digits.end(), is_ascii_digit)) {
        continue;
      }
      segment = static_cast<unsigned>(std::stoul(digits));
      name.resize(star);
      if (segment >= max_continuations) continue;
    }
    if (name.empty()) continue;
    found[name].emplace(segment, std::move(p));
  }
  for (const auto& [name, segments] : found) {
    std::string v = join_continuations(segments);
    // File names are often RFC 2047-encoded inside quotes (Outlook, Thunderbird before 2231 support);
    // other values (boundary) must stay byte-exact.
    const bool plain = std::none_of(segments.begin(), segments.end(), [](const auto& s) { return s.second.extended; });
    if (plain && (name == "name" || name == "filename")) v = mime::decode_header(v, 64u << 10);
    out.params.emplace_back(name, std::move(v));
  }
  return out;
}

part_headers mime_headers_of(const std::vector<header_field>& fields) {
  part_headers h;
  const auto get = [&](std::string_view name) {
    const header_field* f = find_field(fields, name);
    return f ? field_value(*f) : std::string();
  };
  h.content_type = get("Content-Type");
  h.transfer_encoding = get("Content-Transfer-Encoding");
  h.disposition = get("Content-Disposition");
  h.content_id = get("Content-ID");
  return h;
}

namespace {

struct walker {
  const part_limits& limits;
  std::vector<mime_leaf> leaves;
  std::size_t bytes = 0;

  // The parts between "--boundary" lines (RFC 2046 5.1.1); preamble and epilogue are dropped. A missing
  // close delimiter ends the last part at the end of the body, as readers do.
  static std::vector<std::string_view> split_multipart(std::string_view body, std::string_view boundary,
                                                       std::size_t max_parts) {
    std::vector<std::string_view> parts;
    std::size_t part_begin = std::string_view::npos;
    std::size_t pos = 0;
    while (pos <= body.size()) {
      const std::size_t lf = body.find('\n', pos);
      const std::size_t next = lf == std::string_view::npos ? body.size() + 1 : lf + 1;
      std::string_view line = body.substr(pos, (lf == std::string_view::npos ? body.size() : lf) - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.size() >= boundary.size() + 2 && line.substr(0, 2) == "--" &&
          line.substr(2, boundary.size()) == boundary) {
        const std::string_view rest = line.substr(boundary.size() + 2);
        const bool close = rest.substr(0, 2) == "--";
        if (close || trim(rest).empty()) {
          if (part_begin != std::string_view::npos) {
            // The line end before a delimiter belongs to the delimiter.
            std::size_t end = pos;
            if (end > part_begin && body[end - 1] == '\n') --end;
            if (end > part_begin && body[end - 1] == '\r') --end;
            parts.push_back(body.substr(part_begin, std::max(end, part_begin) - part_begin));
          }
          if (close || parts.size() > max_parts) return parts;  // the caller refuses beyond max_parts
          part_begin = std::min(next, body.size());
        }
      }
      pos = next;
    }
    if (part_begin != std::string_view::npos) parts.push_back(body.substr(part_begin));
    return parts;
  }

  // `section`: the IMAP part number of this entity ("" for the top level, RFC 9051 6.4.5).
  error_code walk(const part_headers& h, std::string_view body, std::size_t depth, const std::string& section) {
    const mime_value type = parse_mime_value(h.content_type);
    if (type.token.starts_with("multipart/")) {
      if (depth >= limits.max_depth) return compose_error::too_large;
      const std::string* boundary = type.param("boundary");
      if (!boundary || boundary->empty() || boundary->size() > 200) return compose_error::malformed;
      const auto parts = split_multipart(body, *boundary, limits.max_parts);
      if (parts.size() > limits.max_parts) return compose_error::too_many_attachments;
      std::size_t n = 0;
      for (const std::string_view part : parts) {
        auto split = split_header(part, limits.header);
        if (!split) return split.error();
        const std::string child = section.empty() ? std::to_string(++n) : section + "." + std::to_string(++n);
        if (auto e = walk(mime_headers_of(split->fields), split->body, depth + 1, child); e) return e;
      }
      return {};
    }
    if (leaves.size() >= limits.max_parts) return compose_error::too_many_attachments;
    mime_leaf leaf;
    if (const std::size_t slash = type.token.find('/'); slash != std::string::npos && slash > 0) {
      leaf.type = type.token.substr(0, slash);
      leaf.subtype = type.token.substr(slash + 1);
    }
    if (const auto* cs = type.param("charset")) leaf.charset = to_lower_ascii(*cs);
    const mime_value disp = parse_mime_value(h.disposition);
    leaf.disposition = disp.token;
    if (const auto* f = disp.param("filename"))
      leaf.filename = *f;
    else if (const auto* n = type.param("name"))
      leaf.filename = *n;
    std::string_view cid = trim(h.content_id);
    if (cid.size() >= 2 && cid.front() == '<' && cid.back() == '>') cid = cid.substr(1, cid.size() - 2);
    leaf.content_id = std::string(cid);
    leaf.section = section.empty() ? "1" : section;
    const std::size_t room = limits.max_bytes - bytes;
    leaf.bytes = mime::decode_transfer(body, h.transfer_encoding, room + 1);
    if (leaf.bytes.size() > room) return compose_error::too_large;
    bytes += leaf.bytes.size();
    leaves.push_back(std::move(leaf));
    return {};
  }
};

}  // namespace

result<std::vector<mime_leaf>> parse_parts(const part_headers& h, std::string_view body, const part_limits& limits) {
  walker w{limits, {}, 0};
  if (auto e = w.walk(h, body, 0, std::string()); e) return e;
  return std::move(w.leaves);
}

std::string leaf_text(const mime_leaf& leaf) { return charset::to_utf8(leaf.bytes, leaf.charset); }

}  // namespace easd::compose
