// The admin API's routes, its bearer-token check and the helpers every handler shares.
#include "eas/server/admin_api.hpp"

#include "eas/core/ascii.hpp"
#include "eas/core/log_escape.hpp"
#include "eas/http/basic_auth.hpp"
#include "eas/protocol/state/error.hpp"
#include "eas/server/admin_api_handlers.hpp"
#include "eas/server/admin_json.hpp"
#include "push/hub.hpp"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <set>
#include <stdexcept>

namespace easd::server {

namespace net = boost::asio;

namespace admin_api_detail {

namespace {

constexpr std::string_view json_type = "application/json";

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The same time wherever the first difference is (the length is not secret).
bool same_token(std::string_view given, std::string_view token) {
  return given.size() == token.size() && CRYPTO_memcmp(given.data(), token.data(), token.size()) == 0;
}

bool bearer_matches(std::string_view authorization, std::string_view token) {
  if (authorization.size() > http::max_authorization_bytes) return false;
  const auto value = trim_spaces(authorization);
  constexpr std::string_view bearer = "Bearer ";
  if (!istarts_with_ascii(value, bearer)) return false;
  return same_token(trim_spaces(value.substr(bearer.size())), token);
}

bool authorize(const admin_api_deps& api, exchange& ex) {
  if (api.token.empty()) {
    set_response(ex, 404, admin_json::error_body("the admin API is off: set [admin] api_token"), json_type);
    return false;
  }
  if (!bearer_matches(ex.request[http_wire::field::authorization], api.token)) {
    const bool missing = ex.request[http_wire::field::authorization].empty();
    std::string_view path = ex.request.target();
    path = path.substr(0, path.find('?'));
    spdlog::warn("admin api refused client={} path={} reason={}", ex.client_address, log_escape(path),
                 missing ? "no_token" : "bad_token");
    set_response(ex, 401, admin_json::error_body("a valid bearer token is required"), json_type);
    ex.response.set(http_wire::field::www_authenticate, "Bearer realm=\"easd admin\"");
    return false;
  }
  return true;
}

}  // namespace

answer json_answer(unsigned status, std::string body) {
  answer a;
  a.status = status;
  a.body = std::move(body);
  return a;
}

answer bad_request(std::string_view why) {
  auto a = json_answer(400, admin_json::error_body(why));
  a.result = "bad_request";
  return a;
}

answer conflict(std::string_view why) {
  auto a = json_answer(409, admin_json::error_body(why));
  a.result = "conflict";
  return a;
}

answer registry_failure(const error_code& ec, std::string_view not_found_text, std::string_view conflict_text) {
  using state::state_error;
  if (ec == state_error::not_found) {
    auto a = json_answer(404, admin_json::error_body(not_found_text));
    a.result = "not_found";
    return a;
  }
  if (ec == state_error::conflict || ec == state_error::limit) return conflict(conflict_text);
  if (ec == state_error::invalid_argument) return bad_request("a value is too long or contains NUL");
  spdlog::error("admin api registry error: {}", ec.message());
  auto a = json_answer(503, admin_json::error_body("the device registry is unavailable; try again"));
  a.result = "error";
  return a;
}

std::optional<std::string> actor_of(const exchange& ex) {
  const auto it = ex.request.find("X-Easd-Actor");
  if (it == ex.request.end()) return std::string("api");
  const std::string_view actor = it->value();
  if (!admin_json::valid_actor(actor)) return std::nullopt;
  return std::string(actor);
}

std::string field(std::string_view key, std::string_view value) {
  return " " + std::string(key) + "=" + log_escape(value);
}

void log_action(const exchange& ex, std::string_view action, std::string_view actor, std::string_view fields,
                std::string_view result) {
  spdlog::info("admin action={} actor={} client={}{} result={}", action, log_escape(actor), ex.client_address, fields,
               result);
}

void finish(const admin_api_deps& api, exchange& ex, const answer& a) {
  if (api.hub != nullptr) {
    for (const auto& m : a.wakes) api.hub->publish(m);
  }
  set_response(ex, a.status, a.body, json_type);
}

std::shared_ptr<const provisioning::policy_book> current_book(const admin_api_deps& api) {
  auto book = api.book ? api.book() : nullptr;
  if (!book) throw std::logic_error("no policy book");
  return book;
}

answer guarded(const char* what, const std::function<answer()>& work) {
  try {
    return work();
  } catch (const std::exception& e) {
    spdlog::error("admin api {} failed: {}", what, e.what());
  }
  auto a = json_answer(503, admin_json::error_body("internal error; see the server log"));
  a.result = "error";
  return a;
}

push::message policy_wake(std::string user, std::string device) {
  push::message m;
  m.kind = push::message_kind::policy;
  m.user = std::move(user);
  m.device = std::move(device);
  return m;
}

std::vector<push::message> wake_every_user(provisioning::device_registry& registry) {
  std::vector<push::message> out;
  auto devices = registry.list({});
  if (!devices) {
    // The change itself is stored; devices meet it on their next request even unwoken.
    spdlog::warn("admin api: cannot list devices to wake: {}", devices.error().message());
    return out;
  }
  std::set<std::string_view> users;
  for (const auto& d : *devices) users.insert(d.key.user);
  for (auto u : users) out.push_back(policy_wake(std::string(u), ""));
  return out;
}

}  // namespace admin_api_detail

std::vector<admin_route> admin_api_routes(admin_api_deps deps) {
  using namespace admin_api_detail;
  const auto api = std::make_shared<const admin_api_deps>(std::move(deps));
  auto auth = [api](exchange& ex) { return authorize(*api, ex); };
  std::vector<admin_route> routes;
  auto add = [&](std::string path, std::string name, std::vector<http_wire::verb> methods, std::size_t body_limit,
                 std::function<net::awaitable<void>(exchange&, std::string_view)> handler) {
    admin_route r;
    r.path = std::move(path);
    r.name = std::move(name);
    r.methods = std::move(methods);
    r.body_limit = body_limit;
    r.handle_async = std::move(handler);
    r.authorize = auth;
    routes.push_back(std::move(r));
  };
  const auto limit = admin_json::limits::max_body;
  using verb = http_wire::verb;
  add("/api/v1/devices", "ApiDevices", {verb::get}, 0,
      [api](exchange& ex, std::string_view) { return list_devices(api, ex); });
  add("/api/v1/device", "ApiDevice", {verb::get}, 0,
      [api](exchange& ex, std::string_view) { return show_device(api, ex); });
  const std::pair<const char*, device_verb> actions[] = {
      {"wipe", device_verb::wipe},   {"wipe-account", device_verb::wipe_account},
      {"cancel-wipe", device_verb::cancel_wipe}, {"block", device_verb::block},
      {"allow", device_verb::allow}, {"approve", device_verb::approve},
      {"remove", device_verb::remove}, {"resync", device_verb::resync},
  };
  for (const auto& [path, v] : actions) {
    add(std::string("/api/v1/device/") + path, std::string("ApiDevice-") + path, {verb::post}, limit,
        [api, v = v](exchange& ex, std::string_view body) { return device_action(api, ex, std::string(body), v); });
  }
  add("/api/v1/policies", "ApiPolicies", {verb::get}, 0,
      [api](exchange& ex, std::string_view) { return list_policies(api, ex); });
  add("/api/v1/policy", "ApiPolicy", {verb::get, verb::put, verb::delete_}, limit,
      [api](exchange& ex, std::string_view body) { return policy(api, ex, std::string(body)); });
  add("/api/v1/policy/assign", "ApiPolicyAssign", {verb::post}, limit,
      [api](exchange& ex, std::string_view body) { return assign_policy(api, ex, std::string(body)); });
  return routes;
}

}  // namespace easd::server
