// The Ping command ([MS-ASCMD] 2.2.1.13, 3.1.5.8; status 2.2.3.177.11; shared/protocol/commands.md §7):
// a device names folders and a heartbeat, and easd holds the request — a parked coroutine on the push hub
// (push/hub.hpp), no thread and no backend poll — until one of the folders has something for the device
// (Status 2 with those folders) or the heartbeat passes (Status 1).
//
// The order (ARCHITECTURE.md §3 Ping):
//   parse (4) → merge with the saved parameters, an empty Ping reuses them (3 when there are none) →
//   bounds (5 + HeartbeatInterval, 6 + MaxFolders) → resolve the folders to the device's sync state (7 for
//   unknown ids, folders of another source, folders never synced) → save the parameters → newest Ping wins
//   (a new generation, subscribe, announce) → watch the folders on the backend → check every folder
//   against the device's newest sync state (the computation GetItemEstimate and Sync use) → park.
// Wakes:
//   content    → re-check the woken folders (a wake is a hint); Status 2 only for real changes;
//   hierarchy  → 7 (the device runs FolderSync);
//   policy     → 7 as well, so that the device's next request is a FolderSync, which the provisioning
//                gate answers (Ping itself is not gated, [MS-ASPROV] 3.1.5.1; a Status 1 would only bring
//                the device back with another Ping);
//   superseded → 1 at once: the newer Ping of the device is the one that watches now;
//   shutdown   → 1 at once, so the device reconnects to a node that is up;
//   resync     → re-check everything (messages may have been lost).
// A backend that fails (IMAP unreachable) is no change: the Ping answers at its heartbeat, never 5xx. A
// woken folder whose check failed is checked again (1 s, doubling to 30 s) until it succeeds or the
// heartbeat ends, so a change is not lost because the backend was busy when its wake came.
#pragma once

#include "eas/protocol/reply.hpp"
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

namespace easd::protocol {

boost::asio::awaitable<reply> ping_handler(services& svc, request_context& ctx, const wbxml::element* request);

namespace ping_detail {

// [MS-ASCMD] 2.2.3.177.11 Ping Status.
enum class ping_status : std::uint8_t {
  expired = 1,            // heartbeat passed with no changes
  changes = 2,            // Folders lists the changed folders
  missing_parameters = 3,
  syntax_error = 4,
  bad_heartbeat = 5,      // HeartbeatInterval carries the nearest allowed value
  too_many_folders = 6,   // MaxFolders carries the limit
  folder_sync_required = 7,
  server_error = 8,
};

// [MS-ASCMD] 2.2.3.27.4 Ping Class values.
enum class folder_class : std::uint8_t { email, calendar, contacts, tasks, notes, sms };
std::optional<folder_class> parse_folder_class(std::string_view text) noexcept;
std::string_view to_string(folder_class c) noexcept;

struct ping_folder {
  std::string id;  // the folder's ServerId (FolderSync), ≤ 64 printable ASCII characters
  folder_class klass = folder_class::email;
  friend bool operator==(const ping_folder&, const ping_folder&) = default;
};

struct ping_parameters {
  std::optional<std::uint32_t> heartbeat;          // seconds
  std::optional<std::vector<ping_folder>> folders;  // in request order, duplicates removed
  friend bool operator==(const ping_parameters&, const ping_parameters&) = default;
};

// The most Folder elements a request may carry before it is refused as a syntax error, whatever the
// configured MaxFolders (which answers Status 6 below this).
inline constexpr std::size_t max_parsed_folders = 5000;
inline constexpr std::size_t max_folder_id = 64;  // [MS-ASCMD] 2.2.3.90 Id (a ServerId, 2.2.3.151.4)

// The request's parameters, or the Status that refuses it (syntax_error). Never null.
std::variant<ping_parameters, ping_status> parse_ping_request(const wbxml::element& root);

// The saved form (push hub ping parameters): versioned text, one field per line. parse is strict and
// bounded — the blob comes back from a shared store — and answers nullopt for anything it did not write.
std::string serialize_parameters(const ping_parameters& p);
std::optional<ping_parameters> parse_parameters(std::string_view blob);

// The Ping response: Status, then Folders (Status 2), MaxFolders (6) or HeartbeatInterval (5) in the
// schema's order (PingResponse.xsd).
reply ping_reply(ping_status s, const std::vector<std::string>& changed = {},
                 std::optional<std::uint32_t> max_folders = std::nullopt,
                 std::optional<std::uint32_t> heartbeat = std::nullopt);

}  // namespace ping_detail
}  // namespace easd::protocol
