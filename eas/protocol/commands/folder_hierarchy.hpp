// What FolderSync, FolderCreate, FolderUpdate and FolderDelete share: the hierarchy as a device sees it
// (state::folder entries from every folder source — only mail so far), the diff against a stored
// snapshot, the FolderSync key checks and the reply encoding.
//
// A folder source turns its collections into state::folder entries with the same rules everywhere, so a
// snapshot a FolderCreate commits compares equal to what the next FolderSync computes (and is not echoed
// back to the device, [MS-ASCMD] 2.2.3.181.1).
#pragma once

#include "eas/core/result.hpp"
#include "eas/protocol/commands/mail_folders.hpp"
#include "eas/protocol/reply.hpp"
#include "eas/protocol/request_context.hpp"
#include "eas/protocol/services.hpp"
#include "eas/protocol/state/state_store.hpp"
#include "eas/wbxml/element.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::protocol {

// The state store's backend identity of a mail folder ("mail:" + backend id), so that other folder
// sources (calendars, address books) can share the per-user ServerId space later.
std::string mail_folder_identity(std::string_view backend_folder_id);

namespace folders {

inline constexpr std::string_view root_parent = "0";  // [MS-ASCMD] 2.2.3.129.1 ParentId of top level
inline constexpr std::uint16_t user_mail_type = 12;

state::device_ref device_of(const request_context& ctx);

// What the device is shown for a mail folder ("Inbox" for INBOX: clients display the name).
std::string display_name(const backend::mail_folder& f);

// The hierarchy entries of the mail collections, parents before children. Parents that are not among
// them make a folder top-level; names a device cannot be told (too long) are left out.
std::vector<state::folder> mail_hierarchy(const std::vector<mail_collection>& collections);

// The current hierarchy of every folder source, parents first.
boost::asio::awaitable<result<std::vector<state::folder>>> current_hierarchy(services& svc,
                                                                            const request_context& ctx);

// Reorders so that every folder follows its parent (stable otherwise).
std::vector<state::folder> parents_first(std::vector<state::folder> folders);

struct hierarchy_changes {
  std::vector<state::folder> adds;     // parents first
  std::vector<state::folder> updates;  // renamed, moved or retyped
  std::vector<std::string> deletes;    // ServerIds, children first
  bool empty() const noexcept { return adds.empty() && updates.empty() && deletes.empty(); }
};
hierarchy_changes diff(const std::vector<state::folder>& before, const std::vector<state::folder>& now);

// The folder and everything below it in `folders` (ServerIds).
std::vector<std::string> subtree(const std::vector<state::folder>& folders, std::string_view server_id);

// FolderCreate/Update/Delete carry the FolderSync key and it must be the newest one issued
// ([MS-ASCMD] 2.2.3.181.1): the snapshot under it, or state_error::unknown_key.
boost::asio::awaitable<result<std::vector<state::folder>>> load_latest_snapshot(services& svc,
                                                                               const state::device_ref& dev,
                                                                               const state::sync_key& key);
boost::asio::awaitable<result<state::sync_key>> commit_snapshot(services& svc, const state::device_ref& dev,
                                                                const state::sync_key& presented,
                                                                const std::vector<state::folder>& snapshot);

// DisplayName of FolderCreate/FolderUpdate: 1 … 256 characters of valid UTF-8 ([MS-ASCMD] 2.2.3.49.3).
bool valid_display_name(std::string_view name);

// The services a folder command needs are wired. Without them (a server built without a mail backend, as
// in the HTTP-level tests) the command is answered "not supported" (137, or HTTP 501 for 12.1) instead of
// dereferencing nothing.
bool wired(const services& svc) noexcept;
reply not_wired(const request_context& ctx);

// A reply carrying `root` (whose first child is its Status).
reply wbxml_reply(const wbxml::element& root, unsigned status);
// `<Root><Status>s</Status></Root>` for the command's own status codes (in the body in every version).
reply status_only(std::string_view root_name, unsigned status);

}  // namespace folders
}  // namespace easd::protocol
