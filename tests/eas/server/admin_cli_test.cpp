// The admin CLI's pure parts: arguments → (method, target, body), KEY=VALUE, the daemon's address from
// the configuration, and rendering of sample answers (hostile strings included). The HTTP side is in
// admin_cli_http_test.cpp.
#include "eas/server/admin_cli_request.hpp"

#include "eas/core/config.hpp"
#include "eas/server/admin_cli_client.hpp"
#include "eas/server/admin_cli_render.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace easd::server::admin_cli {
namespace {

namespace json = boost::json;

invocation device(std::string action, std::string user = "bob", std::string dev = "ABC") {
  invocation inv;
  inv.group = "device";
  inv.action = std::move(action);
  inv.user = std::move(user);
  inv.device = std::move(dev);
  return inv;
}

invocation policy(std::string action, std::string name = "strict") {
  invocation inv;
  inv.group = "policy";
  inv.action = std::move(action);
  inv.name = std::move(name);
  return inv;
}

api_request build(const invocation& inv, std::string_view file = "") {
  std::string why;
  auto r = build_request(inv, file, &why);
  EXPECT_TRUE(r) << why;
  return r.value_or(api_request{});
}

std::string refused(const invocation& inv, std::string_view file = "") {
  std::string why;
  EXPECT_FALSE(build_request(inv, file, &why));
  return why;
}

json::value body(const api_request& r) { return json::parse(r.body); }

TEST(AdminCliRequest, DeviceListCarriesEveryFilterEscaped) {
  auto inv = device("list", "", "");
  EXPECT_EQ(build(inv), (api_request{"GET", "/api/v1/devices", ""}));
  inv.filter_user = "bob@example.com";
  inv.access = "quarantined";
  inv.wipe = "requested";
  inv.seen_before = 1700000000;
  inv.seen_after = 1600000000;
  EXPECT_EQ(build(inv).target,
            "/api/v1/devices?user=bob%40example.com&access=quarantined&wipe=requested&seen_before=1700000000"
            "&seen_after=1600000000");
}

TEST(AdminCliRequest, DeviceShowEscapesUserAndDevice) {
  EXPECT_EQ(build(device("show", "a&b=c", "D 1/2")),
            (api_request{"GET", "/api/v1/device?user=a%26b%3Dc&device=D%201%2F2", ""}));
}

TEST(AdminCliRequest, DeviceActionsPostUserAndDevice) {
  for (const char* a : {"wipe", "wipe-account", "cancel-wipe", "block", "allow", "approve", "remove", "resync"}) {
    const auto r = build(device(a, "bob\"", "ABC"));
    EXPECT_EQ(r.method, "POST") << a;
    EXPECT_EQ(r.target, std::string("/api/v1/device/") + a);
    EXPECT_EQ(body(r), json::parse(R"({"user":"bob\"","device":"ABC"})")) << a;
  }
  auto resync = device("resync");
  resync.folder = "5";
  EXPECT_EQ(body(build(resync)), json::parse(R"({"user":"bob","device":"ABC","folder":"5"})"));
}

TEST(AdminCliRequest, EmptyUserOrDeviceIsAUsageError) {
  EXPECT_NE(refused(device("wipe", "", "ABC")), "");
  EXPECT_NE(refused(device("show", "bob", "")), "");
  EXPECT_NE(refused(policy("show", "")), "");
}

TEST(AdminCliRequest, PolicyListShowDelete) {
  EXPECT_EQ(build(policy("list", "")), (api_request{"GET", "/api/v1/policies", ""}));
  EXPECT_EQ(build(policy("show", "a b")), (api_request{"GET", "/api/v1/policy?name=a%20b", ""}));
  EXPECT_EQ(build(policy("delete")), (api_request{"DELETE", "/api/v1/policy?name=strict", ""}));
}

TEST(AdminCliRequest, PolicySetMergesFileThenWordsThenName) {
  auto inv = policy("set");
  inv.file = "p.json";
  inv.settings = {"device_password_enabled=true", "min_device_password_length=6"};
  const auto r = build(inv, R"({"device_password_enabled":false,"allow_camera":false})");
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.target, "/api/v1/policy");
  EXPECT_EQ(body(r), json::parse(R"({"device_password_enabled":true,"allow_camera":false,
                                     "min_device_password_length":6,"name":"strict"})"));
  // Without a file, just the words.
  auto plain = policy("set");
  plain.settings = {"allow_wifi=false"};
  EXPECT_EQ(body(build(plain)), json::parse(R"({"allow_wifi":false,"name":"strict"})"));
}

TEST(AdminCliRequest, PolicySetRefusesBadFiles) {
  auto inv = policy("set");
  inv.file = "p.json";
  EXPECT_NE(refused(inv, "[1,2]"), "");
  EXPECT_NE(refused(inv, "{not json"), "");
  EXPECT_NE(refused(inv, R"({"name":"other"})"), "");
  EXPECT_EQ(body(build(inv, R"({"name":"strict"})")), json::parse(R"({"name":"strict"})"));
}

TEST(AdminCliRequest, PolicyAssignNoneClears) {
  auto inv = policy("assign");
  inv.user = "alice";
  EXPECT_EQ(build(inv), (api_request{"POST", "/api/v1/policy/assign", R"({"policy":"strict","user":"alice"})"}));
  inv.device = "D1";
  EXPECT_EQ(body(build(inv)), json::parse(R"({"policy":"strict","user":"alice","device":"D1"})"));
  inv.name = "none";
  EXPECT_EQ(body(build(inv)), json::parse(R"({"policy":"","user":"alice","device":"D1"})"));
  inv.name = "";
  EXPECT_EQ(body(build(inv)), json::parse(R"({"policy":"","user":"alice","device":"D1"})"));
  inv.user = "";
  EXPECT_NE(refused(inv), "");
}

TEST(AdminCliSettings, ValuesBecomeTypedJson) {
  json::object o;
  std::string why;
  ASSERT_TRUE(parse_settings({"a=true", "b=false", "c=42", "d=-1", "e=", "f=\"\"", "g=[x, y,,z]", "h=[]",
                              "i=hello world", "j=99999999999999999999", "k=1=2"},
                             o, &why))
      << why;
  EXPECT_EQ(json::value(o), json::parse(R"({"a":true,"b":false,"c":42,"d":-1,"e":"","f":"","g":["x","y","z"],
                                            "h":[],"i":"hello world","j":"99999999999999999999","k":"1=2"})"));
  ASSERT_TRUE(parse_settings({"c=7"}, o, &why));
  EXPECT_EQ(o["c"], json::value(7));  // later words win
}

TEST(AdminCliSettings, RefusesMalformedWords) {
  json::object o;
  std::string why;
  EXPECT_FALSE(parse_settings({"novalue"}, o, &why));
  EXPECT_NE(why.find("KEY=VALUE"), std::string::npos);
  EXPECT_FALSE(parse_settings({"=1"}, o, &why));
  EXPECT_FALSE(parse_settings({"Bad-Key=1"}, o, &why));
  EXPECT_FALSE(parse_settings({"name=x"}, o, &why));
  EXPECT_NE(why.find("NAME"), std::string::npos);
}

TEST(AdminCliRequest, QueryEscapeAndActor) {
  EXPECT_EQ(query_escape("aZ09-._~ %/+\xc3\xa9"), "aZ09-._~%20%25%2F%2B%C3%A9");
  EXPECT_EQ(choose_actor("root-admin", "root"), "root-admin");
  EXPECT_EQ(choose_actor("", "alice"), "alice");
  EXPECT_EQ(choose_actor(nullptr, nullptr), "cli");
  EXPECT_EQ(choose_actor("a\x1b" "b c", nullptr), "a?b?c");
  EXPECT_EQ(choose_actor(std::string(100, 'x').c_str(), nullptr), std::string(64, 'x'));
}

config cli_config(const std::string& admin) {
  return parse_config("[server]\nexternal_url = \"https://mail.example.com\"\n[tls]\nenabled = false\n[admin]\n" + admin,
                      "test.toml");
}

TEST(AdminCliTarget, FromTheFirstAdminListenWithWildcardsAsLoopback) {
  auto cfg = cli_config("listen = [\"0.0.0.0:8081\", \"10.0.0.1:9\"]\napi_token = \"0123456789abcdef\"\n");
  EXPECT_EQ(target_from_config(cfg)->url(), "http://127.0.0.1:8081");
  EXPECT_EQ(cfg.admin.api_token, "0123456789abcdef");
  EXPECT_EQ(target_from_config(cli_config("listen = \"[::]:9000\"\n"))->url(), "http://[::1]:9000");
  EXPECT_EQ(target_from_config(cli_config("listen = \"10.1.2.3:7\"\n"))->url(), "http://10.1.2.3:7");
  EXPECT_FALSE(target_from_config(cli_config("")));
}

TEST(AdminCliTarget, AdminUrl) {
  std::string why;
  EXPECT_EQ(parse_admin_url("http://127.0.0.1:8081", &why), (admin_target{"127.0.0.1", 8081}));
  EXPECT_EQ(parse_admin_url("http://localhost/", &why), (admin_target{"localhost", 80}));
  EXPECT_EQ(parse_admin_url("http://[::1]:9000/", &why), (admin_target{"::1", 9000}));
  for (const char* bad : {"https://127.0.0.1:8081", "127.0.0.1:8081", "http://", "http://h:", "http://h:0",
                          "http://h:65536", "http://h:80/api", "http://u@h:80", "http://[::1", "http://[::1]x"}) {
    EXPECT_FALSE(parse_admin_url(bad, &why)) << bad;
  }
}

TEST(AdminCliRender, TerminalEscape) {
  EXPECT_EQ(terminal_escape("plain Zo\xc3\xab \xe6\x97\xa5"), "plain Zo\xc3\xab \xe6\x97\xa5");
  EXPECT_EQ(terminal_escape("\x1b[31mred\x07\n\x7f"), "\\x1B[31mred\\x07\\x0A\\x7F");
  EXPECT_EQ(terminal_escape("a\\b"), "a\\\\b");
  EXPECT_EQ(terminal_escape("\xc2\x9b" "2J"), "\\u{009B}2J");                // C1 CSI
  EXPECT_EQ(terminal_escape("x\xe2\x80\xaey"), "x\\u{202E}y");               // RIGHT-TO-LEFT OVERRIDE
  EXPECT_EQ(terminal_escape("\xff\xc3(\xed\xa0\x80"), "\\xFF\\xC3(\\xED\\xA0\\x80");  // invalid, surrogate
  EXPECT_EQ(terminal_escape("\xc0\xaf"), "\\xC0\\xAF");                      // overlong
}

TEST(AdminCliRender, IsoTime) {
  EXPECT_EQ(iso_time(0), "never");
  EXPECT_EQ(iso_time(1714564800), "2024-05-01T12:00:00Z");
}

TEST(AdminCliRender, PrettyJsonIsValidAndSafe) {
  const auto v = json::parse(R"({"a":[1,true,null,{"b":"\u001b[2J\u009b\u202e\n\"\\"}],"c":{},"d":[],"e":-2.5})");
  const auto text = pretty_json(v);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(text.find("\xc2\x9b"), std::string::npos);
  EXPECT_EQ(text.find("\xe2\x80\xae"), std::string::npos);
  EXPECT_NE(text.find("\\u001B[2J\\u009B\\u202E\\n\\\"\\\\"), std::string::npos) << text;
  EXPECT_EQ(json::parse(text), v);  // still the same JSON
  EXPECT_EQ(pretty_json(json::parse(R"({"k":[1,2]})")), "{\n  \"k\": [\n    1,\n    2\n  ]\n}\n");
}

const char* const sample_devices = R"({"devices":[
  {"user":"bob","device_id":"ABC","device_type":"iPhone","model":"iPhone15,2","access":"allowed","wipe":"none",
   "wipe_status":"none","last_seen":1714564800,"policy_name":"default"},
  {"user":"eve\u001b]0;pwned\u0007","device_id":"X\u009b1","device_type":"","model":"\u202egnp.exe","access":"blocked",
   "wipe":"full","wipe_status":"requested","last_seen":0,"policy_name":""}]})";

TEST(AdminCliRender, DeviceListTable) {
  const auto text = render_device_list(json::parse(sample_devices));
  EXPECT_EQ(text,
            "USER                 DEVICE      TYPE    MODEL            ACCESS   WIPE              LAST-SEEN"
            "             POLICY\n"
            "bob                  ABC         iPhone  iPhone15,2       allowed  none              "
            "2024-05-01T12:00:00Z  default\n"
            "eve\\x1B]0;pwned\\x07  X\\u{009B}1  -       \\u{202E}gnp.exe  blocked  requested (full)  never"
            "                 -\n");
  EXPECT_EQ(render_device_list(json::parse(R"({"devices":[]})")), "no devices\n");
}

TEST(AdminCliRender, DeviceShowListsTimesAndFolders) {
  const auto text = render_device(json::parse(R"({"user":"bob","device_id":"ABC","model":"M\u001b",
      "first_seen":1714564800,"wipe_delivered_at":0,"policy_key":123,"effective_policy":"strict",
      "folders":[{"collection_id":"5","last_sync":1714564800},{"collection_id":"7\u0007","last_sync":0}]})"));
  EXPECT_EQ(text,
            "user:              bob\n"
            "device_id:         ABC\n"
            "model:             M\\x1B\n"
            "first_seen:        2024-05-01T12:00:00Z\n"
            "wipe_delivered_at: never\n"
            "policy_key:        123\n"
            "effective_policy:  strict\n"
            "folders:\n"
            "  FOLDER  LAST-SYNC\n"
            "  5       2024-05-01T12:00:00Z\n"
            "  7\\x07   never\n");
}

TEST(AdminCliRender, PolicyListWithAssignedUsers) {
  const auto text = render_policy_list(json::parse(R"({"policies":[
      {"name":"default","source":"builtin","policy":{}},{"name":"strict","source":"config","policy":{}}],
      "users":[{"user":"alice","policy":"strict"},{"user":"bob","policy":"strict"}]})"));
  EXPECT_EQ(text,
            "NAME     SOURCE   USERS\n"
            "default  builtin  -\n"
            "strict   config   alice,bob\n");
}

TEST(AdminCliRender, PolicyShowAndActions) {
  const auto text = render_policy(json::parse(R"({"name":"strict","source":"api","policy":{"name":"strict",
      "device_password_enabled":true,"max_attachment_size":"","approved_application_list":[],
      "unapproved_in_rom_application_list":["a","b"]}})"));
  EXPECT_EQ(text,
            "name:                                 strict\n"
            "source:                               api\n"
            "  device_password_enabled:            true\n"
            "  max_attachment_size:                (empty)\n"
            "  approved_application_list:          (none)\n"
            "  unapproved_in_rom_application_list: a,b\n");
  EXPECT_EQ(render_policy_action("delete", json::parse(R"({"deleted":"strict"})")), "deleted strict\n");
  EXPECT_EQ(render_policy_action("assign", json::parse(R"({"user":"al","device":"D","policy":"strict"})")),
            "user al device D: policy strict\n");
  EXPECT_EQ(render_policy_action("assign", json::parse(R"({"user":"al","policy":""})")),
            "user al: assignment cleared\n");
  EXPECT_EQ(render_device_action("remove", json::parse(R"({"removed":true,"user":"bob","device":"A"})")),
            "removed bob A\n");
  EXPECT_EQ(render_device_action("wipe", json::parse(R"({"user":"bob","device_id":"A","access":"allowed",
      "wipe":"full","wipe_status":"requested"})")),
            "wipe: bob A access=allowed wipe=requested (full)\n");
}

}  // namespace
}  // namespace easd::server::admin_cli
