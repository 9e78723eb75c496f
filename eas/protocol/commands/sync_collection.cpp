// One collection of a Sync request ([MS-ASCMD] 3.1.5.4, 3.1.5.9; ARCHITECTURE.md §3 "Sync state").
//
//   key 0      → new chain: STATUS + SEARCH of the window become the backlog; reply key 1, no items.
//   key N      → apply client commands, compute server changes, fill the window (pending items first,
//                then the backlog newest first), commit N+1, reply N+1. Nothing to do and nothing done:
//                reply N again without writing (a no-change Sync costs one STATUS and one state read).
//   key N-1    → replay: the state store hands us the issued N+1; resend exactly the items it records
//                (sent_* sets of its cursor) with the flags it recorded, and N+1 again.
//   unknown    → Status 3; a UIDVALIDITY change resets the chain and answers 3 (the device resyncs from 0).
#include "eas/core/log_escape.hpp"
#include "eas/protocol/commands/push_publish.hpp"
#include "eas/protocol/commands/sync_request.hpp"
#include "eas/protocol/state/error.hpp"
#include "provisioning/device_registry.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>

namespace easd::protocol::sync_detail {
namespace {

// The registry's "last sync per folder" for the admin (issue 5); on the blocking pool, right after the
// commit. A failure here never fails the Sync: the key is already issued.
void note_sync(services& svc, const state::device_ref& dev, std::string_view collection_id) {
  if (!svc.devices) return;
  const std::int64_t now = svc.now ? svc.now() : 0;
  if (auto r = svc.devices->note_folder_sync({dev.user, dev.device_id}, collection_id, now); !r) {
    spdlog::debug("sync: last-sync time not recorded user={} error={}", log_escape(dev.user), r.error().message());
  }
}

template <class F>
void for_each_uid(const uid_set& s, F f) {
  for (const auto& r : s.ranges()) {
    for (std::uint64_t u = r.first; u <= r.last; ++u) f(static_cast<std::uint32_t>(u));
  }
}

// Up to n UIDs of the set, highest first.
std::vector<std::uint32_t> highest(const uid_set& s, std::size_t n) {
  std::vector<std::uint32_t> out;
  const auto& rs = s.ranges();
  for (auto it = rs.rbegin(); it != rs.rend() && out.size() < n; ++it) {
    for (std::uint64_t u = it->last; u >= it->first && out.size() < n; --u) out.push_back(static_cast<std::uint32_t>(u));
  }
  return out;
}

struct collection_reply {
  std::string key;
  std::string collection_id;
  sync_status status = sync_status::success;
  std::vector<wbxml::element> responses;
  std::vector<wbxml::element> commands;
  bool more_available = false;

  collection_result finish(bool changes) && {
    collection_result out;
    auto& c = out.element = wbxml::element::named("AirSync:Collection");
    c.add("AirSync:SyncKey", key);
    c.add("AirSync:CollectionId", collection_id);
    c.add("AirSync:Status", std::to_string(static_cast<unsigned>(status)));
    if (!responses.empty()) {
      auto& r = c.add("AirSync:Responses");
      for (auto& e : responses) r.add(std::move(e));
    }
    if (!commands.empty()) {
      auto& r = c.add("AirSync:Commands");
      for (auto& e : commands) r.add(std::move(e));
    }
    if (more_available) c.add("AirSync:MoreAvailable");
    out.has_changes = changes || status != sync_status::success;
    return out;
  }
};

// The options of this Sync: the request's, else the ones persisted with the collection, else defaults.
mail_sync_options options_for(const collection_request& req, const std::string& blob, protocol_version v) {
  mail_sync_options o;
  if (req.options) {
    o.email = convert::parse_email_options(req.options, v);
    o.filter_type = req.filter_type.value_or(0);
    o.conflict_server_wins = req.conflict_server_wins.value_or(true);
  } else if (auto stored = parse_sync_options(blob)) {
    o = std::move(*stored);
  } else {
    o.email = convert::parse_email_options(nullptr, v);
  }
  o.email.version = v;
  return o;
}

state::device_ref device_of(const request_context& ctx) { return {ctx.user, ctx.device_id}; }

// One Sync at a time per device collection in this process: a phone that gave up waiting repeats the
// request while the first is still running, and two computations from the same key must not both commit
// (the later commit would describe a response the device never saw). The second waits its turn and then
// finds the first's state as a replay. (Several nodes serving one device need a shared lock: later.)
class collection_gate {
public:
  static collection_gate& instance() {
    static collection_gate gate;
    return gate;
  }
  bool try_enter(const std::string& key) {
    std::lock_guard lock(mutex_);
    return busy_.insert(key).second;
  }
  void leave(const std::string& key) {
    std::lock_guard lock(mutex_);
    busy_.erase(key);
  }

private:
  std::mutex mutex_;
  std::set<std::string> busy_;
};

struct gate_pass {
  std::string key;
  gate_pass() = default;
  gate_pass(const gate_pass&) = delete;
  gate_pass& operator=(const gate_pass&) = delete;
  ~gate_pass() {
    if (!key.empty()) collection_gate::instance().leave(key);
  }
};

constexpr auto gate_poll = std::chrono::milliseconds(10);
constexpr int gate_polls = 3000;  // 30 s, then "server error, retry"

}  // namespace

boost::asio::awaitable<collection_result> process_collection(services& svc, const request_context& ctx,
                                                             const collection_request& req,
                                                             std::uint32_t window_budget) {
  collection_reply reply;
  reply.key = req.sync_key;
  reply.collection_id = req.collection_id;
  const auto dev = device_of(ctx);
  const std::string cid = req.collection_id;
  auto fail = [&](sync_status s) {
    reply.status = s;
    return std::move(reply).finish(false);
  };

  auto key = state::parse_sync_key(req.sync_key);
  if (!key) co_return fail(sync_status::invalid_sync_key);

  std::string gate_key = ctx.user;
  gate_key += '\n';
  gate_key += ctx.device_id;
  gate_key += '\n';
  gate_key += cid;
  gate_pass pass;
  for (int i = 0;; ++i) {
    if (collection_gate::instance().try_enter(gate_key)) {
      pass.key = gate_key;
      break;
    }
    if (i >= gate_polls) co_return fail(sync_status::server_error);
    auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer timer(executor, gate_poll);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }

  if (key->initial()) {
    auto coll = co_await find_mail_collection(svc, ctx, cid);
    if (!coll) {
      // [MS-ASCMD] 2.2.3.177.17 Status 12: the device's folder list is stale; it runs FolderSync.
      if (coll.error() == backend::mail_error::not_found) co_return fail(sync_status::hierarchy_changed);
      co_return fail(sync_status::server_error);
    }
    const backend::account acct = account_of(ctx);
    const std::string folder_id = coll->folder.id;
    // GetChanges and Commands of an initial Sync are ignored: it carries no items either way (3.1.5.4).
    auto opts = options_for(req, std::string(), ctx.version);
    opts.folder_id = coll->folder.id;
    opts.role = coll->folder.role;
    auto st = co_await svc.mail->status(acct, folder_id);
    if (!st) co_return fail(sync_status::server_error);
    backend::search_criteria criteria;
    const auto since = filter_since(opts.filter_type, svc.now ? svc.now() : 0);
    criteria.since = since;
    auto all = co_await svc.mail->search(acct, folder_id, criteria);
    if (!all) co_return fail(sync_status::server_error);
    state::mail_cursor cursor;
    cursor.uidvalidity = st->uidvalidity;
    cursor.highest_modseq = st->highest_modseq;
    cursor.uidnext = st->uidnext;
    cursor.messages = st->messages;
    cursor.since = since.value_or(0);
    cursor.backlog = std::move(*all);
    state::sync_state next;
    next.cursor = cursor.serialize();
    const std::optional<std::string> blob = serialize_sync_options(opts);
    const state::sync_key presented = *key;
    auto issued = co_await run_blocking(*svc.blocking, [&] {
      auto k = svc.state->commit_sync_state(dev, cid, presented, next, blob);
      if (k) note_sync(svc, dev, cid);
      return k;
    });
    if (!issued) co_return fail(sync_status::server_error);
    reply.key = issued->to_string();
    co_return std::move(reply).finish(true);
  }

  const state::sync_key presented = *key;
  auto loaded = co_await run_blocking(*svc.blocking, [&] { return svc.state->load_sync_state(dev, cid, presented); });
  if (!loaded) {
    co_return fail(loaded.error() == state::state_error::unknown_key ? sync_status::invalid_sync_key
                                                                     : sync_status::server_error);
  }
  // The folder stored with the options: no LIST per Sync. Older blobs resolve through mail_folders.
  std::optional<mail_collection> coll;
  if (auto stored = parse_sync_options(loaded->options); stored && !stored->folder_id.empty()) {
    mail_collection c;
    c.server_id = cid;
    c.folder.id = stored->folder_id;
    c.folder.role = stored->role;
    coll = std::move(c);
  } else {
    auto found = co_await find_mail_collection(svc, ctx, cid);
    if (!found) {
      if (found.error() == backend::mail_error::not_found) co_return fail(sync_status::hierarchy_changed);
      co_return fail(sync_status::server_error);
    }
    coll = std::move(*found);
  }
  auto opts = options_for(req, loaded->options, ctx.version);
  opts.folder_id = coll->folder.id;
  opts.role = coll->folder.role;
  const std::optional<std::string> new_blob =
      req.options ? std::optional<std::string>(serialize_sync_options(opts)) : std::nullopt;
  const bool get_changes = req.get_changes.value_or(true);
  const std::uint32_t window = std::min(req.window.value_or(default_window), window_budget);
  // A backend folder that is gone (deleted, or renamed on a server without MAILBOXID): FolderSync first.
  const auto backend_failure = [](const error_code& ec) {
    return ec == backend::mail_error::not_found ? sync_status::hierarchy_changed : sync_status::server_error;
  };

  if (loaded->issued) {
    // Replay of a lost response ([MS-ASCMD] 3.1.5.9): the same items again, nothing applied twice.
    auto issued_cursor = state::mail_cursor::parse(loaded->issued->cursor);
    auto presented_cursor = state::mail_cursor::parse(loaded->state.cursor);
    if (!issued_cursor || !presented_cursor) co_return fail(sync_status::invalid_sync_key);
    std::vector<state::pending_item> unused;
    std::vector<state::client_add> issued_adds = loaded->issued->client_adds;  // answer the retried Adds
    auto client =
        co_await apply_client_commands(svc, ctx, *coll, opts, req, *presented_cursor, unused, issued_adds, true);
    item_plan plan;
    plan.deletes = issued_cursor->sent_deletes;
    plan.soft_deletes = issued_cursor->sent_soft_deletes;
    plan.changes = issued_cursor->sent_changes;
    plan.adds = highest(issued_cursor->sent_adds, issued_cursor->sent_adds.size());
    auto items = co_await build_items(svc, ctx, *coll, opts, plan, &*issued_cursor);
    if (!items) co_return fail(backend_failure(items.error()));
    reply.key = state::sync_key{presented.uuid, presented.counter + 1}.to_string();
    reply.responses = std::move(client.responses);
    reply.commands = std::move(items->commands);
    reply.more_available = !issued_cursor->backlog.empty() || !loaded->issued->pending.empty();
    co_return std::move(reply).finish(true);
  }

  auto changes = co_await collect_mail_changes(svc, ctx, *coll, loaded->state, opts.filter_type);
  if (!changes) co_return fail(backend_failure(changes.error()));
  if (changes->reset) {
    // Every UID is void (UIDVALIDITY changed): forget the chain so the device's key-0 restart syncs the
    // folder afresh under the same CollectionId.
    spdlog::info("sync: collection reset user={} device={} collection={}", log_escape(ctx.user),
                 log_escape(ctx.device_id), log_escape(cid));
    auto reset = co_await run_blocking(*svc.blocking, [&] { return svc.state->reset_collection(dev, cid); });
    if (!reset) co_return fail(sync_status::server_error);
    co_return fail(sync_status::invalid_sync_key);
  }
  state::mail_cursor cursor = std::move(changes->cursor);
  std::vector<state::pending_item> pending = std::move(changes->changes);
  // Commit only what differs from the presented state: the slow path recomputes every time but must not
  // write (and hand out a new key) when the answer is "nothing".
  bool dirty = (new_blob && *new_blob != loaded->options) || pending != loaded->state.pending;
  if (!dirty) {
    auto before = state::mail_cursor::parse(loaded->state.cursor);
    if (before) {
      before->sent_adds.clear();
      before->sent_changes.clear();
      before->sent_deletes.clear();
      before->sent_soft_deletes.clear();
    }
    dirty = !before || !(*before == cursor);
  }

  std::vector<state::client_add> client_adds;
  auto client = co_await apply_client_commands(svc, ctx, *coll, opts, req, cursor, pending, client_adds, false);
  dirty = dirty || client.changed_state;
  // The device's own change wakes the user's other devices, not itself (issue 4 "easd itself").
  if (client.changed_state) publish_mail_change(svc, ctx, coll->folder.id);
  reply.responses = std::move(client.responses);

  bool sent_any = false;
  if (get_changes && window > 0) {
    item_plan plan;
    std::size_t taken = 0;
    while (taken < pending.size() && taken < window) {
      const auto& p = pending[taken++];
      const auto ref = parse_item_server_id(p.server_id);
      if (!ref) continue;
      switch (p.kind) {
        case state::change_kind::remove: plan.deletes.add(ref->uid); break;
        case state::change_kind::soft_delete: plan.soft_deletes.add(ref->uid); break;
        case state::change_kind::change: plan.changes.add(ref->uid); break;
        case state::change_kind::add: cursor.backlog.add(ref->uid); break;  // not written by us; tolerate
      }
    }
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(taken));
    plan.adds = highest(cursor.backlog, window - taken);
    auto items = co_await build_items(svc, ctx, *coll, opts, plan, nullptr);
    if (!items) co_return fail(backend_failure(items.error()));
    for (const auto uid : plan.adds) cursor.backlog.remove(uid);
    for_each_uid(items->added, [&](std::uint32_t uid) { cursor.known.add(uid); });
    for (const auto& [uid, flags] : items->sent_flags) set_cursor_flags(cursor, uid, flags);
    for_each_uid(items->skipped, [&](std::uint32_t uid) { cursor.skipped.add(uid); });
    cursor.sent_deletes = plan.deletes;
    cursor.sent_soft_deletes = plan.soft_deletes;
    cursor.sent_changes = items->changed;
    cursor.sent_adds = items->added;
    sent_any = !items->commands.empty() || !items->skipped.empty() || !items->missing.empty() || taken > 0;
    reply.commands = std::move(items->commands);
  }
  if (get_changes) reply.more_available = !pending.empty() || !cursor.backlog.empty();

  if (!dirty && !sent_any) {
    // Nothing changed on either side: the device keeps its key and nothing is written.
    co_return std::move(reply).finish(!reply.responses.empty());
  }
  state::sync_state next;
  next.cursor = cursor.serialize();
  next.pending = std::move(pending);
  next.client_adds = std::move(client_adds);
  auto issued = co_await run_blocking(*svc.blocking, [&] {
    auto k = svc.state->commit_sync_state(dev, cid, presented, next, new_blob);
    if (k) note_sync(svc, dev, cid);
    return k;
  });
  if (!issued) {
    if (issued.error() == state::state_error::unknown_key) co_return fail(sync_status::invalid_sync_key);
    co_return fail(sync_status::server_error);
  }
  reply.key = issued->to_string();
  co_return std::move(reply).finish(true);  // a new key must reach the device, items or not
}

}  // namespace easd::protocol::sync_detail
