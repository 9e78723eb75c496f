// Every tree the decoder accepts must encode (no exception) to bytes that decode to the same tree, and
// survive the XML rendering: decode -> encode -> decode and to_xml -> from_xml are identities.
#include "eas/wbxml/codec.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "wbxml round trip mismatch: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace wbxml = easd::wbxml;
  static const wbxml::limits lim{.max_depth = 32, .max_elements = 5'000, .max_decoded_bytes = 1u << 16,
                                 .max_opaque_bytes = 1u << 14, .max_xml_bytes = 1u << 20};
  const auto first = wbxml::decode(std::span<const std::uint8_t>(data, size), lim);
  if (!first) return 0;
  const auto bytes = wbxml::encode(*first);
  if (bytes.size() > size) fail("encoding is longer than the input");  // canonical form never grows
  const auto second = wbxml::decode(std::span<const std::uint8_t>(bytes), lim);
  if (!second) fail("our encoding does not decode");
  if (!(*second == *first)) fail("decode(encode(tree)) != tree");
  if (wbxml::encode(*second) != bytes) fail("encoding is not stable");
  const auto from_xml = wbxml::from_xml(wbxml::to_xml(*first), lim);
  if (!from_xml) fail("to_xml output does not parse");
  if (!(*from_xml == *first)) fail("from_xml(to_xml(tree)) != tree");
  return 0;
}
