// provisioning::device_registry on the state store's file, devices: the device rows of migration 1 with
// the columns of migration 2 (schema.cpp). Folder sync times and policies: sqlite_registry_policies.cpp.
//
// Every update names only its own columns, so a device's request and an admin's action racing each other
// both land. State transitions (keys, wipe) are one conditional UPDATE each — the condition is the
// transition's precondition — so two processes on the same file cannot both make the same transition;
// when nothing matched, a second look only tells not_found from conflict.
#include "eas/protocol/state/error.hpp"
#include "eas/protocol/state/sqlite_state_store.hpp"

#include <limits>

namespace easd::state {

namespace prov = provisioning;

namespace {

const auto invalid = make_error_code(state_error::invalid_argument);
const auto not_found = make_error_code(state_error::not_found);
const auto conflict = make_error_code(state_error::conflict);
const auto corrupt = make_error_code(state_error::corrupt);

// A Ping every few minutes must not cost a disk write each time (device_registry.hpp, touch()).
constexpr std::int64_t last_seen_granularity = 60;

bool valid_info(const prov::device_information& i) noexcept {
  for (const std::string* s : {&i.model, &i.imei, &i.friendly_name, &i.os, &i.os_language, &i.phone_number,
                               &i.user_agent, &i.mobile_operator}) {
    if (!detail::valid_text(*s, max_name_size)) return false;
  }
  return true;
}

// The columns of provisioning::device, in read_device's order.
#define EASD_DEVICE_COLUMNS                                                                                     \
  "user, device_id, device_type, model, imei, friendly_name, os, os_language, phone_number, info_user_agent, " \
  "mobile_operator, enable_outbound_sms, user_agent, protocol_version, created, last_seen, policy_key, "       \
  "pending_key, policy_name, policy_fingerprint, provisioned_at, compliance, assigned_policy, access, "        \
  "access_reason, wipe, wipe_status, wipe_requested_by, wipe_requested_at, wipe_delivered_at, "                \
  "wipe_acknowledged_at"

template <class Enum>
bool to_enum(std::int64_t v, Enum last, Enum& out) noexcept {
  if (v < 0 || v > static_cast<std::int64_t>(last)) return false;
  out = static_cast<Enum>(v);
  return true;
}

bool to_key(std::int64_t v, std::uint32_t& out) noexcept {
  if (v < 0 || v > std::int64_t{std::numeric_limits<std::uint32_t>::max()}) return false;
  out = static_cast<std::uint32_t>(v);
  return true;
}

result<prov::device> read_device(const detail::statement& st) {
  prov::device d;
  int c = 0;
  d.key.user = st.column_text(c++);
  d.key.device_id = st.column_text(c++);
  d.device_type = st.column_text(c++);
  d.info.model = st.column_text(c++);
  d.info.imei = st.column_text(c++);
  d.info.friendly_name = st.column_text(c++);
  d.info.os = st.column_text(c++);
  d.info.os_language = st.column_text(c++);
  d.info.phone_number = st.column_text(c++);
  d.info.user_agent = st.column_text(c++);
  d.info.mobile_operator = st.column_text(c++);
  d.info.enable_outbound_sms = st.column_int(c++) != 0;
  d.user_agent = st.column_text(c++);
  d.protocol_version = st.column_text(c++);
  d.first_seen = st.column_int(c++);
  d.last_seen = st.column_int(c++);
  bool ok = to_key(st.column_int(c++), d.policy_key);
  ok = to_key(st.column_int(c++), d.pending_key) && ok;
  d.policy_name = st.column_text(c++);
  d.policy_fingerprint = st.column_text(c++);
  d.provisioned_at = st.column_int(c++);
  ok = to_enum(st.column_int(c++), prov::compliance::external, d.compliance_state) && ok;
  d.assigned_policy = st.column_text(c++);
  ok = to_enum(st.column_int(c++), prov::access_state::blocked, d.access) && ok;
  d.access_reason = st.column_text(c++);
  ok = to_enum(st.column_int(c++), prov::wipe_kind::account_only, d.wipe) && ok;
  ok = to_enum(st.column_int(c++), prov::wipe_state::failed, d.wipe_status) && ok;
  d.wipe_requested_by = st.column_text(c++);
  d.wipe_requested_at = st.column_int(c++);
  d.wipe_delivered_at = st.column_int(c++);
  d.wipe_acknowledged_at = st.column_int(c++);
  if (!ok) return corrupt;
  return d;
}

result<prov::device> select_device(detail::database& db, const prov::device_key& key) {
  auto st = db.prepare("SELECT " EASD_DEVICE_COLUMNS " FROM device WHERE user = ?1 AND device_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, key.user).bind(2, key.device_id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return not_found;
  return read_device(**st);
}

}  // namespace

namespace detail {

bool valid_key(const prov::device_key& k) noexcept {
  return valid_text(k.user, max_id_size) && valid_text(k.device_id, max_id_size);
}

result<std::int64_t> device_id_of(database& db, const prov::device_key& key) {
  auto st = db.prepare("SELECT id FROM device WHERE user = ?1 AND device_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, key.user).bind(2, key.device_id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return not_found;
  return (*st)->column_int(0);
}

// After an UPDATE of one device: nothing matched means no such device.
result<void> one_changed(database& db) {
  if (db.changes() == 0) return not_found;
  return {};
}

result<void> bump_generation(database& db) {
  auto st = db.prepare("UPDATE policy_generation SET value = value + 1 WHERE id = 1");
  if (!st) return st.error();
  if (auto r = (*st)->run(); !r) return r;
  if (db.changes() != 1) return corrupt;
  return {};
}

}  // namespace detail

namespace {

// After a conditional UPDATE (a state transition): nothing matched is not_found or, for an existing
// device in the wrong state, conflict.
result<void> transitioned(detail::database& db, const prov::device_key& key) {
  if (db.changes() != 0) return {};
  auto id = detail::device_id_of(db, key);
  if (!id) return id.error();
  return conflict;
}

using detail::bump_generation;
using detail::device_id_of;
using detail::one_changed;
using detail::valid_key;

bool needs_write(const prov::device& d, const prov::request_facts& f) noexcept {
  return d.device_type != f.device_type || d.user_agent != f.user_agent || d.protocol_version != f.protocol_version ||
         f.now - d.last_seen >= last_seen_granularity;
}

}  // namespace

#define EASD_CHECK_KEY(key) \
  if (!valid_key(key)) return invalid

// --- devices

result<prov::device> sqlite_state_store::touch(const device_key& key, const prov::request_facts& facts,
                                               prov::access_state initial, std::string_view reason,
                                               unsigned max_devices) {
  EASD_CHECK_KEY(key);
  if (!detail::valid_text(facts.device_type, max_id_size) || !detail::valid_text(facts.user_agent, max_name_size) ||
      !detail::valid_text(facts.protocol_version, max_id_size) || !detail::valid_text(reason, max_id_size)) {
    return invalid;
  }
  std::lock_guard lock(mutex_);
  // The common case — a known device, nothing new, seen less than a minute ago — is this one SELECT.
  auto seen = select_device(*db_, key);
  if (seen && !needs_write(*seen, facts)) return seen;
  if (!seen && seen.error() != state_error::not_found) return seen.error();

  auto tx = detail::transaction::begin(*db_);
  if (!tx) return tx.error();
  auto current = select_device(*db_, key);  // again, under the write lock: another process may have written
  if (current) {
    auto st = db_->prepare(
        "UPDATE device SET device_type = ?3, user_agent = ?4, protocol_version = ?5, last_seen = ?6 "
        "WHERE user = ?1 AND device_id = ?2");
    if (!st) return st.error();
    (*st)->bind(1, key.user).bind(2, key.device_id).bind(3, facts.device_type).bind(4, facts.user_agent);
    (*st)->bind(5, facts.protocol_version).bind(6, facts.now);
    if (auto r = (*st)->run(); !r) return r.error();
    if (auto r = tx->commit(); !r) return r.error();
    current->device_type = facts.device_type;
    current->user_agent = facts.user_agent;
    current->protocol_version = facts.protocol_version;
    current->last_seen = facts.now;
    return current;
  }
  if (current.error() != state_error::not_found) return current.error();
  if (max_devices > 0) {
    // Counted inside the write transaction, so two new devices of one user cannot both take the last place.
    auto st = db_->prepare("SELECT count(*) FROM device WHERE user = ?1");
    if (!st) return st.error();
    (*st)->bind(1, key.user);
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) return corrupt;
    if ((*st)->column_int(0) >= std::int64_t{max_devices}) return make_error_code(state_error::limit);
  }
  {
    auto st = db_->prepare(
        "INSERT INTO device (user, device_id, device_type, created, last_seen, user_agent, protocol_version, "
        "access, access_reason) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8)");
    if (!st) return st.error();
    (*st)->bind(1, key.user).bind(2, key.device_id).bind(3, facts.device_type).bind(4, facts.now);
    (*st)->bind(5, facts.user_agent).bind(6, facts.protocol_version);
    (*st)->bind(7, static_cast<std::int64_t>(initial)).bind(8, reason);
    if (auto r = (*st)->run(); !r) return r.error();
  }
  auto created = select_device(*db_, key);
  if (!created) return created.error();
  if (auto r = tx->commit(); !r) return r.error();
  return created;
}

result<prov::device> sqlite_state_store::find(const device_key& key) {
  EASD_CHECK_KEY(key);
  std::lock_guard lock(mutex_);
  return select_device(*db_, key);
}

result<std::vector<prov::device>> sqlite_state_store::list(const prov::device_filter& filter) {
  if (!detail::valid_text(filter.user, max_id_size)) return invalid;
  std::lock_guard lock(mutex_);
  // One fixed statement: an unbound parameter is NULL, which switches its condition off.
  auto st = db_->prepare("SELECT " EASD_DEVICE_COLUMNS
                         " FROM device WHERE (?1 = '' OR user = ?1) AND (?2 IS NULL OR access = ?2) "
                         "AND (?3 IS NULL OR wipe_status = ?3) AND (?4 IS NULL OR last_seen < ?4) "
                         "AND (?5 IS NULL OR last_seen >= ?5) ORDER BY user, device_id");
  if (!st) return st.error();
  (*st)->bind(1, filter.user);
  if (filter.access) (*st)->bind(2, static_cast<std::int64_t>(*filter.access));
  if (filter.wipe) (*st)->bind(3, static_cast<std::int64_t>(*filter.wipe));
  if (filter.seen_before) (*st)->bind(4, *filter.seen_before);
  if (filter.seen_after) (*st)->bind(5, *filter.seen_after);
  std::vector<prov::device> out;
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) return out;
    auto d = read_device(**st);
    if (!d) return d.error();
    out.push_back(std::move(*d));
  }
}

result<void> sqlite_state_store::set_information(const device_key& key, const prov::device_information& info) {
  EASD_CHECK_KEY(key);
  if (!valid_info(info)) return invalid;
  std::lock_guard lock(mutex_);
  auto st = db_->prepare(
      "UPDATE device SET model = ?3, imei = ?4, friendly_name = ?5, os = ?6, os_language = ?7, "
      "phone_number = ?8, info_user_agent = ?9, mobile_operator = ?10, enable_outbound_sms = ?11 "
      "WHERE user = ?1 AND device_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, key.user).bind(2, key.device_id).bind(3, info.model).bind(4, info.imei);
  (*st)->bind(5, info.friendly_name).bind(6, info.os).bind(7, info.os_language).bind(8, info.phone_number);
  (*st)->bind(9, info.user_agent).bind(10, info.mobile_operator);
  (*st)->bind(11, std::int64_t{info.enable_outbound_sms ? 1 : 0});
  if (auto r = (*st)->run(); !r) return r;
  return one_changed(*db_);
}

result<void> sqlite_state_store::remove(const device_key& key) {
  // The device row's children (collections with their chains, the hierarchy, the folder sync times) go
  // with it: ON DELETE CASCADE.
  return remove_device(device_ref{key.user, key.device_id});
}

result<void> sqlite_state_store::reset_sync_state(const device_key& key, std::string_view collection_id) {
  EASD_CHECK_KEY(key);
  if (!detail::valid_text(collection_id, max_id_size)) return invalid;
  std::lock_guard lock(mutex_);
  auto tx = detail::transaction::begin(*db_);
  if (!tx) return tx.error();
  auto id = device_id_of(*db_, key);
  if (!id) return id.error();
  if (!collection_id.empty()) {
    auto st = db_->prepare("DELETE FROM collection WHERE device = ?1 AND collection_id = ?2");
    if (!st) return st.error();
    (*st)->bind(1, *id).bind(2, collection_id);
    if (auto r = (*st)->run(); !r) return r;
  } else {
    {
      auto st = db_->prepare("DELETE FROM collection WHERE device = ?1");
      if (!st) return st.error();
      (*st)->bind(1, *id);
      if (auto r = (*st)->run(); !r) return r;
    }
    auto st = db_->prepare("DELETE FROM folder_hierarchy WHERE device = ?1");
    if (!st) return st.error();
    (*st)->bind(1, *id);
    if (auto r = (*st)->run(); !r) return r;
  }
  return tx->commit();
}

// --- provisioning

result<void> sqlite_state_store::issue_pending_key(const device_key& key, std::uint32_t pending,
                                                   std::string_view policy_name, std::string_view fingerprint) {
  EASD_CHECK_KEY(key);
  if (pending == 0 || !detail::valid_text(policy_name, max_id_size) || !detail::valid_text(fingerprint, max_id_size)) {
    return invalid;
  }
  std::lock_guard lock(mutex_);
  auto st = db_->prepare(
      "UPDATE device SET pending_key = ?3, policy_key = 0, policy_name = ?4, policy_fingerprint = ?5 "
      "WHERE user = ?1 AND device_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, key.user).bind(2, key.device_id).bind(3, std::int64_t{pending}).bind(4, policy_name);
  (*st)->bind(5, fingerprint);
  if (auto r = (*st)->run(); !r) return r;
  return one_changed(*db_);
}

result<void> sqlite_state_store::confirm_key(const device_key& key, std::uint32_t pending, std::uint32_t final_key,
                                             prov::compliance c, std::int64_t now) {
  EASD_CHECK_KEY(key);
  if (pending == 0 || final_key == 0) return invalid;
  std::lock_guard lock(mutex_);
  auto st = db_->prepare(
      "UPDATE device SET policy_key = ?4, pending_key = 0, compliance = ?5, provisioned_at = ?6 "
      "WHERE user = ?1 AND device_id = ?2 AND pending_key = ?3");
  if (!st) return st.error();
  (*st)->bind(1, key.user).bind(2, key.device_id).bind(3, std::int64_t{pending}).bind(4, std::int64_t{final_key});
  (*st)->bind(5, static_cast<std::int64_t>(c)).bind(6, now);
  if (auto r = (*st)->run(); !r) return r;
  return transitioned(*db_, key);
}

result<void> sqlite_state_store::clear_keys(const device_key& key) {
  EASD_CHECK_KEY(key);
  std::lock_guard lock(mutex_);
  auto st = db_->prepare("UPDATE device SET policy_key = 0, pending_key = 0 WHERE user = ?1 AND device_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, key.user).bind(2, key.device_id);
  if (auto r = (*st)->run(); !r) return r;
  return one_changed(*db_);
}

result<void> sqlite_state_store::assign_policy(const device_key& key, std::string_view policy_name) {
  EASD_CHECK_KEY(key);
  if (!detail::valid_text(policy_name, max_id_size)) return invalid;
  std::lock_guard lock(mutex_);
  auto tx = detail::transaction::begin(*db_);
  if (!tx) return tx.error();
  auto st = db_->prepare("UPDATE device SET assigned_policy = ?3 WHERE user = ?1 AND device_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, key.user).bind(2, key.device_id).bind(3, policy_name);
  if (auto r = (*st)->run(); !r) return r;
  if (auto r = one_changed(*db_); !r) return r;
  if (auto r = bump_generation(*db_); !r) return r;
  return tx->commit();
}

// --- access

result<void> sqlite_state_store::set_access(const device_key& key, prov::access_state a, std::string_view reason) {
  EASD_CHECK_KEY(key);
  if (!detail::valid_text(reason, max_id_size)) return invalid;
  std::lock_guard lock(mutex_);
  auto st = db_->prepare("UPDATE device SET access = ?3, access_reason = ?4 WHERE user = ?1 AND device_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, key.user).bind(2, key.device_id).bind(3, static_cast<std::int64_t>(a)).bind(4, reason);
  if (auto r = (*st)->run(); !r) return r;
  return one_changed(*db_);
}

// --- remote wipe: the WHERE clause of each UPDATE is the transition's precondition (wipe_state values:
// 0 none, 1 requested, 2 delivered, 3 acknowledged, 4 failed).

result<void> sqlite_state_store::request_wipe(const device_key& key, prov::wipe_kind kind, std::string_view by,
                                              std::int64_t now) {
  EASD_CHECK_KEY(key);
  if (kind == prov::wipe_kind::none || !detail::valid_text(by, max_id_size)) return invalid;
  std::lock_guard lock(mutex_);
  auto st = db_->prepare(
      "UPDATE device SET wipe = ?3, wipe_status = 1, wipe_requested_by = ?4, wipe_requested_at = ?5, "
      "wipe_delivered_at = 0, wipe_acknowledged_at = 0 "
      "WHERE user = ?1 AND device_id = ?2 AND wipe_status IN (0, 3, 4)");
  if (!st) return st.error();
  (*st)->bind(1, key.user).bind(2, key.device_id).bind(3, static_cast<std::int64_t>(kind)).bind(4, by).bind(5, now);
  if (auto r = (*st)->run(); !r) return r;
  return transitioned(*db_, key);
}

result<void> sqlite_state_store::cancel_wipe(const device_key& key) {
  EASD_CHECK_KEY(key);
  std::lock_guard lock(mutex_);
  auto st = db_->prepare(
      "UPDATE device SET wipe = 0, wipe_status = 0, wipe_requested_by = '', wipe_requested_at = 0 "
      "WHERE user = ?1 AND device_id = ?2 AND wipe_status = 1");
  if (!st) return st.error();
  (*st)->bind(1, key.user).bind(2, key.device_id);
  if (auto r = (*st)->run(); !r) return r;
  return transitioned(*db_, key);
}

result<void> sqlite_state_store::mark_wipe_delivered(const device_key& key, std::int64_t now) {
  EASD_CHECK_KEY(key);
  std::lock_guard lock(mutex_);
  auto st = db_->prepare(
      "UPDATE device SET wipe_status = 2, "
      "wipe_delivered_at = CASE wipe_status WHEN 1 THEN ?3 ELSE wipe_delivered_at END "
      "WHERE user = ?1 AND device_id = ?2 AND wipe_status IN (1, 2)");
  if (!st) return st.error();
  (*st)->bind(1, key.user).bind(2, key.device_id).bind(3, now);
  if (auto r = (*st)->run(); !r) return r;
  return transitioned(*db_, key);
}

result<void> sqlite_state_store::acknowledge_wipe(const device_key& key, bool success, std::int64_t now) {
  EASD_CHECK_KEY(key);
  std::lock_guard lock(mutex_);
  auto st = db_->prepare(
      "UPDATE device SET wipe_status = ?3, wipe_acknowledged_at = ?4 "
      "WHERE user = ?1 AND device_id = ?2 AND wipe_status = 2");
  if (!st) return st.error();
  const auto next = success ? prov::wipe_state::acknowledged : prov::wipe_state::failed;
  (*st)->bind(1, key.user).bind(2, key.device_id).bind(3, static_cast<std::int64_t>(next)).bind(4, now);
  if (auto r = (*st)->run(); !r) return r;
  return transitioned(*db_, key);
}

result<void> sqlite_state_store::clear_wipe(const device_key& key) {
  EASD_CHECK_KEY(key);
  std::lock_guard lock(mutex_);
  auto st = db_->prepare(
      "UPDATE device SET wipe = 0, wipe_status = 0, wipe_requested_by = '', wipe_requested_at = 0, "
      "wipe_delivered_at = 0, wipe_acknowledged_at = 0 "
      "WHERE user = ?1 AND device_id = ?2 AND wipe_status IN (0, 3, 4)");
  if (!st) return st.error();
  (*st)->bind(1, key.user).bind(2, key.device_id);
  if (auto r = (*st)->run(); !r) return r;
  return transitioned(*db_, key);
}

#undef EASD_CHECK_KEY
#undef EASD_DEVICE_COLUMNS

}  // namespace easd::state
