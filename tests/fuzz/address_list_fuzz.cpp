// Parses the input as an address list. Every mailbox must be a valid addr-spec with a one-line UTF-8
// name, and what format_mailboxes writes must parse back to the same mailboxes.
#include "eas/core/utf8.hpp"
#include "eas/protocol/compose/address_list.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const easd::compose::address_limits limits{64u << 10, 200, 16};
  auto list = easd::compose::parse_address_list(text, limits);
  if (!list) return 0;
  if (list->size() > limits.max_addresses) std::abort();
  for (const auto& a : *list) {
    if (!easd::compose::is_valid_addr_spec(a.address) || !easd::utf8::is_valid(a.name)) std::abort();
    if (a.name.find_first_of("\r\n") != std::string::npos) std::abort();
  }
  auto again = easd::compose::parse_address_list(easd::compose::format_mailboxes(*list), limits);
  if (!again || again->size() != list->size()) std::abort();
  for (std::size_t i = 0; i < list->size(); ++i) {
    if ((*again)[i].address != (*list)[i].address) std::abort();
  }
  return 0;
}
