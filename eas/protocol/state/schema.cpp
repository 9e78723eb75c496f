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

constexpr std::array<const char*, 1> migrations = {migration_1};

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
