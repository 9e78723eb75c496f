// Fuzzes the bounded WBXML decoder with small limits, so depth/element/size limits are reached often.
#include "eas/wbxml/codec.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace wbxml = easd::wbxml;
  static const wbxml::limits small{.max_depth = 16, .max_elements = 2'000, .max_decoded_bytes = 1u << 16,
                                   .max_opaque_bytes = 1u << 12, .max_xml_bytes = 1u << 18};
  const std::span<const std::uint8_t> in(data, size);
  std::size_t offset = 0;
  if (auto doc = wbxml::decode(in, small, offset)) {
    (void)wbxml::to_xml(*doc);
  } else if (offset > size) {
    __builtin_trap();  // the reported error offset must point into the input
  }
  // Default limits too: the production configuration.
  (void)wbxml::decode(in);
  return 0;
}
