// Sync key chains per collection ([MS-ASCMD] 3.1.5.4, 3.1.5.9; ARCHITECTURE.md §3 "Sync state").
// A collection row holds the chain's uuid and the newest counter L; sync_state rows exist for L and
// L-1 only. A presented key is valid when its uuid is the chain's and its counter is L or L-1.
#include "eas/protocol/state/error.hpp"
#include "eas/protocol/state/sqlite_state_store.hpp"

namespace easd::state {
namespace {

const auto invalid = make_error_code(state_error::invalid_argument);
const auto unknown = make_error_code(state_error::unknown_key);

bool valid_state(const sync_state& s) noexcept {
  if (s.cursor.size() > max_blob_size) return false;
  for (const auto& p : s.pending) {
    if (!detail::valid_text(p.server_id, max_id_size)) return false;
  }
  for (const auto& a : s.client_adds) {
    if (!detail::valid_text(a.client_id, max_id_size) || !detail::valid_text(a.server_id, max_id_size)) return false;
  }
  return true;
}

// result<bool> does not convert from an error_code implicitly (bool is constructible from it).
result<bool> failed(const error_code& ec) { return result<bool>(boost::system::in_place_error, ec); }

struct chain {
  std::int64_t row = 0;
  std::string uuid;
  std::int64_t latest = 0;
  std::string options;
};

// not_found when the collection has no chain.
result<chain> read_chain(detail::database& db, std::int64_t device, std::string_view collection_id) {
  auto st = db.prepare("SELECT id, key_uuid, key_counter, options FROM collection WHERE device = ?1 AND collection_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, device).bind(2, collection_id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return make_error_code(state_error::not_found);
  return chain{(*st)->column_int(0), (*st)->column_text(1), (*st)->column_int(2), (*st)->column_text(3)};
}

bool key_in_chain(const chain& c, const sync_key& key) noexcept {
  return key.uuid == c.uuid && (key.counter == c.latest || std::int64_t{key.counter} + 1 == c.latest);
}

result<void> delete_collection(detail::database& db, std::int64_t device, std::string_view collection_id) {
  auto st = db.prepare("DELETE FROM collection WHERE device = ?1 AND collection_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, device).bind(2, collection_id);
  return (*st)->run();
}

result<void> write_state(detail::database& db, std::int64_t collection, std::int64_t counter, const sync_state& s) {
  {
    auto st = db.prepare("INSERT INTO sync_state (collection, counter, cursor) VALUES (?1, ?2, ?3)");
    if (!st) return st.error();
    (*st)->bind(1, collection).bind(2, counter).bind_blob(3, s.cursor);
    if (auto r = (*st)->run(); !r) return r;
  }
  std::int64_t seq = 0;
  for (const auto& p : s.pending) {
    auto st = db.prepare(
        "INSERT INTO pending_item (collection, counter, seq, server_id, kind) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st) return st.error();
    (*st)->bind(1, collection).bind(2, counter).bind(3, seq++).bind(4, p.server_id).bind(5, std::int64_t{static_cast<std::uint8_t>(p.kind)});
    if (auto r = (*st)->run(); !r) return r;
  }
  for (const auto& a : s.client_adds) {
    // A client that repeats a ClientId within one request gets the first mapping (OR IGNORE).
    auto st = db.prepare(
        "INSERT OR IGNORE INTO client_add (collection, counter, client_id, server_id) VALUES (?1, ?2, ?3, ?4)");
    if (!st) return st.error();
    (*st)->bind(1, collection).bind(2, counter).bind(3, a.client_id).bind(4, a.server_id);
    if (auto r = (*st)->run(); !r) return r;
  }
  return {};
}

}  // namespace

result<sync_state> sqlite_state_store::read_sync_state(std::int64_t collection, std::int64_t counter) {
  sync_state out;
  {
    auto st = db_->prepare("SELECT cursor FROM sync_state WHERE collection = ?1 AND counter = ?2");
    if (!st) return st.error();
    (*st)->bind(1, collection).bind(2, counter);
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) return unknown;  // the chain names a counter whose state is gone: treat as unknown
    out.cursor = (*st)->column_text(0);
  }
  {
    auto st = db_->prepare("SELECT server_id, kind FROM pending_item WHERE collection = ?1 AND counter = ?2 ORDER BY seq");
    if (!st) return st.error();
    (*st)->bind(1, collection).bind(2, counter);
    while (true) {
      auto row = (*st)->step();
      if (!row) return row.error();
      if (!*row) break;
      const auto kind = (*st)->column_int(1);
      if (kind < 1 || kind > 4) return make_error_code(state_error::corrupt);
      out.pending.push_back({(*st)->column_text(0), static_cast<change_kind>(kind)});
    }
  }
  {
    auto st = db_->prepare("SELECT client_id, server_id FROM client_add WHERE collection = ?1 AND counter = ?2 ORDER BY client_id");
    if (!st) return st.error();
    (*st)->bind(1, collection).bind(2, counter);
    while (true) {
      auto row = (*st)->step();
      if (!row) return row.error();
      if (!*row) break;
      out.client_adds.push_back({(*st)->column_text(0), (*st)->column_text(1)});
    }
  }
  return out;
}

result<loaded_sync_state> sqlite_state_store::load_sync_state(const device_ref& dev, std::string_view collection_id,
                                                              const sync_key& key) {
  if (!detail::valid_ref(dev) || !detail::valid_text(collection_id, max_id_size)) return invalid;
  if (key.initial()) return loaded_sync_state{};
  std::lock_guard lock(mutex_);
  auto snapshot = detail::read_transaction::begin(*db_);
  if (!snapshot) return snapshot.error();
  auto device = device_row(dev);
  if (!device) return device.error() == state_error::not_found ? unknown : device.error();
  auto c = read_chain(*db_, *device, collection_id);
  if (!c) return c.error() == state_error::not_found ? unknown : c.error();
  if (!key_in_chain(*c, key)) return unknown;
  loaded_sync_state out;
  auto state = read_sync_state(c->row, key.counter);
  if (!state) return state.error();
  out.state = std::move(*state);
  if (key.counter != c->latest) {
    auto issued = read_sync_state(c->row, c->latest);
    if (!issued) return issued.error();
    out.issued = std::move(*issued);
  }
  out.options = std::move(c->options);
  return out;
}

result<sync_key> sqlite_state_store::commit_sync_state(const device_ref& dev, std::string_view collection_id,
                                                       const sync_key& presented, const sync_state& next,
                                                       const std::optional<std::string>& options) {
  if (!detail::valid_ref(dev) || !detail::valid_text(collection_id, max_id_size) || !valid_state(next) ||
      (options && options->size() > max_blob_size)) {
    return invalid;
  }
  // At the top of the counter range the chain cannot continue: the client starts again at 0.
  if (presented.counter >= max_key_counter) return unknown;
  std::lock_guard lock(mutex_);
  auto tx = detail::transaction::begin(*db_);
  if (!tx) return tx.error();
  auto device = ensure_device_row(dev);
  if (!device) return device.error();

  sync_key issued;
  std::int64_t row = 0;
  if (presented.initial()) {
    // SyncKey 0 discards the collection's previous state ([MS-ASCMD] 3.1.5.4): a new chain.
    if (auto r = delete_collection(*db_, *device, collection_id); !r) return r.error();
    issued = sync_key{new_key_uuid(), 1};
    auto st = db_->prepare(
        "INSERT INTO collection (device, collection_id, key_uuid, key_counter, options) "
        "VALUES (?1, ?2, ?3, 1, ?4) RETURNING id");
    if (!st) return st.error();
    (*st)->bind(1, *device).bind(2, collection_id).bind(3, issued.uuid).bind_blob(4, options ? *options : std::string());
    auto r = (*st)->step();
    if (!r) return r.error();
    if (!*r) return make_error_code(state_error::corrupt);
    row = (*st)->column_int(0);
    if (auto done = (*st)->run(); !done) return done.error();
  } else {
    auto c = read_chain(*db_, *device, collection_id);
    if (!c) return c.error() == state_error::not_found ? unknown : c.error();
    if (!key_in_chain(*c, presented)) return unknown;
    row = c->row;
    issued = sync_key{presented.uuid, presented.counter + 1};
    {
      // Keep the presented state; drop older ones and a previously issued N+1 (a replay replaces it).
      auto st = db_->prepare("DELETE FROM sync_state WHERE collection = ?1 AND counter <> ?2");
      if (!st) return st.error();
      (*st)->bind(1, row).bind(2, std::int64_t{presented.counter});
      if (auto r = (*st)->run(); !r) return r.error();
    }
    auto st = db_->prepare("UPDATE collection SET key_counter = ?2, options = coalesce(?3, options) WHERE id = ?1");
    if (!st) return st.error();
    (*st)->bind(1, row).bind(2, std::int64_t{issued.counter});
    if (options) (*st)->bind_blob(3, *options);  // unbound parameters are NULL: coalesce keeps the old blob
    if (auto r = (*st)->run(); !r) return r.error();
  }
  if (auto r = write_state(*db_, row, issued.counter, next); !r) return r.error();
  if (auto r = tx->commit(); !r) return r.error();
  return issued;
}

result<sync_key> sqlite_state_store::latest_sync_key(const device_ref& dev, std::string_view collection_id) {
  if (!detail::valid_ref(dev) || !detail::valid_text(collection_id, max_id_size)) return invalid;
  std::lock_guard lock(mutex_);
  auto device = device_row(dev);
  if (!device) return device.error() == state_error::not_found ? unknown : device.error();
  auto c = read_chain(*db_, *device, collection_id);
  if (!c) return c.error() == state_error::not_found ? unknown : c.error();
  if (!is_canonical_uuid(c->uuid) || c->latest < 1 || c->latest > max_key_counter) {
    return make_error_code(state_error::corrupt);
  }
  return sync_key{c->uuid, static_cast<std::uint32_t>(c->latest)};
}

result<bool> sqlite_state_store::amend_latest_sync_state(const device_ref& dev, std::string_view collection_id,
                                                         const std::function<bool(sync_state&)>& edit) {
  if (!detail::valid_ref(dev) || !detail::valid_text(collection_id, max_id_size)) return failed(invalid);
  std::lock_guard lock(mutex_);
  auto tx = detail::transaction::begin(*db_);
  if (!tx) return failed(tx.error());
  auto device = device_row(dev);
  if (!device) {
    if (device.error() == state_error::not_found) return false;
    return failed(device.error());
  }
  auto c = read_chain(*db_, *device, collection_id);
  if (!c) {
    if (c.error() == state_error::not_found) return false;
    return failed(c.error());
  }
  auto state = read_sync_state(c->row, c->latest);
  if (!state) {
    if (state.error() == state_error::unknown_key) return false;
    return failed(state.error());
  }
  if (!edit(*state)) return false;
  if (!valid_state(*state)) return failed(invalid);
  // Rewritten as a whole (same rows write_state makes), in the same transaction.
  for (const char* sql : {"DELETE FROM pending_item WHERE collection = ?1 AND counter = ?2",
                          "DELETE FROM client_add WHERE collection = ?1 AND counter = ?2",
                          "DELETE FROM sync_state WHERE collection = ?1 AND counter = ?2"}) {
    auto st = db_->prepare(sql);
    if (!st) return failed(st.error());
    (*st)->bind(1, c->row).bind(2, c->latest);
    if (auto r = (*st)->run(); !r) return failed(r.error());
  }
  if (auto r = write_state(*db_, c->row, c->latest, *state); !r) return failed(r.error());
  if (auto r = tx->commit(); !r) return failed(r.error());
  return true;
}

result<void> sqlite_state_store::reset_collection(const device_ref& dev, std::string_view collection_id) {
  if (!detail::valid_ref(dev) || !detail::valid_text(collection_id, max_id_size)) return invalid;
  std::lock_guard lock(mutex_);
  auto device = device_row(dev);
  if (!device) return device.error() == state_error::not_found ? result<void>{} : result<void>{device.error()};
  return delete_collection(*db_, *device, collection_id);
}

}  // namespace easd::state
