// The admin API's device routes: list, show, and the actions (wipe, account-only wipe, cancel, block,
// allow, approve, remove, resync). Each action is one blocking step on the pool that reads, changes and
// reads back the registry row, then a wake for the device's held Ping and the action log line.
#include "eas/core/protocol_version.hpp"
#include "eas/protocol/state/error.hpp"
#include "eas/server/admin_api_handlers.hpp"
#include "eas/server/admin_json.hpp"

#include <boost/json/serialize.hpp>

namespace easd::server::admin_api_detail {

namespace net = boost::asio;
namespace json = boost::json;
namespace prov = provisioning;

namespace {

constexpr std::string_view no_device = "no such device";

std::string_view verb_name(device_verb v) {
  switch (v) {
    case device_verb::wipe: return "wipe";
    case device_verb::wipe_account: return "wipe-account";
    case device_verb::cancel_wipe: return "cancel-wipe";
    case device_verb::block: return "block";
    case device_verb::allow: return "allow";
    case device_verb::approve: return "approve";
    case device_verb::remove: return "remove";
    case device_verb::resync: return "resync";
  }
  return "?";
}

answer device_answer(prov::device_registry& registry, const prov::device_key& key) {
  auto d = registry.find(key);
  if (!d) return registry_failure(d.error(), no_device, "");
  return json_answer(200, json::serialize(admin_json::device_json(*d)));
}

push::message wipe_wake(const prov::device_key& key) {
  push::message m;
  m.kind = push::message_kind::wipe;
  m.user = key.user;
  m.device = key.device_id;
  return m;
}

// The blocking half of an action. `by` is the actor.
answer perform(const admin_api_deps& api, device_verb verb, const admin_json::device_action& target,
               const std::string& by) {
  auto& reg = api.registry;
  const auto& key = target.key;
  const std::string reason = "admin " + by;
  switch (verb) {
    case device_verb::wipe:
    case device_verb::wipe_account: {
      const bool account = verb == device_verb::wipe_account;
      if (account) {
        // [MS-ASPROV] 2.2.2.1 AccountOnlyRemoteWipe: protocol 16.1 only; an older device would ignore it.
        auto d = reg.find(key);
        if (!d) return registry_failure(d.error(), no_device, "");
        const auto version = parse_protocol_version(d->protocol_version);
        if (!version || *version < protocol_version::v16_1) return conflict("account-only wipe needs EAS 16.1");
      }
      const auto kind = account ? prov::wipe_kind::account_only : prov::wipe_kind::full;
      if (auto r = reg.request_wipe(key, kind, by, api.now()); !r) {
        return registry_failure(r.error(), no_device, "a wipe is already requested or delivered");
      }
      auto a = device_answer(reg, key);
      a.wakes.push_back(wipe_wake(key));
      return a;
    }
    case device_verb::cancel_wipe: {
      if (auto r = reg.cancel_wipe(key); !r) {
        return registry_failure(r.error(), no_device, "no wipe waiting: none requested, or already delivered");
      }
      return device_answer(reg, key);
    }
    case device_verb::block: {
      if (auto r = reg.set_access(key, prov::access_state::blocked, reason); !r) {
        return registry_failure(r.error(), no_device, "");
      }
      auto a = device_answer(reg, key);
      a.wakes.push_back(policy_wake(key.user, key.device_id));
      return a;
    }
    case device_verb::allow: {
      auto d = reg.find(key);
      if (!d) return registry_failure(d.error(), no_device, "");
      if (auto r = reg.set_access(key, prov::access_state::allowed, reason); !r) {
        return registry_failure(r.error(), no_device, "");
      }
      // After a finished wipe the device comes back as new: no wipe state, and it provisions again.
      if (d->wipe_status == prov::wipe_state::acknowledged || d->wipe_status == prov::wipe_state::failed) {
        if (auto r = reg.clear_wipe(key); !r) return registry_failure(r.error(), no_device, "a wipe is pending again");
      }
      if (auto r = reg.clear_keys(key); !r) return registry_failure(r.error(), no_device, "");
      auto a = device_answer(reg, key);
      a.wakes.push_back(policy_wake(key.user, key.device_id));
      return a;
    }
    case device_verb::approve: {
      auto d = reg.find(key);
      if (!d) return registry_failure(d.error(), no_device, "");
      if (d->access != prov::access_state::quarantined) return conflict("the device is not quarantined");
      if (auto r = reg.set_access(key, prov::access_state::allowed, "approved by " + by); !r) {
        return registry_failure(r.error(), no_device, "");
      }
      auto a = device_answer(reg, key);
      a.wakes.push_back(policy_wake(key.user, key.device_id));
      return a;
    }
    case device_verb::remove: {
      if (auto r = reg.remove(key); !r) return registry_failure(r.error(), no_device, "");
      json::object o;
      o["removed"] = true;
      o["user"] = admin_json::text(key.user);
      o["device"] = admin_json::text(key.device_id);
      auto a = json_answer(200, json::serialize(o));
      a.wakes.push_back(policy_wake(key.user, key.device_id));
      return a;
    }
    case device_verb::resync: {
      // [MS-ASCMD] 2.2.3.177.16 / 2.2.3.177.5: the device's next Sync answers Status 3 and its next
      // FolderSync Status 9, so it starts over with SyncKey 0.
      if (auto r = reg.reset_sync_state(key, target.folder.value_or("")); !r) {
        return registry_failure(r.error(), no_device, "");
      }
      return device_answer(reg, key);
    }
  }
  return bad_request("unknown action");
}

}  // namespace

net::awaitable<void> list_devices(api_ptr api, exchange& ex) {
  std::string why;
  auto filter = admin_json::parse_device_filter(ex.request.target(), &why);
  if (!filter) {
    finish(*api, ex, bad_request(why));
    co_return;
  }
  auto work = [api, f = *filter]() {
    return guarded("list devices", [&] {
      auto devices = api->registry.list(f);
      if (!devices) return registry_failure(devices.error(), "", "");
      json::array list;
      for (const auto& d : *devices) list.push_back(admin_json::device_json(d));
      json::object o;
      o["devices"] = std::move(list);
      return json_answer(200, json::serialize(o));
    });
  };
  auto a = co_await run_blocking(api->pool, std::move(work));
  finish(*api, ex, a);
}

net::awaitable<void> show_device(api_ptr api, exchange& ex) {
  std::string why;
  auto key = admin_json::parse_device_query(ex.request.target(), &why);
  if (!key) {
    finish(*api, ex, bad_request(why));
    co_return;
  }
  ex.summary.user = key->user;
  ex.summary.device_id = key->device_id;
  auto work = [api, k = *key]() {
    return guarded("show device", [&] {
      auto d = api->registry.find(k);
      if (!d) return registry_failure(d.error(), no_device, "");
      auto folders = api->registry.folder_syncs(k);
      if (!folders) return registry_failure(folders.error(), no_device, "");
      auto o = admin_json::device_json(*d);
      json::array list;
      for (const auto& f : *folders) {
        json::object entry;
        entry["collection_id"] = admin_json::text(f.collection_id);
        entry["last_sync"] = f.at;
        list.push_back(std::move(entry));
      }
      o["folders"] = std::move(list);
      const auto book = current_book(*api);
      o["effective_policy"] = admin_json::text(book->policy_for(k.user, *d).name);
      return json_answer(200, json::serialize(o));
    });
  };
  auto a = co_await run_blocking(api->pool, std::move(work));
  finish(*api, ex, a);
}

net::awaitable<void> device_action(api_ptr api, exchange& ex, std::string body, device_verb verb) {
  const auto action = verb_name(verb);
  const auto actor = actor_of(ex);
  if (!actor) {
    finish(*api, ex, bad_request("X-Easd-Actor: 1..64 printable ASCII characters"));
    co_return;
  }
  std::string why;
  auto target = admin_json::parse_device_action(body, verb == device_verb::resync, &why);
  if (!target) {
    const auto a = bad_request(why);
    log_action(ex, action, *actor, "", a.result);
    finish(*api, ex, a);
    co_return;
  }
  ex.summary.user = target->key.user;
  ex.summary.device_id = target->key.device_id;
  auto work = [api, verb, t = *target, by = *actor]() {
    return guarded("device action", [&] { return perform(*api, verb, t, by); });
  };
  auto a = co_await run_blocking(api->pool, std::move(work));
  auto fields = field("user", target->key.user) + field("device", target->key.device_id);
  if (target->folder) fields += field("folder", *target->folder);
  log_action(ex, action, *actor, fields, a.result);
  finish(*api, ex, a);
}

}  // namespace easd::server::admin_api_detail
