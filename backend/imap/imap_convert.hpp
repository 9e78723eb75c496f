// From the IMAP client's types to the mail_store api's: flags, UID sets, addresses, BODYSTRUCTURE, one
// FETCH of a summary, and the folder list (ids, parents, roles). Pure functions, tested without a server.
// Everything converted came from the server: decoded leniently (eas/core mime_header, mail_date), never
// trusted for sizes.
#pragma once

#include "backend/api/mail_store.hpp"
#include "backend/imap/client/body_structure.hpp"
#include "backend/imap/client/envelope.hpp"
#include "backend/imap/client/list.hpp"
#include "backend/imap/client/message_data.hpp"
#include "backend/imap/client/sequence_set.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace easd::backend::imap_store {

// System flags and $Forwarded into message_flags; other keywords kept as sent (\Recent and other
// backslash flags dropped).
message_flags to_flags(const std::vector<std::string>& imap_flags);
// The IMAP flags set in `f` ("\Seen", "$Forwarded", keywords). Keywords that are not IMAP atoms are left out.
std::vector<std::string> to_imap_flags(const message_flags& f);

imap::sequence_set to_sequence_set(const uid_set& s);
uid_set to_uid_set(const imap::sequence_set& s);  // "*" (UINT32_MAX) stays a UID

// Display names decoded (RFC 2047), address = mailbox@host; a group start is {group name, ""}, its end
// marker is dropped.
std::vector<mail_address> to_addresses(const std::vector<imap::address>& in);

mime_part to_mime_part(const imap::body_part& p);

// "Name: value" lines (folded) of a BODY[HEADER.FIELDS ...] block: names lower-case, values decoded.
// At most 64 fields of 16 KiB each.
std::vector<std::pair<std::string, std::string>> parse_header_fields(std::string_view block);

// One FETCH of imap::fetch_summaries (UID, ENVELOPE, BODYSTRUCTURE present) as a summary.
message_summary to_summary(const imap::message_data& m);

// --- folders

// "M:<mailboxid>" when the server gave one, else "N:<name>".
std::string folder_id(const imap::mailbox_info& m);

// The folder list of a LIST: names split at the delimiter, parents linked (a parent missing from the
// list is added as a non-selectable folder), roles from SPECIAL-USE, INBOX, then well-known names.
std::vector<mail_folder> folder_tree(const std::vector<imap::mailbox_info>& list);

// The role a name suggests (English, German, French and the usual client spellings), case-insensitive.
folder_role role_by_name(std::string_view name);

}  // namespace easd::backend::imap_store
