#include "eas/protocol/state/schema.hpp"

#include "eas/protocol/state/error.hpp"

#include <array>
#include <string>

namespace easd::state::detail {
namespace {

// STRICT tables (SQLite ≥ 3.37) reject values of the wrong type instead of converting them.
// Children refer to parents with ON DELETE CASCADE: removing a device or a collection, or pruning old
// keys, is one DELETE of the parent row.
constexpr const char* migration_1 = R"sql(
CREATE TABLE device (
  id          INTEGER PRIMARY KEY,
  user        TEXT NOT NULL,
  device_id   TEXT NOT NULL,
  device_type TEXT NOT NULL,
  created     INTEGER NOT NULL,
  last_seen   INTEGER NOT NULL,
  UNIQUE (user, device_id)
) STRICT;

CREATE TABLE collection (
  id            INTEGER PRIMARY KEY,
  device        INTEGER NOT NULL REFERENCES device(id) ON DELETE CASCADE,
  collection_id TEXT NOT NULL,
  key_uuid      TEXT NOT NULL,
  key_counter   INTEGER NOT NULL,
  options       BLOB NOT NULL,
  UNIQUE (device, collection_id)
) STRICT;

CREATE TABLE sync_state (
  collection INTEGER NOT NULL REFERENCES collection(id) ON DELETE CASCADE,
  counter    INTEGER NOT NULL,
  cursor     BLOB NOT NULL,
  PRIMARY KEY (collection, counter)
) STRICT, WITHOUT ROWID;

CREATE TABLE pending_item (
  collection INTEGER NOT NULL,
  counter    INTEGER NOT NULL,
  seq        INTEGER NOT NULL,
  server_id  TEXT NOT NULL,
  kind       INTEGER NOT NULL,
  PRIMARY KEY (collection, counter, seq),
  FOREIGN KEY (collection, counter) REFERENCES sync_state(collection, counter) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE client_add (
  collection INTEGER NOT NULL,
  counter    INTEGER NOT NULL,
  client_id  TEXT NOT NULL,
  server_id  TEXT NOT NULL,
  PRIMARY KEY (collection, counter, client_id),
  FOREIGN KEY (collection, counter) REFERENCES sync_state(collection, counter) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE folder_hierarchy (
  device      INTEGER PRIMARY KEY REFERENCES device(id) ON DELETE CASCADE,
  key_uuid    TEXT NOT NULL,
  key_counter INTEGER NOT NULL
) STRICT;

CREATE TABLE folder_snapshot (
  device  INTEGER NOT NULL REFERENCES folder_hierarchy(device) ON DELETE CASCADE,
  counter INTEGER NOT NULL,
  PRIMARY KEY (device, counter)
) STRICT, WITHOUT ROWID;

CREATE TABLE folder_entry (
  device       INTEGER NOT NULL,
  counter      INTEGER NOT NULL,
  seq          INTEGER NOT NULL,
  server_id    TEXT NOT NULL,
  parent_id    TEXT NOT NULL,
  display_name TEXT NOT NULL,
  type         INTEGER NOT NULL,
  PRIMARY KEY (device, counter, seq),
  FOREIGN KEY (device, counter) REFERENCES folder_snapshot(device, counter) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE folder_id_counter (
  user    TEXT PRIMARY KEY,
  last_id INTEGER NOT NULL
) STRICT;

CREATE TABLE folder_id (
  user             TEXT NOT NULL,
  backend_identity TEXT NOT NULL,
  server_id        TEXT NOT NULL,
  PRIMARY KEY (user, backend_identity),
  UNIQUE (user, server_id)
) STRICT;
)sql";

// The device registry (provisioning/device_registry.hpp): every field of provisioning::device on the
// device row (first_seen is migration 1's `created`), the newest Sync per collection, and the policies and
// per-user assignments admins made through the API. Enums are stored as their numeric values.
constexpr const char* migration_2 = R"sql(
ALTER TABLE device ADD COLUMN model TEXT NOT NULL DEFAULT '';
ALTER TABLE device ADD COLUMN imei TEXT NOT NULL DEFAULT '';
ALTER TABLE device ADD COLUMN friendly_name TEXT NOT NULL DEFAULT '';
ALTER TABLE device ADD COLUMN os TEXT NOT NULL DEFAULT '';
ALTER TABLE device ADD COLUMN os_language TEXT NOT NULL DEFAULT '';
ALTER TABLE device ADD COLUMN phone_number TEXT NOT NULL DEFAULT '';
ALTER TABLE device ADD COLUMN info_user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE device ADD COLUMN mobile_operator TEXT NOT NULL DEFAULT '';
ALTER TABLE device ADD COLUMN enable_outbound_sms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE device ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE device ADD COLUMN protocol_version TEXT NOT NULL DEFAULT '';
ALTER TABLE device ADD COLUMN policy_key INTEGER NOT NULL DEFAULT 0;
ALTER TABLE device ADD COLUMN pending_key INTEGER NOT NULL DEFAULT 0;
ALTER TABLE device ADD COLUMN policy_name TEXT NOT NULL DEFAULT '';
ALTER TABLE device ADD COLUMN policy_fingerprint TEXT NOT NULL DEFAULT '';
ALTER TABLE device ADD COLUMN provisioned_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE device ADD COLUMN compliance INTEGER NOT NULL DEFAULT 0;
ALTER TABLE device ADD COLUMN assigned_policy TEXT NOT NULL DEFAULT '';
ALTER TABLE device ADD COLUMN access INTEGER NOT NULL DEFAULT 0;
ALTER TABLE device ADD COLUMN access_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE device ADD COLUMN wipe INTEGER NOT NULL DEFAULT 0;
ALTER TABLE device ADD COLUMN wipe_status INTEGER NOT NULL DEFAULT 0;
ALTER TABLE device ADD COLUMN wipe_requested_by TEXT NOT NULL DEFAULT '';
ALTER TABLE device ADD COLUMN wipe_requested_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE device ADD COLUMN wipe_delivered_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE device ADD COLUMN wipe_acknowledged_at INTEGER NOT NULL DEFAULT 0;

CREATE TABLE device_folder_sync (
  device        INTEGER NOT NULL REFERENCES device(id) ON DELETE CASCADE,
  collection_id TEXT NOT NULL,
  at            INTEGER NOT NULL,
  PRIMARY KEY (device, collection_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE policy (
  name    TEXT PRIMARY KEY,
  json    TEXT NOT NULL,
  updated INTEGER NOT NULL
) STRICT;

CREATE TABLE user_policy (
  user   TEXT PRIMARY KEY,
  policy TEXT NOT NULL
) STRICT;

-- One row: every node compares it to the generation of the policy book it built.
CREATE TABLE policy_generation (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL
) STRICT;
INSERT INTO policy_generation (id, value) VALUES (1, 0);
)sql";

// The send ledger (send_ledger.hpp): one row per message a device sent or is sending, keyed by the
// device's ClientId (or the 12.1 request's digest). Not tied to the device row: removing a device must not
// make its retried messages sendable again. The index serves the per-user rate and the pruning.
constexpr const char* migration_3 = R"sql(
CREATE TABLE sent_message (
  user       TEXT NOT NULL,
  device_id  TEXT NOT NULL,
  send_key   TEXT NOT NULL,
  state      INTEGER NOT NULL,
  recipients INTEGER NOT NULL,
  claimed    INTEGER NOT NULL,
  finished   INTEGER NOT NULL,
  PRIMARY KEY (user, device_id, send_key)
) STRICT, WITHOUT ROWID;
CREATE INDEX sent_message_by_time ON sent_message (user, claimed);
)sql";

constexpr std::array<const char*, 3> migrations = {migration_1, migration_2, migration_3};

result<int> user_version(database& db) {
  auto st = db.prepare("PRAGMA user_version");
  if (!st) return st.error();
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return make_error_code(state_error::corrupt);
  return static_cast<int>((*st)->column_int(0));
}

}  // namespace

int schema_version() noexcept { return static_cast<int>(migrations.size()); }

result<void> migrate(database& db) {
  while (true) {
    auto tx = transaction::begin(db);
    if (!tx) return tx.error();
    // Read inside the write transaction: two processes opening a new file at once migrate it once.
    auto version = user_version(db);
    if (!version) return version.error();
    if (*version > schema_version()) return make_error_code(state_error::schema_too_new);
    if (*version == schema_version()) return tx->commit();
    if (*version < 0) return make_error_code(state_error::corrupt);
    if (auto r = db.exec(migrations[static_cast<std::size_t>(*version)]); !r) return r.error();
    // PRAGMA takes no bound parameters; the value is our own integer.
    const std::string bump = "PRAGMA user_version = " + std::to_string(*version + 1);
    if (auto r = db.exec(bump.c_str()); !r) return r.error();
    if (auto r = tx->commit(); !r) return r.error();
  }
}

}  // namespace easd::state::detail
