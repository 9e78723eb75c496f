#include "eas/protocol/commands/item_operations_multipart.hpp"

#include <cstdint>
#include <limits>

namespace easd::protocol {
namespace {

void put_int32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

}  // namespace

std::optional<std::string> encode_multipart(std::span<const std::string> parts) {
  constexpr std::uint64_t limit = std::numeric_limits<std::int32_t>::max();
  if (parts.empty() || parts.size() > limit / 8) return std::nullopt;
  const std::uint64_t header = 4 + 8 * static_cast<std::uint64_t>(parts.size());
  std::uint64_t total = header;
  for (const auto& p : parts) {
    total += p.size();
    if (total > limit) return std::nullopt;
  }
  std::string out;
  out.reserve(static_cast<std::size_t>(total));
  put_int32(out, static_cast<std::uint32_t>(parts.size()));
  std::uint64_t offset = header;
  for (const auto& p : parts) {
    put_int32(out, static_cast<std::uint32_t>(offset));
    put_int32(out, static_cast<std::uint32_t>(p.size()));
    offset += p.size();
  }
  for (const auto& p : parts) out += p;
  return out;
}

}  // namespace easd::protocol
