// Terminal-safe text and JSON for the admin CLI (admin_cli_render.hpp): the one place that decides what
// of a hostile string may reach a terminal.
#include "eas/server/admin_cli_render.hpp"

#include <boost/json/serialize.hpp>

#include <ctime>

namespace easd::server::admin_cli {

namespace json = boost::json;

namespace {

// The next code point of valid UTF-8 at s[i] (its length in `len`), or -1 for an invalid, overlong or
// surrogate sequence.
long decode_utf8(std::string_view s, std::size_t i, std::size_t& len) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  long cp = 0;
  long min = 0;
  if (c < 0x80) {
    len = 1;
    return c;
  } else if (c >= 0xc2 && c <= 0xdf) {
    len = 2, cp = c & 0x1f, min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3, cp = c & 0x0f, min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return -1;
  }
  if (i + len > s.size()) return -1;
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(k) & 0xc0) != 0x80) return -1;
    cp = (cp << 6) | (b(k) & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
  return cp;
}

// Code points a terminal acts on or that reorder what is shown ("Trojan Source", CVE-2021-42574).
bool dangerous(long cp) {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
         (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

// `v` as `digits` upper-case hex digits (more when it needs them).
std::string hex(unsigned long v, int digits) {
  static constexpr char xdigits[] = "0123456789ABCDEF";
  std::string out;
  do {
    out.insert(out.begin(), xdigits[v & 15]);
    v >>= 4;
  } while (v != 0 || static_cast<int>(out.size()) < digits);
  return out;
}

void json_string(std::string_view s, std::string& out) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = 1;
    const long cp = decode_utf8(s, i, len);
    if (cp < 0) {
      out += "\\ufffd";  // Boost.JSON validates UTF-8, so only a bug gets here; stay valid JSON
    } else if (cp == '"') {
      out += "\\\"";
    } else if (cp == '\\') {
      out += "\\\\";
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (dangerous(cp)) {
      out += "\\u" + hex(static_cast<unsigned long>(cp), 4);
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  out += '"';
}

void pretty(const json::value& v, int depth, std::string& out) {
  const std::string indent(static_cast<std::size_t>(depth + 1) * 2, ' ');
  const std::string close(static_cast<std::size_t>(depth) * 2, ' ');
  if (v.is_object()) {
    const auto& o = v.as_object();
    if (o.empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    bool first = true;
    for (const auto& kv : o) {
      if (!first) out += ",\n";
      first = false;
      out += indent;
      json_string(kv.key(), out);
      out += ": ";
      pretty(kv.value(), depth + 1, out);
    }
    out += "\n" + close + "}";
  } else if (v.is_array()) {
    const auto& a = v.as_array();
    if (a.empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    bool first = true;
    for (const auto& e : a) {
      if (!first) out += ",\n";
      first = false;
      out += indent;
      pretty(e, depth + 1, out);
    }
    out += "\n" + close + "]";
  } else if (v.is_string()) {
    json_string(v.as_string(), out);
  } else {
    out += json::serialize(v);  // numbers, booleans, null: nothing to escape
  }
}

}  // namespace

std::string terminal_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = 1;
    const long cp = decode_utf8(s, i, len);
    if (cp < 0) {
      out += "\\x" + hex(static_cast<unsigned char>(s[i]), 2);
      len = 1;
    } else if (cp == '\\') {
      out += "\\\\";
    } else if (cp < 0x80 && dangerous(cp)) {
      out += "\\x" + hex(static_cast<unsigned long>(cp), 2);
    } else if (dangerous(cp)) {
      out += "\\u{" + hex(static_cast<unsigned long>(cp), 4) + "}";
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::string iso_time(std::int64_t unix_seconds) {
  if (unix_seconds <= 0) return "never";
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return std::to_string(unix_seconds);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string pretty_json(const json::value& v) {
  std::string out;
  pretty(v, 0, out);
  out += '\n';
  return out;
}

}  // namespace easd::server::admin_cli
