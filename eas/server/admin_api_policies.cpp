// The admin API's policy routes: list, show, create/update (PUT), delete, assign to a user or a device.
// A change is stored in the registry (bumping its policy_generation, which every node watches), the
// server's book is rebuilt (policies_changed), and then the affected devices are woken so they meet the
// new policy at the provisioning gate ([MS-ASPROV] 3.2.5.1: a stale key gets Status 143 / HTTP 449).
#include "eas/protocol/state/error.hpp"
#include "eas/server/admin_api_handlers.hpp"
#include "eas/server/admin_json.hpp"
#include "provisioning/policy.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace easd::server::admin_api_detail {

namespace net = boost::asio;
namespace json = boost::json;
namespace prov = provisioning;

namespace {

json::object policy_entry(const prov::policy_book& book, const prov::policy& p) {
  json::object o;
  o["name"] = admin_json::text(p.name);
  o["source"] = std::string(to_string(book.source(p.name)));
  o["policy"] = json::parse(prov::policy_to_json(p));
  return o;
}

answer show_policy(const admin_api_deps& api, const std::string& name) {
  const auto book = current_book(api);
  const auto* p = book->find(name);
  if (p == nullptr) {
    auto a = json_answer(404, admin_json::error_body("no such policy"));
    a.result = "not_found";
    return a;
  }
  return json_answer(200, json::serialize(policy_entry(*book, *p)));
}

answer put_policy(const admin_api_deps& api, const std::string& name, const std::string& body) {
  // Keys the body leaves out keep the current values of that policy (the defaults for a new one).
  prov::policy base;
  {
    const auto book = current_book(api);
    const auto* current = book->find(name);
    base = current != nullptr ? *current : prov::default_policy();
  }
  base.name = name;
  std::string why;
  auto p = prov::policy_from_json(body, base, &why);
  if (!p) return bad_request(why.empty() ? "not a policy" : why);
  p->name = name;
  prov::stored_policy stored;
  stored.name = name;
  stored.json = prov::policy_to_json(*p);
  stored.updated = api.now();
  if (auto r = api.registry.put_policy(stored); !r) return registry_failure(r.error(), "", "");
  if (api.policies_changed) api.policies_changed();
  json::object o;
  o["name"] = admin_json::text(name);
  o["source"] = std::string(to_string(prov::policy_source::api));
  o["policy"] = json::parse(stored.json);
  auto a = json_answer(200, json::serialize(o));
  a.wakes = wake_every_user(api.registry);
  return a;
}

answer delete_policy(const admin_api_deps& api, const std::string& name) {
  if (name == "default") return conflict("the default policy cannot be deleted");
  if (auto r = api.registry.delete_policy(name); !r) {
    if (r.error() == state::state_error::not_found) {
      const auto book = current_book(api);
      if (book->find(name) != nullptr) return conflict("the policy is defined in the configuration file");
    }
    return registry_failure(r.error(), "no policy of that name was made through the API", "");
  }
  if (api.policies_changed) api.policies_changed();
  json::object o;
  o["deleted"] = admin_json::text(name);
  auto a = json_answer(200, json::serialize(o));
  a.wakes = wake_every_user(api.registry);
  return a;
}

answer assign(const admin_api_deps& api, const admin_json::assignment& req) {
  if (!req.policy.empty()) {
    const auto book = current_book(api);
    if (book->find(req.policy) == nullptr) {
      auto a = json_answer(404, admin_json::error_body("no such policy"));
      a.result = "not_found";
      return a;
    }
  }
  std::vector<push::message> wakes;
  if (req.device) {
    if (auto r = api.registry.assign_policy({req.user, *req.device}, req.policy); !r) {
      return registry_failure(r.error(), "no such device", "");
    }
    wakes.push_back(policy_wake(req.user, *req.device));
  } else {
    if (auto r = api.registry.assign_user(req.user, req.policy); !r) return registry_failure(r.error(), "", "");
    wakes.push_back(policy_wake(req.user, ""));
  }
  if (api.policies_changed) api.policies_changed();
  json::object o;
  o["user"] = admin_json::text(req.user);
  if (req.device) o["device"] = admin_json::text(*req.device);
  o["policy"] = admin_json::text(req.policy);
  auto a = json_answer(200, json::serialize(o));
  a.wakes = std::move(wakes);
  return a;
}

}  // namespace

net::awaitable<void> list_policies(api_ptr api, exchange& ex) {
  std::string why;
  auto params = admin_json::parse_query(ex.request.target(), &why);
  if (!params || !params->empty()) {
    finish(*api, ex, bad_request(params ? "no query parameters here" : why));
    co_return;
  }
  auto work = [api]() {
    return guarded("list policies", [&] {
      const auto book = current_book(*api);
      json::array policies;
      for (const auto& [name, p] : book->policies()) policies.push_back(policy_entry(*book, p));
      // The registry's own list, not the book's copy: it is current even before the book is rebuilt.
      auto users = api->registry.user_assignments();
      if (!users) return registry_failure(users.error(), "", "");
      json::array list;
      for (const auto& u : *users) {
        json::object entry;
        entry["user"] = admin_json::text(u.user);
        entry["policy"] = admin_json::text(u.policy);
        list.push_back(std::move(entry));
      }
      json::object o;
      o["policies"] = std::move(policies);
      o["users"] = std::move(list);
      return json_answer(200, json::serialize(o));
    });
  };
  auto a = co_await run_blocking(api->pool, std::move(work));
  finish(*api, ex, a);
}

net::awaitable<void> policy(api_ptr api, exchange& ex, std::string body) {
  const auto method = ex.request.method();
  const auto actor = actor_of(ex);
  if (!actor) {
    finish(*api, ex, bad_request("X-Easd-Actor: 1..64 printable ASCII characters"));
    co_return;
  }
  std::string why;
  const bool put = method == http_wire::verb::put;
  auto name = put ? admin_json::policy_name_of(body, &why) : admin_json::parse_name_query(ex.request.target(), &why);
  const char* action = put ? "policy-put" : method == http_wire::verb::delete_ ? "policy-delete" : nullptr;
  if (!name) {
    const auto a = bad_request(why);
    if (action) log_action(ex, action, *actor, "", a.result);
    finish(*api, ex, a);
    co_return;
  }
  auto work = [api, method, n = *name, b = std::move(body)]() {
    return guarded("policy", [&] {
      if (method == http_wire::verb::put) return put_policy(*api, n, b);
      if (method == http_wire::verb::delete_) return delete_policy(*api, n);
      return show_policy(*api, n);
    });
  };
  auto a = co_await run_blocking(api->pool, std::move(work));
  if (action) log_action(ex, action, *actor, field("policy", *name), a.result);
  finish(*api, ex, a);
}

net::awaitable<void> assign_policy(api_ptr api, exchange& ex, std::string body) {
  const auto actor = actor_of(ex);
  if (!actor) {
    finish(*api, ex, bad_request("X-Easd-Actor: 1..64 printable ASCII characters"));
    co_return;
  }
  std::string why;
  auto req = admin_json::parse_assignment(body, &why);
  if (!req) {
    const auto a = bad_request(why);
    log_action(ex, "policy-assign", *actor, "", a.result);
    finish(*api, ex, a);
    co_return;
  }
  ex.summary.user = req->user;
  if (req->device) ex.summary.device_id = *req->device;
  auto work = [api, r = *req]() { return guarded("assign policy", [&] { return assign(*api, r); }); };
  auto a = co_await run_blocking(api->pool, std::move(work));
  auto fields = field("user", req->user);
  if (req->device) fields += field("device", *req->device);
  fields += field("policy", req->policy);
  log_action(ex, "policy-assign", *actor, fields, a.result);
  finish(*api, ex, a);
}

}  // namespace easd::server::admin_api_detail
