// The pure parts of imap_mail_watch (no I/O, unit-tested alone): which mailboxes a set of folder ids
// names, the NOTIFY SET command for them (RFC 5465), and which folder a server response says changed —
// a NOTIFY event (an untagged STATUS for a watched, non-selected mailbox), an IDLE update of the selected
// mailbox (RFC 2177), or a STATUS poll whose counts moved.
//
// Everything taken from a response is hostile: names are matched against what we asked for, never used
// to build anything; unknown or malformed responses concern no folder.
#pragma once

#include "backend/imap/client/command.hpp"
#include "backend/imap/client/list.hpp"
#include "backend/imap/client/response.hpp"

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

namespace easd::backend::imap_watch {

struct watched_mailbox {
  std::string folder_id;  // as mail_store reports it ("M:<MAILBOXID>" or "N:<name>")
  std::string name;       // the mailbox name, UTF-8
};

// True when some id needs a LIST to be resolved ("M:" ids).
bool needs_listing(const std::vector<std::string>& folder_ids);

// The mailboxes behind `folder_ids`: "N:" ids name theirs, "M:" ids are looked up in `path_of_id`
// (folder id → name, from a LIST). Ids that resolve to nothing are dropped: the Ping handler reports
// stale folders itself. Duplicate ids are kept once; the result is sorted by folder id.
std::vector<watched_mailbox> resolve_folders(const std::vector<std::string>& folder_ids,
                                             const std::unordered_map<std::string, std::string>& path_of_id);

// Folder id → name for every mailbox of a LIST, the way mail_store forms ids (imap_convert folder_id).
std::unordered_map<std::string, std::string> path_index(const std::vector<imap::mailbox_info>& list);

// Appends " SET (mailboxes (A B ...) (MessageNew MessageExpunge FlagChange))" to a NOTIFY command
// (RFC 5465 §8: FlagChange needs MessageNew and MessageExpunge beside it; for mailboxes other than the
// selected one the server reports each event as an untagged STATUS). Names that cannot be sent (invalid
// UTF-8, NUL) are skipped. Returns how many mailboxes went in; with none, send "NOTIFY NONE" instead.
std::size_t append_notify_set(imap::command_builder& cmd, const std::vector<watched_mailbox>& boxes);

// The folder ids an untagged "* STATUS name (...)" concerns (every watched mailbox of that name; INBOX
// matched case-insensitively); empty for any other response.
std::vector<std::string> status_event_folders(const imap::response& r, const std::vector<watched_mailbox>& boxes);

// IDLE on the selected mailbox: true when the response reports new messages (EXISTS), expunged ones
// (EXPUNGE, VANISHED) or changed flags (FETCH).
bool selected_change(const imap::response& r);

// STATUS polling: true when UIDNEXT, MESSAGES, UNSEEN, UIDVALIDITY or HIGHESTMODSEQ moved.
bool counts_changed(const imap::mailbox_counts& before, const imap::mailbox_counts& after);

}  // namespace easd::backend::imap_watch
