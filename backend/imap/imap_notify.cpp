#include "backend/imap/imap_notify.hpp"

#include "backend/imap/client/mutf7.hpp"
#include "backend/imap/imap_convert.hpp"
#include "eas/core/ascii.hpp"

#include <algorithm>

namespace easd::backend::imap_watch {

namespace {

bool same_mailbox(std::string_view a, std::string_view b) {
  // INBOX is case-insensitive (RFC 9051 §5.1); every other name is compared exactly.
  if (iequals_ascii(a, "INBOX")) return iequals_ascii(b, "INBOX");
  return a == b;
}

}  // namespace

bool needs_listing(const std::vector<std::string>& folder_ids) {
  return std::any_of(folder_ids.begin(), folder_ids.end(), [](const auto& id) { return id.starts_with("M:"); });
}

std::vector<watched_mailbox> resolve_folders(const std::vector<std::string>& folder_ids,
                                             const std::unordered_map<std::string, std::string>& path_of_id) {
  std::vector<std::string> ids = folder_ids;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<watched_mailbox> out;
  for (auto& id : ids) {
    if (id.size() > 2 && id.starts_with("N:")) {
      std::string name = id.substr(2);
      out.push_back({std::move(id), std::move(name)});
    } else if (id.size() > 2 && id.starts_with("M:")) {
      if (auto it = path_of_id.find(id); it != path_of_id.end()) out.push_back({std::move(id), it->second});
    }
  }
  return out;
}

std::unordered_map<std::string, std::string> path_index(const std::vector<imap::mailbox_info>& list) {
  std::unordered_map<std::string, std::string> out;
  for (const auto& m : list) out.emplace(imap_store::folder_id(m), m.name);
  return out;
}

std::size_t append_notify_set(imap::command_builder& cmd, const std::vector<watched_mailbox>& boxes) {
  std::vector<std::string> wire;
  for (const auto& b : boxes) {
    auto encoded = imap::encode_mutf7(b.name);
    if (!encoded || std::find(wire.begin(), wire.end(), *encoded) != wire.end()) continue;
    wire.push_back(std::move(*encoded));
  }
  if (wire.empty()) return 0;
  cmd.raw(" SET (mailboxes (");
  for (std::size_t i = 0; i < wire.size(); ++i) {
    if (i > 0) cmd.raw(" ");
    (void)cmd.string(wire[i]);  // modified UTF-7 is printable ASCII: never NUL
  }
  cmd.raw(") (MessageNew MessageExpunge FlagChange))");
  return wire.size();
}

std::vector<std::string> status_event_folders(const imap::response& r, const std::vector<watched_mailbox>& boxes) {
  std::vector<std::string> out;
  if (r.kind != imap::response_kind::untagged || r.is_status()) return out;
  auto parsed = imap::parse_status(r);
  if (!parsed) return out;
  auto name = imap::decode_mutf7(parsed->first);
  // A name that is not valid modified UTF-7 cannot be one we sent (we sent only encoded names).
  if (!name) return out;
  for (const auto& b : boxes) {
    if (same_mailbox(b.name, *name)) out.push_back(b.folder_id);
  }
  return out;
}

bool selected_change(const imap::response& r) {
  if (r.kind != imap::response_kind::untagged || r.is_status() || r.data.size() < 2) return false;
  // "* n EXISTS", "* n EXPUNGE", "* n FETCH (...)"; "* VANISHED ..." (QRESYNC, RFC 7162 §3.2.10).
  if (iequals_ascii(r.data[0].text, "VANISHED") && r.data[0].kind == imap::value_kind::atom) return true;
  if (!imap::to_number(r.data[0])) return false;
  const auto& what = r.data[1];
  if (what.kind != imap::value_kind::atom) return false;
  return iequals_ascii(what.text, "EXISTS") || iequals_ascii(what.text, "EXPUNGE") || iequals_ascii(what.text, "FETCH");
}

bool counts_changed(const imap::mailbox_counts& before, const imap::mailbox_counts& after) {
  return before.uidnext != after.uidnext || before.messages != after.messages || before.unseen != after.unseen ||
         before.uidvalidity != after.uidvalidity || before.highestmodseq != after.highestmodseq;
}

}  // namespace easd::backend::imap_watch
