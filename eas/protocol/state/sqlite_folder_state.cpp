// FolderSync key chains per device ([MS-ASCMD] 3.1.5.3): the same two-newest-keys rule as Sync, with the
// folder list as the client was told it under each key, so a repeated FolderSync key yields the same
// changes again.
#include "eas/protocol/state/error.hpp"
#include "eas/protocol/state/sqlite_state_store.hpp"

namespace easd::state {
namespace {

const auto invalid = make_error_code(state_error::invalid_argument);
const auto unknown = make_error_code(state_error::unknown_key);

bool valid_folders(const std::vector<folder>& folders) noexcept {
  for (const auto& f : folders) {
    if (!detail::valid_text(f.server_id, max_id_size) || !detail::valid_text(f.parent_id, max_id_size) ||
        !detail::valid_text(f.display_name, max_name_size)) {
      return false;
    }
  }
  return true;
}

struct chain {
  std::string uuid;
  std::int64_t latest = 0;
};

result<chain> read_chain(detail::database& db, std::int64_t device) {
  auto st = db.prepare("SELECT key_uuid, key_counter FROM folder_hierarchy WHERE device = ?1");
  if (!st) return st.error();
  (*st)->bind(1, device);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return make_error_code(state_error::not_found);
  return chain{(*st)->column_text(0), (*st)->column_int(1)};
}

bool key_in_chain(const chain& c, const sync_key& key) noexcept {
  return key.uuid == c.uuid && (key.counter == c.latest || std::int64_t{key.counter} + 1 == c.latest);
}

result<void> write_snapshot(detail::database& db, std::int64_t device, std::int64_t counter,
                            const std::vector<folder>& folders) {
  {
    auto st = db.prepare("INSERT INTO folder_snapshot (device, counter) VALUES (?1, ?2)");
    if (!st) return st.error();
    (*st)->bind(1, device).bind(2, counter);
    if (auto r = (*st)->run(); !r) return r;
  }
  std::int64_t seq = 0;
  for (const auto& f : folders) {
    auto st = db.prepare(
        "INSERT INTO folder_entry (device, counter, seq, server_id, parent_id, display_name, type) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!st) return st.error();
    (*st)->bind(1, device).bind(2, counter).bind(3, seq++).bind(4, f.server_id).bind(5, f.parent_id);
    (*st)->bind(6, f.display_name).bind(7, std::int64_t{f.type});
    if (auto r = (*st)->run(); !r) return r;
  }
  return {};
}

}  // namespace

result<std::vector<folder>> sqlite_state_store::read_folder_snapshot(std::int64_t device, std::int64_t counter) {
  {
    auto st = db_->prepare("SELECT 1 FROM folder_snapshot WHERE device = ?1 AND counter = ?2");
    if (!st) return st.error();
    (*st)->bind(1, device).bind(2, counter);
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) return unknown;
  }
  auto st = db_->prepare(
      "SELECT server_id, parent_id, display_name, type FROM folder_entry WHERE device = ?1 AND counter = ?2 "
      "ORDER BY seq");
  if (!st) return st.error();
  (*st)->bind(1, device).bind(2, counter);
  std::vector<folder> out;
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) return out;
    const auto type = (*st)->column_int(3);
    if (type < 0 || type > 0xffff) return make_error_code(state_error::corrupt);
    out.push_back({(*st)->column_text(0), (*st)->column_text(1), (*st)->column_text(2),
                   static_cast<std::uint16_t>(type)});
  }
}

result<std::vector<folder>> sqlite_state_store::load_folder_state(const device_ref& dev, const sync_key& key) {
  if (!detail::valid_ref(dev)) return invalid;
  if (key.initial()) return std::vector<folder>{};
  std::lock_guard lock(mutex_);
  auto snapshot = detail::read_transaction::begin(*db_);
  if (!snapshot) return snapshot.error();
  auto device = device_row(dev);
  if (!device) return device.error() == state_error::not_found ? unknown : device.error();
  auto c = read_chain(*db_, *device);
  if (!c) return c.error() == state_error::not_found ? unknown : c.error();
  if (!key_in_chain(*c, key)) return unknown;
  return read_folder_snapshot(*device, key.counter);
}

result<sync_key> sqlite_state_store::commit_folder_state(const device_ref& dev, const sync_key& presented,
                                                         const std::vector<folder>& folders) {
  if (!detail::valid_ref(dev) || !valid_folders(folders)) return invalid;
  if (presented.counter >= max_key_counter) return unknown;
  std::lock_guard lock(mutex_);
  auto tx = detail::transaction::begin(*db_);
  if (!tx) return tx.error();
  auto device = ensure_device_row(dev);
  if (!device) return device.error();

  sync_key issued;
  if (presented.initial()) {
    // Key 0 restarts the hierarchy chain; folder ServerIds (folder_id) are per user and stay.
    issued = sync_key{new_key_uuid(), 1};
    {
      auto st = db_->prepare("DELETE FROM folder_hierarchy WHERE device = ?1");
      if (!st) return st.error();
      (*st)->bind(1, *device);
      if (auto r = (*st)->run(); !r) return r.error();
    }
    auto st = db_->prepare("INSERT INTO folder_hierarchy (device, key_uuid, key_counter) VALUES (?1, ?2, 1)");
    if (!st) return st.error();
    (*st)->bind(1, *device).bind(2, issued.uuid);
    if (auto r = (*st)->run(); !r) return r.error();
  } else {
    auto c = read_chain(*db_, *device);
    if (!c) return c.error() == state_error::not_found ? unknown : c.error();
    if (!key_in_chain(*c, presented)) return unknown;
    issued = sync_key{presented.uuid, presented.counter + 1};
    {
      auto st = db_->prepare("DELETE FROM folder_snapshot WHERE device = ?1 AND counter <> ?2");
      if (!st) return st.error();
      (*st)->bind(1, *device).bind(2, std::int64_t{presented.counter});
      if (auto r = (*st)->run(); !r) return r.error();
    }
    auto st = db_->prepare("UPDATE folder_hierarchy SET key_counter = ?2 WHERE device = ?1");
    if (!st) return st.error();
    (*st)->bind(1, *device).bind(2, std::int64_t{issued.counter});
    if (auto r = (*st)->run(); !r) return r.error();
  }
  if (auto r = write_snapshot(*db_, *device, issued.counter, folders); !r) return r.error();
  if (auto r = tx->commit(); !r) return r.error();
  return issued;
}

result<sync_key> sqlite_state_store::latest_folder_key(const device_ref& dev) {
  if (!detail::valid_ref(dev)) return invalid;
  std::lock_guard lock(mutex_);
  auto device = device_row(dev);
  if (!device) return device.error() == state_error::not_found ? unknown : device.error();
  auto c = read_chain(*db_, *device);
  if (!c) return c.error() == state_error::not_found ? unknown : c.error();
  if (!is_canonical_uuid(c->uuid) || c->latest < 1 || c->latest > max_key_counter) {
    return make_error_code(state_error::corrupt);
  }
  return sync_key{c->uuid, static_cast<std::uint32_t>(c->latest)};
}

}  // namespace easd::state
