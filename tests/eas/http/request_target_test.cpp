#include "eas/http/request_target.hpp"

#include "eas/core/base64.hpp"
#include "tests/eas/http/fixture_targets.hpp"

#include <gtest/gtest.h>

#include <string>

namespace easd::http {
namespace {

using err = request_target_error;

constexpr std::string_view path = "/Microsoft-Server-ActiveSync?";

std::string plain(std::string_view query) { return std::string(path) + std::string(query); }

// Builds the binary structure of [MS-ASHTTP] 2.2.1.1.1.1 and wraps it as a request target.
struct binary_query {
  std::uint8_t version = 141;
  std::uint8_t command = 0;
  std::uint16_t locale = 0x0409;
  std::string device_id = "v140Device";
  std::string policy_key;  // 0 or 4 raw bytes
  std::string device_type = "SmartPhone";
  std::string params;      // raw {tag, length, value} triples

  binary_query& param(std::uint8_t tag, std::string_view value) {
    params += static_cast<char>(tag);
    params += static_cast<char>(value.size());
    params += value;
    return *this;
  }
  std::string bytes() const {
    std::string b;
    b += static_cast<char>(version);
    b += static_cast<char>(command);
    b += static_cast<char>(locale & 0xff);
    b += static_cast<char>(locale >> 8);
    b += static_cast<char>(device_id.size());
    b += device_id;
    b += static_cast<char>(policy_key.size());
    b += policy_key;
    b += static_cast<char>(device_type.size());
    b += device_type;
    b += params;
    return b;
  }
  std::string target() const { return std::string(path) + encode_base64(bytes()); }
};

error_code error_of(std::string_view target) {
  auto r = parse_request_target(target);
  EXPECT_FALSE(r.has_value()) << target;
  return r ? error_code{} : r.error();
}

// ---- base64 form ----

TEST(RequestTargetBase64, SpecExample) {
  // [MS-ASHTTP] 2.2.1.1.1.1: 8C 00 09 04 0A "v140Device" 00 0A "SmartPhone".
  auto r = parse_request_target("/Microsoft-Server-ActiveSync?jAAJBAp2MTQwRGV2aWNlAApTbWFydFBob25l");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->base64_form);
  EXPECT_EQ(r->version, protocol_version::v14_0);
  EXPECT_EQ(r->command, "Sync");
  EXPECT_EQ(r->locale, 0x0409);
  EXPECT_EQ(r->device_id, "v140Device");
  EXPECT_EQ(r->policy_key, std::nullopt);
  EXPECT_EQ(r->device_type, "SmartPhone");
  EXPECT_EQ(r->user, "");
  EXPECT_FALSE(r->save_in_sent);
  EXPECT_FALSE(r->accept_multipart);
}

TEST(RequestTargetBase64, NineAndroidClient) {
  // http.md 3: 8D 00 0904 10 "Nine4383AF346860" 04 00000000 07 "Android" 07 01 00.
  for (const char* target : {"/Microsoft-Server-ActiveSync?jQAJBBBOaW5lNDM4M0FGMzQ2ODYwBAAAAAAHQW5kcm9pZAcBAA==",
                             "/Microsoft-Server-ActiveSync?jQAJBBBOaW5lNDM4M0FGMzQ2ODYwBAAAAAAHQW5kcm9pZAcBAA%3D%3D",
                             "/Microsoft-Server-ActiveSync?jQAJBBBOaW5lNDM4M0FGMzQ2ODYwBAAAAAAHQW5kcm9pZAcBAA"}) {
    auto r = parse_request_target(target);
    ASSERT_TRUE(r) << target << ": " << r.error().message();
    EXPECT_EQ(r->version, protocol_version::v14_1);
    EXPECT_EQ(r->command, "Sync");
    EXPECT_EQ(r->locale, 0x0409);
    EXPECT_EQ(r->device_id, "Nine4383AF346860");
    EXPECT_EQ(r->policy_key, std::nullopt);  // key 0 = none
    EXPECT_EQ(r->device_type, "Android");
    EXPECT_FALSE(r->save_in_sent);
    EXPECT_FALSE(r->accept_multipart);
  }
}

TEST(RequestTargetBase64, EveryCommandCode) {
  const std::pair<std::uint8_t, const char*> codes[] = {
      {0, "Sync"}, {1, "SendMail"}, {2, "SmartForward"}, {3, "SmartReply"}, {4, "GetAttachment"},
      {9, "FolderSync"}, {10, "FolderCreate"}, {11, "FolderDelete"}, {12, "FolderUpdate"}, {13, "MoveItems"},
      {14, "GetItemEstimate"}, {15, "MeetingResponse"}, {16, "Search"}, {17, "Settings"}, {18, "Ping"},
      {19, "ItemOperations"}, {20, "Provision"}, {21, "ResolveRecipients"}, {22, "ValidateCert"}, {23, "Find"},
  };
  for (auto [code, name] : codes) {
    binary_query q;
    q.command = code;
    auto r = parse_request_target(q.target());
    ASSERT_TRUE(r) << int(code);
    EXPECT_EQ(r->command, name);
  }
  for (std::uint8_t code : {5, 6, 7, 8, 24, 255}) {
    binary_query q;
    q.command = code;
    EXPECT_EQ(error_of(q.target()), err::bad_command) << int(code);
  }
}

TEST(RequestTargetBase64, VersionsAndUnknownVersion) {
  for (auto [byte, v] : {std::pair{121, protocol_version::v12_1}, std::pair{140, protocol_version::v14_0},
                         std::pair{141, protocol_version::v14_1}, std::pair{160, protocol_version::v16_0},
                         std::pair{161, protocol_version::v16_1}}) {
    binary_query q;
    q.version = static_cast<std::uint8_t>(byte);
    auto r = parse_request_target(q.target());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->version, v);
  }
  for (std::uint8_t byte : {0, 1, 142, 255}) {
    binary_query q;
    q.version = byte;
    EXPECT_EQ(error_of(q.target()), err::bad_protocol_version) << int(byte);
  }
}

TEST(RequestTargetBase64, PolicyKeyIsLittleEndian) {
  binary_query q;
  q.policy_key = std::string("\x01\x02\x03\x04", 4);
  auto r = parse_request_target(q.target());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->policy_key, 0x04030201u);

  q.policy_key = std::string("\xff\xff\xff\xff", 4);
  r = parse_request_target(q.target());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->policy_key, 0xffffffffu);

  for (std::size_t n : {1, 2, 3, 5, 8}) {
    q.policy_key = std::string(n, '\x01');
    EXPECT_EQ(error_of(q.target()), err::bad_query) << n;
  }
}

TEST(RequestTargetBase64, BinaryDeviceIdBecomesLowercaseHex) {
  binary_query q;
  q.device_id = std::string("\x4e\x69\x6e\x65\x00\xff\x10\xab\xcd\xef\x01\x23\x45\x67\x89\x9a", 16);
  auto r = parse_request_target(q.target());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->device_id, "4e696e6500ff10abcdef01234567899a");

  q.device_id = std::string(17, '\xaa');  // 34 hex digits: too long
  EXPECT_EQ(error_of(q.target()), err::bad_device_id);
  q.device_id = "";
  EXPECT_EQ(error_of(q.target()), err::bad_device_id);
  q.device_id = std::string(32, 'A');
  EXPECT_TRUE(parse_request_target(q.target()));
  q.device_id = std::string(33, 'A');
  EXPECT_EQ(error_of(q.target()), err::bad_device_id);
}

TEST(RequestTargetBase64, Parameters) {
  binary_query q;
  q.command = 3;  // SmartReply
  q.param(0, "att/ref").param(1, "5").param(3, "5:12").param(4, "RgAAAAD").param(6, "20240101T000000Z");
  q.param(7, "\x03").param(8, "DOMAIN\\jane");
  q.param(2, "deprecated").param(5, "deprecated").param(9, "future tag").param(200, "");
  auto r = parse_request_target(q.target());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->command, "SmartReply");
  EXPECT_EQ(r->attachment_name, "att/ref");
  EXPECT_EQ(r->collection_id, "5");
  EXPECT_EQ(r->item_id, "5:12");
  EXPECT_EQ(r->long_id, "RgAAAAD");
  EXPECT_EQ(r->occurrence, "20240101T000000Z");
  EXPECT_TRUE(r->save_in_sent);
  EXPECT_TRUE(r->accept_multipart);
  EXPECT_EQ(r->user, "DOMAIN\\jane");

  binary_query only_multipart;
  only_multipart.param(7, "\x02");
  r = parse_request_target(only_multipart.target());
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->save_in_sent);
  EXPECT_TRUE(r->accept_multipart);
}

TEST(RequestTargetBase64, BadParameters) {
  EXPECT_EQ(error_of(binary_query{}.param(8, "a").param(8, "b").target()), err::duplicate_parameter);
  EXPECT_EQ(error_of(binary_query{}.param(7, "").target()), err::bad_query);
  EXPECT_EQ(error_of(binary_query{}.param(7, "\x01\x01").target()), err::bad_query);
  EXPECT_EQ(error_of(binary_query{}.param(8, "a\r\nb").target()), err::bad_user);
  EXPECT_EQ(error_of(binary_query{}.param(8, "\xff\xfe").target()), err::bad_user);
  EXPECT_EQ(error_of(binary_query{}.param(3, "a\nb").target()), err::bad_query);

  binary_query truncated;
  truncated.params = std::string("\x08\x05" "ab", 4);  // says 5 bytes, has 2
  EXPECT_EQ(error_of(truncated.target()), err::bad_query);
  truncated.params = "\x08";  // tag without length
  EXPECT_EQ(error_of(truncated.target()), err::bad_query);
}

TEST(RequestTargetBase64, TruncatedAndMalformedStructure) {
  const std::string full = binary_query{}.bytes();
  // Every strict prefix long enough to be taken for base64 must fail (not crash, not succeed).
  for (std::size_t n = 9; n < full.size(); ++n) {
    const auto target = std::string(path) + encode_base64(full.substr(0, n));
    EXPECT_FALSE(parse_request_target(target)) << n;
  }
  binary_query no_type;
  no_type.device_type = "";
  EXPECT_EQ(error_of(no_type.target()), err::bad_device_type);
  binary_query control_type;
  control_type.device_type = "Smart\x01Phone";
  EXPECT_EQ(error_of(control_type.target()), err::bad_device_type);

  // '=' in the middle turns detection to the plain form; bad padding and characters are bad_query.
  EXPECT_EQ(error_of(plain("jAAJBAp2MTQwRGV2aWNlAApTbWFydFBob25l=")), err::bad_query);
  EXPECT_EQ(error_of(plain("jAAJBAp2MTQwRGV2aWNlAApTbWFydFBob25l===")), err::bad_query);
  EXPECT_EQ(error_of(plain("jAAJBAp2MTQwRGV2aWNlAApTbWFydFBob25")), err::bad_query);
}

// ---- plain form ----

TEST(RequestTargetPlain, EveryRealClientRequest) {
  for (const auto& f : test::fixture_requests) {
    SCOPED_TRACE(f.name);
    auto r = parse_request_target(f.target);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_FALSE(r->base64_form);
    EXPECT_EQ(r->command, f.command);
    EXPECT_EQ(r->device_id, f.device_id);
    EXPECT_EQ(r->device_type, f.device_type);
    EXPECT_EQ(r->user, "user@example.test");
    EXPECT_EQ(r->version, std::nullopt);
    if (std::string_view(f.target).find("PolicyKey=") != std::string_view::npos) {
      EXPECT_EQ(r->policy_key, f.policy_key);
    } else {
      EXPECT_EQ(r->policy_key, std::nullopt);
    }
  }
}

TEST(RequestTargetPlain, OptionsRequestPath) {
  // go-easdrive/001-OPTIONS: no query.
  EXPECT_TRUE(is_eas_path("/Microsoft-Server-ActiveSync"));
  EXPECT_EQ(error_of("/Microsoft-Server-ActiveSync"), err::missing_command);
}

TEST(RequestTargetPlain, AnyOrderAndDecoding) {
  auto r = parse_request_target(plain("User=EXAMPLE%5cJohn+Smith&DeviceId=Appl87837L1XY7H&DeviceType=iPhone&Cmd=Sync"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->command, "Sync");
  EXPECT_EQ(r->user, "EXAMPLE\\John Smith");
  EXPECT_EQ(r->device_id, "Appl87837L1XY7H");
  EXPECT_EQ(r->device_type, "iPhone");
  EXPECT_EQ(r->locale, 0);

  // Parameter names are case-insensitive; empty segments and unknown parameters are ignored.
  r = parse_request_target(plain("&cmd=Ping&&deviceid=abc&DEVICETYPE=SP&Foo=1&Foo=2&bar&"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->command, "Ping");
  EXPECT_EQ(r->device_id, "abc");
  EXPECT_EQ(r->device_type, "SP");
  EXPECT_EQ(r->user, "");

  r = parse_request_target(plain("Cmd=Sync&User=j%C3%B6rg%40example.org&DeviceId=a&DeviceType=%53P"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->user, "j\xc3\xb6rg@example.org");
  EXPECT_EQ(r->device_type, "SP");
}

TEST(RequestTargetPlain, CommandParameters) {
  auto r = parse_request_target(plain(
      "Cmd=SmartForward&User=u&DeviceId=d&DeviceType=t&CollectionId=5&ItemId=5%3A12&LongId=RgA&"
      "Occurrence=2024&SaveInSent=T&AttachmentName=a%2Fb"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->collection_id, "5");
  EXPECT_EQ(r->item_id, "5:12");
  EXPECT_EQ(r->long_id, "RgA");
  EXPECT_EQ(r->occurrence, "2024");
  EXPECT_EQ(r->attachment_name, "a/b");
  EXPECT_TRUE(r->save_in_sent);

  const std::string base = "Cmd=SendMail&DeviceId=d&DeviceType=t&";
  EXPECT_FALSE(parse_request_target(plain(base + "SaveInSent=F"))->save_in_sent);
  EXPECT_TRUE(parse_request_target(plain(base + "SaveInSent=t"))->save_in_sent);
  EXPECT_FALSE(parse_request_target(plain(base))->save_in_sent);
  EXPECT_EQ(error_of(plain(base + "SaveInSent=yes")), err::bad_query);
  EXPECT_EQ(error_of(plain(base + "ItemId=a%0Ab")), err::bad_query);
  EXPECT_EQ(error_of(plain(base + "ItemId=" + std::string(1025, 'x'))), err::bad_query);
  EXPECT_TRUE(parse_request_target(plain(base + "ItemId=" + std::string(1024, 'x'))));
}

TEST(RequestTargetPlain, PolicyKeyParameter) {
  const std::string base = "Cmd=Provision&DeviceId=d&DeviceType=t&";
  EXPECT_EQ(parse_request_target(plain(base + "PolicyKey=4294967295"))->policy_key, 4294967295u);
  EXPECT_EQ(parse_request_target(plain(base + "PolicyKey=0"))->policy_key, std::nullopt);
  EXPECT_EQ(parse_request_target(plain(base + "PolicyKey="))->policy_key, std::nullopt);
  for (const char* bad : {"PolicyKey=4294967296", "PolicyKey=-1", "PolicyKey=12a", "PolicyKey=+5", "PolicyKey=%201"}) {
    EXPECT_EQ(error_of(plain(base + bad)), err::bad_policy_key) << bad;
  }
}

TEST(RequestTargetPlain, Duplicates) {
  EXPECT_EQ(error_of(plain("Cmd=Sync&Cmd=Sync&DeviceId=d&DeviceType=t")), err::duplicate_parameter);
  EXPECT_EQ(error_of(plain("Cmd=Sync&cmd=Ping&DeviceId=d&DeviceType=t")), err::duplicate_parameter);
  EXPECT_EQ(error_of(plain("Cmd=Sync&DeviceId=d&DeviceId=e&DeviceType=t")), err::duplicate_parameter);
  EXPECT_EQ(error_of(plain("Cmd=Sync&DeviceId=d&DeviceType=t&User=a&User=a")), err::duplicate_parameter);
  EXPECT_EQ(error_of(plain("Cmd=Sync&DeviceId=d&DeviceType=t&PolicyKey=1&PolicyKey=1")), err::duplicate_parameter);
}

TEST(RequestTargetPlain, MalformedEscapes) {
  for (const char* q : {"Cmd=Sync&DeviceId=d&DeviceType=t&User=%", "Cmd=Sync&DeviceId=d&DeviceType=t&User=%4",
                        "Cmd=Sync&DeviceId=d&DeviceType=t&User=%G0", "Cmd=Sync&DeviceId=d&DeviceType=t&Unknown=%zz",
                        "Cm%d=Sync&DeviceId=d&DeviceType=t"}) {
    EXPECT_EQ(error_of(plain(q)), err::bad_query) << q;
  }
}

TEST(RequestTargetPlain, Command) {
  EXPECT_EQ(error_of(plain("DeviceId=d&DeviceType=t")), err::missing_command);
  EXPECT_EQ(error_of(plain("Cmd=&DeviceId=d&DeviceType=t")), err::missing_command);
  EXPECT_EQ(error_of(plain("Cmd&DeviceId=d&DeviceType=t")), err::missing_command);
  EXPECT_EQ(error_of(plain("Cmd=Sync1&DeviceId=d&DeviceType=t")), err::bad_command);
  EXPECT_EQ(error_of(plain("Cmd=Sync%00&DeviceId=d&DeviceType=t")), err::bad_command);
  EXPECT_EQ(error_of(plain("Cmd=Sync+&DeviceId=d&DeviceType=t")), err::bad_command);
  EXPECT_EQ(error_of(plain("Cmd=" + std::string(33, 'A') + "&DeviceId=d&DeviceType=t")), err::bad_command);
  EXPECT_TRUE(parse_request_target(plain("Cmd=" + std::string(32, 'A') + "&DeviceId=d&DeviceType=t")));
  EXPECT_EQ(error_of(plain("")), err::missing_command);
}

TEST(RequestTargetPlain, DeviceId) {
  const std::string base = "Cmd=Sync&DeviceType=t&";
  EXPECT_EQ(error_of(plain(base)), err::bad_device_id);
  EXPECT_EQ(error_of(plain(base + "DeviceId=")), err::bad_device_id);
  EXPECT_EQ(error_of(plain(base + "DeviceId=" + std::string(33, 'a'))), err::bad_device_id);
  for (const char* bad : {"abc,def", "abc%00", "a+b", "a.b", "a/b", "%C3%A9", "..%2F..%2Fetc", "a%0D%0Ab", "a'b"}) {
    EXPECT_EQ(error_of(plain(base + "DeviceId=" + bad)), err::bad_device_id) << bad;
  }
  // '-' and '_' are allowed beyond the spec's alphanumerics (pyactivesync sends "pyactivesync-pytest").
  EXPECT_EQ(parse_request_target(plain(base + "DeviceId=a-b_C9"))->device_id, "a-b_C9");
  EXPECT_EQ(parse_request_target(plain(base + "DeviceId=" + std::string(32, 'Z')))->device_id, std::string(32, 'Z'));
}

TEST(RequestTargetPlain, DeviceType) {
  const std::string base = "Cmd=Sync&DeviceId=d&";
  EXPECT_EQ(error_of(plain(base)), err::bad_device_type);
  EXPECT_EQ(error_of(plain(base + "DeviceType=")), err::bad_device_type);
  EXPECT_EQ(error_of(plain(base + "DeviceType=" + std::string(65, 'a'))), err::bad_device_type);
  for (const char* bad : {"a%0Ab", "a%00", "a%7F", "%C3%A9", "a%09b"}) {
    EXPECT_EQ(error_of(plain(base + "DeviceType=" + bad)), err::bad_device_type) << bad;
  }
  EXPECT_EQ(parse_request_target(plain(base + "DeviceType=SAMSUNG+SM-G973F"))->device_type, "SAMSUNG SM-G973F");
  EXPECT_TRUE(parse_request_target(plain(base + "DeviceType=" + std::string(64, 'a'))));
}

TEST(RequestTargetPlain, HostileUserNames) {
  const std::string base = "Cmd=Sync&DeviceId=d&DeviceType=t&User=";
  // SQL-looking text is just text: kept verbatim, every sink escapes (Z-Push CVE-2025-8264).
  auto r = parse_request_target(plain(base + "%27%3B+DROP+TABLE+users%3B--"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->user, "'; DROP TABLE users;--");
  EXPECT_EQ(parse_request_target(plain(base + "a%22b%5C%3Cscript%3E"))->user, "a\"b\\<script>");

  for (const char* bad : {"a%0D%0AX-Injected:+1", "a%0Ab", "a%00b", "%1B%5B31m", "a%7Fb", "%C2%85", "%FF", "%C0%AF",
                          "%ED%A0%80", "%F4%90%80%80", "%E2%82"}) {
    EXPECT_EQ(error_of(plain(base + bad)), err::bad_user) << bad;
  }
  EXPECT_EQ(error_of(plain(base + std::string(257, 'u'))), err::bad_user);
  EXPECT_EQ(parse_request_target(plain(base + std::string(256, 'u')))->user, std::string(256, 'u'));
  EXPECT_EQ(parse_request_target(plain(base + "%E2%82%AC%F0%9F%98%80"))->user, "\xe2\x82\xac\xf0\x9f\x98\x80");
}

// ---- path ----

TEST(RequestTargetPath, MatchesOnlyTheEndpoint) {
  const std::string q = "?Cmd=Sync&DeviceId=d&DeviceType=t";
  for (const char* p : {"/Microsoft-Server-ActiveSync", "/microsoft-server-activesync", "/MICROSOFT-SERVER-ACTIVESYNC",
                        "/Microsoft-Server-ActiveSync/", "https://mail.example.com/Microsoft-Server-ActiveSync",
                        "HTTP://mail.example.com:8443/Microsoft-Server-ActiveSync"}) {
    EXPECT_TRUE(parse_request_target(p + q)) << p;
    EXPECT_TRUE(is_eas_path(p + q)) << p;
  }
  for (const char* p : {"/", "", "/Microsoft-Server-ActiveSyncX", "/Microsoft-Server-ActiveSync//",
                        "/Microsoft-Server-ActiveSync/x", "/x/Microsoft-Server-ActiveSync", "Microsoft-Server-ActiveSync",
                        "/Microsoft-Server-ActiveSync%2F", "https://mail.example.com", "/autodiscover/autodiscover.xml"}) {
    EXPECT_EQ(error_of(p + q), err::not_eas_path) << p;
    EXPECT_FALSE(is_eas_path(p + q)) << p;
  }
}

TEST(RequestTargetPath, Autodiscover) {
  for (const char* p : {"/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml",
                        "/AutoDiscover/AutoDiscover.xml", "/AUTODISCOVER/AUTODISCOVER.XML?x=1",
                        "https://autodiscover.example.com/autodiscover/autodiscover.xml"}) {
    EXPECT_TRUE(is_autodiscover_path(p)) << p;
  }
  for (const char* p : {"/autodiscover/autodiscover.json", "/autodiscover", "/autodiscover/autodiscover.xml/",
                        "/Microsoft-Server-ActiveSync", "/x/autodiscover/autodiscover.xml", ""}) {
    EXPECT_FALSE(is_autodiscover_path(p)) << p;
  }
}

TEST(RequestTargetPath, Bounded) {
  std::string target = plain("Cmd=Sync&DeviceId=d&DeviceType=t&X=");
  target += std::string(max_request_target_bytes - target.size(), 'a');
  EXPECT_TRUE(parse_request_target(target));
  target += 'a';
  EXPECT_EQ(error_of(target), err::bad_query);
}

TEST(RequestTargetErrors, HaveCategoryAndMessages) {
  for (int e = 1; e <= static_cast<int>(err::bad_policy_key); ++e) {
    const error_code ec = static_cast<err>(e);
    EXPECT_STREQ(ec.category().name(), "easd.http.request_target");
    EXPECT_FALSE(ec.message().empty());
    EXPECT_NE(ec.message(), "unknown request target error") << e;
  }
}

}  // namespace
}  // namespace easd::http
