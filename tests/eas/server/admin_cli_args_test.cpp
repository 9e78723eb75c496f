// The command-line tree (admin_cli.hpp add_commands): argv → invocation → (method, target, body), and
// what CLI11 refuses before anything is sent.
#include "eas/server/admin_cli.hpp"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <boost/json/parse.hpp>

#include <vector>

namespace easd::server::admin_cli {
namespace {

namespace json = boost::json;

// nullopt when CLI11 refuses the arguments.
std::optional<invocation> parse(std::vector<std::string> args) {
  CLI::App app;
  app.require_subcommand(1);
  invocation inv;
  add_commands(app, inv);
  args.insert(args.begin(), "easd");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError&) {
    return std::nullopt;
  }
  return inv;
}

api_request request(std::vector<std::string> args) {
  const auto inv = parse(std::move(args));
  EXPECT_TRUE(inv);
  if (!inv) return {};
  std::string why;
  const auto r = build_request(*inv, "", &why);
  EXPECT_TRUE(r) << why;
  return r.value_or(api_request{});
}

TEST(AdminCliArgs, DeviceCommands) {
  EXPECT_EQ(request({"device", "list", "--user", "bob", "--access", "blocked", "--seen-after", "17"}),
            (api_request{"GET", "/api/v1/devices?user=bob&access=blocked&seen_after=17", ""}));
  EXPECT_EQ(request({"device", "show", "bob", "ABC"}),
            (api_request{"GET", "/api/v1/device?user=bob&device=ABC", ""}));
  EXPECT_EQ(request({"device", "wipe-account", "bob", "ABC"}),
            (api_request{"POST", "/api/v1/device/wipe-account", R"({"user":"bob","device":"ABC"})"}));
  EXPECT_EQ(json::parse(request({"device", "resync", "bob", "ABC", "--folder", "5"}).body),
            json::parse(R"({"user":"bob","device":"ABC","folder":"5"})"));
}

TEST(AdminCliArgs, CommonOptionsAfterTheLeaf) {
  const auto inv = parse({"device", "list", "--json", "-c", "/tmp/x.toml", "--admin-url", "http://[::1]:9",
                          "--token", "t0123456789abcdef"});
  ASSERT_TRUE(inv);
  EXPECT_EQ(inv->group, "device");
  EXPECT_EQ(inv->action, "list");
  EXPECT_TRUE(inv->json);
  EXPECT_EQ(inv->config_path, "/tmp/x.toml");
  EXPECT_EQ(inv->admin_url, "http://[::1]:9");
  EXPECT_EQ(inv->token, "t0123456789abcdef");
  EXPECT_EQ(parse({"policy", "list"})->config_path, "/etc/easd/easd.toml");
}

TEST(AdminCliArgs, PolicyCommands) {
  EXPECT_EQ(request({"policy", "list"}), (api_request{"GET", "/api/v1/policies", ""}));
  EXPECT_EQ(request({"policy", "show", "strict"}), (api_request{"GET", "/api/v1/policy?name=strict", ""}));
  EXPECT_EQ(request({"policy", "delete", "strict"}), (api_request{"DELETE", "/api/v1/policy?name=strict", ""}));
  const auto set = request({"policy", "set", "strict", "allow_camera=false", "max_attachment_size=", "--json"});
  EXPECT_EQ(set.method, "PUT");
  EXPECT_EQ(json::parse(set.body), json::parse(R"({"allow_camera":false,"max_attachment_size":"","name":"strict"})"));
  EXPECT_EQ(json::parse(request({"policy", "assign", "strict", "--user", "alice", "--device", "D"}).body),
            json::parse(R"({"policy":"strict","user":"alice","device":"D"})"));
  EXPECT_EQ(json::parse(request({"policy", "assign", "", "--user", "alice"}).body),
            json::parse(R"({"policy":"","user":"alice"})"));
}

TEST(AdminCliArgs, UsageErrors) {
  EXPECT_FALSE(parse({"device"}));
  EXPECT_FALSE(parse({"device", "wipe", "bob"}));                       // DEVICE missing
  EXPECT_FALSE(parse({"device", "list", "--access", "maybe"}));
  EXPECT_FALSE(parse({"device", "list", "--wipe", "soon"}));
  EXPECT_FALSE(parse({"device", "list", "--seen-before", "yesterday"}));
  EXPECT_FALSE(parse({"device", "frobnicate", "bob", "ABC"}));
  EXPECT_FALSE(parse({"policy", "assign", "strict"}));                  // --user missing
  EXPECT_FALSE(parse({"policy", "set", "strict", "--file", "/nonexistent/p.json"}));
}

}  // namespace
}  // namespace easd::server::admin_cli
