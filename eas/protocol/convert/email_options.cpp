// Body options of Sync/ItemOperations/Search ([MS-ASAIRS] 2.2.2.12 BodyPreference, 2.2.2.11
// BodyPartPreference; [MS-ASCMD] 2.2.3.110 MIMESupport, 2.2.3.111 MIMETruncation) and their persisted
// text form. Numbers come from a device: parsed strictly, clamped, never trusted.
#include "eas/protocol/convert/email.hpp"

#include "eas/core/ascii.hpp"

#include <array>
#include <charconv>
#include <limits>

namespace easd::protocol::convert {
namespace {

constexpr std::size_t max_preferences = 4;  // one per Type value (1–4)
constexpr std::uint32_t max_preview = 255;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// Decimal digits only; values beyond 32 bits saturate (a device asking for "99999999999" bytes means
// "everything").
std::optional<std::uint32_t> parse_uint(std::string_view s) {
  s = trim(s);
  if (s.empty() || s.size() > 64) return std::nullopt;
  std::uint64_t v = 0;
  for (const char c : s) {
    if (!is_ascii_digit(c)) return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
    if (v > std::numeric_limits<std::uint32_t>::max()) v = std::numeric_limits<std::uint32_t>::max();
  }
  return static_cast<std::uint32_t>(v);
}

// [MS-ASDTYPE] 2.1: an empty boolean element means 1.
std::optional<bool> parse_bool(std::string_view s) {
  s = trim(s);
  if (s.empty() || s == "1") return true;
  if (s == "0") return false;
  return std::nullopt;
}

wbxml::tag tag_of(std::string_view name) { return wbxml::element::named(name).id(); }

std::optional<body_preference> parse_preference(const wbxml::element& el, protocol_version v) {
  static const auto type_tag = tag_of("AirSyncBase:Type");
  static const auto truncation_tag = tag_of("AirSyncBase:TruncationSize");
  static const auto all_or_none_tag = tag_of("AirSyncBase:AllOrNone");
  static const auto preview_tag = tag_of("AirSyncBase:Preview");
  body_preference p;
  bool have_type = false;
  for (const auto& c : el.children()) {
    if (c.id() == type_tag) {
      const auto t = parse_uint(c.text());
      if (!t || *t < 1 || *t > 4) return std::nullopt;
      p.type = static_cast<std::uint8_t>(*t);
      have_type = true;
    } else if (c.id() == truncation_tag) {
      p.truncation_size = parse_uint(c.text());
    } else if (c.id() == all_or_none_tag) {
      p.all_or_none = parse_bool(c.text()).value_or(false);
    } else if (c.id() == preview_tag && v >= protocol_version::v14_0) {
      if (const auto n = parse_uint(c.text())) p.preview = std::min(*n, max_preview);
    }
  }
  if (!have_type) return std::nullopt;
  // AllOrNone only means something with a TruncationSize ([MS-ASAIRS] 2.2.2.4).
  if (!p.truncation_size) p.all_or_none = false;
  return p;
}

void add_unique(std::vector<body_preference>& list, const body_preference& p) {
  if (list.size() >= max_preferences) return;
  for (const auto& existing : list) {
    if (existing.type == p.type) return;  // at most one per Type; the first counts
  }
  list.push_back(p);
}

// [MS-ASCMD] 2.2.3.111: MIMETruncation codes to bytes; 8 = no truncation.
std::optional<std::uint32_t> mime_truncation_bytes(std::uint32_t code) {
  static constexpr std::array<std::uint32_t, 8> sizes{0, 4096, 5120, 7168, 10240, 20480, 51200, 102400};
  if (code < sizes.size()) return sizes[code];
  return std::nullopt;
}

std::string number_or_dash(const std::optional<std::uint32_t>& n) { return n ? std::to_string(*n) : "-"; }

void serialize_preferences(std::string& out, std::string_view key, const std::vector<body_preference>& list) {
  for (const auto& p : list) {
    out += ';';
    out += key;
    out += '=';
    out += std::to_string(p.type) + ',' + number_or_dash(p.truncation_size) + ',' + (p.all_or_none ? '1' : '0') +
           ',' + number_or_dash(p.preview);
  }
}

// "-" or a decimal number; false for anything else.
bool parse_number_or_dash(std::string_view s, std::optional<std::uint32_t>& out) {
  out.reset();
  if (s == "-") return true;
  std::uint32_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size() || s.empty()) return false;
  out = v;
  return true;
}

std::optional<body_preference> parse_serialized_preference(std::string_view s) {
  std::array<std::string_view, 4> f;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const auto comma = s.find(',');
    if ((comma == std::string_view::npos) != (i == f.size() - 1)) return std::nullopt;
    f[i] = s.substr(0, comma);
    s = comma == std::string_view::npos ? std::string_view{} : s.substr(comma + 1);
  }
  body_preference p;
  std::optional<std::uint32_t> type;
  if (!parse_number_or_dash(f[0], type) || !type || *type < 1 || *type > 4) return std::nullopt;
  p.type = static_cast<std::uint8_t>(*type);
  if (!parse_number_or_dash(f[1], p.truncation_size)) return std::nullopt;
  if (f[2] != "0" && f[2] != "1") return std::nullopt;
  p.all_or_none = f[2] == "1";
  if (!parse_number_or_dash(f[3], p.preview) || (p.preview && *p.preview > max_preview)) return std::nullopt;
  return p;
}

}  // namespace

email_options parse_email_options(const wbxml::element* options, protocol_version v) {
  email_options o;
  o.version = v;
  if (options == nullptr) return o;
  static const auto body_tag = tag_of("AirSyncBase:BodyPreference");
  static const auto body_part_tag = tag_of("AirSyncBase:BodyPartPreference");
  static const auto mime_support_tag = tag_of("AirSync:MIMESupport");
  static const auto mime_truncation_tag = tag_of("AirSync:MIMETruncation");
  for (const auto& c : options->children()) {
    if (c.id() == body_tag && v >= protocol_version::v12_0) {
      if (const auto p = parse_preference(c, v)) add_unique(o.body, *p);
    } else if (c.id() == body_part_tag && v >= protocol_version::v14_1) {
      if (const auto p = parse_preference(c, v)) add_unique(o.body_part, *p);
    } else if (c.id() == mime_support_tag) {
      if (const auto n = parse_uint(c.text()); n && *n <= 2) o.mime_support = static_cast<std::uint8_t>(*n);
    } else if (c.id() == mime_truncation_tag) {
      if (const auto n = parse_uint(c.text())) o.mime_truncation = mime_truncation_bytes(*n);
    }
  }
  return o;
}

std::string serialize_email_options(const email_options& o) {
  std::string out = "v=" + std::to_string(static_cast<unsigned>(o.version));
  out += ";ms=" + std::to_string(o.mime_support);
  out += ";mt=" + number_or_dash(o.mime_truncation);
  serialize_preferences(out, "b", o.body);
  serialize_preferences(out, "bp", o.body_part);
  return out;
}

std::optional<email_options> parse_serialized_email_options(std::string_view text) {
  if (text.size() > 4096) return std::nullopt;
  email_options o;
  bool have_version = false;
  while (!text.empty()) {
    const auto semi = text.find(';');
    const auto item = text.substr(0, semi);
    text = semi == std::string_view::npos ? std::string_view{} : text.substr(semi + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    const auto key = item.substr(0, eq);
    const auto value = item.substr(eq + 1);
    if (key == "v") {
      std::optional<std::uint32_t> n;
      if (!parse_number_or_dash(value, n) || !n || *n > 255) return std::nullopt;
      const auto v = protocol_version_from_byte(static_cast<std::uint8_t>(*n));
      if (!v) return std::nullopt;
      o.version = *v;
      have_version = true;
    } else if (key == "ms") {
      if (value != "0" && value != "1" && value != "2") return std::nullopt;
      o.mime_support = static_cast<std::uint8_t>(value[0] - '0');
    } else if (key == "mt") {
      if (!parse_number_or_dash(value, o.mime_truncation)) return std::nullopt;
    } else if (key == "b" || key == "bp") {
      const auto p = parse_serialized_preference(value);
      if (!p) return std::nullopt;
      auto& list = key == "b" ? o.body : o.body_part;
      if (list.size() >= max_preferences) return std::nullopt;
      list.push_back(*p);
    } else {
      return std::nullopt;
    }
  }
  if (!have_version) return std::nullopt;
  return o;
}

}  // namespace easd::protocol::convert
