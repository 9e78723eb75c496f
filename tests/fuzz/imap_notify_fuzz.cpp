// Fuzzes what imap_mail_watch makes of server bytes. Input: server bytes, parsed in pieces of
// whatever size the first byte says. Every response goes through status_event_folders (against a fixed
// watch list that includes non-ASCII, INBOX and M: ids) and selected_change, and every STATUS through
// counts_changed. Checks: no crash; only watched folder ids come back, each at most once per mailbox
// entry; a response that is not an untagged STATUS maps to nothing. The watch list's NOTIFY SET command
// is built too, from the input as a mailbox name (modified UTF-7 encoding must never yield NUL, CR, LF).
#include "backend/imap/client/list.hpp"
#include "backend/imap/client/response_parser.hpp"
#include "backend/imap/imap_notify.hpp"
#include "eas/core/ascii.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace imap = easd::backend::imap;
namespace iw = easd::backend::imap_watch;

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

const std::vector<iw::watched_mailbox>& boxes() {
  static const std::vector<iw::watched_mailbox> b{
      {"N:INBOX", "INBOX"}, {"N:Entwürfe", "Entwürfe"}, {"M:abc", "Work/Projects"}, {"N:a b", "a b"}};
  return b;
}

void examine(const imap::response& r) {
  auto ids = iw::status_event_folders(r, boxes());
  check(ids.size() <= boxes().size());
  for (const auto& id : ids) {
    check(std::any_of(boxes().begin(), boxes().end(), [&](const auto& b) { return b.folder_id == id; }));
  }
  const bool is_status = r.kind == imap::response_kind::untagged && !r.is_status() && imap::is_data(r, "STATUS");
  if (!is_status) check(ids.empty());
  if (is_status) {
    if (auto p = imap::parse_status(r)) check(!iw::counts_changed(p->second, p->second));
  }
  (void)iw::selected_change(r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 64;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);

  imap::parser_limits limits;
  limits.max_line_bytes = 4096;
  limits.max_literal_bytes = 4096;
  limits.max_response_bytes = 16384;
  imap::response_parser p(limits);
  std::string_view rest = in;
  while (!rest.empty()) {
    auto chunk = rest.substr(0, piece);
    auto used = p.feed(chunk);
    if (!used) break;
    rest.remove_prefix(*used);
    if (p.ready()) examine(p.take());
  }

  // The input as a mailbox name in a NOTIFY SET.
  std::vector<iw::watched_mailbox> one{{"N:x", std::string(in)}};
  imap::command_builder cmd("w1", "NOTIFY", imap::literal_mode::non_synchronizing);
  const auto n = iw::append_notify_set(cmd, one);
  check(n <= 1);
  auto chunks = std::move(cmd).finish();
  std::string all;
  for (const auto& c : chunks) all += c;
  check(all.size() >= 2 && all.substr(all.size() - 2) == "\r\n");
  check(all.find('\0') == std::string::npos);
  check(all.substr(0, all.size() - 2).find_first_of("\r\n") == std::string::npos);
  return 0;
}
