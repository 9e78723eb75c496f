#include "backend/smtp/extensions.hpp"

#include "eas/core/ascii.hpp"

#include <string_view>

namespace easd::backend::smtp {
namespace {

// Splits "KEYWORD params" at the first space.
std::string_view keyword_of(std::string_view line, std::string_view& params) {
  const auto sp = line.find(' ');
  if (sp == std::string_view::npos) {
    params = {};
    return line;
  }
  params = line.substr(sp + 1);
  return line.substr(0, sp);
}

std::optional<std::size_t> parse_size(std::string_view digits) {
  while (!digits.empty() && digits.front() == ' ') digits.remove_prefix(1);
  while (!digits.empty() && digits.back() == ' ') digits.remove_suffix(1);
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  std::size_t n = 0;
  for (char c : digits) {
    if (!is_ascii_digit(c)) return std::nullopt;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  if (n == 0) return std::nullopt;
  return n;
}

void note_mechanism(extensions& out, std::string_view mech) {
  if (iequals_ascii(mech, "PLAIN")) out.auth_plain = true;
  if (iequals_ascii(mech, "LOGIN")) out.auth_login = true;
}

}  // namespace

extensions parse_ehlo(const reply& r) {
  extensions out;
  // Line 0 is "domain [greeting]", not an extension.
  for (std::size_t i = 1; i < r.lines.size(); ++i) {
    std::string_view params;
    const std::string_view key = keyword_of(r.lines[i], params);
    if (iequals_ascii(key, "STARTTLS")) {
      out.starttls = true;
    } else if (iequals_ascii(key, "8BITMIME")) {
      out.eight_bit_mime = true;
    } else if (iequals_ascii(key, "SIZE")) {
      out.size = true;
      out.size_limit = parse_size(params);
    } else if (iequals_ascii(key, "AUTH") || istarts_with_ascii(key, "AUTH=")) {
      // "AUTH PLAIN LOGIN CRAM-MD5": mechanisms separated by spaces. "AUTH=LOGIN PLAIN" is the pre-RFC
      // form some servers still send next to (or instead of) the standard line.
      if (key.size() > 5) note_mechanism(out, key.substr(5));
      while (!params.empty()) {
        std::string_view rest;
        const std::string_view mech = keyword_of(params, rest);
        note_mechanism(out, mech);
        params = rest;
      }
    }
  }
  return out;
}

}  // namespace easd::backend::smtp
