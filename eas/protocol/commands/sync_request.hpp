// Sync internals shared by sync*.cpp (not for other commands): the parsed request, the cached request
// for empty / Partial Syncs, and the per-collection processing entry point.
#pragma once

#include "eas/core/result.hpp"
#include "eas/protocol/commands/mail_changes.hpp"
#include "eas/protocol/request_context.hpp"
#include "eas/protocol/services.hpp"
#include "eas/wbxml/element.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace easd::protocol::sync_detail {

// [MS-ASCMD] 2.2.3.177.17 Sync Status.
enum class sync_status : std::uint8_t {
  success = 1,
  invalid_sync_key = 3,
  protocol_error = 4,
  server_error = 5,
  conversion_error = 6,
  conflict = 7,
  object_not_found = 8,
  hierarchy_changed = 12,
  missing_parameters = 13,  // empty / Partial Sync without a cached request
  invalid_wait = 14,        // Wait / HeartbeatInterval out of range (with Limit)
  too_many_collections = 15,
};

inline constexpr std::size_t max_collections = 1000;
inline constexpr std::size_t max_commands = 200;  // Add+Change+Delete+Fetch ([MS-ASCMD] 3.1.5.10)
inline constexpr std::uint32_t default_window = 100;
inline constexpr std::uint32_t max_window = 512;  // [MS-ASCMD] 2.2.3.199

struct client_command {
  enum class kind : std::uint8_t { add, change, remove, fetch };
  kind k = kind::change;
  std::string server_id;                              // change, remove, fetch
  std::string client_id;                              // add
  const wbxml::element* application_data = nullptr;  // add, change (points into the request tree)
  bool send = false;                                  // email2:Send in an Add / Change (16.x drafts)
};

struct collection_request {
  std::string sync_key;  // as sent; "" for a collection taken from the cache (use the latest key)
  std::string collection_id;
  bool deletes_as_moves = true;           // [MS-ASCMD] 2.2.3.42 default 1
  std::optional<bool> get_changes;        // absent: no for key 0, yes otherwise (2.2.3.84)
  std::optional<std::uint32_t> window;    // 1 … 512 after clamping
  const wbxml::element* options = nullptr;  // the Email Options element, if any
  std::optional<std::uint8_t> filter_type;  // from options
  std::optional<bool> conflict_server_wins;
  std::vector<client_command> commands;
  bool from_cache = false;  // not listed in this request (empty Sync / Partial)
};

struct sync_request {
  std::vector<collection_request> collections;
  std::optional<std::uint32_t> wait;       // minutes (12.1+)
  std::optional<std::uint32_t> heartbeat;  // seconds (14.0+)
  std::optional<std::uint32_t> window;     // global WindowSize (12.1+)
  bool partial = false;
};

struct parse_failure {
  sync_status status = sync_status::protocol_error;
  std::optional<std::uint32_t> limit;  // Status 14 / 15
};

// Parses and validates a Sync request (never null). Errors are top-level Sync statuses.
std::variant<sync_request, parse_failure> parse_sync_request(const wbxml::element& root, protocol_version v);

// The cached shape of the last full request (collections with their parameters, global window): what an
// empty Sync or a Partial one reuses ([MS-ASCMD] 2.2.3.131, 2.2.1.21). Options are not part of it: each
// collection's options blob already persists them. Text, strict and bounded.
std::string serialize_cached_request(const sync_request& r);
std::optional<sync_request> parse_cached_request(std::string_view blob);
// The state store pseudo-collection holding the cache (folder ServerIds are digits, so it cannot clash).
inline constexpr std::string_view cache_collection_id = "#sync-request";

// One collection's part of the response, built by process_collection.
struct collection_result {
  wbxml::element element;   // AirSync:Collection
  bool has_changes = false;  // items, responses or a non-success status: worth sending for a cached one
};

// Processes one collection: key checks, client commands, server changes, commit, response element.
// window_budget is the number of server changes the collection may send (the global WindowSize left).
boost::asio::awaitable<collection_result> process_collection(services& svc, const request_context& ctx,
                                                             const collection_request& req,
                                                             std::uint32_t window_budget);

// --- sync_response.cpp: the server → client items of one response.
// Which items go out: UIDs per kind. Order on the wire: Delete, SoftDelete, Change (ascending UID), then
// Add newest first — the same order for the original response and its replay.
struct item_plan {
  uid_set deletes, soft_deletes, changes;
  std::vector<std::uint32_t> adds;  // descending
};
struct built_items {
  std::vector<wbxml::element> commands;  // children of AirSync:Commands
  // The flags each sent Add / Change carried (for the cursor), and what could not be sent.
  std::vector<std::pair<std::uint32_t, backend::message_flags>> sent_flags;
  uid_set added, changed, skipped, missing;
};
// Fetches the summaries and converts. `replay_flags`: the issued cursor of a replay, whose tracked
// flags (not the current ones) the items must carry so the device matches that state. Errors: backend
// failures the device should retry (Status 5); a message that cannot be converted is `skipped`.
boost::asio::awaitable<result<built_items>> build_items(services& svc, const request_context& ctx,
                                                        const mail_collection& collection,
                                                        const mail_sync_options& opts, const item_plan& plan,
                                                        const state::mail_cursor* replay_flags);
// A conversion error that is the message's fault (skip it) rather than a transient backend failure.
bool is_message_fault(const error_code& ec) noexcept;

// The email_context for convert:: calls on this collection.
convert::email_context email_context_for(services& svc, const backend::account& acct,
                                         const mail_collection& collection);

// --- sync_client_changes.cpp: the request's Commands ([MS-ASCMD] 2.2.3.24).
struct client_result {
  std::vector<wbxml::element> responses;  // children of AirSync:Responses, in request order
  bool changed_state = false;             // something was applied: the cursor must be committed
};
// Applies Change / Delete, answers Fetch and Add (drafts: sync_drafts.hpp). `cursor` and `pending` are
// the collection's new state and are updated with what the client did (so it does not echo back).
// `client_adds`: the Adds applied (appended to), or in a replay the issued state's, which answer the
// retried Adds. replay: the commands were applied when the key was first presented: answer without
// applying again.
boost::asio::awaitable<client_result> apply_client_commands(services& svc, const request_context& ctx,
                                                            const mail_collection& collection,
                                                            const mail_sync_options& opts,
                                                            const collection_request& req,
                                                            state::mail_cursor& cursor,
                                                            std::vector<state::pending_item>& pending,
                                                            std::vector<state::client_add>& client_adds,
                                                            bool replay);

// Tracked flag sets of the cursor as message_flags (keywords empty).
backend::message_flags cursor_flags(const state::mail_cursor& c, std::uint32_t uid);
void set_cursor_flags(state::mail_cursor& c, std::uint32_t uid, const backend::message_flags& f);
void forget_uid(state::mail_cursor& c, std::uint32_t uid);

}  // namespace easd::protocol::sync_detail
