#include "eas/protocol/state/sync_key.hpp"

#include "eas/protocol/state/error.hpp"

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include <mutex>

namespace easd::state {
namespace {

constexpr std::size_t max_key_text = 64;  // [MS-ASCMD] 2.2.3.181.4

bool is_lower_hex(char c) noexcept { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

std::string sync_key::to_string() const {
  if (initial()) return "0";
  std::string out;
  out.reserve(uuid.size() + 12);
  out += '{';
  out += uuid;
  out += '}';
  out += std::to_string(counter);
  return out;
}

bool is_canonical_uuid(std::string_view text) noexcept {
  if (text.size() != uuid_text_size) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? text[i] != '-' : !is_lower_hex(text[i])) return false;
  }
  return true;
}

result<sync_key> parse_sync_key(std::string_view text) noexcept {
  if (text == "0") return sync_key{};
  const auto bad = make_error_code(state_error::unknown_key);
  if (text.size() > max_key_text || text.size() < uuid_text_size + 3) return bad;
  if (text.front() != '{' || text[uuid_text_size + 1] != '}') return bad;
  const auto uuid = text.substr(1, uuid_text_size);
  if (!is_canonical_uuid(uuid)) return bad;
  const auto digits = text.substr(uuid_text_size + 2);
  if (digits.size() > 10 || digits.front() == '0') return bad;
  std::uint64_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return bad;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (n == 0 || n > max_key_counter) return bad;
  try {
    return sync_key{std::string(uuid), static_cast<std::uint32_t>(n)};
  } catch (...) {  // allocation failure of a 36-byte string: treat like any unusable key
    return bad;
  }
}

std::string new_key_uuid() {
  // random_generator seeds from the OS once; guard it because keys are made on several pool threads.
  static std::mutex mutex;
  static boost::uuids::random_generator generator;
  std::lock_guard lock(mutex);
  return boost::uuids::to_string(generator());
}

}  // namespace easd::state
