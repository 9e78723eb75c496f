#include "backend/imap/client/response.hpp"

#include "eas/core/ascii.hpp"

namespace easd::backend::imap {

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
         r.data.front().kind == value_kind::atom && iequals_ascii(r.data.front().text, name);
}

}  // namespace easd::backend::imap
