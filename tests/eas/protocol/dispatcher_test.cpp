#include "eas/protocol/dispatcher.hpp"

#include "eas/protocol/services.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

namespace easd::protocol {
namespace {

namespace net = boost::asio;

int handler_calls = 0;
const wbxml::element* last_request = nullptr;

net::awaitable<reply> echo_handler(services&, request_context&, const wbxml::element* request) {
  ++handler_calls;
  last_request = request;
  reply r;
  r.http_status = 200;
  r.eas_status = request ? 1u : 0u;
  co_return r;
}

const command_info test_rows[] = {
    {.name = "FolderSync", .root = "FolderHierarchy:FolderSync", .handler = echo_handler},
    {.name = "Ping", .root = "Ping:Ping", .empty_body_allowed = true, .handler = echo_handler},
    {.name = "Search", .root = "Search:Search"},
    {.name = "Find", .root = "Find:Find", .min_version = protocol_version::v16_1, .handler = echo_handler},
};

class DispatcherTest : public ::testing::Test {
protected:
  reply run(std::string command, protocol_version v, std::string_view body) {
    request_context ctx;
    ctx.command = std::move(command);
    ctx.version = v;
    net::io_context ioc;
    auto fut = net::co_spawn(ioc, dispatcher_.dispatch(ctx, body), net::use_future);
    ioc.run();
    return fut.get();
  }
  static std::optional<unsigned> body_status(const reply& r) {
    auto doc = wbxml::decode(r.body);
    if (!doc) return std::nullopt;
    const auto s = doc->children().empty() ? std::nullopt : std::optional(doc->children()[0].text());
    return s ? std::optional(static_cast<unsigned>(std::stoul(*s))) : std::nullopt;
  }
  void SetUp() override { handler_calls = 0; }

  command_table table_{std::span<const command_info>(test_rows)};
  services services_;
  dispatcher dispatcher_{table_, services_};
};

std::string folder_sync_request() {
  auto root = wbxml::element::named("FolderHierarchy:FolderSync");
  root.add("FolderHierarchy:SyncKey", "0");
  return wbxml::encode_to_string(root);
}

TEST_F(DispatcherTest, DecodesAndCallsTheHandler) {
  const auto r = run("FolderSync", protocol_version::v14_1, folder_sync_request());
  EXPECT_EQ(handler_calls, 1);
  EXPECT_EQ(r.eas_status, 1u);
}

TEST_F(DispatcherTest, UndecodableBodyIsStatus102Or400) {
  const std::string bad("\x03\x01\x6a\x00\x45\x02\x88\x80\x80\x80\x00\x01", 12);
  const auto r14 = run("FolderSync", protocol_version::v14_1, bad);
  EXPECT_EQ(r14.http_status, 200u);
  EXPECT_EQ(r14.content_type, wbxml_content_type);
  EXPECT_EQ(body_status(r14), 102u);
  auto doc = wbxml::decode(r14.body);
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->qualified_name(), "FolderHierarchy:FolderSync");
  const auto r12 = run("FolderSync", protocol_version::v12_1, bad);
  EXPECT_EQ(r12.http_status, 400u);
  EXPECT_TRUE(r12.body.empty());
  EXPECT_EQ(handler_calls, 0);
}

TEST_F(DispatcherTest, RootMustMatchTheCommand) {
  auto ping = wbxml::element::named("Ping:Ping");
  ping.add("Ping:HeartbeatInterval", "60");
  const auto r = run("FolderSync", protocol_version::v14_1, wbxml::encode_to_string(ping));
  EXPECT_EQ(body_status(r), 103u);
  EXPECT_EQ(run("FolderSync", protocol_version::v12_1, wbxml::encode_to_string(ping)).http_status, 400u);
  EXPECT_EQ(handler_calls, 0);
}

TEST_F(DispatcherTest, EmptyBodyOnlyWhereAllowed) {
  EXPECT_EQ(body_status(run("FolderSync", protocol_version::v14_1, "")), 101u);
  const auto r = run("Ping", protocol_version::v14_1, "");
  EXPECT_EQ(handler_calls, 1);
  EXPECT_EQ(r.eas_status, 0u);  // handler saw no document
}

TEST_F(DispatcherTest, NotImplementedIs137Or501) {
  auto search = wbxml::element::named("Search:Search");
  search.add("Search:Store").add("Search:Name", "Mailbox");
  const auto body = wbxml::encode_to_string(search);
  const auto r14 = run("Search", protocol_version::v14_0, body);
  EXPECT_EQ(r14.http_status, 200u);
  EXPECT_EQ(body_status(r14), 137u);
  EXPECT_EQ(run("Search", protocol_version::v12_1, body).http_status, 501u);
  // Malformed before unsupported: the device learns what is wrong with its request first.
  EXPECT_EQ(body_status(run("Search", protocol_version::v14_0, "\x03\x01\x6a\x00\x02")), 102u);
}

TEST_F(DispatcherTest, CommandOutsideItsVersionsIs138) {
  EXPECT_EQ(body_status(run("Find", protocol_version::v16_0, "")), 138u);
  EXPECT_EQ(run("Find", protocol_version::v12_1, "").http_status, 400u);
}

TEST_F(DispatcherTest, UnknownCommandIs400) { EXPECT_EQ(run("Bogus", protocol_version::v14_1, "").http_status, 400u); }

}  // namespace
}  // namespace easd::protocol
