#include "eas/http/eas_headers.hpp"

#include "tests/eas/http/fixture_targets.hpp"

#include <gtest/gtest.h>

namespace easd::http {
namespace {

TEST(EasHeaders, ProtocolVersion) {
  const std::pair<const char*, protocol_version> good[] = {
      {"2.5", protocol_version::v2_5},   {"12.0", protocol_version::v12_0}, {"12.1", protocol_version::v12_1},
      {"14.0", protocol_version::v14_0}, {"14.1", protocol_version::v14_1}, {"16.0", protocol_version::v16_0},
      {"16.1", protocol_version::v16_1}, {" 14.1 ", protocol_version::v14_1},
  };
  for (auto [text, v] : good) {
    auto r = parse_protocol_version_header(text);
    ASSERT_TRUE(r) << text;
    EXPECT_EQ(*r, v);
  }
  for (const char* bad : {"", "14", "14.2", "1.0", "16.1,14.1", "v14.1", "14.1\r\n"}) {
    auto r = parse_protocol_version_header(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error(), header_error::bad_protocol_version);
  }
}

TEST(EasHeaders, PolicyKey) {
  EXPECT_EQ(*parse_policy_key_header(""), std::nullopt);
  EXPECT_EQ(*parse_policy_key_header("0"), std::nullopt);
  EXPECT_EQ(*parse_policy_key_header(" 0 "), std::nullopt);
  EXPECT_EQ(*parse_policy_key_header("3000000001"), 3000000001u);
  EXPECT_EQ(*parse_policy_key_header("4294967295"), 4294967295u);
  EXPECT_EQ(*parse_policy_key_header(" 17\t"), 17u);
  for (const char* bad : {"4294967296", "-1", "+1", "12a", "0x10", "1 2", "99999999999999999999"}) {
    auto r = parse_policy_key_header(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error(), header_error::bad_policy_key);
  }
}

TEST(EasHeaders, AcceptMultiPart) {
  EXPECT_TRUE(parse_accept_multipart_header("T"));
  EXPECT_TRUE(parse_accept_multipart_header("t"));
  EXPECT_TRUE(parse_accept_multipart_header(" T "));
  EXPECT_FALSE(parse_accept_multipart_header("F"));
  EXPECT_FALSE(parse_accept_multipart_header(""));
  EXPECT_FALSE(parse_accept_multipart_header("TRUE"));
}

TEST(EasHeaders, LookupIsCaseInsensitive) {
  boost::beast::http::fields f;
  f.set("Ms-Asprotocolversion", "16.1");  // as go-activesync spells it
  f.set("X-Ms-Policykey", "3000000001");
  auto h = eas_header_values_from(f);
  EXPECT_EQ(h.protocol_version, "16.1");
  EXPECT_EQ(h.policy_key, "3000000001");
  EXPECT_EQ(h.accept_multipart, std::nullopt);
  f.set("MS-ASAcceptMultiPart", "T");
  EXPECT_EQ(eas_header_values_from(f).accept_multipart, "T");
}

TEST(EffectiveParameters, EveryRealClientRequest) {
  for (const auto& f : test::fixture_requests) {
    SCOPED_TRACE(f.name);
    auto target = parse_request_target(f.target);
    ASSERT_TRUE(target);
    eas_header_values h;
    if (f.protocol_version) h.protocol_version = f.protocol_version;
    if (f.policy_key_header) h.policy_key = f.policy_key_header;
    auto p = effective_parameters(*target, h);
    ASSERT_TRUE(p) << p.error().message();
    EXPECT_EQ(p->version, parse_protocol_version(f.protocol_version));
    if (f.policy_key == 0) {
      EXPECT_EQ(p->policy_key, std::nullopt);
    } else {
      EXPECT_EQ(p->policy_key, f.policy_key);
    }
    EXPECT_FALSE(p->accept_multipart);
  }
}

TEST(EffectiveParameters, PlainForm) {
  auto t = *parse_request_target("/Microsoft-Server-ActiveSync?Cmd=Provision&DeviceId=d&DeviceType=t&PolicyKey=7");
  EXPECT_EQ(effective_parameters(t, {}).error(), header_error::missing_protocol_version);
  EXPECT_EQ(effective_parameters(t, {"15.0", {}, {}}).error(), header_error::bad_protocol_version);
  EXPECT_EQ(effective_parameters(t, {"14.1", "x", {}}).error(), header_error::bad_policy_key);

  auto p = effective_parameters(t, {"12.1", {}, {}});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->version, protocol_version::v12_1);
  EXPECT_EQ(p->policy_key, 7u);  // from the query
  EXPECT_EQ(effective_parameters(t, {"14.1", "9", {}})->policy_key, 9u);  // header wins
  EXPECT_EQ(effective_parameters(t, {"14.1", "0", {}})->policy_key, 7u);  // header says none
  EXPECT_TRUE(effective_parameters(t, {"14.1", {}, "T"})->accept_multipart);
  EXPECT_FALSE(effective_parameters(t, {"14.1", {}, "F"})->accept_multipart);
}

TEST(EffectiveParameters, Base64FormCarriesItsOwn) {
  // Spec example: 14.0, no policy key.
  auto t = *parse_request_target("/Microsoft-Server-ActiveSync?jAAJBAp2MTQwRGV2aWNlAApTbWFydFBob25l");
  auto p = effective_parameters(t, {});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->version, protocol_version::v14_0);
  EXPECT_EQ(p->policy_key, std::nullopt);
  // A header the client should not have sent does not override the structure's version.
  EXPECT_EQ(effective_parameters(t, {"16.1", {}, {}})->version, protocol_version::v14_0);
  EXPECT_EQ(effective_parameters(t, {"garbage", {}, {}})->version, protocol_version::v14_0);
  // No key in the structure: the header is the fallback.
  EXPECT_EQ(effective_parameters(t, {{}, "5", {}})->policy_key, 5u);

  t.policy_key = 42;
  EXPECT_EQ(effective_parameters(t, {{}, "5", {}})->policy_key, 42u);
  EXPECT_EQ(effective_parameters(t, {{}, "garbage", {}})->policy_key, 42u);
  t.accept_multipart = true;
  EXPECT_TRUE(effective_parameters(t, {})->accept_multipart);
}

}  // namespace
}  // namespace easd::http
