// provisioning::device_registry on the state store's file: the newest Sync per collection of each device,
// and the policies and per-user assignments admins made through the API. Every change of those bumps the
// one-row policy_generation in the same transaction, which every node (and `easd` processes on the same
// file) compares with the generation of the policy book it built.
#include "eas/protocol/state/error.hpp"
#include "eas/protocol/state/sqlite_state_store.hpp"

namespace easd::state {

namespace prov = provisioning;

namespace {

const auto invalid = make_error_code(state_error::invalid_argument);
const auto corrupt = make_error_code(state_error::corrupt);

// A policy_to_json() document is a few KiB; the cap only bounds what a bad caller can store.
constexpr std::size_t max_policy_json_size = 1u << 20;

}  // namespace

using detail::bump_generation;
using detail::device_id_of;
using detail::one_changed;
using detail::valid_key;

#define EASD_CHECK_KEY(key) \
  if (!valid_key(key)) return invalid

// --- last sync per folder

result<void> sqlite_state_store::note_folder_sync(const device_key& key, std::string_view collection_id,
                                                  std::int64_t now) {
  EASD_CHECK_KEY(key);
  if (collection_id.empty() || !detail::valid_text(collection_id, max_id_size)) return invalid;
  std::lock_guard lock(mutex_);
  // "WHERE true": SQLite's upsert after INSERT … SELECT needs a WHERE to parse ON CONFLICT unambiguously.
  auto st = db_->prepare(
      "INSERT INTO device_folder_sync (device, collection_id, at) "
      "SELECT id, ?3, ?4 FROM device WHERE user = ?1 AND device_id = ?2 AND true "
      "ON CONFLICT (device, collection_id) DO UPDATE SET at = excluded.at");
  if (!st) return st.error();
  (*st)->bind(1, key.user).bind(2, key.device_id).bind(3, collection_id).bind(4, now);
  if (auto r = (*st)->run(); !r) return r;
  return one_changed(*db_);
}

result<std::vector<prov::folder_sync_time>> sqlite_state_store::folder_syncs(const device_key& key) {
  EASD_CHECK_KEY(key);
  std::lock_guard lock(mutex_);
  auto snapshot = detail::read_transaction::begin(*db_);
  if (!snapshot) return snapshot.error();
  auto id = device_id_of(*db_, key);
  if (!id) return id.error();
  auto st = db_->prepare("SELECT collection_id, at FROM device_folder_sync WHERE device = ?1 ORDER BY collection_id");
  if (!st) return st.error();
  (*st)->bind(1, *id);
  std::vector<prov::folder_sync_time> out;
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back({(*st)->column_text(0), (*st)->column_int(1)});
  }
}

// --- admin-made policies and per-user assignments

result<std::vector<prov::stored_policy>> sqlite_state_store::stored_policies() {
  std::lock_guard lock(mutex_);
  auto st = db_->prepare("SELECT name, json, updated FROM policy ORDER BY name");
  if (!st) return st.error();
  std::vector<prov::stored_policy> out;
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back({(*st)->column_text(0), (*st)->column_text(1), (*st)->column_int(2)});
  }
}

result<void> sqlite_state_store::put_policy(const prov::stored_policy& p) {
  if (p.name.empty() || !detail::valid_text(p.name, max_id_size) || !detail::valid_text(p.json, max_policy_json_size)) {
    return invalid;
  }
  std::lock_guard lock(mutex_);
  auto tx = detail::transaction::begin(*db_);
  if (!tx) return tx.error();
  {
    auto st = db_->prepare(
        "INSERT INTO policy (name, json, updated) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (name) DO UPDATE SET json = excluded.json, updated = excluded.updated");
    if (!st) return st.error();
    (*st)->bind(1, p.name).bind(2, p.json).bind(3, p.updated);
    if (auto r = (*st)->run(); !r) return r;
  }
  if (auto r = bump_generation(*db_); !r) return r;
  return tx->commit();
}

result<void> sqlite_state_store::delete_policy(std::string_view name) {
  if (!detail::valid_text(name, max_id_size)) return invalid;
  std::lock_guard lock(mutex_);
  auto tx = detail::transaction::begin(*db_);
  if (!tx) return tx.error();
  {
    auto st = db_->prepare("DELETE FROM policy WHERE name = ?1");
    if (!st) return st.error();
    (*st)->bind(1, name);
    if (auto r = (*st)->run(); !r) return r;
    if (auto r = one_changed(*db_); !r) return r;
  }
  if (auto r = bump_generation(*db_); !r) return r;
  return tx->commit();
}

result<std::vector<prov::user_assignment>> sqlite_state_store::user_assignments() {
  std::lock_guard lock(mutex_);
  auto st = db_->prepare("SELECT user, policy FROM user_policy ORDER BY user");
  if (!st) return st.error();
  std::vector<prov::user_assignment> out;
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back({(*st)->column_text(0), (*st)->column_text(1)});
  }
}

result<void> sqlite_state_store::assign_user(std::string_view user, std::string_view policy_name) {
  if (!detail::valid_text(user, max_id_size) || !detail::valid_text(policy_name, max_id_size)) return invalid;
  std::lock_guard lock(mutex_);
  auto tx = detail::transaction::begin(*db_);
  if (!tx) return tx.error();
  if (policy_name.empty()) {
    auto st = db_->prepare("DELETE FROM user_policy WHERE user = ?1");
    if (!st) return st.error();
    (*st)->bind(1, user);
    if (auto r = (*st)->run(); !r) return r;
  } else {
    auto st = db_->prepare(
        "INSERT INTO user_policy (user, policy) VALUES (?1, ?2) "
        "ON CONFLICT (user) DO UPDATE SET policy = excluded.policy");
    if (!st) return st.error();
    (*st)->bind(1, user).bind(2, policy_name);
    if (auto r = (*st)->run(); !r) return r;
  }
  if (auto r = bump_generation(*db_); !r) return r;
  return tx->commit();
}

result<std::int64_t> sqlite_state_store::policy_generation() {
  std::lock_guard lock(mutex_);
  auto st = db_->prepare("SELECT value FROM policy_generation WHERE id = 1");
  if (!st) return st.error();
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return corrupt;
  return (*st)->column_int(0);
}

#undef EASD_CHECK_KEY

}  // namespace easd::state
