// The device registry (issue 5): every device that ever talked to easd, what it said about itself, its
// provisioning state (policy keys), access state (allow/block/quarantine) and remote-wipe state; and the
// policies and assignments admins made through the admin API. The interface lives here; the SQLite
// implementation shares the state store's file (eas/protocol/state/sqlite_device_registry.cpp), so that
// removing a device removes its sync state in the same transaction.
//
// Contract: as state_store (state_store.hpp): synchronous, call through run_blocking, thread-safe, errors
// are values (state_error::not_found / invalid_argument / conflict / busy …), strings byte for byte.
// Every method changes only the columns it names, so an admin's wipe and a device's request racing
// each other both land.
#pragma once

#include "eas/core/result.hpp"
#include "provisioning/settings.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::provisioning {

struct device_key {
  std::string user;       // the authenticated login
  std::string device_id;  // DeviceId of the request line
  friend bool operator==(const device_key&, const device_key&) = default;
};

// Settings DeviceInformation ([MS-ASCMD] 2.2.3.50 / commands.md §14), each "" when not sent.
struct device_information {
  std::string model, imei, friendly_name, os, os_language, phone_number, user_agent, mobile_operator;
  bool enable_outbound_sms = false;
  friend bool operator==(const device_information&, const device_information&) = default;
};

// How the device answered the policy (the acknowledgement's Policy Status, [MS-ASPROV] 2.2.2.54.1).
enum class compliance { unknown = 0, applied = 1, partial = 2, not_applied = 3, external = 4 };
enum class access_state { allowed = 0, quarantined = 1, blocked = 2 };
enum class wipe_kind { none = 0, full = 1, account_only = 2 };
// requested → delivered (in a Provision response) → acknowledged (device said Status 1) | failed (2).
enum class wipe_state { none = 0, requested = 1, delivered = 2, acknowledged = 3, failed = 4 };

std::string_view to_string(compliance c) noexcept;
std::string_view to_string(access_state a) noexcept;
std::string_view to_string(wipe_kind w) noexcept;
std::string_view to_string(wipe_state w) noexcept;
std::optional<access_state> parse_access_state(std::string_view s) noexcept;
std::optional<wipe_state> parse_wipe_state(std::string_view s) noexcept;

struct device {
  device_key key;
  std::string device_type;
  device_information info;
  std::string user_agent;        // the HTTP User-Agent of the last request
  std::string protocol_version;  // of the last request, "14.1"
  std::int64_t first_seen = 0, last_seen = 0;  // unix seconds

  // Provisioning. Keys are non-zero decimal uint32 values; 0 = none.
  std::uint32_t policy_key = 0;   // the final key the device uses now
  std::uint32_t pending_key = 0;  // the temporary key of an initial Provision not yet acknowledged
  std::string policy_name;        // the policy the key (or pending key) was issued for
  std::string policy_fingerprint;  // fingerprint() of that policy then
  std::int64_t provisioned_at = 0;  // when policy_key was issued
  compliance compliance_state = compliance::unknown;
  std::string assigned_policy;  // an admin's per-device assignment ("" none)

  // Access.
  access_state access = access_state::allowed;
  std::string access_reason;  // "default", "rule 2", "admin alice", "wiped", "limit"

  // Remote wipe.
  wipe_kind wipe = wipe_kind::none;
  wipe_state wipe_status = wipe_state::none;
  std::string wipe_requested_by;
  std::int64_t wipe_requested_at = 0, wipe_delivered_at = 0, wipe_acknowledged_at = 0;

  friend bool operator==(const device&, const device&) = default;
};

// What the server knows of a request, recorded by touch().
struct request_facts {
  std::string device_type;
  std::string user_agent;
  std::string protocol_version;
  std::int64_t now = 0;
};

struct device_filter {
  std::string user;                     // "" any; exact match
  std::optional<access_state> access;
  std::optional<wipe_state> wipe;
  std::optional<std::int64_t> seen_before, seen_after;  // last_seen < / ≥
};

// The newest Sync of one collection by one device, for the admin's "last sync per folder".
struct folder_sync_time {
  std::string collection_id;
  std::int64_t at = 0;
  friend bool operator==(const folder_sync_time&, const folder_sync_time&) = default;
};

// A policy an admin created or changed through the API (it overrides a configured one of that name).
struct stored_policy {
  std::string name;
  std::string json;  // policy_to_json()
  std::int64_t updated = 0;
};

// A per-user assignment an admin made ("" policy: none).
struct user_assignment {
  std::string user;
  std::string policy;
};

class device_registry {
public:
  virtual ~device_registry() = default;

  // --- devices
  // The device, created on first sight with `initial` access (and access_reason `reason`); on later calls
  // device_type, user_agent, protocol_version and last_seen are updated (last_seen at most once a minute
  // unless something else changed, so a Ping does not cost a disk write). A new device beyond
  // `max_devices` devices of the user (0: unlimited) is not created: state_error::limit.
  virtual result<device> touch(const device_key& key, const request_facts& facts, access_state initial,
                               std::string_view reason, unsigned max_devices) = 0;
  virtual result<device> find(const device_key& key) = 0;  // not_found
  virtual result<std::vector<device>> list(const device_filter& filter) = 0;  // ordered by user, device id
  virtual result<void> set_information(const device_key& key, const device_information& info) = 0;
  // Removes the device with all its sync and folder state (it resyncs from scratch). not_found.
  virtual result<void> remove(const device_key& key) = 0;
  // Forgets the device's sync state of one collection (collection_id non-empty) or of every collection and
  // the folder hierarchy (""), keeping the registry row: its next Sync / FolderSync starts over (Status 3 /
  // FolderSync 9). not_found for an unknown device.
  virtual result<void> reset_sync_state(const device_key& key, std::string_view collection_id) = 0;

  // --- provisioning
  // Step 1 of the exchange: records the temporary key (non-zero) and the policy it is for, and forgets the
  // previous final key — the fingerprint now names the new policy, so the old key must not pass the gate.
  virtual result<void> issue_pending_key(const device_key& key, std::uint32_t pending, std::string_view policy_name,
                                         std::string_view fingerprint) = 0;
  // The acknowledgement: pending becomes the final key (pending must equal the stored pending key, else
  // state_error::conflict), with the device's compliance.
  virtual result<void> confirm_key(const device_key& key, std::uint32_t pending, std::uint32_t final_key,
                                   compliance c, std::int64_t now) = 0;
  // Forgets both keys (the device must provision again: policy change of that device, admin "allow").
  virtual result<void> clear_keys(const device_key& key) = 0;
  virtual result<void> assign_policy(const device_key& key, std::string_view policy_name) = 0;

  // --- access
  virtual result<void> set_access(const device_key& key, access_state a, std::string_view reason) = 0;

  // --- remote wipe
  // Only from none/acknowledged/failed; a wipe already requested or delivered: conflict.
  virtual result<void> request_wipe(const device_key& key, wipe_kind kind, std::string_view by, std::int64_t now) = 0;
  // Only while requested (not yet delivered): else conflict.
  virtual result<void> cancel_wipe(const device_key& key) = 0;
  // From requested (sets wipe_delivered_at) or delivered again (a device that lost the response asks
  // once more; the first delivery time stays): else conflict.
  virtual result<void> mark_wipe_delivered(const device_key& key, std::int64_t now) = 0;
  // Only while delivered: acknowledged (success) or failed, with the time; else conflict.
  virtual result<void> acknowledge_wipe(const device_key& key, bool success, std::int64_t now) = 0;
  // Admin "allow" after a wipe: wipe state back to none (from none/acknowledged/failed; else conflict).
  virtual result<void> clear_wipe(const device_key& key) = 0;

  // --- last sync per folder
  virtual result<void> note_folder_sync(const device_key& key, std::string_view collection_id, std::int64_t now) = 0;
  virtual result<std::vector<folder_sync_time>> folder_syncs(const device_key& key) = 0;

  // --- admin-made policies and per-user assignments
  virtual result<std::vector<stored_policy>> stored_policies() = 0;
  virtual result<void> put_policy(const stored_policy& p) = 0;
  virtual result<void> delete_policy(std::string_view name) = 0;  // not_found
  virtual result<std::vector<user_assignment>> user_assignments() = 0;
  virtual result<void> assign_user(std::string_view user, std::string_view policy_name) = 0;  // "" removes
  // Bumped by every put_policy / delete_policy / assign_* so every node notices a change cheaply.
  virtual result<std::int64_t> policy_generation() = 0;
};

}  // namespace easd::provisioning
