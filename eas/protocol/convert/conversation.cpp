// Conversation ids for 14.0+ ([MS-ASCON]): every message of a thread must carry the same ConversationId,
// and we have no server-side thread table — so the id is derived from what all members share, the
// Message-ID of the thread's first message (RFC 5322 §3.6.4 References).
#include "eas/protocol/convert/email_detail.hpp"

#include "eas/core/base64.hpp"
#include "eas/core/digest.hpp"

#include <array>

namespace easd::protocol::convert::detail {
namespace {

std::string_view first_message_id(std::string_view field) {
  const auto open = field.find('<');
  if (open != std::string_view::npos) {
    const auto close = field.find('>', open + 1);
    if (close != std::string_view::npos && close > open + 1) return field.substr(open, close - open + 1);
    return {};
  }
  // Without angle brackets (broken senders): the first word.
  std::size_t b = 0;
  while (b < field.size() && (field[b] == ' ' || field[b] == '\t' || field[b] == '\r' || field[b] == '\n')) ++b;
  std::size_t e = b;
  while (e < field.size() && field[e] != ' ' && field[e] != '\t' && field[e] != '\r' && field[e] != '\n') ++e;
  return field.substr(b, e - b);
}

}  // namespace

std::string thread_root_id(const backend::message_summary& msg) {
  if (const auto* refs = msg.header("references")) {
    const auto id = first_message_id(*refs);
    if (!id.empty()) return std::string(id);
  }
  if (const auto id = first_message_id(msg.in_reply_to); !id.empty()) return std::string(id);
  return std::string(first_message_id(msg.message_id));
}

std::string conversation_id(const backend::message_summary& msg) {
  auto root = thread_root_id(msg);
  // No Message-ID anywhere: the stripped subject groups what a user would see as one thread.
  const std::string key = root.empty() ? "subject:" + strip_subject_prefixes(msg.subject) : "id:" + root;
  const auto md = sha256(key);
  return std::string(reinterpret_cast<const char*>(md.data()), 16);
}

std::string conversation_index_header(std::int64_t unix_seconds) {
  // FILETIME: 100 ns ticks since 1601-01-01; the header keeps its 40 high bits, big-endian ([MS-ASCON]
  // 2.2.2.4, the same 5 bytes Outlook puts after the reserved byte of PidTagConversationIndex).
  constexpr std::int64_t epoch_shift = 11644473600;
  const auto seconds = unix_seconds < -epoch_shift ? 0 : unix_seconds + epoch_shift;
  const auto ticks = static_cast<std::uint64_t>(seconds) * 10'000'000u;
  std::string out(5, '\0');
  for (int i = 0; i < 5; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>((ticks >> (56 - 8 * i)) & 0xFF);
  return out;
}

std::string conversation_index(const backend::message_summary& msg) {
  // An Outlook Thread-Index is 22 bytes (reserved 0x01, 5 bytes FILETIME, GUID) + 5 bytes per reply
  // level; its time and levels are exactly the conversation index a 14.x device expects.
  if (const auto* ti = msg.header("thread-index")) {
    base64_decode_options lenient;
    lenient.allow_missing_padding = true;
    lenient.allow_whitespace = true;
    lenient.allow_nonzero_pad_bits = true;
    if (const auto raw = decode_base64(*ti, 1024, lenient);
        raw && raw->size() >= 22 && (raw->size() - 22) % 5 == 0 && (*raw)[0] == '\x01') {
      return raw->substr(1, 5) + raw->substr(22);
    }
  }
  const auto when = msg.date.value_or(msg.internal_date);
  return conversation_index_header(when);
}

}  // namespace easd::protocol::convert::detail
