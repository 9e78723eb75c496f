// send_ledger on the state store's file (migration 3). One transaction per claim, so two nodes (or two
// requests of a retrying phone) racing on one ClientId see exactly one `claimed`.
#include "eas/protocol/state/error.hpp"
#include "eas/protocol/state/sqlite_state_store.hpp"

namespace easd::state {
namespace {

const auto invalid = make_error_code(state_error::invalid_argument);

// sent_message.state
enum : std::int64_t { row_claimed = 1, row_sent = 2, row_unknown = 3 };

bool valid_send_key(const send_key& k) noexcept {
  return !k.user.empty() && !k.device_id.empty() && !k.key.empty() && detail::valid_text(k.user, max_id_size) &&
         detail::valid_text(k.device_id, max_id_size) && detail::valid_text(k.key, max_id_size);
}

}  // namespace

result<claim_outcome> sqlite_state_store::claim(const claim_request& request) {
  const send_key& k = request.key;
  if (!valid_send_key(k) || request.rate.window_seconds < 0 || request.retention_seconds < 0) return invalid;
  std::lock_guard lock(mutex_);
  auto tx = detail::transaction::begin(*db_);
  if (!tx) return tx.error();

  {
    auto prune = db_->prepare("DELETE FROM sent_message WHERE user = ?1 AND claimed < ?2");
    if (!prune) return prune.error();
    (*prune)->bind(1, k.user).bind(2, request.now - request.retention_seconds);
    if (auto r = (*prune)->run(); !r) return r.error();
  }
  {
    auto st = db_->prepare(
        "SELECT state, claimed FROM sent_message WHERE user = ?1 AND device_id = ?2 AND send_key = ?3");
    if (!st) return st.error();
    (*st)->bind(1, k.user).bind(2, k.device_id).bind(3, k.key);
    auto row = (*st)->step();
    if (!row) return row.error();
    if (*row) {
      const std::int64_t state = (*st)->column_int(0);
      const std::int64_t claimed = (*st)->column_int(1);
      if (state == row_claimed && request.now - claimed < request.stale_after) return claim_outcome::in_flight;
      // Sent, unknown, or a claim whose request died mid-send: never sent twice.
      return claim_outcome::already_sent;
    }
  }
  if (request.rate.max_messages != 0 || request.rate.max_recipients != 0) {
    auto st = db_->prepare(
        "SELECT count(*), coalesce(sum(recipients), 0) FROM sent_message WHERE user = ?1 AND claimed >= ?2");
    if (!st) return st.error();
    (*st)->bind(1, k.user).bind(2, request.now - request.rate.window_seconds);
    auto row = (*st)->step();
    if (!row) return row.error();
    const std::int64_t messages = *row ? (*st)->column_int(0) : 0;
    const std::int64_t recipients = *row ? (*st)->column_int(1) : 0;
    if (request.rate.max_messages != 0 && messages >= request.rate.max_messages) return claim_outcome::rate_limited;
    if (request.rate.max_recipients != 0 &&
        recipients + static_cast<std::int64_t>(request.recipients) > request.rate.max_recipients) {
      return claim_outcome::rate_limited;
    }
  }
  {
    auto st = db_->prepare(
        "INSERT INTO sent_message (user, device_id, send_key, state, recipients, claimed, finished) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)");
    if (!st) return st.error();
    (*st)->bind(1, k.user).bind(2, k.device_id).bind(3, k.key).bind(4, std::int64_t{row_claimed});
    (*st)->bind(5, static_cast<std::int64_t>(request.recipients)).bind(6, request.now);
    if (auto r = (*st)->run(); !r) return r.error();
  }
  if (auto r = tx->commit(); !r) return r.error();
  return claim_outcome::claimed;
}

result<void> sqlite_state_store::finish(const send_key& k, send_result outcome, std::int64_t now) {
  if (!valid_send_key(k)) return invalid;
  std::lock_guard lock(mutex_);
  auto st = db_->prepare(
      "UPDATE sent_message SET state = ?4, finished = ?5 WHERE user = ?1 AND device_id = ?2 AND send_key = ?3");
  if (!st) return st.error();
  const std::int64_t state = outcome == send_result::sent ? row_sent : row_unknown;
  (*st)->bind(1, k.user).bind(2, k.device_id).bind(3, k.key).bind(4, state).bind(5, now);
  if (auto r = (*st)->run(); !r) return r;
  return detail::one_changed(*db_);
}

result<void> sqlite_state_store::release(const send_key& k) {
  if (!valid_send_key(k)) return invalid;
  std::lock_guard lock(mutex_);
  // Only an unfinished claim: a message recorded as sent stays recorded whatever a caller says later.
  auto st = db_->prepare(
      "DELETE FROM sent_message WHERE user = ?1 AND device_id = ?2 AND send_key = ?3 AND state = ?4");
  if (!st) return st.error();
  (*st)->bind(1, k.user).bind(2, k.device_id).bind(3, k.key).bind(4, std::int64_t{row_claimed});
  return (*st)->run();
}

}  // namespace easd::state
