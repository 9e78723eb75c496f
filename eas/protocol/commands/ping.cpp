// The Ping handler: parameters, folder resolution, the check and the wait. See ping.hpp.
#include "eas/protocol/commands/ping.hpp"

#include "eas/core/blocking_pool.hpp"
#include "eas/core/log_escape.hpp"
#include "eas/protocol/command_table.hpp"
#include "eas/protocol/commands/mail_changes.hpp"
#include "eas/protocol/commands/mail_folders.hpp"
#include "eas/protocol/commands/push_wait.hpp"
#include "eas/protocol/dispatcher.hpp"
#include "eas/protocol/state/error.hpp"
#include "push/hub.hpp"
#include "push/keys.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <utility>

namespace easd::protocol {
namespace {

namespace net = boost::asio;
using namespace ping_detail;
using push_wait::watched_folder;

const command_info& row() { return *command_table::standard().find("Ping"); }

reply status(ping_status s) { return ping_reply(s); }

// Whom a Ping checks for: the fields of the request its checks use (the account, the device's state),
// kept instead of the whole request_context (~0.5 KiB) while the Ping is held, for up to an hour.
struct checker {
  std::string user, password, device_id, client_address;

  static checker of(const request_context& ctx) {
    return {ctx.user, ctx.password, ctx.device_id, ctx.client_address};
  }
  request_context context() const {
    request_context c;
    c.command = "Ping";
    c.user = user;
    c.password = password;
    c.device_id = device_id;
    c.client_address = client_address;
    return c;
  }
};

// What a folder's check found.
enum class check_result { unchanged, changed, gone, unknown };

// Compares the folder with the device's newest sync state: the same count GetItemEstimate reports, so a
// Ping says "changed" exactly when the next Sync would deliver something (or must restart the folder).
// noinline: g++ 12 inlines coroutine ramps and then warns falsely about Asio's frame allocator.
[[gnu::noinline]] net::awaitable<check_result> check_folder(services& svc, const checker& who,
                                                            const watched_folder& f) {
  const request_context ctx = who.context();
  const auto backend_id = push_wait::mail_backend_id(f.identity);
  if (!backend_id) co_return check_result::gone;  // no other folder source can be watched yet
  const state::device_ref dev{ctx.user, ctx.device_id};
  const std::string cid = f.collection_id;
  auto* store = svc.state;
  auto loaded = co_await run_blocking(*svc.blocking, [store, &dev, &cid]() -> result<state::loaded_sync_state> {
    auto key = store->latest_sync_key(dev, cid);
    if (!key) return key.error();
    return store->load_sync_state(dev, cid, *key);
  });
  if (!loaded) {
    // The chain is gone (the folder was reset while we waited): the device's next Sync restarts it.
    if (loaded.error() == state::state_error::unknown_key) co_return check_result::changed;
    co_return check_result::unknown;
  }
  mail_collection coll;
  coll.server_id = f.collection_id;
  coll.folder.id = std::string(*backend_id);
  if (auto o = parse_sync_options(loaded->options)) coll.folder.role = o->role;
  auto count = co_await count_mail_changes(svc, ctx, coll, loaded->state, std::nullopt, loaded->options);
  if (!count) {
    if (count.error() == state::state_error::unknown_key) co_return check_result::changed;  // UIDVALIDITY reset
    if (count.error() == backend::mail_error::not_found) co_return check_result::gone;
    spdlog::debug("ping: check failed user={} folder={} error={}", log_escape(ctx.user), log_escape(cid),
                  count.error().message());
    co_return check_result::unknown;
  }
  co_return *count > 0 ? check_result::changed : check_result::unchanged;
}

struct check_outcome {
  std::vector<std::string> changed;  // ServerIds, in request order
  bool gone = false;                 // a folder no longer exists: FolderSync
  std::vector<std::size_t> unknown;  // indexes whose check failed (backend busy or down): checked again
};

net::awaitable<check_outcome> check_folders(services& svc, const checker& who,
                                            const std::vector<watched_folder>& folders,
                                            const std::vector<std::size_t>& which) {
  check_outcome out;
  for (const auto i : which) {
    const auto r = co_await check_folder(svc, who, folders[i]);
    if (r == check_result::changed) out.changed.push_back(folders[i].collection_id);
    if (r == check_result::gone) out.gone = true;
    if (r == check_result::unknown) out.unknown.push_back(i);
  }
  co_return out;
}

// The device's folders, resolved to identities and known to have a sync chain. nullopt: a folder the
// device must learn about through FolderSync (unknown id, or never synced: nothing to compare with).
struct resolved {
  std::optional<std::vector<watched_folder>> folders;
};

[[gnu::noinline]] net::awaitable<result<resolved>> resolve(services& svc, const request_context& ctx,
                                                           const std::vector<ping_folder>& wanted) {
  auto ids = co_await push_wait::folder_identities(svc, ctx);
  if (!ids) co_return ids.error();
  std::map<std::string, std::string, std::less<>> by_id(ids->begin(), ids->end());
  std::vector<watched_folder> folders;
  folders.reserve(wanted.size());
  for (const auto& w : wanted) {
    const auto it = by_id.find(w.id);
    // Only mail folders exist so far; a calendar or contacts identity would be resolved here too.
    if (it == by_id.end() || !push_wait::mail_backend_id(it->second)) co_return resolved{};
    folders.push_back({w.id, it->second});
  }
  const state::device_ref dev{ctx.user, ctx.device_id};
  auto* store = svc.state;
  enum class chains { all, missing };
  auto synced = co_await run_blocking(*svc.blocking, [store, &dev, &folders]() -> result<chains> {
    for (const auto& f : folders) {
      auto key = store->latest_sync_key(dev, f.collection_id);
      if (!key) {
        if (key.error() == state::state_error::unknown_key) return chains::missing;
        return key.error();
      }
    }
    return chains::all;
  });
  if (!synced) co_return synced.error();
  if (*synced == chains::missing) co_return resolved{};
  co_return resolved{std::move(folders)};
}

// The parameters of this Ping: the request's, completed from the saved ones ([MS-ASCMD] 3.1.5.8: either
// element, or the whole body, may be left out once sent).
[[gnu::noinline]] net::awaitable<ping_parameters> effective_parameters(push::hub& hub, const request_context& ctx,
                                                                       ping_parameters req) {
  if (req.heartbeat && req.folders) co_return req;
  auto saved = co_await hub.load_ping_parameters(ctx.user, ctx.device_id);
  if (!saved) co_return req;
  auto parsed = parse_parameters(*saved);
  if (!parsed) {
    spdlog::info("ping: saved parameters unreadable user={} device={}", log_escape(ctx.user),
                 log_escape(ctx.device_id));
    co_return req;
  }
  if (!req.heartbeat) req.heartbeat = parsed->heartbeat;
  if (!req.folders) req.folders = std::move(parsed->folders);
  co_return req;
}

// A woken folder whose check failed (the IMAP pool at its per-user limit, a timeout) is checked again
// after this, doubling up to the cap, instead of waiting for the next wake: the wake was the only news of
// the change, and a lost one would hold the device's mail back until its heartbeat.
constexpr std::chrono::milliseconds recheck_first{1000};
constexpr std::chrono::milliseconds recheck_cap{30000};

// Folders whose last check failed, and when to try them again.
struct recheck_state {
  std::set<std::size_t> folders;
  std::chrono::milliseconds backoff = recheck_first;
  std::chrono::steady_clock::time_point at = std::chrono::steady_clock::time_point::max();
};

// What a held Ping does with one wake-up: the reply, or nullopt to wait again. Its own coroutine, so the
// checks' state is not part of the frame that waits (up to an hour).
[[gnu::noinline]] net::awaitable<std::optional<reply>> react(services& svc, const checker& who,
                                                            const std::vector<watched_folder>& folders,
                                                            const push::wake& w, recheck_state& recheck,
                                                            std::chrono::steady_clock::time_point deadline) {
  using clock = std::chrono::steady_clock;
  const bool recheck_due =
      w.reason == push::wake_reason::timeout && !recheck.folders.empty() && clock::now() < deadline;
  if (!recheck_due && (w.reason == push::wake_reason::timeout || w.reason == push::wake_reason::superseded ||
                       w.reason == push::wake_reason::shutdown)) {
    co_return status(ping_status::expired);
  }
  if (w.hierarchy || w.policy) co_return status(ping_status::folder_sync_required);
  std::set<std::size_t> which(recheck.folders.begin(), recheck.folders.end());
  if (!recheck_due) {
    for (const auto i : push_wait::woken(w, folders)) which.insert(i);
  }
  if (which.empty()) co_return std::nullopt;
  const std::vector<std::size_t> asked(which.begin(), which.end());
  const auto found = co_await check_folders(svc, who, folders, asked);
  if (found.gone) co_return status(ping_status::folder_sync_required);
  if (!found.changed.empty()) co_return ping_reply(ping_status::changes, found.changed);
  if (found.unknown.empty()) {
    recheck.folders.clear();
    recheck.backoff = recheck_first;
  } else {
    recheck.folders = std::set<std::size_t>(found.unknown.begin(), found.unknown.end());
    recheck.at = clock::now() + recheck.backoff;
    recheck.backoff = std::min(recheck.backoff * 2, recheck_cap);
  }
  if (clock::now() >= deadline) co_return status(ping_status::expired);
  co_return std::nullopt;
}

// Parks until a folder really changed for this device, or the wait must end. Returns the reply.
[[gnu::noinline]] net::awaitable<reply> hold(services& svc, const checker& who, push::subscription& sub,
                                             const std::vector<watched_folder>& folders,
                                             std::chrono::steady_clock::time_point deadline) {
  recheck_state recheck;
  while (true) {
    const auto until = recheck.folders.empty() ? deadline : std::min(deadline, recheck.at);
    const push::wake w = co_await sub.wait(until);
    auto reacting = react(svc, who, folders, w, recheck, deadline);
    auto done = co_await std::move(reacting);
    if (done) co_return std::move(*done);
  }
}

// The wait of a Ping that found nothing to report, owning what hold() needs and nothing else.
class parked_ping final : public parked_request {
public:
  parked_ping(services& svc, checker who, push::subscription sub, std::vector<watched_folder> folders,
              std::vector<std::unique_ptr<backend::mail_watch::lease>> leases,
              std::chrono::steady_clock::time_point deadline)
      : svc_(svc), who_(std::move(who)), sub_(std::move(sub)), folders_(std::move(folders)),
        leases_(std::move(leases)), deadline_(deadline) {}

  net::awaitable<reply> resume() override { return hold(svc_, who_, sub_, folders_, deadline_); }

private:
  services& svc_;
  checker who_;
  push::subscription sub_;
  std::vector<watched_folder> folders_;
  std::vector<std::unique_ptr<backend::mail_watch::lease>> leases_;  // the IMAP watch, while held
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace

net::awaitable<reply> ping_handler(services& svc, request_context& ctx, const wbxml::element* request) {
  if (!svc.state || !svc.blocking || !svc.push) {
    co_return status_reply(row(), common_status::command_not_supported, ctx.version);
  }
  const auto started = std::chrono::steady_clock::now();
  ping_parameters asked;
  if (request) {
    auto parsed = parse_ping_request(*request);
    if (auto* s = std::get_if<ping_status>(&parsed)) {
      if (*s == ping_status::too_many_folders) {
        co_return ping_reply(*s, {}, static_cast<std::uint32_t>(svc.push_limits.max_folders));
      }
      co_return status(*s);
    }
    asked = std::move(std::get<ping_parameters>(parsed));
  }
  auto& hub = *svc.push;
  const ping_parameters params = co_await effective_parameters(hub, ctx, std::move(asked));
  // [MS-ASCMD] 2.2.3.177.11 Status 3: nothing sent and nothing cached.
  if (!params.heartbeat || !params.folders) co_return status(ping_status::missing_parameters);

  const auto& limits = svc.push_limits;
  const auto min_hb = static_cast<std::uint32_t>(limits.min_heartbeat.count());
  const auto max_hb = static_cast<std::uint32_t>(limits.max_heartbeat.count());
  if (*params.heartbeat < min_hb) co_return ping_reply(ping_status::bad_heartbeat, {}, std::nullopt, min_hb);
  if (*params.heartbeat > max_hb) co_return ping_reply(ping_status::bad_heartbeat, {}, std::nullopt, max_hb);
  if (params.folders->size() > limits.max_folders) {
    co_return ping_reply(ping_status::too_many_folders, {}, static_cast<std::uint32_t>(limits.max_folders));
  }

  auto found = co_await resolve(svc, ctx, *params.folders);
  if (!found) {
    spdlog::warn("ping: folder lookup failed user={} error={}", log_escape(ctx.user), found.error().message());
    co_return status(ping_status::server_error);
  }
  if (!found->folders) co_return status(ping_status::folder_sync_required);
  std::vector<watched_folder> folders = std::move(*found->folders);

  // Saved on every Ping, which also refreshes their lifetime; only parameters that resolved are kept, so
  // an empty Ping after a Status 7 does not repeat the stale ones.
  const std::string blob = serialize_parameters(params);
  co_await hub.save_ping_parameters(ctx.user, ctx.device_id, blob, limits.ping_parameters_ttl);

  // Subscribe first, then check (STYLE.md 4): a change between the check and the wait is kept for wait().
  auto sub = co_await push_wait::subscribe_newest(hub, ctx);
  auto leases = push_wait::watch_folders(svc, ctx, folders);
  std::vector<std::size_t> all(folders.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  checker who = checker::of(ctx);
  const auto initial = co_await check_folders(svc, who, folders, all);
  if (initial.gone) co_return status(ping_status::folder_sync_required);
  if (!initial.changed.empty()) co_return ping_reply(ping_status::changes, initial.changed);

  const auto deadline = started + std::chrono::seconds(*params.heartbeat);
  reply parked;
  parked.parked = std::make_unique<parked_ping>(svc, std::move(who), std::move(sub), std::move(folders),
                                                std::move(leases), deadline);
  co_return parked;
}

}  // namespace easd::protocol
