// Foundation end to end over TLS, the normal deployment: authentication, OPTIONS, both query forms,
// Autodiscover, hostile input, and the captured requests of real clients.
#include "tests/integration/foundation_support.hpp"

#include <boost/json/src.hpp>  // header-only Boost.JSON (this file only), for the fixtures' meta files

namespace easd::test::foundation {
namespace {

// ======================================================================================================
// TLS, the normal deployment.

class FoundationTls : public shared_easd_suite<FoundationTls> {
public:
  static constexpr bool plain = false;
  static easd_service::options easd_options() {
    easd_service::options o;
    o.extra_toml = auth_toml;
    return o;
  }
};

TEST_F(FoundationTls, RightPasswordIsAuthenticatedAndOptionsCarryTheTables) {
  auto c = client();
  auto r = c.options();
  ASSERT_EQ(r.status, 200u) << r.body << "\n" << context_of(*s_);
  EXPECT_FALSE(r.header("MS-Server-ActiveSync").empty());
  // [eas] protocol_versions default, in config order.
  EXPECT_EQ(r.header("MS-ASProtocolVersions"), "12.1,14.0,14.1,16.0,16.1");

  // MS-ASProtocolCommands lists the implemented rows of the command table; every other command of the
  // table answers 137 "not supported" ([MS-ASCMD] 2.2.2). Both halves must agree.
  ASSERT_TRUE(r.has_header("MS-ASProtocolCommands"));
  const std::string listed = r.header("MS-ASProtocolCommands");
  const auto commands = listed.empty() ? std::vector<std::string>{} : split_list(listed);
  std::set<std::string> advertised(commands.begin(), commands.end());
  EXPECT_EQ(advertised.size(), commands.size()) << "duplicates in " << listed;
  for (const auto& name : commands) EXPECT_TRUE(command_roots().count(name) || name == "GetAttachment" ||
                                                name == "GetHierarchy") << name << " in " << listed;
  for (const auto& [name, root] : command_roots()) {
    if (advertised.count(name) || name == "Ping" || name == "Sync") continue;  // may long-poll
    SCOPED_TRACE(name);
    const auto body = wbxml::element::named(root);
    auto reply = c.command(name, &body, {}, {{"MS-ASProtocolVersion", name == "Find" ? "16.1" : "14.1"}});
    // 14.x says "not supported" as Status 137 where the response schema has a top-level Status; where it
    // has none (MeetingResponse: Status lives in Result) the HTTP code carries it, as for 12.1.
    const bool unsupported = (reply.status == 200u && reply.eas_status() == 137u) || reply.status == 501u;
    EXPECT_TRUE(unsupported) << "not advertised, so it must be unsupported: " << reply.describe();
  }
}

TEST_F(FoundationTls, KeepAliveCarriesSeveralRequests) {
  auto c = client();
  for (int i = 0; i < 5; ++i) {
    auto r = c.options();
    ASSERT_EQ(r.status, 200u);
  }
  EXPECT_EQ(c.connections_opened(), 1u);
}

TEST_F(FoundationTls, MissingCredentialsAre401) {
  auto c = client();
  auto r = c.options({{"Authorization", ""}});
  EXPECT_EQ(r.status, 401u);
  EXPECT_TRUE(basic_challenge(r.header("WWW-Authenticate"))) << r.header("WWW-Authenticate");
  auto p = c.command("FolderSync", nullptr, {}, {{"Authorization", ""}});
  EXPECT_EQ(p.status, 401u);
  EXPECT_TRUE(basic_challenge(p.header("WWW-Authenticate"))) << p.header("WWW-Authenticate");
}

TEST_F(FoundationTls, WrongPasswordAndUnknownUserAreIndistinguishable) {
  auto wrong = client("bob", "not-the-password");
  auto unknown = client("nosuchuser", "secret");
  const auto folder_sync = node("FolderHierarchy:FolderSync", {leaf("FolderHierarchy:SyncKey", "0")});

  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round == 0 ? "OPTIONS" : "POST FolderSync");
    auto a = round == 0 ? wrong.options() : wrong.command("FolderSync", &folder_sync);
    auto b = round == 0 ? unknown.options() : unknown.command("FolderSync", &folder_sync);
    EXPECT_EQ(a.status, 401u) << a.body;
    EXPECT_EQ(b.status, 401u) << b.body;
    EXPECT_TRUE(basic_challenge(a.header("WWW-Authenticate"))) << a.header("WWW-Authenticate");
    auto ha = a.headers, hb = b.headers;
    ha.erase("Date");
    hb.erase("Date");
    EXPECT_EQ(ha, hb);
    EXPECT_EQ(a.body, b.body);
    // Both rejections take at least [auth] failure_floor_ms; no tight comparison between them.
    EXPECT_GE(a.elapsed, failure_floor);
    EXPECT_GE(b.elapsed, failure_floor);
  }
}

TEST_F(FoundationTls, CachedCredentialsDoNotAcceptAnotherPassword) {
  auto good = client("carol");
  ASSERT_EQ(good.options().status, 200u);
  ASSERT_EQ(good.options().status, 200u);  // now from the cache
  auto bad = client("carol", "secret2");
  EXPECT_EQ(bad.options().status, 401u);
  auto prefix = client("carol", "secre");
  EXPECT_EQ(prefix.options().status, 401u);
}

TEST_F(FoundationTls, GetShowsAPageWithoutCredentials) {
  auto c = client();
  auto r = c.get("/Microsoft-Server-ActiveSync");
  EXPECT_EQ(r.status, 200u);
  EXPECT_NE(lower(r.header("Content-Type")).find("text/html"), std::string::npos) << r.header("Content-Type");
  EXPECT_FALSE(r.body.empty());
}

TEST_F(FoundationTls, PlainQueryReachesTheDispatcher) {
  const auto req = validate_cert_request();
  for (const char* version : {"14.0", "14.1", "16.0", "16.1"}) {
    SCOPED_TRACE(version);
    auto c = client("alice", "secret", version);
    auto r = c.command("ValidateCert", &req);
    ASSERT_EQ(r.status, 200u) << r.body;
    ASSERT_TRUE(r.document) << "decode: " << r.decode_error.message() << " type " << r.header("Content-Type");
    EXPECT_EQ(r.document->qualified_name(), "ValidateCert:ValidateCert") << r.xml();
    EXPECT_EQ(r.eas_status(), 137u) << r.xml();
  }
  auto old = client("alice", "secret", "12.1");
  EXPECT_EQ(old.command("ValidateCert", &req).status, 501u);
}

TEST_F(FoundationTls, Base64QueryReachesTheDispatcher) {
  const auto req = validate_cert_request();
  auto c = client("alice", "secret", "14.1");
  auto r = c.command_base64("ValidateCert", &req);
  ASSERT_EQ(r.status, 200u) << r.body << " query " << c.base64_query("ValidateCert");
  EXPECT_EQ(r.eas_status(), 137u) << r.xml();

  c.config().policy_key = "0";
  auto with_key = c.command_base64("ValidateCert", &req, {{"User", "alice"}});
  EXPECT_EQ(with_key.status, 200u);
  EXPECT_EQ(with_key.eas_status(), 137u) << with_key.xml();
  c.config().policy_key.reset();

  // Nine and Windows Mail send the base64 unescaped, '=' padding included.
  const std::string unescaped = base64_encode(std::string("\x8D\x16\x09\x04\x0C", 5) + "easdtest0001" +
                                              std::string("\x00\x0A", 2) + "TestClient");
  ASSERT_EQ(unescaped.find_first_of("+/"), std::string::npos) << unescaped;
  auto raw = c.post("/Microsoft-Server-ActiveSync?" + unescaped, wbxml::encode_to_string(req));
  EXPECT_EQ(raw.status, 200u) << unescaped;
  EXPECT_EQ(raw.eas_status(), 137u) << raw.xml();

  auto old = client("alice", "secret", "12.1");
  EXPECT_EQ(old.command_base64("ValidateCert", &req).status, 501u);
}

TEST_F(FoundationTls, InvalidPlainQueriesAre400) {
  const auto req = validate_cert_request();
  const std::string body = wbxml::encode_to_string(req);
  auto c = client();
  const field_list v141{{"MS-ASProtocolVersion", "14.1"}};
  struct bad {
    const char* why;
    std::string query;
    field_list headers;
  };
  const std::vector<bad> cases = {
      {"unknown Cmd", "Cmd=Frobnicate&User=alice&DeviceId=easdtest0001&DeviceType=TestClient", v141},
      {"no Cmd", "User=alice&DeviceId=easdtest0001&DeviceType=TestClient", v141},
      {"no DeviceId", "Cmd=ValidateCert&User=alice&DeviceType=TestClient", v141},
      {"DeviceId with punctuation", "Cmd=ValidateCert&User=alice&DeviceId=bad%2Cid%21&DeviceType=TestClient", v141},
      {"DeviceId of 33 characters",
       "Cmd=ValidateCert&User=alice&DeviceId=" + std::string(33, 'a') + "&DeviceType=TestClient", v141},
      {"no DeviceType", "Cmd=ValidateCert&User=alice&DeviceId=easdtest0001", v141},
      {"no MS-ASProtocolVersion", "Cmd=ValidateCert&User=alice&DeviceId=easdtest0001&DeviceType=TestClient", {}},
      {"unknown MS-ASProtocolVersion", "Cmd=ValidateCert&User=alice&DeviceId=easdtest0001&DeviceType=TestClient",
       {{"MS-ASProtocolVersion", "13.0"}}},
  };
  for (const auto& k : cases) {
    auto r = c.post("/Microsoft-Server-ActiveSync?" + k.query, body, k.headers);
    EXPECT_EQ(r.status, 400u) << k.why << ": " << k.query << " -> " << r.describe();
  }
}

TEST_F(FoundationTls, InvalidBase64QueriesAre400) {
  const std::string body = wbxml::encode_to_string(validate_cert_request());
  auto c = client();
  const std::string dev = std::string("\x0C", 1) + "easdtest0001";
  const std::string type = std::string("\x0A", 1) + "TestClient";
  const std::string no_key("\x00", 1);
  struct bad {
    const char* why;
    std::string bytes;  // before base64; empty = use `literal`
    std::string literal = {};
  };
  const std::vector<bad> cases = {
      {"not base64", "", "%21%21%21%21"},
      {"two bytes", std::string("\x8D\x16", 2)},
      {"unknown command code", std::string("\x8D\x63\x09\x04", 4) + dev + no_key + type},
      {"unknown version byte", std::string("\x7B\x16\x09\x04", 4) + dev + no_key + type},
      {"empty DeviceId", std::string("\x8D\x16\x09\x04\x00", 5) + no_key + type},
      {"DeviceId longer than the data", std::string("\x8D\x16\x09\x04\x40", 5) + "easdtest0001"},
      {"policy key of 3 bytes", std::string("\x8D\x16\x09\x04", 4) + dev + std::string("\x03\x01\x02\x03", 4) + type},
      {"parameter longer than the data",
       std::string("\x8D\x16\x09\x04", 4) + dev + no_key + type + std::string("\x08\x20", 2) + "alice"},
  };
  for (const auto& k : cases) {
    const std::string q = k.bytes.empty() ? k.literal : url_encode(base64_encode(k.bytes));
    auto r = c.post("/Microsoft-Server-ActiveSync?" + q, body);
    EXPECT_EQ(r.status, 400u) << k.why << ": ?" << q << " -> " << r.describe();
  }
}

TEST_F(FoundationTls, RootElementNotMatchingCmdIsRefused) {
  const auto folder_sync = node("FolderHierarchy:FolderSync", {leaf("FolderHierarchy:SyncKey", "0")});
  auto c = client();
  auto r = c.command("Sync", &folder_sync);
  ASSERT_EQ(r.status, 200u) << r.body;
  ASSERT_TRUE(r.document);
  EXPECT_EQ(r.document->qualified_name(), "AirSync:Sync") << r.xml();
  EXPECT_EQ(r.eas_status(), 103u) << r.xml();
  auto old = client("alice", "secret", "12.1");
  EXPECT_EQ(old.command("Sync", &folder_sync).status, 400u);
}

TEST_F(FoundationTls, HostileWbxmlIsAnsweredAndTheServerStaysUp) {
  ASSERT_EQ(client().options().status, 200u);  // credentials cached: elapsed is the decoder's work
  const std::vector<std::pair<const char*, std::string>> inputs = {
      {"12-byte ENTITY", hostile_entity()},
      {"100,000 nested tags", hostile_nesting()},
      {"70 KB string-table amplifier", hostile_string_table()},
  };
  for (const auto& [name, bytes] : inputs) {
    SCOPED_TRACE(name);
    auto c = client();
    auto r = c.command_bytes("Sync", bytes);
    ASSERT_EQ(r.status, 200u) << r.body;
    ASSERT_TRUE(r.document) << r.decode_error.message();
    EXPECT_EQ(r.document->qualified_name(), "AirSync:Sync") << r.xml();
    EXPECT_EQ(r.eas_status(), 102u) << r.xml();
    EXPECT_LT(r.elapsed, 3s);

    auto old = client("alice", "secret", "12.1");
    auto r12 = old.command_bytes("Sync", bytes);
    EXPECT_EQ(r12.status, 400u) << r12.body;
    EXPECT_LT(r12.elapsed, 3s);

    auto after = client();
    EXPECT_EQ(after.options().status, 200u);
    EXPECT_TRUE(process_alive(s_->easd->pid()));
  }
}

TEST_F(FoundationTls, AutodiscoverAnswersTheConfiguredUrl) {
  const std::string url = s_->easd->base_url() + "/Microsoft-Server-ActiveSync";
  auto c = client();
  for (const char* path : {"/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml",
                           "/AutoDiscover/AutoDiscover.xml", "/AUTODISCOVER/AUTODISCOVER.XML"}) {
    SCOPED_TRACE(path);
    auto r = c.autodiscover("alice@example.test", path);
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_NE(lower(r.header("Content-Type")).find("xml"), std::string::npos) << r.header("Content-Type");
    EXPECT_NE(r.body.find("<Type>MobileSync</Type>"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("<Url>" + url + "</Url>"), std::string::npos) << "want " << url << " in " << r.body;
    EXPECT_NE(r.body.find("<EMailAddress>alice@example.test</EMailAddress>"), std::string::npos) << r.body;
  }
}

TEST_F(FoundationTls, AutodiscoverRefusesBadXmlWithTheErrorResponse) {
  auto c = client();
  const std::vector<std::pair<const char*, std::string>> bodies = {
      {"truncated", "<?xml version=\"1.0\"?><Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/"
                    "autodiscover/mobilesync/requestschema/2006\"><Request><EMailAddress>alice@"},
      {"not xml", "this is not xml at all"},
      {"entity bomb",
       "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
       " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
       " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
       " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
       " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
       " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
       " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
       " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
       " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n]>\n"
       "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006\">"
       "<Request><EMailAddress>&lol9;</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/"
       "exchange/autodiscover/mobilesync/responseschema/2006</AcceptableResponseSchema></Request></Autodiscover>"},
      {"external entity",
       "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
       "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006\">"
       "<Request><EMailAddress>&xxe;</EMailAddress></Request></Autodiscover>"},
  };
  for (const auto& [why, body] : bodies) {
    SCOPED_TRACE(why);
    auto r = c.autodiscover_body(body);
    // [MS-ASCMD] 2.2.3.64: framework Error, ErrorCode 600, HTTP 200.
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_NE(r.body.find("<ErrorCode>600</ErrorCode>"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << "leaked /etc/passwd: " << r.body;
    EXPECT_LT(r.elapsed, 3s);
  }
  EXPECT_TRUE(process_alive(s_->easd->pid()));
}

TEST_F(FoundationTls, AutodiscoverNeedsCredentials) {
  auto c = client();
  auto none = c.autodiscover_body("<Autodiscover/>", "/autodiscover/autodiscover.xml", {{"Authorization", ""}});
  EXPECT_EQ(none.status, 401u);
  EXPECT_TRUE(basic_challenge(none.header("WWW-Authenticate"))) << none.header("WWW-Authenticate");
  auto wrong = client("alice", "wrong");
  EXPECT_EQ(wrong.autodiscover("alice@example.test").status, 401u);
}

TEST_F(FoundationTls, OversizedHeaderIsRefusedAndTheServerStaysUp) {
  auto c = client();
  expect_header_refused(c, oversized_header());
  try {
    auto flood = client().options(header_flood());
    EXPECT_TRUE(flood.status == 431u || flood.status == 400u) << flood.describe();
  } catch (const eas_client_error&) {
    // A reset after the server stopped draining is acceptable here.
  }
  auto after = client();
  EXPECT_EQ(after.options().status, 200u);
  EXPECT_TRUE(process_alive(s_->easd->pid()));
}

// --- real client requests ------------------------------------------------------------------------------

struct fixture_request {
  std::string name;
  std::string raw_query;
  field_list headers;
  std::string body;
  std::string protocol_version;
};

std::vector<fixture_request> load_fixtures() {
  const fs::path dir = fs::path(EASD_SOURCE_DIR) / "tests/fixtures/integration/client-requests";
  std::vector<fixture_request> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    const std::string suffix = ".meta.json";
    if (file.size() <= suffix.size() || file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    const std::string stem = file.substr(0, file.size() - suffix.size());
    const auto meta = boost::json::parse(read_file(entry.path())).as_object();
    fixture_request f;
    f.name = stem;
    f.raw_query = std::string(meta.at("raw_query").as_string());
    for (const auto& h : meta.at("headers").as_array()) {
      const auto& pair = h.as_array();
      std::string name(pair.at(0).as_string());
      std::string value(pair.at(1).as_string());
      const std::string l = lower(name);
      // Host and Content-Length are ours to set; gzip we could not read.
      if (l == "host" || l == "content-length" || l == "accept-encoding") continue;
      if (l == "ms-asprotocolversion") f.protocol_version = value;
      f.headers.emplace_back(std::move(name), std::move(value));
    }
    f.body = read_file(dir / (stem + ".req.wbxml"));
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

TEST_F(FoundationTls, RealClientRequestsAreDecoded) {
  const auto fixtures = load_fixtures();
  ASSERT_GE(fixtures.size(), 8u);
  // The captures authenticate as user@example.test / secret, which this Dovecot accepts.
  auto c = client("user@example.test", "secret");
  for (const auto& f : fixtures) {
    SCOPED_TRACE(f.name);
    ASSERT_TRUE(wbxml::decode(std::string_view(f.body))) << "our own decoder refuses the fixture";
    auto r = c.raw("POST", "/Microsoft-Server-ActiveSync?" + f.raw_query, f.body, f.headers);
    // 14.0+ reports everything but transport problems in the body; a decoding failure would be 102
    // (or 103 for a root mismatch) there.
    ASSERT_EQ(r.status, 200u) << r.body;
    if (r.body.empty()) continue;
    ASSERT_TRUE(r.document) << r.decode_error.message();
    const auto status = r.eas_status();
    EXPECT_NE(status, 102u) << r.xml();
    EXPECT_NE(status, 103u) << r.xml();
    // Nothing is implemented in the foundation; later this becomes a real answer or a provisioning status.
    if (status) std::printf("  %s: %s Status %u\n", f.name.c_str(), r.document->qualified_name().c_str(), *status);
  }
  // Control: the server really decodes these bodies. The same request cut short must be refused as
  // undecodable, or the assertions above prove nothing.
  const auto& first = fixtures.front();
  auto cut = c.raw("POST", "/Microsoft-Server-ActiveSync?" + first.raw_query,
                   first.body.substr(0, first.body.size() - 1), first.headers);
  EXPECT_EQ(cut.status, 200u) << cut.describe();
  EXPECT_EQ(cut.eas_status(), 102u) << first.name << " without its last byte: " << cut.describe();
}


}  // namespace
}  // namespace easd::test::foundation
