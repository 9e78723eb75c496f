// The admin API through the admin listener's router (route_admin_request), hermetic: a real SQLite
// registry in a temp dir, a push hub on the in-process bus, a policy book built from the registry, and
// each request as an exchange on a local io_context (marked as an io thread, so a registry call outside
// the blocking pool would be counted).
#include "eas/server/admin_api.hpp"

#include "eas/core/blocking_pool.hpp"
#include "eas/protocol/state/error.hpp"
#include "eas/protocol/state/sqlite_state_store.hpp"
#include "eas/server/admin_json.hpp"
#include "provisioning/policy.hpp"
#include "push/hub.hpp"
#include "push/local_bus.hpp"
#include "tests/eas/protocol/state/temp_dir.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <map>
#include <sstream>
#include <thread>

namespace easd::server {
namespace {

namespace net = boost::asio;
namespace json = boost::json;
namespace prov = provisioning;
using verb = http_wire::verb;

constexpr std::string_view token = "api-token-0123456789abcdef";

struct reply {
  unsigned status = 0;
  std::string body;
  std::string www_authenticate;
  json::value doc;  // the body parsed, null when it is not JSON
};

net::awaitable<body_read> give_body(std::string body, std::size_t limit) {
  body_read r;
  r.status = body.size() > limit ? body_status::too_large : body_status::ok;
  r.bytes = std::move(body);
  co_return r;
}

net::awaitable<void> wait_into(push::subscription& sub, push::wake& out) {
  out = co_await sub.wait(std::chrono::steady_clock::now() + std::chrono::milliseconds(1));
}

class AdminApiTest : public ::testing::Test {
protected:
  void SetUp() override {
    store_ = state::sqlite_state_store::open(dir_.file("state.db")).value();
    prov::policy configured = prov::default_policy();
    configured.name = "configured";
    configured.allow_camera = false;
    settings_.policies["default"] = prov::default_policy();
    settings_.policies["configured"] = configured;
    access_.allow.add("127.0.0.1").value();
    // A push secret that the API routes must ignore: they check their own token.
    access_.secret = "push-secret-0123456789";
    routes_ = make_routes(std::string(token));

    log_sink_ = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_);
    previous_logger_ = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", log_sink_));
    spdlog::set_level(spdlog::level::info);
  }
  void TearDown() override {
    spdlog::set_default_logger(previous_logger_);
    hub_.shutdown();
  }

  std::vector<admin_route> make_routes(std::string api_token) {
    admin_api_deps deps{*store_, pool_};
    deps.hub = &hub_;
    deps.book = [this] {
      auto& reg = static_cast<prov::device_registry&>(*store_);
      return std::make_shared<const prov::policy_book>(settings_, reg.stored_policies().value(),
                                                      reg.user_assignments().value(), reg.policy_generation().value());
    };
    deps.policies_changed = [this] { ++policies_changed_; };
    deps.now = [] { return std::int64_t{5000}; };
    deps.token = std::move(api_token);
    return admin_api_routes(std::move(deps));
  }

  reply call(verb method, std::string target, std::string body = {},
             std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + std::string(token)}}) {
    http_wire::request<http_wire::string_body> req{method, target, 11};
    for (const auto& [k, v] : headers) req.set(k, v);
    exchange ex{req,
                "127.0.0.1",
                [b = body](std::size_t limit) { return give_body(b, limit); },
                [] {},
                nullptr,
                {},
                false,
                false,
                {}};
    const auto violations = blocking_violations();
    mark_io_thread();
    net::co_spawn(ioc_, route_admin_request(access_, routes_, ex), net::detached);
    ioc_.run();
    ioc_.restart();
    unmark_io_thread();
    EXPECT_EQ(blocking_violations(), violations) << "a registry call ran on the io thread";
    reply r;
    r.status = ex.response.result_int();
    r.body = ex.response.body();
    r.www_authenticate = std::string(ex.response[http_wire::field::www_authenticate]);
    json::error_code ec;
    r.doc = json::parse(r.body, ec);
    if (!r.body.empty()) {
      EXPECT_EQ(ex.response[http_wire::field::content_type], "application/json");
    }
    return r;
  }
  reply post(std::string target, std::string body, std::string actor = "alice") {
    return call(verb::post, std::move(target), std::move(body),
                {{"Authorization", "Bearer " + std::string(token)}, {"X-Easd-Actor", actor}});
  }

  prov::device_registry& reg() { return *store_; }
  void add_device(const prov::device_key& k, std::string version = "16.1",
                  prov::access_state a = prov::access_state::allowed) {
    prov::request_facts f;
    f.device_type = "iPhone";
    f.user_agent = "Apple-iPhone/2001";
    f.protocol_version = std::move(version);
    f.now = 1000;
    ASSERT_TRUE(reg().touch(k, f, a, "default", 0));
  }
  push::wake wake_of(push::subscription& sub) {
    push::wake w;
    net::co_spawn(ioc_, wait_into(sub, w), net::detached);
    ioc_.run();
    ioc_.restart();
    return w;
  }
  push::subscription subscribe(std::string user, std::string device) {
    return hub_.subscribe(std::move(user), std::move(device), ioc_.get_executor());
  }
  std::string log() const { return log_.str(); }

  state::test::temp_dir dir_;
  std::unique_ptr<state::sqlite_state_store> store_;
  prov::settings settings_;
  blocking_pool pool_{1};
  std::unique_ptr<push::bus> bus_ = push::make_local_bus();
  push::hub hub_{*bus_};
  admin_policy access_;
  std::vector<admin_route> routes_;
  int policies_changed_ = 0;
  net::io_context ioc_;
  std::ostringstream log_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> log_sink_;
  std::shared_ptr<spdlog::logger> previous_logger_;
  const prov::device_key bob_{"bob@example.test", "ApplABC"};
};

TEST_F(AdminApiTest, TokenMissingOrWrongIs401) {
  auto r = call(verb::get, "/api/v1/devices", {}, {});
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(r.www_authenticate.rfind("Bearer", 0), 0u) << r.www_authenticate;
  EXPECT_TRUE(r.doc.as_object().contains("error"));
  EXPECT_EQ(call(verb::get, "/api/v1/devices", {}, {{"Authorization", "Bearer wrong-token-0123456789abcd"}}).status,
            401u);
  EXPECT_EQ(call(verb::get, "/api/v1/devices", {}, {{"Authorization", "Bearer " + std::string(token) + "x"}}).status,
            401u);
  // The push secret opens the push routes, not the API.
  EXPECT_EQ(call(verb::get, "/api/v1/devices", {}, {{"Authorization", "Bearer push-secret-0123456789"}}).status, 401u);
  // Before the method check and the body: nothing about the route leaks to an unauthenticated caller.
  EXPECT_EQ(call(verb::delete_, "/api/v1/device/wipe", "{}", {}).status, 401u);
  EXPECT_NE(log().find("admin api refused client=127.0.0.1 path=/api/v1/devices reason=no_token"), std::string::npos)
      << log();
  EXPECT_NE(log().find("reason=bad_token"), std::string::npos);
  // The scheme is case-insensitive (RFC 7235 2.1).
  EXPECT_EQ(call(verb::get, "/api/v1/devices", {}, {{"Authorization", "bearer " + std::string(token)}}).status, 200u);
}

TEST_F(AdminApiTest, WithoutATokenTheApiIsOff) {
  routes_ = make_routes("");
  EXPECT_EQ(call(verb::get, "/api/v1/devices").status, 404u);
  EXPECT_EQ(post("/api/v1/device/wipe", R"({"user":"bob@example.test","device":"ApplABC"})").status, 404u);
}

TEST_F(AdminApiTest, TheAllowListStillComesFirst) {
  access_.allow = {};
  access_.allow.add("::1").value();
  EXPECT_EQ(call(verb::get, "/api/v1/devices").status, 403u);
}

TEST_F(AdminApiTest, MethodsAndSizes) {
  auto r = call(verb::post, "/api/v1/devices");
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(call(verb::get, "/api/v1/device/wipe").status, 405u);
  const std::string big = R"({"user":")" + std::string(70 * 1024, 'x') + R"("})";
  EXPECT_EQ(post("/api/v1/device/wipe", big).status, 413u);
}

TEST_F(AdminApiTest, ListAndShowDevices) {
  add_device(bob_);
  add_device({"alice@example.test", "Droid1"}, "14.1");
  ASSERT_TRUE(reg().set_access({"alice@example.test", "Droid1"}, prov::access_state::quarantined, "rule 1"));
  ASSERT_TRUE(reg().note_folder_sync(bob_, "5", 1234));

  auto r = call(verb::get, "/api/v1/devices");
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto& all = r.doc.at("devices").as_array();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].at("user"), "alice@example.test");
  EXPECT_EQ(all[0].at("access"), "quarantined");
  const auto& d = all[1].as_object();
  for (const char* key : {"user", "device_id", "device_type", "model", "imei", "friendly_name", "os", "os_language",
                          "phone_number", "mobile_operator", "user_agent", "protocol_version", "first_seen",
                          "last_seen", "policy_key", "pending_key", "policy_name", "provisioned_at", "compliance",
                          "assigned_policy", "access", "access_reason", "wipe", "wipe_status", "wipe_requested_by",
                          "wipe_requested_at", "wipe_delivered_at", "wipe_acknowledged_at"}) {
    EXPECT_TRUE(d.contains(key)) << key;
  }
  EXPECT_EQ(d.at("device_id"), "ApplABC");
  EXPECT_EQ(d.at("first_seen"), 1000);
  EXPECT_EQ(d.at("wipe"), "none");
  EXPECT_EQ(d.at("compliance"), "unknown");

  r = call(verb::get, "/api/v1/devices?access=quarantined");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.doc.at("devices").as_array().size(), 1u);
  r = call(verb::get, "/api/v1/devices?user=bob%40example.test&seen_after=1000&seen_before=2000&wipe=none");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.doc.at("devices").as_array().size(), 1u);
  EXPECT_EQ(call(verb::get, "/api/v1/devices?access=maybe").status, 400u);
  EXPECT_EQ(call(verb::get, "/api/v1/devices?colour=red").status, 400u);
  EXPECT_EQ(call(verb::get, "/api/v1/devices?seen_after=yesterday").status, 400u);

  r = call(verb::get, "/api/v1/device?user=bob%40example.test&device=ApplABC");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.doc.at("effective_policy"), "default");
  ASSERT_EQ(r.doc.at("folders").as_array().size(), 1u);
  EXPECT_EQ(r.doc.at("folders").at(0).at("collection_id"), "5");
  EXPECT_EQ(r.doc.at("folders").at(0).at("last_sync"), 1234);
  EXPECT_EQ(call(verb::get, "/api/v1/device?user=bob%40example.test&device=nope").status, 404u);
  EXPECT_EQ(call(verb::get, "/api/v1/device?user=bob%40example.test").status, 400u);
}

TEST_F(AdminApiTest, WipePublishesAndLogs) {
  add_device(bob_);
  auto sub = subscribe(bob_.user, bob_.device_id);
  auto r = post("/api/v1/device/wipe", R"({"user":"bob@example.test","device":"ApplABC"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.doc.at("wipe"), "full");
  EXPECT_EQ(r.doc.at("wipe_status"), "requested");
  EXPECT_EQ(r.doc.at("wipe_requested_by"), "alice");
  EXPECT_EQ(r.doc.at("wipe_requested_at"), 5000);
  EXPECT_TRUE(wake_of(sub).policy);
  EXPECT_NE(log().find("admin action=wipe actor=alice client=127.0.0.1 user=bob@example.test device=ApplABC "
                       "result=ok"),
            std::string::npos)
      << log();

  // Already requested: 409; cancel, then again; once delivered cancel is 409.
  r = post("/api/v1/device/wipe", R"({"user":"bob@example.test","device":"ApplABC"})");
  EXPECT_EQ(r.status, 409u);
  EXPECT_NE(log().find("result=conflict"), std::string::npos);
  r = post("/api/v1/device/cancel-wipe", R"({"user":"bob@example.test","device":"ApplABC"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.doc.at("wipe_status"), "none");
  EXPECT_EQ(wake_of(sub).reason, push::wake_reason::timeout);  // nothing to wake for
  ASSERT_EQ(post("/api/v1/device/wipe", R"({"user":"bob@example.test","device":"ApplABC"})").status, 200u);
  ASSERT_TRUE(reg().mark_wipe_delivered(bob_, 6000));
  EXPECT_EQ(post("/api/v1/device/cancel-wipe", R"({"user":"bob@example.test","device":"ApplABC"})").status, 409u);
  EXPECT_EQ(post("/api/v1/device/wipe-account", R"({"user":"bob@example.test","device":"ApplABC"})").status, 409u);

  EXPECT_EQ(post("/api/v1/device/wipe", R"({"user":"bob@example.test","device":"other"})").status, 404u);
  EXPECT_EQ(post("/api/v1/device/wipe", R"({"user":"bob@example.test"})").status, 400u);
  EXPECT_EQ(post("/api/v1/device/wipe", R"({"user":"bob@example.test","device":"ApplABC","x":1})").status, 400u);
  EXPECT_EQ(post("/api/v1/device/wipe", R"({"user":"bob@example.test","device":7})").status, 400u);
  EXPECT_EQ(post("/api/v1/device/wipe", "not json").status, 400u);
  EXPECT_EQ(post("/api/v1/device/wipe", R"({"user":"bob@example.test","device":"ApplABC"})", "").status, 400u);
  EXPECT_EQ(post("/api/v1/device/wipe", R"({"user":"bob@example.test","device":"ApplABC"})", "bad\x01").status, 400u);
}

TEST_F(AdminApiTest, AccountOnlyWipeNeedsSixteenOne) {
  add_device(bob_, "16.0");
  add_device({"bob@example.test", "New"}, "16.1");
  auto r = post("/api/v1/device/wipe-account", R"({"user":"bob@example.test","device":"ApplABC"})");
  EXPECT_EQ(r.status, 409u);
  EXPECT_NE(r.body.find("16.1"), std::string::npos);
  auto sub = subscribe("bob@example.test", "New");
  r = post("/api/v1/device/wipe-account", R"({"user":"bob@example.test","device":"New"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.doc.at("wipe"), "account_only");
  EXPECT_TRUE(wake_of(sub).policy);
}

TEST_F(AdminApiTest, BlockAllowApprove) {
  add_device(bob_);
  auto sub = subscribe(bob_.user, bob_.device_id);
  auto r = post("/api/v1/device/block", R"({"user":"bob@example.test","device":"ApplABC"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.doc.at("access"), "blocked");
  EXPECT_EQ(r.doc.at("access_reason"), "admin alice");
  EXPECT_TRUE(wake_of(sub).policy);
  EXPECT_EQ(post("/api/v1/device/approve", R"({"user":"bob@example.test","device":"ApplABC"})").status, 409u);

  // allow after a finished wipe: access back and the wipe state cleared, keys forgotten.
  ASSERT_TRUE(reg().issue_pending_key(bob_, 7, "default", "f"));
  ASSERT_TRUE(reg().confirm_key(bob_, 7, 8, prov::compliance::applied, 1));
  ASSERT_TRUE(reg().request_wipe(bob_, prov::wipe_kind::full, "x", 1));
  ASSERT_TRUE(reg().mark_wipe_delivered(bob_, 2));
  ASSERT_TRUE(reg().acknowledge_wipe(bob_, true, 3));
  r = post("/api/v1/device/allow", R"({"user":"bob@example.test","device":"ApplABC"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.doc.at("access"), "allowed");
  EXPECT_EQ(r.doc.at("wipe_status"), "none");
  EXPECT_EQ(r.doc.at("policy_key"), 0);
  EXPECT_TRUE(wake_of(sub).policy);

  ASSERT_TRUE(reg().set_access(bob_, prov::access_state::quarantined, "default"));
  r = post("/api/v1/device/approve", R"({"user":"bob@example.test","device":"ApplABC"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.doc.at("access"), "allowed");
  EXPECT_EQ(post("/api/v1/device/block", R"({"user":"bob@example.test","device":"zzz"})").status, 404u);
}

TEST_F(AdminApiTest, RemoveAndResync) {
  add_device(bob_);
  const state::device_ref ref{bob_.user, bob_.device_id};
  const auto k = store_->commit_sync_state(ref, "5", {}, {"c", {}, {}}, std::nullopt).value();
  const auto kf = store_->commit_folder_state(ref, {}, {{"5", "0", "Inbox", 2}}).value();

  auto r = post("/api/v1/device/resync", R"({"user":"bob@example.test","device":"ApplABC","folder":"5"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_FALSE(store_->load_sync_state(ref, "5", k));
  EXPECT_TRUE(store_->load_folder_state(ref, kf));
  EXPECT_NE(log().find("admin action=resync actor=alice client=127.0.0.1 user=bob@example.test device=ApplABC "
                       "folder=5 result=ok"),
            std::string::npos)
      << log();
  ASSERT_EQ(post("/api/v1/device/resync", R"({"user":"bob@example.test","device":"ApplABC"})").status, 200u);
  EXPECT_FALSE(store_->load_folder_state(ref, kf));
  EXPECT_EQ(post("/api/v1/device/resync", R"({"user":"bob@example.test","device":"ApplABC","folder":""})").status,
            400u);
  // "folder" belongs to resync only.
  EXPECT_EQ(post("/api/v1/device/block", R"({"user":"bob@example.test","device":"ApplABC","folder":"5"})").status,
            400u);

  auto sub = subscribe(bob_.user, bob_.device_id);
  r = post("/api/v1/device/remove", R"({"user":"bob@example.test","device":"ApplABC"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(json::serialize(r.doc), R"({"removed":true,"user":"bob@example.test","device":"ApplABC"})");
  EXPECT_TRUE(wake_of(sub).policy);
  EXPECT_EQ(reg().find(bob_).error(), state::state_error::not_found);
  EXPECT_EQ(post("/api/v1/device/remove", R"({"user":"bob@example.test","device":"ApplABC"})").status, 404u);
  EXPECT_EQ(post("/api/v1/device/resync", R"({"user":"bob@example.test","device":"ApplABC"})").status, 404u);
}

TEST_F(AdminApiTest, PoliciesListShowPutDelete) {
  add_device(bob_);
  add_device({"carol@example.test", "C1"});
  auto r = call(verb::get, "/api/v1/policies");
  ASSERT_EQ(r.status, 200u) << r.body;
  ASSERT_EQ(r.doc.at("policies").as_array().size(), 2u);
  EXPECT_EQ(r.doc.at("policies").at(0).at("name"), "configured");
  EXPECT_EQ(r.doc.at("policies").at(0).at("source"), "config");
  EXPECT_EQ(r.doc.at("policies").at(1).at("source"), "builtin");
  EXPECT_TRUE(r.doc.at("users").as_array().empty());

  r = call(verb::get, "/api/v1/policy?name=configured");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.doc.at("policy").at("allow_camera"), false);
  EXPECT_EQ(call(verb::get, "/api/v1/policy?name=nope").status, 404u);
  EXPECT_EQ(call(verb::get, "/api/v1/policy").status, 400u);

  auto bob_wake = subscribe(bob_.user, "other-device");
  auto carol_wake = subscribe("carol@example.test", "C1");
  // A new policy starts from the defaults; a missing key keeps the current value on update.
  r = call(verb::put, "/api/v1/policy", R"({"name":"strict","device_password_enabled":true})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.doc.at("source"), "api");
  EXPECT_EQ(r.doc.at("policy").at("device_password_enabled"), true);
  EXPECT_EQ(r.doc.at("policy").at("allow_camera"), true);
  EXPECT_EQ(policies_changed_, 1);
  EXPECT_TRUE(wake_of(bob_wake).policy);
  EXPECT_TRUE(wake_of(carol_wake).policy);
  EXPECT_NE(log().find("admin action=policy-put actor=api client=127.0.0.1 policy=strict result=ok"),
            std::string::npos)
      << log();
  r = call(verb::put, "/api/v1/policy", R"({"name":"strict","allow_camera":false})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.doc.at("policy").at("device_password_enabled"), true);
  EXPECT_EQ(r.doc.at("policy").at("allow_camera"), false);
  // An API change to a configured policy starts from its configured values.
  r = call(verb::put, "/api/v1/policy", R"({"name":"configured","allow_wifi":false})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.doc.at("policy").at("allow_camera"), false);
  EXPECT_EQ(call(verb::get, "/api/v1/policy?name=configured").doc.at("source"), "api");

  EXPECT_EQ(call(verb::put, "/api/v1/policy", R"({"allow_camera":false})").status, 400u);
  EXPECT_EQ(call(verb::put, "/api/v1/policy", R"({"name":"Bad Name"})").status, 400u);
  EXPECT_EQ(call(verb::put, "/api/v1/policy", R"({"name":"strict","no_such_key":1})").status, 400u);
  EXPECT_EQ(call(verb::put, "/api/v1/policy", R"({"name":"strict","allow_camera":"yes"})").status, 400u);

  r = call(verb::delete_, "/api/v1/policy?name=strict");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(json::serialize(r.doc), R"({"deleted":"strict"})");
  EXPECT_EQ(call(verb::delete_, "/api/v1/policy?name=strict").status, 404u);
  EXPECT_EQ(call(verb::delete_, "/api/v1/policy?name=default").status, 409u);
  // The API-made override of "configured" goes; the configured one stays and cannot be deleted.
  EXPECT_EQ(call(verb::delete_, "/api/v1/policy?name=configured").status, 200u);
  EXPECT_EQ(call(verb::delete_, "/api/v1/policy?name=configured").status, 409u);
  EXPECT_EQ(call(verb::get, "/api/v1/policy?name=configured").doc.at("source"), "config");
}

TEST_F(AdminApiTest, AssignToUserAndDevice) {
  add_device(bob_);
  auto user_wake = subscribe(bob_.user, "another");
  auto r = post("/api/v1/policy/assign", R"({"policy":"configured","user":"bob@example.test"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(json::serialize(r.doc), R"({"user":"bob@example.test","policy":"configured"})");
  EXPECT_TRUE(wake_of(user_wake).policy);
  EXPECT_EQ(policies_changed_, 1);
  r = call(verb::get, "/api/v1/policies");
  ASSERT_EQ(r.doc.at("users").as_array().size(), 1u);
  EXPECT_EQ(r.doc.at("users").at(0).at("policy"), "configured");
  EXPECT_EQ(call(verb::get, "/api/v1/device?user=bob%40example.test&device=ApplABC").doc.at("effective_policy"),
            "configured");

  ASSERT_EQ(call(verb::put, "/api/v1/policy", R"({"name":"strict"})").status, 200u);
  auto device_wake = subscribe(bob_.user, bob_.device_id);
  r = post("/api/v1/policy/assign", R"({"policy":"strict","user":"bob@example.test","device":"ApplABC"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.doc.at("device"), "ApplABC");
  EXPECT_TRUE(wake_of(device_wake).policy);
  EXPECT_EQ(reg().find(bob_)->assigned_policy, "strict");
  EXPECT_EQ(call(verb::get, "/api/v1/device?user=bob%40example.test&device=ApplABC").doc.at("effective_policy"),
            "strict");
  EXPECT_NE(log().find("admin action=policy-assign actor=alice client=127.0.0.1 user=bob@example.test "
                       "device=ApplABC policy=strict result=ok"),
            std::string::npos)
      << log();

  // Clearing, unknown names and devices.
  ASSERT_EQ(post("/api/v1/policy/assign", R"({"policy":"","user":"bob@example.test"})").status, 200u);
  EXPECT_TRUE(reg().user_assignments().value().empty());
  EXPECT_EQ(post("/api/v1/policy/assign", R"({"policy":"nope","user":"bob@example.test"})").status, 404u);
  EXPECT_EQ(post("/api/v1/policy/assign", R"({"policy":"strict","user":"bob@example.test","device":"zz"})").status,
            404u);
  EXPECT_EQ(post("/api/v1/policy/assign", R"({"user":"bob@example.test"})").status, 400u);
}

TEST_F(AdminApiTest, HostileDeviceStringsBecomeValidJson) {
  const prov::device_key odd{"eve\xff@example.test", "D\"1\\"};
  add_device(odd);
  auto r = call(verb::get, "/api/v1/devices");
  ASSERT_EQ(r.status, 200u);
  ASSERT_FALSE(r.doc.is_null()) << r.body;
  EXPECT_EQ(r.doc.at("devices").at(0).at("user"), "eve\xEF\xBF\xBD@example.test");
  EXPECT_EQ(r.doc.at("devices").at(0).at("device_id"), "D\"1\\");
  // Percent-escapes reach the exact bytes.
  r = call(verb::get, "/api/v1/device?user=eve%FF%40example.test&device=D%221%5C");
  EXPECT_EQ(r.status, 200u) << r.body;
}

TEST_F(AdminApiTest, AMissingBookIs503NotACrash) {
  admin_api_deps deps{*store_, pool_};
  deps.book = [] { return std::shared_ptr<const prov::policy_book>(); };
  deps.now = [] { return std::int64_t{1}; };
  deps.token = std::string(token);
  routes_ = admin_api_routes(std::move(deps));
  const auto r = call(verb::get, "/api/v1/policies");
  EXPECT_EQ(r.status, 503u);
  EXPECT_TRUE(r.doc.as_object().contains("error"));
  EXPECT_NE(log().find("admin api list policies failed"), std::string::npos) << log();
}

// Through a real admin listener on port 0: the asynchronous handler inside a session, over a socket.
TEST_F(AdminApiTest, ServedByTheAdminListener) {
  add_device(bob_);
  const auto cfg = parse_config("[server]\nexternal_url = \"https://m.example.test\"\n[tls]\nenabled = false\n"
                                "[admin]\nlisten = \"127.0.0.1:0\"\napi_token = \"" + std::string(token) + "\"\n",
                                "test.toml");
  net::io_context server_io{1};
  admin_listener listener(server_io, cfg, make_routes(cfg.admin.api_token));
  const auto port = listener.start().at(0).port();
  std::thread runner([&] { server_io.run(); });
  auto request = [&](const std::string& text) {
    net::io_context io;
    net::ip::tcp::socket s(io);
    s.connect({net::ip::make_address("127.0.0.1"), port});
    boost::system::error_code ec;
    net::write(s, net::buffer(text), ec);
    std::string all;
    net::read(s, net::dynamic_buffer(all), ec);
    return all;
  };
  const std::string body = R"({"user":"bob@example.test","device":"ApplABC"})";
  const auto answer = request("POST /api/v1/device/block HTTP/1.1\r\nHost: easd\r\nAuthorization: Bearer " +
                              std::string(token) + "\r\nX-Easd-Actor: ops\r\nContent-Type: application/json\r\n"
                              "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200")) << answer;
  EXPECT_NE(answer.find(R"("access":"blocked")"), std::string::npos) << answer;
  const auto refused = request("GET /api/v1/devices HTTP/1.1\r\nHost: easd\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(refused.starts_with("HTTP/1.1 401")) << refused;
  EXPECT_NE(refused.find("WWW-Authenticate: Bearer"), std::string::npos) << refused;
  listener.shut_down();
  server_io.stop();
  runner.join();
  EXPECT_EQ(reg().find(bob_)->access, prov::access_state::blocked);
  EXPECT_EQ(reg().find(bob_)->access_reason, "admin ops");
}

}  // namespace
}  // namespace easd::server
