#include "push/message.hpp"

#include <cstddef>

namespace easd::push {

namespace {

// Wire form, version 1:
//   u8 version | u8 kind | (u32 length, bytes) × user, folder, device | u64 generation
// Integers are big-endian. Lengths are 32-bit so encode() is total; decode() accepts at most
// max_field bytes per field, exactly one message and nothing after it.
constexpr std::uint8_t wire_version = 1;
constexpr std::size_t max_field = 1024;

void put_uint(std::string& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

void put_field(std::string& out, std::string_view text) {
  put_uint(out, text.size(), 4);
  out += text;
}

class reader {
public:
  explicit reader(std::string_view in) : in_(in) {}

  std::optional<std::uint64_t> uint(int bytes) {
    if (in_.size() < static_cast<std::size_t>(bytes)) return std::nullopt;
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<std::uint8_t>(in_[i]);
    in_.remove_prefix(bytes);
    return v;
  }

  bool field(std::string& out) {
    const auto length = uint(4);
    if (!length || *length > max_field || *length > in_.size()) return false;
    out.assign(in_.substr(0, *length));
    in_.remove_prefix(*length);
    return true;
  }

  bool done() const { return in_.empty(); }

private:
  std::string_view in_;
};

bool known_kind(std::uint64_t k) {
  return k >= static_cast<std::uint8_t>(message_kind::content) &&
         k <= static_cast<std::uint8_t>(message_kind::ping_claim);
}

}  // namespace

std::string encode(const message& m) {
  std::string out;
  out.reserve(2 + 3 * 4 + m.user.size() + m.folder.size() + m.device.size() + 8);
  out += static_cast<char>(wire_version);
  out += static_cast<char>(m.kind);
  put_field(out, m.user);
  put_field(out, m.folder);
  put_field(out, m.device);
  put_uint(out, m.generation, 8);
  return out;
}

std::optional<message> decode(std::string_view wire) {
  reader in(wire);
  const auto version = in.uint(1);
  if (!version || *version != wire_version) return std::nullopt;
  const auto kind = in.uint(1);
  if (!kind || !known_kind(*kind)) return std::nullopt;
  message m;
  m.kind = static_cast<message_kind>(*kind);
  if (!in.field(m.user) || !in.field(m.folder) || !in.field(m.device)) return std::nullopt;
  const auto generation = in.uint(8);
  if (!generation || !in.done()) return std::nullopt;
  // A message for nobody cannot be routed; a node drops it rather than guess.
  if (m.user.empty()) return std::nullopt;
  m.generation = *generation;
  return m;
}

}  // namespace easd::push
