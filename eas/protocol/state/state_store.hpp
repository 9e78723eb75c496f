// The narrow interface to persistent sync state (ARCHITECTURE.md §3 "Sync state", §4): what handlers
// need to answer FolderSync and Sync correctly across lost responses, restarts and several nodes.
// sqlite_state_store is the embedded implementation; a shared SQL server can implement the same.
//
// Contract:
// - Every method is synchronous and may block on disk: call it through run_blocking
//   (eas/core/blocking_pool.hpp), never on an io thread. Implementations are thread-safe.
// - Errors are values (error.hpp). A key that is malformed, forged, too old, or belongs to a state that
//   was reset is state_error::unknown_key: the caller answers Sync Status 3 / FolderSync Status 9.
// - Strings are stored and returned byte for byte. Identifiers (user, device id, collection and item ids,
//   folder names) must not contain NUL and are capped (limits below): state_error::invalid_argument.
// - Keys: commit_*(presented = N) stores state N+1 in one transaction before the caller sends the
//   response with key N+1, keeps state N (a client that lost the response repeats N and gets N+1
//   again, [MS-ASCMD] 3.1.5.9) and deletes everything older. Presenting "0" discards the chain and starts
//   a new one at 1. So only the two newest keys of a chain are ever valid. A chain ends at counter 2^31:
//   committing from that key is unknown_key, so the client starts again at 0 (decades of syncing).
#pragma once

#include "eas/core/result.hpp"
#include "eas/protocol/state/sync_key.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace easd::state {

inline constexpr std::size_t max_id_size = 256;          // user, device id, collection/item/client ids
inline constexpr std::size_t max_name_size = 1024;       // folder display names, backend folder identities
inline constexpr std::size_t max_blob_size = 16u << 20;  // cursor and options blobs

struct device_ref {
  std::string user;       // the authenticated user name
  std::string device_id;  // DeviceId of the request line
};

struct device_record {
  std::string device_type;
  std::int64_t created = 0;    // unix seconds
  std::int64_t last_seen = 0;  // unix seconds
  friend bool operator==(const device_record&, const device_record&) = default;
};

// What a server change not yet sent (WindowSize was full) will become in the response.
enum class change_kind : std::uint8_t { add = 1, change = 2, remove = 3, soft_delete = 4 };

struct pending_item {
  std::string server_id;
  change_kind kind = change_kind::add;
  friend bool operator==(const pending_item&, const pending_item&) = default;
};

// A client Add processed in the request that produced this state: a retry of that request (same key,
// same ClientId) must answer with the same ServerId instead of adding again ([MS-ASCMD] 3.1.5.9).
struct client_add {
  std::string client_id;
  std::string server_id;
  friend bool operator==(const client_add&, const client_add&) = default;
};

// The state saved under one key of one collection.
struct sync_state {
  std::string cursor;                    // opaque backend bytes (for mail: mail_cursor::serialize())
  std::vector<pending_item> pending;     // in the order they are to be sent
  std::vector<client_add> client_adds;
  friend bool operator==(const sync_state&, const sync_state&) = default;
};

struct loaded_sync_state {
  sync_state state;                   // the state of the presented key (empty for key "0")
  std::optional<sync_state> issued;   // set when the presented key is a replay: the state already issued
                                      // for key+1 (its client_adds answer the retried Adds)
  std::string options;                // per-collection options blob (FilterType, BodyPreference, …)
};

struct folder {
  std::string server_id;
  std::string parent_id;  // "0" = root ([MS-ASCMD] 2.2.3.129)
  std::string display_name;
  std::uint16_t type = 0;  // [MS-ASCMD] 2.2.3.186.3
  friend bool operator==(const folder&, const folder&) = default;
};

class state_store {
public:
  virtual ~state_store() = default;

  // --- devices (the device registry proper lives in provisioning/ later)
  // Creates the device or updates its type and last_seen.
  virtual result<void> touch_device(const device_ref& dev, std::string_view device_type, std::int64_t now) = 0;
  virtual result<device_record> find_device(const device_ref& dev) = 0;  // not_found
  // Removes the device and all its state (collections and hierarchy). not_found if it did not exist.
  virtual result<void> remove_device(const device_ref& dev) = 0;

  // --- Sync state per collection (commit creates a missing device row with an empty type)
  virtual result<loaded_sync_state> load_sync_state(const device_ref& dev, std::string_view collection_id,
                                                    const sync_key& key) = 0;
  // Stores the state for presented+1 and returns that key. options, when given, replaces the collection's
  // options blob; presenting "0" without options clears them.
  virtual result<sync_key> commit_sync_state(const device_ref& dev, std::string_view collection_id,
                                             const sync_key& presented, const sync_state& next,
                                             const std::optional<std::string>& options) = 0;
  // The newest key issued for the collection (Ping compares against its state); unknown_key if none.
  virtual result<sync_key> latest_sync_key(const device_ref& dev, std::string_view collection_id) = 0;
  // Edits, in one transaction, the state of the newest key issued for the collection, in place (the key
  // does not advance): for changes the device made outside Sync that its next Sync must not echo back
  // (MoveItems: the moved message left the source's known set and is known in the destination under its
  // new id). `edit` returns false to leave the state untouched. Only the newest state is amended: a
  // device replaying the previous key gets the newest response again, as recorded (its sent_* sets),
  // and its items that are gone are simply left out then. Returns false if the collection has no chain.
  virtual result<bool> amend_latest_sync_state(const device_ref& dev, std::string_view collection_id,
                                               const std::function<bool(sync_state&)>& edit) = 0;
  // Forgets the collection's chain (SyncKey 0 / folder deleted); succeeds if there was none.
  virtual result<void> reset_collection(const device_ref& dev, std::string_view collection_id) = 0;

  // --- FolderSync hierarchy per device: the folder list as the client was told under each key
  virtual result<std::vector<folder>> load_folder_state(const device_ref& dev, const sync_key& key) = 0;
  virtual result<sync_key> commit_folder_state(const device_ref& dev, const sync_key& presented,
                                               const std::vector<folder>& folders) = 0;
  virtual result<sync_key> latest_folder_key(const device_ref& dev) = 0;

  // --- folder ServerIds per user: short ids ("1", "2", …) that outlive resyncs and restarts and are never
  // reused ([MS-ASCMD] 3.1.5.3: existing ServerIds stay the same across a resync).
  // The id of a backend folder identity (mailbox name, or MAILBOXID where the server has OBJECTID),
  // allocated on first use.
  virtual result<std::string> folder_server_id(std::string_view user, std::string_view backend_identity) = 0;
  // The folder was renamed on the backend: it keeps its id. not_found / conflict (to already exists).
  virtual result<void> rename_folder_identity(std::string_view user, std::string_view from,
                                              std::string_view to) = 0;
  virtual result<void> forget_folder_identity(std::string_view user, std::string_view backend_identity) = 0;
  // (backend identity, server id) pairs of the user, ordered by identity.
  virtual result<std::vector<std::pair<std::string, std::string>>> folder_ids(std::string_view user) = 0;
};

}  // namespace easd::state
