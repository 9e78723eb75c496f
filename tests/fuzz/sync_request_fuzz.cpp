// Sync input that is not ours: the decoded request tree of a device (parse_sync_request, every version)
// and the blobs read back from the state database (cached request, per-collection options). The first
// byte picks the parser; the rest is the input. Accepted blobs must round-trip; an accepted request must
// survive being cached and read back.
#include "eas/protocol/commands/mail_changes.hpp"
#include "eas/protocol/commands/sync_request.hpp"
#include "eas/wbxml/codec.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

namespace sd = easd::protocol::sync_detail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 3) {
    case 0: {
      easd::wbxml::limits lim;
      lim.max_elements = 20'000;
      lim.max_decoded_bytes = 1u << 20;
      auto doc = easd::wbxml::decode(text, lim);
      if (!doc) return 0;
      for (const auto v : {easd::protocol_version::v12_1, easd::protocol_version::v14_0,
                           easd::protocol_version::v16_1}) {
        auto parsed = sd::parse_sync_request(*doc, v);
        if (auto* r = std::get_if<sd::sync_request>(&parsed)) {
          if (r->collections.size() > sd::max_collections) std::abort();
          std::size_t commands = 0;
          for (const auto& c : r->collections) commands += c.commands.size();
          if (commands > sd::max_commands) std::abort();
          auto back = sd::parse_cached_request(sd::serialize_cached_request(*r));
          if (!back || back->collections.size() != r->collections.size()) std::abort();
          for (std::size_t i = 0; i < r->collections.size(); ++i) {
            if (back->collections[i].collection_id != r->collections[i].collection_id) std::abort();
          }
        }
      }
      break;
    }
    case 1:
      if (auto r = sd::parse_cached_request(text)) {
        if (sd::serialize_cached_request(*r) != text) std::abort();
      }
      break;
    default:
      if (auto o = easd::protocol::parse_sync_options(text)) {
        auto again = easd::protocol::parse_sync_options(easd::protocol::serialize_sync_options(*o));
        if (!again || !(*again == *o)) std::abort();
      }
      break;
  }
  return 0;
}
