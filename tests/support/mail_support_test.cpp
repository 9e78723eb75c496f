// Hermetic checks of the mail test support: the corpus generator, the device model against canned
// responses, and the small parsers. The IMAP side is exercised against Dovecot in mail_seed_test.
#include "tests/support/eas_device.hpp"
#include "tests/support/imap_test_client.hpp"
#include "tests/support/mail_corpus.hpp"
#include "tests/support/mail_seed.hpp"

#include "eas/wbxml/codec.hpp"

#include <gtest/gtest.h>

#include <set>

namespace easd::test {
namespace {

using wbxml::element;

eas_response canned(element doc) {
  eas_response r;
  r.status = 200;
  r.body = wbxml::encode_to_string(doc);
  auto decoded = wbxml::decode(r.body);
  EXPECT_TRUE(decoded.has_value());
  r.document = *decoded;
  return r;
}

element email_add(const std::string& id, const std::string& subject, bool read) {
  element add = element::named("AirSync:Add");
  add.add("AirSync:ServerId", id);
  element& d = add.add("AirSync:ApplicationData");
  d.add("Email:Subject", subject);
  d.add("Email:Read", read ? "1" : "0");
  element& body = d.add("AirSyncBase:Body");
  body.add("AirSyncBase:Type", "2");
  body.add("AirSyncBase:EstimatedDataSize", "1234");
  body.add("AirSyncBase:Truncated", "1");
  body.add("AirSyncBase:Data", "<p>hi</p>");
  element& att = d.add("AirSyncBase:Attachments").add("AirSyncBase:Attachment");
  att.add("AirSyncBase:DisplayName", "a.pdf");
  att.add("AirSyncBase:FileReference", id + ":2");
  att.add("AirSyncBase:Method", "1");
  att.add("AirSyncBase:EstimatedDataSize", "99");
  return add;
}

element sync_response(const std::string& collection, const std::string& key, std::vector<element> commands,
                      bool more = false, unsigned status = 1) {
  element root = element::named("AirSync:Sync");
  element& c = root.add("AirSync:Collections").add("AirSync:Collection");
  c.add("AirSync:SyncKey", key);
  c.add("AirSync:CollectionId", collection);
  c.add("AirSync:Status", std::to_string(status));
  if (!commands.empty()) {
    element& cmds = c.add("AirSync:Commands");
    for (auto& e : commands) cmds.add(std::move(e));
  }
  if (more) c.add("AirSync:MoreAvailable");
  return root;
}

eas_client offline_client() {
  eas_client_options o;
  o.port = 1;  // never connected in these tests
  o.tls = false;
  return eas_client(o);
}

TEST(MailCorpus, MessagesAreWellFormedAndDistinct) {
  const auto corpus = standard_corpus();
  ASSERT_GE(corpus.size(), 10u);
  std::set<std::string> keys, subjects;
  for (const auto& m : corpus) {
    SCOPED_TRACE(m.key);
    EXPECT_TRUE(keys.insert(m.key).second);
    EXPECT_TRUE(subjects.insert(m.subject).second);
    // CRLF only: no bare LF, no bare CR, no NUL (IMAP APPEND refuses NUL).
    for (std::size_t i = 0; i < m.mime.size(); ++i) {
      if (m.mime[i] == '\n') {
        ASSERT_TRUE(i > 0 && m.mime[i - 1] == '\r') << "bare LF at " << i;
      }
      if (m.mime[i] == '\r') {
        ASSERT_TRUE(i + 1 < m.mime.size() && m.mime[i + 1] == '\n') << "bare CR at " << i;
      }
      ASSERT_NE(m.mime[i], '\0');
    }
    EXPECT_NE(m.mime.find("\r\n\r\n"), std::string::npos);
    EXPECT_FALSE(m.body_marker.empty());
  }
}

TEST(MailCorpus, CharsetsAreReallyEncoded) {
  std::map<std::string, corpus_message> by_key;
  for (auto& m : standard_corpus()) by_key[m.key] = m;
  // ü in ISO-8859-1 is 0xFC: quoted-printable "=FC", and Q-encoded in the subject.
  EXPECT_NE(by_key["latin1-qp"].mime.find("Sch=F6ne Gr=FC=DFe"), std::string::npos);
  EXPECT_NE(by_key["latin1-qp"].mime.find("=?ISO-8859-1?Q?Gr=FC=DFe_aus_M=FCnchen?="), std::string::npos);
  EXPECT_EQ(by_key["latin1-qp"].mime.find("Grüße"), std::string::npos) << "UTF-8 leaked into the Latin-1 message";
  EXPECT_NE(by_key["koi8r-base64"].mime.find("=?KOI8-R?B?"), std::string::npos);
  EXPECT_NE(by_key["shift-jis"].mime.find(from_utf8("こんにちは", "SHIFT_JIS")), std::string::npos);
  EXPECT_EQ(from_utf8("Привет", "KOI8-R"), "\xF0\xD2\xC9\xD7\xC5\xD4");
  EXPECT_EQ(encoded_word("é", "UTF-8", 'B'), "=?UTF-8?B?w6k=?=");
  const auto& inline_img = by_key["inline-image"];
  ASSERT_EQ(inline_img.attachments.size(), 1u);
  EXPECT_TRUE(inline_img.attachments[0].is_inline);
  EXPECT_EQ(inline_img.attachments[0].content_id, "logo-1@corpus");
  EXPECT_NE(inline_img.mime.find("Content-ID: <logo-1@corpus>"), std::string::npos);
}

TEST(MailCorpus, ExpectedSubjectMapsWireSubjects) {
  // Encoded words map to the recorded UTF-8 subject; plain ones (and unknown values) pass through.
  EXPECT_EQ(expected_subject("=?ISO-8859-1?Q?Gr=FC=DFe_aus_M=FCnchen?="), "Gr\u00fc\u00dfe aus M\u00fcnchen");
  EXPECT_EQ(expected_subject("Corpus plain text"), "Corpus plain text");
  EXPECT_EQ(expected_subject(small_subject("x", 3)), "small x 3");
  EXPECT_EQ(expected_subject("=?UTF-8?B?bm90IGluIHRoZSBjb3JwdXM=?="), "=?UTF-8?B?bm90IGluIHRoZSBjb3JwdXM=?=");
  for (const auto& m : standard_corpus()) {
    const auto at = m.mime.find("\r\nSubject: ") + 11;
    EXPECT_EQ(expected_subject(m.mime.substr(at, m.mime.find("\r\n", at) - at)), m.subject) << m.key;
  }
}

TEST(MailCorpus, LargeAndSmallMessages) {
  const auto big = large_message(2u << 20);
  EXPECT_GT(big.mime.size(), (2u << 20) * 95 / 100);
  EXPECT_LT(big.mime.size(), (2u << 20) * 105 / 100);
  const auto small = small_messages("s", 3);
  ASSERT_EQ(small.size(), 3u);
  EXPECT_NE(small[1].find("Subject: " + small_subject("s", 1) + "\r\n"), std::string::npos);
  EXPECT_NE(small[0], small[1]);
  EXPECT_LT(small[0].size(), 800u);
}

TEST(MailSupport, UidSetsAndMultipart) {
  EXPECT_EQ(parse_uid_set("4:6,9"), (std::vector<std::uint32_t>{4, 5, 6, 9}));
  EXPECT_EQ(parse_uid_set("7"), (std::vector<std::uint32_t>{7}));
  EXPECT_EQ(imap_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");

  // Two parts: "WB" and "xyz".
  std::string body;
  auto le = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) body.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  le(2);
  le(20);
  le(2);
  le(22);
  le(3);
  body += "WBxyz";
  auto parts = split_multipart(body);
  ASSERT_TRUE(parts);
  EXPECT_EQ((*parts)[0], "WB");
  EXPECT_EQ((*parts)[1], "xyz");
  body.resize(body.size() - 1);
  EXPECT_FALSE(split_multipart(body));
}

TEST(EasDevice, FolderSyncAppliesAddUpdateDelete) {
  auto client = offline_client();
  eas_device d(client);
  element fs = element::named("FolderHierarchy:FolderSync");
  fs.add("FolderHierarchy:Status", "1");
  fs.add("FolderHierarchy:SyncKey", "1");
  element& ch = fs.add("FolderHierarchy:Changes");
  ch.add("FolderHierarchy:Count", "2");
  for (auto [id, name, type] : {std::tuple{"1", "Inbox", "2"}, std::tuple{"2", "Trash", "4"}}) {
    element& a = ch.add("FolderHierarchy:Add");
    a.add("FolderHierarchy:ServerId", id);
    a.add("FolderHierarchy:ParentId", "0");
    a.add("FolderHierarchy:DisplayName", name);
    a.add("FolderHierarchy:Type", type);
  }
  auto r = d.apply_folder_sync(canned(fs));
  EXPECT_EQ(r.status, 1u);
  EXPECT_EQ(r.adds, 2u);
  EXPECT_EQ(d.folder_key(), "1");
  ASSERT_NE(d.folder_of_type(2), nullptr);
  EXPECT_EQ(d.folder_of_type(2)->display_name, "Inbox");

  element fs2 = element::named("FolderHierarchy:FolderSync");
  fs2.add("FolderHierarchy:Status", "1");
  fs2.add("FolderHierarchy:SyncKey", "2");
  element& ch2 = fs2.add("FolderHierarchy:Changes");
  element& u = ch2.add("FolderHierarchy:Update");
  u.add("FolderHierarchy:ServerId", "2");
  u.add("FolderHierarchy:ParentId", "0");
  u.add("FolderHierarchy:DisplayName", "Bin");
  u.add("FolderHierarchy:Type", "4");
  ch2.add("FolderHierarchy:Delete").add("FolderHierarchy:ServerId", "9");  // unknown: an anomaly
  d.apply_folder_sync(canned(fs2));
  EXPECT_EQ(d.folder("2").display_name, "Bin");
  EXPECT_EQ(d.anomalies.size(), 1u);

  element bad = element::named("FolderHierarchy:FolderSync");
  bad.add("FolderHierarchy:Status", "9");
  d.apply_folder_sync(canned(bad));
  EXPECT_EQ(d.resyncs, 1u);
  EXPECT_EQ(d.folder_key(), "0");
}

TEST(EasDevice, SyncAppliesCommandsAndFlagsAnomalies) {
  auto client = offline_client();
  eas_device d(client);
  device_folder& inbox = d.folders()["5"];
  inbox.server_id = "5";
  inbox.type = 2;
  inbox.sync_key = "{k}1";

  auto r = d.apply_sync(inbox, canned(sync_response("5", "{k}2", {email_add("5:1", "one", false), email_add("5:2", "two", true)}, true)));
  EXPECT_EQ(r.status, 1u);
  EXPECT_TRUE(r.more_available);
  EXPECT_EQ(r.adds, 2u);
  EXPECT_EQ(inbox.sync_key, "{k}2");
  ASSERT_EQ(inbox.items.size(), 2u);
  const auto& one = inbox.items.at("5:1");
  EXPECT_EQ(one.subject, "one");
  EXPECT_FALSE(one.read);
  EXPECT_EQ(one.body_type, 2u);
  EXPECT_TRUE(one.body_truncated);
  EXPECT_EQ(one.body_estimated_size, 1234u);
  ASSERT_EQ(one.attachments.size(), 1u);
  EXPECT_EQ(one.attachments[0].file_reference, "5:1:2");
  EXPECT_TRUE(d.anomalies.empty());

  element change = element::named("AirSync:Change");
  change.add("AirSync:ServerId", "5:1");
  element& data = change.add("AirSync:ApplicationData");
  data.add("Email:Read", "1");
  data.add("Email:Flag").add("Email:Status", "2");
  element del = element::named("AirSync:Delete");
  del.add("AirSync:ServerId", "5:2");
  d.apply_sync(inbox, canned(sync_response("5", "{k}3", {change, del})));
  EXPECT_TRUE(inbox.items.at("5:1").read);
  EXPECT_TRUE(inbox.items.at("5:1").flagged());
  EXPECT_EQ(inbox.items.at("5:1").subject, "one") << "a Change keeps what it does not mention";
  EXPECT_EQ(inbox.items.count("5:2"), 0u);
  EXPECT_TRUE(d.anomalies.empty());

  // Not applied: a lost response changes nothing.
  auto lost = d.apply_sync(inbox, canned(sync_response("5", "{k}4", {email_add("5:3", "three", false)})), false);
  EXPECT_EQ(lost.adds, 1u);
  EXPECT_EQ(inbox.sync_key, "{k}3");
  EXPECT_EQ(inbox.items.size(), 1u);

  // A duplicate Add and a Delete of something never sent are what the tests look for.
  d.apply_sync(inbox, canned(sync_response("5", "{k}4", {email_add("5:1", "one", true), del})));
  EXPECT_EQ(d.anomalies.size(), 2u);

  // Status 3: start again.
  d.apply_sync(inbox, canned(sync_response("5", "", {}, false, 3)));
  EXPECT_EQ(d.resyncs, 1u);
  EXPECT_EQ(inbox.sync_key, "0");
  EXPECT_TRUE(inbox.items.empty());

  const auto server = std::vector<visible_message>{{"a", true, false}};
  EXPECT_EQ(diff_views(server, server), "");
  EXPECT_NE(diff_views(server, {}), "");
}

TEST(EasDevice, SyncRequestsFollowTheSpec) {
  auto client = offline_client();
  eas_device d(client);
  device_folder f;
  f.server_id = "5";
  sync_options o;
  o.window_size = 25;
  o.filter_type = 3;
  // Initial: no GetChanges, no WindowSize, no Commands ([MS-ASCMD] 2.2.3.84, 3.1.5.4).
  auto initial = d.sync_request(f, o, {{client_change::read, "5:1", true}});
  const element& c0 = *initial.child("AirSync:Collections")->child("AirSync:Collection");
  EXPECT_EQ(c0.child("AirSync:GetChanges"), nullptr);
  EXPECT_EQ(c0.child("AirSync:Commands"), nullptr);
  EXPECT_EQ(text_of(c0, "AirSync:SyncKey"), "0");

  f.sync_key = "{k}1";
  auto req = d.sync_request(f, o, {{client_change::read, "5:1", true}, {client_change::flag, "5:2", false},
                                   {client_change::remove, "5:3"}, {client_change::fetch, "5:4"}});
  const element& c = *req.child("AirSync:Collections")->child("AirSync:Collection");
  EXPECT_NE(c.child("AirSync:GetChanges"), nullptr);
  EXPECT_EQ(text_of(c, "AirSync:WindowSize"), "25");
  EXPECT_EQ(text_of(*c.child("AirSync:Options"), "AirSync:FilterType"), "3");
  ASSERT_NE(c.child("AirSync:Commands"), nullptr);
  EXPECT_EQ(c.child("AirSync:Commands")->children().size(), 4u);
  // Encodes (every name exists in the code pages) and decodes back to the same tree.
  auto back = wbxml::decode(wbxml::encode_to_string(req));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, req);
}

}  // namespace
}  // namespace easd::test
