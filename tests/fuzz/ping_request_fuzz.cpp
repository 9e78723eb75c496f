// Ping input that is not ours: the decoded request tree of a device (parse_ping_request) and the saved
// parameters read back from the push bus's store (Redis in a cluster). The first byte picks the parser.
// Accepted requests must survive being saved and read back; accepted blobs must round-trip.
#include "eas/protocol/commands/ping.hpp"
#include "eas/wbxml/codec.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

namespace pd = easd::protocol::ping_detail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] % 2 == 0) {
    easd::wbxml::limits lim;
    lim.max_elements = 20'000;
    lim.max_decoded_bytes = 1u << 20;
    auto doc = easd::wbxml::decode(text, lim);
    if (!doc) return 0;
    auto parsed = pd::parse_ping_request(*doc);
    if (auto* p = std::get_if<pd::ping_parameters>(&parsed)) {
      if (p->folders && (p->folders->empty() || p->folders->size() > pd::max_parsed_folders)) std::abort();
      auto back = pd::parse_parameters(pd::serialize_parameters(*p));
      if (!back || !(*back == *p)) std::abort();
    }
  } else if (auto p = pd::parse_parameters(text)) {
    if (pd::serialize_parameters(*p) != text) std::abort();
  }
  return 0;
}
