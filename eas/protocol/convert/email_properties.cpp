// The Email properties that come from headers and flags ([MS-ASEMAIL] 2.2.2): address lists, the thread
// topic, importance, categories, follow-up flag and last verb.
#include "eas/protocol/convert/email_detail.hpp"

#include "eas/core/ascii.hpp"

#include <array>

namespace easd::protocol::convert::detail {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// An RFC 5322 quoted-string of a display name: quotes and backslashes escaped, line breaks dropped.
std::string quoted(std::string_view name) {
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\r' || c == '\n' || c == '\0') continue;
    out += c;
  }
  out += '"';
  return out;
}

std::string one_address(const backend::mail_address& a) {
  const auto name = trim(a.name);
  if (name.empty() || name == a.address) return text_value(a.address);
  return quoted(name) + " <" + text_value(a.address) + ">";
}

void append_item(std::string& out, std::string_view separator, const std::string& item, std::size_t max_chars) {
  const auto extra = (out.empty() ? 0 : separator.size()) + item.size();
  if (out.size() + extra > max_chars) return;
  if (!out.empty()) out += separator;
  out += item;
}

}  // namespace

std::string text_value(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    if (c != '\0') out += c;
  }
  return out;
}

std::size_t utf8_cut(std::string_view s, std::size_t max_bytes) noexcept {
  if (s.size() <= max_bytes) return s.size();
  std::size_t n = max_bytes;
  // Back up over continuation bytes to the start of the character that does not fit.
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n;
}

std::string address_list(const std::vector<backend::mail_address>& list, std::string_view separator,
                         std::size_t max_chars) {
  std::string out;
  for (const auto& a : list) {
    if (a.address.empty()) continue;
    append_item(out, separator, one_address(a), max_chars);
  }
  return out;
}

std::string display_list(const std::vector<backend::mail_address>& list, std::size_t max_chars) {
  std::string out;
  for (const auto& a : list) {
    if (a.address.empty()) continue;
    const auto name = trim(a.name);
    append_item(out, "; ", text_value(name.empty() ? std::string_view(a.address) : name), max_chars);
  }
  return out;
}

std::string strip_subject_prefixes(std::string_view subject) {
  // Reply/forward markers of the common mail clients and languages (Outlook localises them).
  static constexpr std::array<std::string_view, 13> prefixes{
      "re", "fw", "fwd", "aw", "wg", "sv", "vs", "antw", "tr", "rif", "odp", "r", "enc"};
  auto s = trim(subject);
  for (int round = 0; round < 16; ++round) {
    bool stripped = false;
    for (const auto p : prefixes) {
      if (s.size() <= p.size() || !istarts_with_ascii(s, p)) continue;
      auto rest = s.substr(p.size());
      // "Re[2]:" / "Re(2):" counters.
      if (!rest.empty() && (rest.front() == '[' || rest.front() == '(')) {
        const char close = rest.front() == '[' ? ']' : ')';
        std::size_t i = 1;
        while (i < rest.size() && is_ascii_digit(rest[i])) ++i;
        if (i > 1 && i < rest.size() && rest[i] == close) rest = rest.substr(i + 1);
      }
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      if (rest.empty() || (rest.front() != ':' && rest.substr(0, 3) != "\xEF\xBC\x9A")) continue;  // ':' or '：'
      rest.remove_prefix(rest.front() == ':' ? 1 : 3);
      rest = trim(rest);
      if (rest.empty()) continue;  // a subject that is only "Re:" stays as it is
      s = rest;
      stripped = true;
      break;
    }
    if (!stripped) break;
  }
  return text_value(s);
}

int importance_of(const backend::message_summary& msg) {
  if (const auto* h = msg.header("importance")) {
    const auto v = trim(*h);
    if (iequals_ascii(v, "high")) return 2;
    if (iequals_ascii(v, "low")) return 0;
    if (iequals_ascii(v, "normal")) return 1;
  }
  if (const auto* h = msg.header("x-priority")) {
    // "1 (Highest)" … "5 (Lowest)".
    const auto v = trim(*h);
    if (!v.empty() && is_ascii_digit(v.front())) {
      const int n = v.front() - '0';
      if (n == 1 || n == 2) return 2;
      if (n == 4 || n == 5) return 0;
      return 1;
    }
  }
  if (const auto* h = msg.header("priority")) {
    const auto v = trim(*h);
    if (iequals_ascii(v, "urgent")) return 2;
    if (iequals_ascii(v, "non-urgent")) return 0;
  }
  return 1;
}

bool is_category_keyword(std::string_view k) noexcept {
  if (k.empty() || k.size() > 255) return false;
  // $-keywords are client state (RFC 9051 §2.3.2, $Forwarded, $MDNSent, $Junk, $label1 …); \-flags are
  // system flags; the rest of this list are junk-filter and client markers without a $ that servers and
  // Thunderbird set.
  if (k.front() == '$' || k.front() == '\\') return false;
  static constexpr std::array<std::string_view, 9> system_like{
      "nonjunk", "junk", "notjunk", "forwarded", "mdnsent", "redirected", "junkrecorded", "notjunkrecorded",
      "old"};
  for (const auto s : system_like) {
    if (iequals_ascii(k, s)) return false;
  }
  for (const char c : k) {
    if (static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}

std::vector<std::string> categories_of(const std::vector<std::string>& keywords) {
  std::vector<std::string> out;
  for (const auto& k : keywords) {
    if (!is_category_keyword(k)) continue;
    if (out.size() >= 300) break;  // [MS-ASEMAIL] 2.2.2.16: at most 300 categories
    out.push_back(k);
  }
  return out;
}

int last_verb_of(const backend::message_flags& flags) noexcept {
  if (flags.answered) return 1;
  if (flags.forwarded) return 3;
  return 0;
}

wbxml::element flag_element(bool flagged) {
  auto flag = wbxml::element::named("Email:Flag");
  if (flagged) {
    flag.add("Email:Status", "2");
    flag.add("Email:FlagType", "Flag for follow up");
  }
  return flag;
}

wbxml::element categories_element(const std::vector<std::string>& categories) {
  auto el = wbxml::element::named("Email:Categories");
  for (const auto& c : categories) el.add("Email:Category", text_value(c));
  return el;
}

}  // namespace easd::protocol::convert::detail
