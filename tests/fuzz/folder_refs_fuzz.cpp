// Item ServerIds and FileReferences come from devices (Sync, MoveItems, ItemOperations): the parsers must
// reject everything but the canonical form, and what they accept must format back to the same bytes.
#include "eas/protocol/commands/mail_folders.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto item = easd::protocol::parse_item_server_id(text)) {
    if (item->uid == 0 || easd::protocol::item_server_id(item->collection_id, item->uid) != text) std::abort();
  }
  if (auto file = easd::protocol::parse_file_reference(text)) {
    if (file->uid == 0 || file->section.empty()) std::abort();
    if (easd::protocol::file_reference(file->collection_id, file->uid, file->section) != text) std::abort();
  }
  return 0;
}
