// Opening, devices and the per-user folder id allocator. Sync and FolderSync chains live in
// sqlite_sync_state.cpp and sqlite_folder_state.cpp.
#include "eas/protocol/state/sqlite_state_store.hpp"

#include "eas/protocol/state/error.hpp"
#include "eas/protocol/state/schema.hpp"

#include <chrono>

namespace easd::state {

namespace detail {

bool valid_text(std::string_view s, std::size_t limit) noexcept {
  return s.size() <= limit && s.find('\0') == std::string_view::npos;
}

bool valid_ref(const device_ref& dev) noexcept {
  return valid_text(dev.user, max_id_size) && valid_text(dev.device_id, max_id_size);
}

}  // namespace detail

namespace {
const auto invalid = make_error_code(state_error::invalid_argument);
}

result<std::unique_ptr<sqlite_state_store>> sqlite_state_store::open(const std::string& path, sqlite_options opts) {
  auto db = detail::database::open(path, static_cast<int>(opts.busy_timeout.count()));
  if (!db) return db.error();
  if (auto r = detail::migrate(**db); !r) return r.error();
  return std::make_unique<sqlite_state_store>(private_tag{}, std::move(*db));
}

result<std::int64_t> sqlite_state_store::device_row(const device_ref& dev) {
  auto st = db_->prepare("SELECT id FROM device WHERE user = ?1 AND device_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, dev.user).bind(2, dev.device_id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return make_error_code(state_error::not_found);
  return (*st)->column_int(0);
}

result<std::int64_t> sqlite_state_store::ensure_device_row(const device_ref& dev) {
  {
    auto st = db_->prepare(
        "INSERT INTO device (user, device_id, device_type, created, last_seen) VALUES (?1, ?2, '', ?3, ?3) "
        "ON CONFLICT (user, device_id) DO NOTHING");
    if (!st) return st.error();
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    (*st)->bind(1, dev.user).bind(2, dev.device_id).bind(3, now);
    if (auto r = (*st)->run(); !r) return r.error();
  }
  return device_row(dev);
}

result<void> sqlite_state_store::touch_device(const device_ref& dev, std::string_view device_type,
                                              std::int64_t now) {
  if (!detail::valid_ref(dev) || !detail::valid_text(device_type, max_id_size)) return invalid;
  std::lock_guard lock(mutex_);
  auto st = db_->prepare(
      "INSERT INTO device (user, device_id, device_type, created, last_seen) VALUES (?1, ?2, ?3, ?4, ?4) "
      "ON CONFLICT (user, device_id) DO UPDATE SET device_type = excluded.device_type, "
      "last_seen = excluded.last_seen");
  if (!st) return st.error();
  (*st)->bind(1, dev.user).bind(2, dev.device_id).bind(3, device_type).bind(4, now);
  return (*st)->run();
}

result<device_record> sqlite_state_store::find_device(const device_ref& dev) {
  if (!detail::valid_ref(dev)) return invalid;
  std::lock_guard lock(mutex_);
  auto st = db_->prepare("SELECT device_type, created, last_seen FROM device WHERE user = ?1 AND device_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, dev.user).bind(2, dev.device_id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return make_error_code(state_error::not_found);
  return device_record{(*st)->column_text(0), (*st)->column_int(1), (*st)->column_int(2)};
}

result<void> sqlite_state_store::remove_device(const device_ref& dev) {
  if (!detail::valid_ref(dev)) return invalid;
  std::lock_guard lock(mutex_);
  auto st = db_->prepare("DELETE FROM device WHERE user = ?1 AND device_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, dev.user).bind(2, dev.device_id);
  if (auto r = (*st)->run(); !r) return r;
  if (db_->changes() == 0) return make_error_code(state_error::not_found);
  return {};
}

result<std::string> sqlite_state_store::folder_server_id(std::string_view user, std::string_view backend_identity) {
  if (!detail::valid_text(user, max_id_size) || !detail::valid_text(backend_identity, max_name_size)) {
    return invalid;
  }
  std::lock_guard lock(mutex_);
  auto tx = detail::transaction::begin(*db_);
  if (!tx) return tx.error();
  {
    auto st = db_->prepare("SELECT server_id FROM folder_id WHERE user = ?1 AND backend_identity = ?2");
    if (!st) return st.error();
    (*st)->bind(1, user).bind(2, backend_identity);
    auto row = (*st)->step();
    if (!row) return row.error();
    if (*row) return (*st)->column_text(0);  // read-only: the destructor's rollback is harmless
  }
  std::int64_t id = 0;
  {
    auto st = db_->prepare(
        "INSERT INTO folder_id_counter (user, last_id) VALUES (?1, 1) "
        "ON CONFLICT (user) DO UPDATE SET last_id = last_id + 1 RETURNING last_id");
    if (!st) return st.error();
    (*st)->bind(1, user);
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) return make_error_code(state_error::corrupt);
    id = (*st)->column_int(0);
    if (auto r = (*st)->run(); !r) return r.error();  // finish the statement before COMMIT
  }
  std::string server_id = std::to_string(id);
  {
    auto st = db_->prepare("INSERT INTO folder_id (user, backend_identity, server_id) VALUES (?1, ?2, ?3)");
    if (!st) return st.error();
    (*st)->bind(1, user).bind(2, backend_identity).bind(3, server_id);
    if (auto r = (*st)->run(); !r) return r.error();
  }
  if (auto r = tx->commit(); !r) return r.error();
  return server_id;
}

result<void> sqlite_state_store::rename_folder_identity(std::string_view user, std::string_view from,
                                                        std::string_view to) {
  if (!detail::valid_text(user, max_id_size) || !detail::valid_text(from, max_name_size) ||
      !detail::valid_text(to, max_name_size)) {
    return invalid;
  }
  std::lock_guard lock(mutex_);
  auto tx = detail::transaction::begin(*db_);
  if (!tx) return tx.error();
  {
    auto st = db_->prepare("SELECT 1 FROM folder_id WHERE user = ?1 AND backend_identity = ?2");
    if (!st) return st.error();
    (*st)->bind(1, user).bind(2, to);
    auto row = (*st)->step();
    if (!row) return row.error();
    if (*row) return make_error_code(from == to ? state_error::not_found : state_error::conflict);
  }
  auto st = db_->prepare("UPDATE folder_id SET backend_identity = ?3 WHERE user = ?1 AND backend_identity = ?2");
  if (!st) return st.error();
  (*st)->bind(1, user).bind(2, from).bind(3, to);
  if (auto r = (*st)->run(); !r) return r;
  if (db_->changes() == 0) return make_error_code(state_error::not_found);
  return tx->commit();
}

result<void> sqlite_state_store::forget_folder_identity(std::string_view user, std::string_view backend_identity) {
  if (!detail::valid_text(user, max_id_size) || !detail::valid_text(backend_identity, max_name_size)) {
    return invalid;
  }
  std::lock_guard lock(mutex_);
  auto st = db_->prepare("DELETE FROM folder_id WHERE user = ?1 AND backend_identity = ?2");
  if (!st) return st.error();
  (*st)->bind(1, user).bind(2, backend_identity);
  return (*st)->run();
}

result<std::vector<std::pair<std::string, std::string>>> sqlite_state_store::folder_ids(std::string_view user) {
  if (!detail::valid_text(user, max_id_size)) return invalid;
  std::lock_guard lock(mutex_);
  auto st = db_->prepare("SELECT backend_identity, server_id FROM folder_id WHERE user = ?1 ORDER BY backend_identity");
  if (!st) return st.error();
  (*st)->bind(1, user);
  std::vector<std::pair<std::string, std::string>> out;
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) return out;
    out.emplace_back((*st)->column_text(0), (*st)->column_text(1));
  }
}

}  // namespace easd::state
