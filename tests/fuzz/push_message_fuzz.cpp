// Decodes the input as a push message. An accepted message must respect the field bounds, and its wire
// form is canonical: re-encoding gives the input back, and decoding that gives the same message.
#include "push/message.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

bool same(const easd::push::message& a, const easd::push::message& b) {
  return a.kind == b.kind && a.user == b.user && a.folder == b.folder && a.device == b.device &&
         a.generation == b.generation;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view wire(reinterpret_cast<const char*>(data), size);
  const auto m = easd::push::decode(wire);
  if (!m) return 0;
  if (m->user.empty() || m->user.size() > 1024 || m->folder.size() > 1024 || m->device.size() > 1024) std::abort();
  const auto again = easd::push::encode(*m);
  if (again != wire) std::abort();
  const auto back = easd::push::decode(again);
  if (!back || !same(*back, *m)) std::abort();
  return 0;
}
