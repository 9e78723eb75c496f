#include "backend/imap/client/response.hpp"

namespace easd::backend::imap {

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](unsigned char c) { return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32) : c; };
    if (lower(static_cast<unsigned char>(a[i])) != lower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::optional<std::uint64_t> to_number(const value& v) noexcept {
  if (v.kind != value_kind::atom || v.text.empty() || v.text.size() > 20) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : v.text) {
    if (c < '0' || c > '9') return std::nullopt;
    auto d = static_cast<std::uint64_t>(c - '0');
    if (n > (UINT64_MAX - d) / 10) return std::nullopt;
    n = n * 10 + d;
  }
  return n;
}

bool is_data(const response& r, std::string_view name) noexcept {
  return r.kind == response_kind::untagged && !r.is_status() && !r.data.empty() &&
         r.data.front().kind == value_kind::atom && iequals(r.data.front().text, name);
}

}  // namespace easd::backend::imap
