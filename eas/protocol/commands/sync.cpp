// The Sync handler: request-level work — parsing, the empty / Partial request, the global window, the
// top-level status — around process_collection (sync_collection.cpp). See sync.hpp.
#include "eas/protocol/commands/sync.hpp"

#include "eas/protocol/commands/push_wait.hpp"
#include "eas/protocol/commands/sync_request.hpp"
#include "eas/protocol/state/error.hpp"
#include "eas/wbxml/codec.hpp"
#include "push/hub.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

namespace easd::protocol {
namespace {

using namespace sync_detail;

reply wbxml_reply(const wbxml::element& root, unsigned status) {
  reply r;
  r.content_type = wbxml_content_type;
  r.body = wbxml::encode_to_string(root);
  r.eas_status = status;
  return r;
}

// A request-global Sync status ([MS-ASCMD] 2.2.3.177.17; Limit with 14 and 15, 2.2.3.97).
reply top_level(sync_status s, std::optional<std::uint32_t> limit = std::nullopt) {
  auto root = wbxml::element::named("AirSync:Sync");
  root.add("AirSync:Status", std::to_string(static_cast<unsigned>(s)));
  if (limit) root.add("AirSync:Limit", std::to_string(*limit));
  return wbxml_reply(root, static_cast<unsigned>(s));
}

state::device_ref device_of(const request_context& ctx) { return {ctx.user, ctx.device_id}; }

// The cached request, kept as the options blob of a pseudo-collection (state_store has no other
// per-device blob; the chain itself is unused). nullopt when there is none or it is unreadable.
// noinline (both): g++ 12 inlines coroutine ramps and then warns falsely about Asio's frame allocator.
[[gnu::noinline]] boost::asio::awaitable<result<std::optional<sync_request>>> load_cache(services& svc, const request_context& ctx) {
  const auto dev = device_of(ctx);
  auto blob = co_await run_blocking(*svc.blocking, [&]() -> result<std::string> {
    const std::string id(cache_collection_id);
    auto key = svc.state->latest_sync_key(dev, id);
    if (!key) return key.error();
    auto loaded = svc.state->load_sync_state(dev, id, *key);
    if (!loaded) return loaded.error();
    return std::move(loaded->options);
  });
  if (!blob) {
    if (blob.error() == state::state_error::unknown_key) co_return std::optional<sync_request>{};
    co_return blob.error();
  }
  co_return parse_cached_request(*blob);
}

[[gnu::noinline]] boost::asio::awaitable<result<void>> save_cache(services& svc, const request_context& ctx, const sync_request& r) {
  const auto dev = device_of(ctx);
  const std::optional<std::string> blob = serialize_cached_request(r);
  auto done = co_await run_blocking(*svc.blocking, [&]() -> result<void> {
    const std::string id(cache_collection_id);
    // Unchanged requests (the usual case) cost a read, not a write.
    if (auto key = svc.state->latest_sync_key(dev, id)) {
      if (auto loaded = svc.state->load_sync_state(dev, id, *key); loaded && loaded->options == *blob) return {};
    }
    auto key = svc.state->commit_sync_state(dev, id, state::sync_key{}, state::sync_state{}, blob);
    if (!key) return key.error();
    return {};
  });
  co_return done;
}

// One pass over the request's collections: the response document as it stands now.
struct pass {
  wbxml::element root;
  bool any = false;      // a Collection element is in it
  bool changes = false;  // one of them has something for the device (items, responses, a new key, errors)
  std::optional<sync_status> global_status;  // answer with this request-global status instead
};

[[gnu::noinline]] boost::asio::awaitable<pass> run_collections(services& svc, const request_context& ctx,
                                                               sync_request req) {
  pass out;
  out.root = wbxml::element::named("AirSync:Sync");
  auto& collections = out.root.add("AirSync:Collections");
  // The global WindowSize bounds the server changes of all collections together ([MS-ASCMD] 2.2.3.199).
  std::uint32_t budget = req.window.value_or(max_window * static_cast<std::uint32_t>(req.collections.size()));
  for (auto& c : req.collections) {
    if (c.from_cache) {
      // A collection the device did not list: its newest key (the device has applied its last reply).
      const auto dev = device_of(ctx);
      const std::string id = c.collection_id;
      auto key = co_await run_blocking(*svc.blocking, [&] { return svc.state->latest_sync_key(dev, id); });
      if (!key) continue;  // never synced (or reset): nothing to report until the device lists it
      c.sync_key = key->to_string();
    }
    if (req.window && !c.window) c.window = budget;
    auto done = co_await process_collection(svc, ctx, c, budget);
    const auto sent = done.element.child("AirSync:Commands");
    if (sent) budget -= std::min<std::uint32_t>(budget, static_cast<std::uint32_t>(sent->children().size()));
    out.changes = out.changes || done.has_changes;
    if (c.from_cache && !done.has_changes) continue;  // only collections with news, as for a push reply
    collections.add(std::move(done.element));
    out.any = true;
  }
  co_return out;
}

// Long-poll Sync ([MS-ASCMD] 3.1.5.4, 2.2.3.197 Wait, 2.2.3.88.2 HeartbeatInterval): a request with
// nothing to send parks on the push hub like Ping. A request with client commands is answered at once
// (its responses and new keys are news in themselves, and 3.1.5.4 asks for it).
bool wants_wait(const services& svc, const sync_request& req) {
  if (!svc.push || (!req.wait && !req.heartbeat)) return false;
  return std::all_of(req.collections.begin(), req.collections.end(),
                     [](const collection_request& c) { return c.commands.empty(); });
}

std::chrono::seconds wait_of(const sync_request& req) {
  if (req.heartbeat) return std::chrono::seconds(*req.heartbeat);
  return std::chrono::minutes(req.wait.value_or(0));
}

// Waits for a change of one of the request's collections; the answer then carries the changes. At the
// deadline (or when the wait must end: superseded, shutdown, policy) the last pass is the answer — the
// no-change form. `last` is the pass that found nothing.
[[gnu::noinline]] boost::asio::awaitable<pass> hold(services& svc, const request_context& ctx,
                                                    const sync_request& req, push::subscription& sub,
                                                    std::chrono::steady_clock::time_point deadline, pass last) {
  std::vector<push_wait::watched_folder> folders;
  auto ids = co_await push_wait::folder_identities(svc, ctx);
  if (ids) {
    std::map<std::string, std::string, std::less<>> by_id(ids->begin(), ids->end());
    for (const auto& c : req.collections) {
      if (auto it = by_id.find(c.collection_id); it != by_id.end()) folders.push_back({c.collection_id, it->second});
    }
  }
  const auto leases = push_wait::watch_folders(svc, ctx, folders);
  while (true) {
    const push::wake w = co_await sub.wait(deadline);
    if (w.reason == push::wake_reason::timeout || w.reason == push::wake_reason::superseded ||
        w.reason == push::wake_reason::shutdown || w.policy) {
      co_return last;
    }
    if (w.hierarchy) {
      // [MS-ASCMD] 2.2.3.177.17 Status 12: the device runs FolderSync, then syncs again.
      last.global_status = sync_status::hierarchy_changed;
      co_return last;
    }
    if (push_wait::woken(w, folders).empty()) continue;
    auto again = co_await run_collections(svc, ctx, req);
    if (again.changes) co_return again;
    last = std::move(again);
    if (std::chrono::steady_clock::now() >= deadline) co_return last;
  }
}

}  // namespace

boost::asio::awaitable<reply> sync_handler(services& svc, request_context& ctx, const wbxml::element* request) {
  const auto started = std::chrono::steady_clock::now();
  sync_request req;
  bool use_cache = request == nullptr;
  if (request) {
    auto parsed = parse_sync_request(*request, ctx.version);
    if (auto* f = std::get_if<parse_failure>(&parsed)) co_return top_level(f->status, f->limit);
    req = std::move(std::get<sync_request>(parsed));
    // A request without collections (only Wait / WindowSize) reuses the cached ones, like Partial.
    use_cache = req.partial || req.collections.empty();
  }

  if (use_cache) {
    auto cached = co_await load_cache(svc, ctx);
    if (!cached) co_return top_level(sync_status::server_error);
    // [MS-ASCMD] 2.2.1.21.1, 2.2.3.131: nothing to reuse → Status 13, the device sends a full request.
    if (!*cached) co_return top_level(sync_status::missing_parameters);
    std::set<std::string> listed;
    for (const auto& c : req.collections) listed.insert(c.collection_id);
    for (auto& c : (*cached)->collections) {
      if (!listed.contains(c.collection_id)) req.collections.push_back(std::move(c));
    }
    if (!req.window) req.window = (*cached)->window;
    // An empty Sync repeats the last one's wait as well; a request that names its own wait keeps it.
    if (!req.wait && !req.heartbeat) {
      req.wait = (*cached)->wait;
      req.heartbeat = (*cached)->heartbeat;
    }
  }
  if (req.collections.empty()) co_return top_level(sync_status::missing_parameters);
  if (req.collections.size() > max_collections) {
    co_return top_level(sync_status::too_many_collections, static_cast<std::uint32_t>(max_collections));
  }
  if (request && (!use_cache || req.partial)) {
    // The request (merged with the cache for Partial) becomes the cache for a later empty Sync.
    auto saved = co_await save_cache(svc, ctx, req);
    if (!saved) co_return top_level(sync_status::server_error);
  }

  const bool long_poll = wants_wait(svc, req);
  push::subscription sub;
  if (long_poll) sub = co_await push_wait::subscribe_newest(*svc.push, ctx);  // subscribe, then check
  auto outcome = co_await run_collections(svc, ctx, req);
  if (long_poll && !outcome.changes) {
    const auto deadline = started + wait_of(req);
    outcome = co_await hold(svc, ctx, req, sub, deadline, std::move(outcome));
  }
  if (outcome.global_status) co_return top_level(*outcome.global_status);
  if (!outcome.any) {
    // [MS-ASCMD] 2.2.1.21: nothing changed in a reused request → an empty response body.
    reply empty;
    empty.eas_status = static_cast<unsigned>(sync_status::success);
    co_return empty;
  }
  co_return wbxml_reply(outcome.root, static_cast<unsigned>(sync_status::success));
}

}  // namespace easd::protocol
