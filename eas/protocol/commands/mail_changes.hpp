// What changed in a mail collection since the state a device holds: the one change computation behind
// Sync (which sends the changes) and GetItemEstimate (which counts them), so the two never disagree.
//
// The device's view is the collection's mail_cursor (eas/protocol/state/mail_cursor.hpp): the UIDs it has
// (`known`) with their tracked flags, the in-window UIDs not yet sent (`backlog`), plus the state's
// pending items (Change/Delete/SoftDelete that did not fit a window). Computing changes costs:
// - nothing changed (STATUS equal to the cursor, FilterType window start unchanged): one status() call;
// - otherwise changes() (CONDSTORE: only what changed; slow path: every message's flags) and, for new
//   mail or a moved window, one search().
// Adds are never listed one by one: they stay in the cursor's backlog (a compact uid_set), sent newest first.
#pragma once

#include "eas/core/result.hpp"
#include "eas/protocol/commands/mail_folders.hpp"
#include "eas/protocol/convert/email.hpp"
#include "eas/protocol/request_context.hpp"
#include "eas/protocol/services.hpp"
#include "eas/protocol/state/mail_cursor.hpp"
#include "eas/protocol/state/state_store.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::protocol {

// [MS-ASCMD] 2.2.3.68.2 FilterType for the Email class: 0 all, 1 one day, 2 three days, 3 one week,
// 4 two weeks, 5 one month. 6, 7 (calendar windows) and 8 (tasks) are invalid for email (Sync Status 4).
inline constexpr std::uint8_t max_email_filter_type = 5;
bool valid_email_filter_type(std::uint32_t filter_type) noexcept;

// The window start (internal date ≥ since) of a FilterType at `now`, nullopt for 0 (everything).
// Rounded down to the hour so that the window moves — and costs a SEARCH — at most once an hour.
std::optional<std::int64_t> filter_since(std::uint8_t filter_type, std::int64_t now) noexcept;

// The per-collection options a Sync persists (the state store's options blob), so that a later Sync
// without <Options>, an empty Sync and GetItemEstimate use them.
struct mail_sync_options {
  std::uint8_t filter_type = 0;
  bool conflict_server_wins = true;  // [MS-ASCMD] 2.2.3.34 Conflict, default 1
  convert::email_options email;
  // The backend folder the collection was resolved to when the options were stored, so that an
  // incremental Sync needs no LIST (one STATUS is the whole cost of "nothing changed"). A folder that is
  // gone fails that STATUS with not_found (Sync Status 12). Empty: resolve through mail_folders.
  std::string folder_id;
  backend::folder_role role = backend::folder_role::none;
  friend bool operator==(const mail_sync_options&, const mail_sync_options&) = default;
};
std::string serialize_sync_options(const mail_sync_options& o);
// nullopt for an empty or unreadable blob (callers fall back to defaults).
std::optional<mail_sync_options> parse_sync_options(std::string_view blob);

// The changes computed from one collection state.
struct mail_change_set {
  // The cursor with every change below accounted for: new mail and a widened window added to backlog,
  // vanished and out-of-window UIDs removed from known, tracked flags updated to the server's.
  state::mail_cursor cursor;
  // Change / Delete / SoftDelete items to send, in order: the state's pending items first, then the new
  // ones. ServerIds are item_server_id(collection, uid).
  std::vector<state::pending_item> changes;
  // UIDVALIDITY changed (or the cursor is unreadable): every UID is void, the device must resync the
  // collection (Sync Status 3; GetItemEstimate: invalid sync key).
  bool reset = false;
  // status() matched the cursor: nothing but the state's own pending items and backlog.
  bool unchanged = false;
};

// Computes the changes of `collection` since `state` (the sync_state of the device's key), for a
// FilterType. Read-only: nothing is written to the backend or the state store.
// Errors: backend failures (the caller answers "server error, retry").
boost::asio::awaitable<result<mail_change_set>> collect_mail_changes(services& svc, const request_context& ctx,
                                                                    const mail_collection& collection,
                                                                    const state::sync_state& state,
                                                                    std::uint8_t filter_type);

// GetItemEstimate: how many items (Add + Change + Delete + SoftDelete) the next Sync with this state
// would deliver over all its windows. filter_type nullopt: the one persisted in `options_blob`.
// Errors: state::state_error::unknown_key when the collection must resync (UIDVALIDITY changed, state
// unreadable), backend failures otherwise.
boost::asio::awaitable<result<std::uint64_t>> count_mail_changes(services& svc, const request_context& ctx,
                                                                const mail_collection& collection,
                                                                const state::sync_state& state,
                                                                std::optional<std::uint8_t> filter_type,
                                                                std::string_view options_blob);

}  // namespace easd::protocol
