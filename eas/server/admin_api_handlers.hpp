// Inside the admin API (admin_api.hpp): the handler coroutines of each route family and what they share —
// the answer built on the blocking pool, the one mapping of registry errors to HTTP statuses, the action
// log line. Private to admin_api*.cpp.
#pragma once

#include "eas/server/admin_api.hpp"
#include "push/message.hpp"

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::server::admin_api_detail {

using api_ptr = std::shared_ptr<const admin_api_deps>;

// What a handler's blocking half decided: the response and who to wake once it is sent.
struct answer {
  unsigned status = 200;
  std::string body;           // JSON
  std::string result = "ok";  // the action log's result= (ok, bad_request, not_found, conflict, error)
  std::vector<push::message> wakes;
};

answer json_answer(unsigned status, std::string body);
answer bad_request(std::string_view why);
// The one place registry errors become HTTP: not_found 404, conflict and limit 409, invalid_argument
// 400, everything else (busy, io, corrupt) 503 with the detail in the log only.
answer registry_failure(const error_code& ec, std::string_view not_found_text, std::string_view conflict_text);
answer conflict(std::string_view why);

// X-Easd-Actor, "api" when absent; nullopt for one the contract does not allow.
std::optional<std::string> actor_of(const exchange& ex);
// `admin action=… actor=… client=… <fields> result=…` at info; every value escaped.
void log_action(const exchange& ex, std::string_view action, std::string_view actor, std::string_view fields,
                std::string_view result);
std::string field(std::string_view key, std::string_view value);  // " key=escaped"

// Sends the answer (on the strand) after publishing its wakes.
void finish(const admin_api_deps& api, exchange& ex, const answer& a);

// deps.book(), never null: a missing book is a wiring bug, thrown for guarded() to answer 503.
std::shared_ptr<const provisioning::policy_book> current_book(const admin_api_deps& api);

// Runs `work` on the pool; an exception becomes a 503 (logged).
answer guarded(const char* what, const std::function<answer()>& work);

// Policy wake-ups: one per user that has devices (device ""), for changes that may touch anyone.
std::vector<push::message> wake_every_user(provisioning::device_registry& registry);
push::message policy_wake(std::string user, std::string device);

enum class device_verb { wipe, wipe_account, cancel_wipe, block, allow, approve, remove, resync };

boost::asio::awaitable<void> list_devices(api_ptr api, exchange& ex);
boost::asio::awaitable<void> show_device(api_ptr api, exchange& ex);
boost::asio::awaitable<void> device_action(api_ptr api, exchange& ex, std::string body, device_verb verb);
boost::asio::awaitable<void> list_policies(api_ptr api, exchange& ex);
boost::asio::awaitable<void> policy(api_ptr api, exchange& ex, std::string body);  // GET, PUT, DELETE
boost::asio::awaitable<void> assign_policy(api_ptr api, exchange& ex, std::string body);

}  // namespace easd::server::admin_api_detail
