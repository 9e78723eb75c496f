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
// - It is also the send ledger (send_ledger.hpp, sqlite_send_ledger.cpp).
// - It is also the device registry (provisioning/device_registry.hpp, sqlite_device_registry.cpp): the
//   same device rows, so removing a device removes its sync state in one statement (ON DELETE CASCADE).
#pragma once

#include "eas/protocol/state/send_ledger.hpp"
#include "eas/protocol/state/sqlite_db.hpp"
#include "eas/protocol/state/state_store.hpp"
#include "provisioning/device_registry.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

namespace easd::state {

struct sqlite_options {
  std::chrono::milliseconds busy_timeout{5000};
};

class sqlite_state_store final : public state_store, public provisioning::device_registry, public send_ledger {
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

  // --- provisioning::device_registry (sqlite_device_registry.cpp)
  using device_key = provisioning::device_key;
  result<provisioning::device> touch(const device_key& key, const provisioning::request_facts& facts,
                                     provisioning::access_state initial, std::string_view reason,
                                     unsigned max_devices) override;
  result<provisioning::device> find(const device_key& key) override;
  result<std::vector<provisioning::device>> list(const provisioning::device_filter& filter) override;
  result<void> set_information(const device_key& key, const provisioning::device_information& info) override;
  result<void> remove(const device_key& key) override;
  result<void> reset_sync_state(const device_key& key, std::string_view collection_id) override;
  result<void> issue_pending_key(const device_key& key, std::uint32_t pending, std::string_view policy_name,
                                 std::string_view fingerprint) override;
  result<void> confirm_key(const device_key& key, std::uint32_t pending, std::uint32_t final_key,
                           provisioning::compliance c, std::int64_t now) override;
  result<void> clear_keys(const device_key& key) override;
  result<void> assign_policy(const device_key& key, std::string_view policy_name) override;
  result<void> set_access(const device_key& key, provisioning::access_state a, std::string_view reason) override;
  result<void> request_wipe(const device_key& key, provisioning::wipe_kind kind, std::string_view by,
                            std::int64_t now) override;
  result<void> cancel_wipe(const device_key& key) override;
  result<void> mark_wipe_delivered(const device_key& key, std::int64_t now) override;
  result<void> acknowledge_wipe(const device_key& key, bool success, std::int64_t now) override;
  result<void> clear_wipe(const device_key& key) override;
  result<void> note_folder_sync(const device_key& key, std::string_view collection_id, std::int64_t now) override;
  result<std::vector<provisioning::folder_sync_time>> folder_syncs(const device_key& key) override;
  result<std::vector<provisioning::stored_policy>> stored_policies() override;
  result<void> put_policy(const provisioning::stored_policy& p) override;
  result<void> delete_policy(std::string_view name) override;
  result<std::vector<provisioning::user_assignment>> user_assignments() override;
  result<void> assign_user(std::string_view user, std::string_view policy_name) override;
  result<std::int64_t> policy_generation() override;

  // --- send_ledger (sqlite_send_ledger.cpp)
  result<claim_outcome> claim(const claim_request& request) override;
  result<void> finish(const send_key& key, send_result outcome, std::int64_t now) override;
  result<void> release(const send_key& key) override;

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

// The device registry's helpers (sqlite_device_registry.cpp), shared with sqlite_registry_policies.cpp.
bool valid_key(const provisioning::device_key& k) noexcept;
result<std::int64_t> device_id_of(database& db, const provisioning::device_key& key);  // not_found
result<void> one_changed(database& db);      // after an UPDATE or INSERT of one row: none → not_found
result<void> bump_generation(database& db);  // policy_generation + 1, inside the caller's transaction
}  // namespace detail

}  // namespace easd::state
