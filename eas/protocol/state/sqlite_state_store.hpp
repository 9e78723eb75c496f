// state_store on an embedded SQLite file (ARCHITECTURE.md §1 "sync state").
//
// - WAL journal, synchronous=FULL (a committed key survives power loss), foreign keys on, busy_timeout,
//   prepared and cached statements only; every outside string is a bound parameter.
// - The file is created with mode 0600 (it names users and devices); -wal and -shm inherit that mode.
// - Open it once per process and share the object: it holds one connection behind a mutex, so calls are
//   serialised. That is enough for one node (a commit is a few hundred µs plus the fsync, and every call
//   runs on the blocking pool, not on io threads); a connection pool for readers is a later change that
//   does not touch the interface. Other processes (e.g. `easd device …`) may open the same file; WAL and
//   BEGIN IMMEDIATE keep them consistent, and busy_timeout bounds the wait (state_error::busy after it).
// - Schema: PRAGMA user_version + ordered migrations (schema.cpp), applied at open.
#pragma once

#include "eas/protocol/state/sqlite_db.hpp"
#include "eas/protocol/state/state_store.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

namespace easd::state {

struct sqlite_options {
  std::chrono::milliseconds busy_timeout{5000};
};

class sqlite_state_store final : public state_store {
  struct private_tag {};

public:
  // Opens or creates the file and migrates it to the current schema.
  static result<std::unique_ptr<sqlite_state_store>> open(const std::string& path, sqlite_options opts = {});

  sqlite_state_store(private_tag, std::unique_ptr<detail::database> db) : db_(std::move(db)) {}

  result<void> touch_device(const device_ref& dev, std::string_view device_type, std::int64_t now) override;
  result<device_record> find_device(const device_ref& dev) override;
  result<void> remove_device(const device_ref& dev) override;

  result<loaded_sync_state> load_sync_state(const device_ref& dev, std::string_view collection_id,
                                            const sync_key& key) override;
  result<sync_key> commit_sync_state(const device_ref& dev, std::string_view collection_id,
                                     const sync_key& presented, const sync_state& next,
                                     const std::optional<std::string>& options) override;
  result<sync_key> latest_sync_key(const device_ref& dev, std::string_view collection_id) override;
  result<bool> amend_latest_sync_state(const device_ref& dev, std::string_view collection_id,
                                       const std::function<bool(sync_state&)>& edit) override;
  result<void> reset_collection(const device_ref& dev, std::string_view collection_id) override;

  result<std::vector<folder>> load_folder_state(const device_ref& dev, const sync_key& key) override;
  result<sync_key> commit_folder_state(const device_ref& dev, const sync_key& presented,
                                       const std::vector<folder>& folders) override;
  result<sync_key> latest_folder_key(const device_ref& dev) override;

  result<std::string> folder_server_id(std::string_view user, std::string_view backend_identity) override;
  result<void> rename_folder_identity(std::string_view user, std::string_view from, std::string_view to) override;
  result<void> forget_folder_identity(std::string_view user, std::string_view backend_identity) override;
  result<std::vector<std::pair<std::string, std::string>>> folder_ids(std::string_view user) override;

private:
  // All helpers expect mutex_ held.
  result<std::int64_t> device_row(const device_ref& dev);         // not_found
  result<std::int64_t> ensure_device_row(const device_ref& dev);  // creates with an empty type
  result<sync_state> read_sync_state(std::int64_t collection, std::int64_t counter);
  result<std::vector<folder>> read_folder_snapshot(std::int64_t device, std::int64_t counter);

  std::mutex mutex_;
  std::unique_ptr<detail::database> db_;
};

namespace detail {
// Identifier checks shared by the implementation files: no NUL, size ≤ limit.
bool valid_text(std::string_view s, std::size_t limit) noexcept;
bool valid_ref(const device_ref& dev) noexcept;
}  // namespace detail

}  // namespace easd::state
