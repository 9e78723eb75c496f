// The Email converter against the in-memory mail store: properties, body selection and truncation,
// attachments, message classes and per-version element sets — each Sync and ItemOperations shape also
// checked against Microsoft's response schemas. Options parsing: email_options_test.cpp.
#include "eas/protocol/convert/email.hpp"

#include "backend/fake/fake_mail_store.hpp"
#include "eas/protocol/commands/mail_folders.hpp"
#include "eas/protocol/convert/email_detail.hpp"
#include "eas/wbxml/codec.hpp"
#include "tests/eas/protocol/convert/client_xml.hpp"
#include "tests/eas/protocol/forwarding_mail_store.hpp"
#include "tests/eas/protocol/run_io.hpp"
#include "tests/eas/protocol/validate_response.hpp"

#include <gtest/gtest.h>

namespace easd::protocol::convert {
namespace {

namespace net = boost::asio;
using backend::fake_message;
using backend::mime_part;

using test::drop_misnamed_by_libwbxml;
using test_xml::client_data;
using test_xml::pref;
using test::validate_response;
using test::validator;

// A Sync response with one Add (or Change) carrying `data`.
wbxml::element sync_response(wbxml::element data, const char* command = "AirSync:Add") {
  auto sync = wbxml::element::named("AirSync:Sync");
  auto& coll = sync.add("AirSync:Collections").add("AirSync:Collection");
  coll.add("AirSync:SyncKey", "{00000000-0000-0000-0000-000000000000}2");
  coll.add("AirSync:CollectionId", "5");
  coll.add("AirSync:Status", "1");
  auto& add = coll.add("AirSync:Commands").add(command);
  add.add("AirSync:ServerId", "5:1");
  add.add(std::move(data));
  return sync;
}

// An ItemOperations Fetch response: the same properties inside itemoperations:Properties.
wbxml::element fetch_response(const wbxml::element& data) {
  auto io = wbxml::element::named("ItemOperations:ItemOperations");
  io.add("ItemOperations:Status", "1");
  auto& fetch = io.add("ItemOperations:Response").add("ItemOperations:Fetch");
  fetch.add("ItemOperations:Status", "1");
  fetch.add("AirSync:CollectionId", "5");
  fetch.add("AirSync:ServerId", "5:1");
  fetch.add("AirSync:Class", "Email");
  auto& props = fetch.add("ItemOperations:Properties");
  for (const auto& c : data.children()) props.add(c);
  return io;
}

void expect_valid(const std::string& name, const wbxml::element& doc) {
  if (!std::filesystem::exists(validator())) GTEST_SKIP() << "no validator";
  auto copy = doc;
  drop_misnamed_by_libwbxml(copy);
  std::string out;
  EXPECT_EQ(validate_response(name, wbxml::encode_to_string(copy), out), 0) << name << ": " << out << "\n" << wbxml::to_xml(doc);
}

// --- message building

mime_part leaf(fake_message& m, std::string section, std::string type, std::string subtype, std::string stored,
               std::string charset = "utf-8", std::string encoding = "8bit") {
  mime_part p;
  p.section = std::move(section);
  p.type = std::move(type);
  p.subtype = std::move(subtype);
  p.charset = std::move(charset);
  p.encoding = std::move(encoding);
  p.size = stored.size();
  m.parts[p.section] = std::move(stored);
  return p;
}

mime_part multipart(std::string subtype, std::vector<mime_part> children, std::string section = "") {
  mime_part p;
  p.section = std::move(section);
  p.type = "multipart";
  p.subtype = std::move(subtype);
  p.children = std::move(children);
  return p;
}

fake_message base(std::string subject = "Hello") {
  fake_message m;
  m.subject = std::move(subject);
  m.internal_date = 1764577460;  // 2025-12-01T08:24:20Z
  m.date = 1764577400;
  m.from = {{"Ann Example", "ann@example.com"}};
  m.to = {{"Bob", "bob@example.com"}, {"", "carol@example.com"}};
  m.cc = {{"Dan \"D\" Doe", "dan@example.com"}};
  m.message_id = "<m1@example.com>";
  m.raw = "Subject: " + m.subject + "\r\nFrom: ann@example.com\r\n\r\n";
  return m;
}

fake_message plain_message(std::string body, std::string charset = "utf-8") {
  auto m = base();
  m.body = leaf(m, "1", "text", "plain", body, std::move(charset));
  m.raw += body;
  return m;
}

// --- running

using test::run_io;

email_options options(std::vector<body_preference> body, protocol_version v = protocol_version::v14_1) {
  email_options o;
  o.version = v;
  o.body = std::move(body);
  return o;
}

class EmailConvert : public ::testing::Test {
protected:
  // `via`: the store the converter reads through (a counting wrapper of store_), store_ itself by default.
  result<wbxml::element> convert(fake_message m, const email_options& o,
                                 backend::folder_role role = backend::folder_role::none,
                                 backend::mail_store* via = nullptr) {
    const auto uid = store_.add_message(folder_, std::move(m));
    uid_set one;
    one.add(uid);
    auto s = run_io(store_.summaries(acct_, folder_, one));
    if (!s || s->size() != 1) return make_error_code(backend::mail_error::not_found);
    summary_ = s->front();
    email_context ctx;
    ctx.store = via != nullptr ? via : &store_;
    ctx.account = &acct_;
    ctx.folder_id = folder_;
    ctx.collection_id = "5";
    ctx.role = role;
    return run_io(email_application_data(ctx, summary_, o));
  }
  wbxml::element convert_ok(fake_message m, const email_options& o,
                            backend::folder_role role = backend::folder_role::none) {
    auto r = convert(std::move(m), o, role);
    EXPECT_TRUE(r) << (r ? "" : r.error().message());
    return r ? std::move(*r) : wbxml::element::named("AirSync:ApplicationData");
  }

  backend::fake_mail_store store_;
  backend::account acct_{"user", "secret", "127.0.0.1"};
  std::string folder_ = store_.folder_id("INBOX");
  backend::message_summary summary_;
};

std::string text_of(const wbxml::element& e, std::string_view name) {
  const auto t = e.child_text(name);
  return t ? std::string(*t) : std::string("<absent>");
}

const wbxml::element& body_of(const wbxml::element& data) {
  static const auto empty = wbxml::element::named("AirSyncBase:Body");
  const auto* b = data.child("AirSyncBase:Body");
  return b ? *b : empty;
}

// --- properties

TEST_F(EmailConvert, PlainMessageHasEveryProperty) {
  auto m = plain_message("Hi Bob,\r\nsee you.\r\n");
  m.subject = "Re: AW: Lunch";
  m.flags.seen = true;
  m.headers = {{"importance", "High"}};
  const auto d = convert_ok(m, options({pref(1)}));
  EXPECT_EQ(text_of(d, "Email:To"), "\"Bob\" <bob@example.com>, carol@example.com");
  EXPECT_EQ(text_of(d, "Email:Cc"), "\"Dan \\\"D\\\" Doe\" <dan@example.com>");
  EXPECT_EQ(text_of(d, "Email:From"), "\"Ann Example\" <ann@example.com>");
  EXPECT_EQ(text_of(d, "Email:Subject"), "Re: AW: Lunch");
  EXPECT_EQ(text_of(d, "Email:ThreadTopic"), "Lunch");
  EXPECT_EQ(text_of(d, "Email:DisplayTo"), "Bob; carol@example.com");
  EXPECT_EQ(text_of(d, "Email:DateReceived"), "2025-12-01T08:24:20.000Z");
  EXPECT_EQ(text_of(d, "Email:Importance"), "2");
  EXPECT_EQ(text_of(d, "Email:Read"), "1");
  EXPECT_EQ(text_of(d, "Email:MessageClass"), "IPM.Note");
  EXPECT_EQ(text_of(d, "Email:InternetCPID"), "65001");
  EXPECT_EQ(text_of(d, "Email:ContentClass"), "urn:content-classes:message");
  EXPECT_EQ(text_of(d, "AirSyncBase:NativeBodyType"), "1");
  ASSERT_NE(d.child("Email:Flag"), nullptr);
  EXPECT_TRUE(d.child("Email:Flag")->empty());
  EXPECT_EQ(d.child("Email2:ConversationId")->text().size(), 16u);
  EXPECT_EQ(d.child("Email2:ConversationIndex")->text().size(), 5u);
  EXPECT_EQ(d.child("Email:Categories"), nullptr);
  EXPECT_EQ(d.child("AirSyncBase:Attachments"), nullptr);
  const auto& b = body_of(d);
  EXPECT_EQ(text_of(b, "AirSyncBase:Type"), "1");
  EXPECT_EQ(text_of(b, "AirSyncBase:Data"), "Hi Bob,\r\nsee you.\r\n");
  EXPECT_EQ(text_of(b, "AirSyncBase:EstimatedDataSize"), "19");
  EXPECT_EQ(b.child("AirSyncBase:Truncated"), nullptr);
  expect_valid("plain", sync_response(d));
  expect_valid("plain_fetch", fetch_response(d));
}

TEST_F(EmailConvert, ImportanceFromXPriorityAndThreadTopicHeader) {
  auto m = plain_message("x");
  m.headers = {{"x-priority", "5 (Lowest)"}, {"thread-topic", "The topic"}};
  const auto d = convert_ok(m, options({pref(1)}));
  EXPECT_EQ(text_of(d, "Email:Importance"), "0");
  EXPECT_EQ(text_of(d, "Email:ThreadTopic"), "The topic");
}

TEST_F(EmailConvert, FlagsCategoriesAndLastVerb) {
  auto m = plain_message("x");
  m.flags.flagged = true;
  m.flags.answered = true;
  m.flags.keywords = {"Work", "$Forwarded", "$label1", "NonJunk", "Family"};
  const auto d = convert_ok(m, options({pref(1)}, protocol_version::v16_1));
  const auto* flag = d.child("Email:Flag");
  ASSERT_NE(flag, nullptr);
  EXPECT_EQ(text_of(*flag, "Email:Status"), "2");
  EXPECT_EQ(text_of(*flag, "Email:FlagType"), "Flag for follow up");
  const auto* cats = d.child("Email:Categories");
  ASSERT_NE(cats, nullptr);
  ASSERT_EQ(cats->children().size(), 2u);
  EXPECT_EQ(cats->children()[0].text(), "Work");
  EXPECT_EQ(cats->children()[1].text(), "Family");
  EXPECT_EQ(text_of(d, "Email2:LastVerbExecuted"), "1");
  EXPECT_EQ(text_of(d, "Email2:IsDraft"), "0");
  expect_valid("flags", sync_response(d));
}

TEST_F(EmailConvert, ConversationIdFollowsTheThreadRoot) {
  auto first = plain_message("a");
  first.message_id = "<root@example.com>";
  auto reply = plain_message("b");
  reply.message_id = "<r1@example.com>";
  reply.in_reply_to = "<root@example.com>";
  auto reply2 = plain_message("c");
  reply2.message_id = "<r2@example.com>";
  reply2.headers = {{"references", "<root@example.com> <r1@example.com>"}};
  const auto a = convert_ok(first, options({pref(1)}));
  const auto b = convert_ok(reply, options({pref(1)}));
  const auto c = convert_ok(reply2, options({pref(1)}));
  EXPECT_EQ(a.child("Email2:ConversationId")->text(), b.child("Email2:ConversationId")->text());
  EXPECT_EQ(a.child("Email2:ConversationId")->text(), c.child("Email2:ConversationId")->text());
  auto other = plain_message("d");
  other.message_id = "<other@example.com>";
  const auto o = convert_ok(other, options({pref(1)}));
  EXPECT_NE(a.child("Email2:ConversationId")->text(), o.child("Email2:ConversationId")->text());
}

TEST_F(EmailConvert, ReplyToAndOnBehalfSender) {
  auto m = plain_message("x");
  m.reply_to = {{"List", "list@example.com"}, {"", "owner@example.com"}};
  m.sender = {{"Assistant", "assistant@example.com"}};
  m.to = {{"", ""}, {"Bob", "bob@example.com"}};  // a group marker is skipped
  const auto d = convert_ok(m, options({pref(1)}));
  EXPECT_EQ(text_of(d, "Email:ReplyTo"), "\"List\" <list@example.com>; owner@example.com");
  EXPECT_EQ(text_of(d, "Email2:Sender"), "\"Assistant\" <assistant@example.com>");
  EXPECT_EQ(text_of(d, "Email:To"), "\"Bob\" <bob@example.com>");
  expect_valid("reply_to", sync_response(d));
}

TEST(ConversationIndex, HeaderIsTheFiletimeHighBits) {
  // 2009-11-18T08:00:00Z = FILETIME 0x01CA682C 9F5E7000 (100 ns ticks since 1601).
  const auto h = detail::conversation_index_header(1258531200);
  ASSERT_EQ(h.size(), 5u);
  const std::uint64_t ticks = (1258531200ull + 11644473600ull) * 10000000ull;
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(static_cast<unsigned char>(h[static_cast<std::size_t>(i)]), (ticks >> (56 - 8 * i)) & 0xFF) << i;
}

TEST(ConversationIndex, OutlookThreadIndexIsReused) {
  backend::message_summary msg;
  std::string raw(27, '\0');
  raw[0] = '\x01';
  for (int i = 1; i < 27; ++i) raw[static_cast<std::size_t>(i)] = static_cast<char>(i);
  // base64 of the 27 bytes above.
  msg.headers = {{"thread-index", "AQECAwQFBgcICQoLDA0ODxAREhMUFRYXGBka"}};
  const auto idx = detail::conversation_index(msg);
  ASSERT_EQ(idx.size(), 10u);
  EXPECT_EQ(idx.substr(0, 5), raw.substr(1, 5));
  EXPECT_EQ(idx.substr(5), raw.substr(22));
}

TEST(SubjectPrefixes, AreStripped) {
  EXPECT_EQ(detail::strip_subject_prefixes("Re: Fwd: RE[2]: Hello"), "Hello");
  EXPECT_EQ(detail::strip_subject_prefixes("AW:  WG: Termin"), "Termin");
  EXPECT_EQ(detail::strip_subject_prefixes("Report: numbers"), "Report: numbers");
  EXPECT_EQ(detail::strip_subject_prefixes("Re:"), "Re:");
  EXPECT_EQ(detail::strip_subject_prefixes("Fw:"), "Fw:");
}

// --- bodies

TEST_F(EmailConvert, HtmlOnlyGivesDerivedPlainText) {
  auto m = base();
  m.body = leaf(m, "1", "text", "html", "<html><body><p>Hello <b>world</b></p></body></html>");
  const auto d = convert_ok(m, options({pref(1)}));
  const auto& b = body_of(d);
  EXPECT_EQ(text_of(b, "AirSyncBase:Type"), "1");
  const auto data = text_of(b, "AirSyncBase:Data");
  EXPECT_NE(data.find("Hello world"), std::string::npos) << data;
  EXPECT_EQ(data.find('<'), std::string::npos) << data;
  EXPECT_EQ(text_of(d, "AirSyncBase:NativeBodyType"), "2");
}

TEST_F(EmailConvert, PlainOnlyAsHtmlIsEscapedPre) {
  const auto d = convert_ok(plain_message("a < b & c"), options({pref(2)}));
  const auto& b = body_of(d);
  EXPECT_EQ(text_of(b, "AirSyncBase:Type"), "2");
  EXPECT_EQ(text_of(b, "AirSyncBase:Data"), "<html><body><pre>a &lt; b &amp; c</pre></body></html>");
}

fake_message alternative_message() {
  auto m = base();
  m.body = multipart("alternative", {leaf(m, "1", "text", "plain", "plain version"),
                                     leaf(m, "2", "text", "html", "<p>html version</p>")});
  return m;
}

TEST_F(EmailConvert, AlternativeHonoursThePreferenceOrder) {
  const auto html = convert_ok(alternative_message(), options({pref(2), pref(1)}));
  EXPECT_EQ(text_of(body_of(html), "AirSyncBase:Type"), "2");
  EXPECT_EQ(text_of(body_of(html), "AirSyncBase:Data"), "<p>html version</p>");
  EXPECT_EQ(text_of(html, "AirSyncBase:NativeBodyType"), "2");
  const auto plain = convert_ok(alternative_message(), options({pref(1), pref(2)}));
  EXPECT_EQ(text_of(body_of(plain), "AirSyncBase:Type"), "1");
  EXPECT_EQ(text_of(body_of(plain), "AirSyncBase:Data"), "plain version");
  EXPECT_EQ(plain.child("AirSyncBase:Attachments"), nullptr);  // the other variant is no attachment
  expect_valid("alternative", sync_response(html));
}

TEST_F(EmailConvert, RtfOnlyFallsBackToPlain) {
  const auto d = convert_ok(alternative_message(), options({pref(3, 5)}));
  EXPECT_EQ(text_of(body_of(d), "AirSyncBase:Type"), "1");
  EXPECT_EQ(text_of(body_of(d), "AirSyncBase:Data"), "plain");
}

TEST_F(EmailConvert, MixedWithAttachmentsAndInlineImages) {
  auto m = base();
  auto html = leaf(m, "1.1.2", "text", "html", "<p><img src=\"cid:logo@x\"></p>");
  auto img = leaf(m, "1.2", "image", "png", std::string(400, 'A'), "", "base64");
  img.content_id = "logo@x";
  img.disposition = "inline";
  auto pdf = leaf(m, "2", "application", "pdf", std::string(1000, 'B'), "", "base64");
  pdf.disposition = "attachment";
  pdf.filename = "report.pdf";
  auto eml = leaf(m, "3", "message", "rfc822", "Subject: inner\r\n\r\nbody", "", "7bit");
  auto txt = leaf(m, "4", "text", "plain", "notes", "utf-8");
  txt.filename = "notes.txt";
  m.body = multipart("mixed", {multipart("related", {multipart("alternative", {leaf(m, "1.1.1", "text", "plain",
                                                                                        "plain"),
                                                                                   html},
                                                                   "1.1"),
                                                     img},
                                         "1"),
                               pdf, eml, txt});
  const auto d = convert_ok(m, options({pref(2)}));
  EXPECT_EQ(text_of(body_of(d), "AirSyncBase:Data"), "<p><img src=\"cid:logo@x\"></p>");
  const auto* atts = d.child("AirSyncBase:Attachments");
  ASSERT_NE(atts, nullptr);
  ASSERT_EQ(atts->children().size(), 4u);
  const auto& a0 = atts->children()[0];
  EXPECT_EQ(text_of(a0, "AirSyncBase:FileReference"), file_reference("5", summary_.uid, "1.2"));
  EXPECT_EQ(text_of(a0, "AirSyncBase:ContentId"), "logo@x");
  EXPECT_EQ(text_of(a0, "AirSyncBase:IsInline"), "1");
  EXPECT_EQ(text_of(a0, "AirSyncBase:EstimatedDataSize"), "300");
  EXPECT_EQ(text_of(a0, "AirSyncBase:Method"), "1");
  const auto& a1 = atts->children()[1];
  EXPECT_EQ(text_of(a1, "AirSyncBase:DisplayName"), "report.pdf");
  EXPECT_EQ(text_of(a1, "AirSyncBase:EstimatedDataSize"), "750");
  EXPECT_EQ(a1.child("AirSyncBase:IsInline"), nullptr);
  EXPECT_EQ(text_of(atts->children()[2], "AirSyncBase:DisplayName"), "message-3.eml");
  EXPECT_EQ(text_of(atts->children()[3], "AirSyncBase:DisplayName"), "notes.txt");
  expect_valid("mixed", sync_response(d));
  expect_valid("mixed_fetch", fetch_response(d));
}

TEST_F(EmailConvert, Iso88591Body) {
  const auto d = convert_ok(plain_message("caf\xE9 \xFC", "iso-8859-1"), options({pref(1)}));
  EXPECT_EQ(text_of(body_of(d), "AirSyncBase:Data"), "caf\xC3\xA9 \xC3\xBC");
  EXPECT_EQ(text_of(d, "Email:InternetCPID"), "28591");
}

TEST_F(EmailConvert, ShiftJisBodyTruncatedAtACharacterBoundary) {
  // "日本語のテキスト" in Shift_JIS: 8 characters of 2 bytes, 3 bytes each in UTF-8.
  const std::string sjis = "\x93\xFA\x96\x7B\x8C\xEA\x82\xCC\x83\x65\x83\x4C\x83\x58\x83\x67";
  const auto full = convert_ok(plain_message(sjis, "shift_jis"), options({pref(1)}));
  const auto text = text_of(body_of(full), "AirSyncBase:Data");
  ASSERT_EQ(text, "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE\xE3\x83\x86\xE3\x82\xAD\xE3\x82\xB9\xE3\x83\x88");
  EXPECT_EQ(text_of(full, "Email:InternetCPID"), "932");
  const auto cut = convert_ok(plain_message(sjis, "shift_jis"), options({pref(1, 8)}));
  const auto& b = body_of(cut);
  EXPECT_EQ(text_of(b, "AirSyncBase:Data"), text.substr(0, 6));  // 8 bytes → two whole characters
  EXPECT_EQ(text_of(b, "AirSyncBase:Truncated"), "1");
  EXPECT_EQ(text_of(b, "AirSyncBase:EstimatedDataSize"), "24");
  expect_valid("sjis_truncated", sync_response(cut));
}

TEST_F(EmailConvert, Utf8TruncationNeverSplitsACharacter) {
  const auto d = convert_ok(plain_message("ab\xE2\x82\xAC" "cd"), options({pref(1, 4)}));
  EXPECT_EQ(text_of(body_of(d), "AirSyncBase:Data"), "ab");
  EXPECT_EQ(text_of(body_of(d), "AirSyncBase:Truncated"), "1");
}

TEST_F(EmailConvert, AllOrNoneSendsNoDataWhenTooLarge) {
  const auto big = convert_ok(plain_message(std::string(100, 'x')), options({pref(1, 10, true)}));
  const auto& b = body_of(big);
  EXPECT_EQ(b.child("AirSyncBase:Data"), nullptr);
  EXPECT_EQ(text_of(b, "AirSyncBase:Truncated"), "1");
  EXPECT_EQ(text_of(b, "AirSyncBase:EstimatedDataSize"), "100");
  expect_valid("all_or_none", sync_response(big));
  const auto small = convert_ok(plain_message("tiny"), options({pref(1, 10, true)}));
  EXPECT_EQ(text_of(body_of(small), "AirSyncBase:Data"), "tiny");
}

TEST_F(EmailConvert, PreviewOnlyFrom14) {
  auto o = options({pref(2, 100, false, 10)});
  const auto d = convert_ok(alternative_message(), o);
  EXPECT_EQ(text_of(body_of(d), "AirSyncBase:Preview"), "plain vers");
  expect_valid("preview", sync_response(d));
  // A complete plain body needs no preview.
  const auto complete = convert_ok(plain_message("short text"), options({pref(1, 100, false, 5)}));
  EXPECT_EQ(body_of(complete).child("AirSyncBase:Preview"), nullptr);
  const auto cut = convert_ok(plain_message("longer text here"), options({pref(1, 4, false, 8)}));
  EXPECT_EQ(text_of(body_of(cut), "AirSyncBase:Preview"), "longer t");
}

TEST_F(EmailConvert, MimeBodyTruncated) {
  auto m = plain_message(std::string(500, 'm'));
  auto o = options({pref(4, 100)});
  o.mime_support = 2;
  const auto d = convert_ok(m, o);
  const auto& b = body_of(d);
  EXPECT_EQ(text_of(b, "AirSyncBase:Type"), "4");
  EXPECT_EQ(text_of(b, "AirSyncBase:Data"), m.raw.substr(0, 100));
  EXPECT_EQ(text_of(b, "AirSyncBase:Truncated"), "1");
  EXPECT_EQ(text_of(b, "AirSyncBase:EstimatedDataSize"), std::to_string(m.raw.size()));
  expect_valid("mime", sync_response(d));
}

TEST_F(EmailConvert, MimeOnlyWhenAsked) {
  // MIMESupport 1 = S/MIME only: a plain message gets its text.
  auto o = options({pref(4), pref(1)});
  o.mime_support = 1;
  EXPECT_EQ(text_of(body_of(convert_ok(plain_message("x"), o)), "AirSyncBase:Type"), "1");
}

TEST_F(EmailConvert, SmimeClasses) {
  auto enc = base();
  enc.body = leaf(enc, "1", "application", "pkcs7-mime", "MIIB", "", "base64");
  auto o = options({pref(1)});
  o.mime_support = 1;
  const auto e = convert_ok(enc, o);
  EXPECT_EQ(text_of(e, "Email:MessageClass"), "IPM.Note.SMIME");
  EXPECT_EQ(text_of(body_of(e), "AirSyncBase:Type"), "4");
  EXPECT_EQ(text_of(body_of(e), "AirSyncBase:Data"), enc.raw);
  expect_valid("smime", sync_response(e));

  auto sig = base();
  sig.body = multipart("signed", {leaf(sig, "1", "text", "plain", "signed text"),
                                  leaf(sig, "2", "application", "pkcs7-signature", "MIIC", "", "base64")});
  const auto s = convert_ok(sig, options({pref(1)}));
  EXPECT_EQ(text_of(s, "Email:MessageClass"), "IPM.Note.SMIME.MultipartSigned");
  EXPECT_EQ(text_of(body_of(s), "AirSyncBase:Data"), "signed text");
  ASSERT_NE(s.child("AirSyncBase:Attachments"), nullptr);
  EXPECT_EQ(text_of(s.child("AirSyncBase:Attachments")->children()[0], "AirSyncBase:DisplayName"), "smime.p7s");
}

TEST_F(EmailConvert, MeetingRequestAndCancelClasses) {
  for (const auto& [method, cls] : std::vector<std::pair<std::string, std::string>>{
           {"REQUEST", "IPM.Schedule.Meeting.Request"}, {"CANCEL", "IPM.Schedule.Meeting.Canceled"},
           {"PUBLISH", "IPM.Note"}}) {
    auto m = base();
    m.body = multipart("alternative",
                       {leaf(m, "1", "text", "plain", "Invitation"),
                        leaf(m, "2", "text", "calendar",
                             "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:" + method + "\r\nBEGIN:VEVENT\r\nEND:VEVENT\r\n")});
    const auto d = convert_ok(m, options({pref(1)}));
    EXPECT_EQ(text_of(d, "Email:MessageClass"), cls) << method;
    EXPECT_EQ(d.child("AirSyncBase:Attachments"), nullptr);
    expect_valid("meeting", sync_response(d));
  }
}

TEST_F(EmailConvert, VersionElementSets) {
  auto m = alternative_message();
  m.flags.forwarded = true;
  auto o121 = options({pref(2, 100, false, 20)}, protocol_version::v12_1);
  const auto d121 = convert_ok(m, o121);
  EXPECT_EQ(d121.child("Email2:ConversationId"), nullptr);
  EXPECT_EQ(d121.child("Email2:LastVerbExecuted"), nullptr);
  EXPECT_EQ(body_of(d121).child("AirSyncBase:Preview"), nullptr);
  EXPECT_NE(d121.child("Email:Flag"), nullptr);
  EXPECT_EQ(d121.child("Email2:IsDraft"), nullptr);
  expect_valid("v121", sync_response(d121));

  auto o141 = options({pref(2, 100)}, protocol_version::v14_1);
  o141.body_part = {pref(2, 10, false, 5)};
  const auto d141 = convert_ok(m, o141);
  EXPECT_EQ(text_of(d141, "Email2:LastVerbExecuted"), "3");
  const auto* part = d141.child("AirSyncBase:BodyPart");
  ASSERT_NE(part, nullptr);
  EXPECT_EQ(text_of(*part, "AirSyncBase:Status"), "1");
  EXPECT_EQ(text_of(*part, "AirSyncBase:Type"), "2");
  EXPECT_EQ(text_of(*part, "AirSyncBase:Data"), "<p>html ve");
  EXPECT_EQ(text_of(*part, "AirSyncBase:Truncated"), "1");
  EXPECT_EQ(text_of(*part, "AirSyncBase:Preview"), "plain");
  EXPECT_EQ(d141.child("Email2:IsDraft"), nullptr);
  expect_valid("v141", sync_response(d141));
  expect_valid("v141_fetch", fetch_response(d141));

  auto draft = alternative_message();
  draft.bcc = {{"", "secret@example.com"}};
  draft.flags.draft = true;
  const auto d161 = convert_ok(draft, options({pref(2)}, protocol_version::v16_1), backend::folder_role::drafts);
  EXPECT_EQ(text_of(d161, "Email2:IsDraft"), "1");
  EXPECT_EQ(text_of(d161, "Email2:Bcc"), "secret@example.com");
  expect_valid("v161", sync_response(d161));
}

TEST_F(EmailConvert, BackendFailureIsAnError) {
  store_.fail_next(backend::mail_error::not_found, "fetch_part");
  EXPECT_FALSE(convert(plain_message("x"), options({pref(1)})));
}

TEST_F(EmailConvert, HostileStructureStillConverts) {
  auto m = base("Sub\0ject");
  m.subject = std::string("Sub\0ject", 8);
  m.body = multipart("mixed", {});
  const auto d = convert_ok(m, options({pref(1)}));
  EXPECT_EQ(text_of(d, "Email:Subject"), "Subject");
  EXPECT_EQ(text_of(body_of(d), "AirSyncBase:Data"), "");
  expect_valid("empty_mixed", sync_response(d));
}

// A 20 MB message is read only as far as the truncation asks.
class CountingStore final : public test::forwarding_mail_store {
public:
  using forwarding_mail_store::forwarding_mail_store;
  std::uint64_t max_requested = 0;
  int fetches = 0;

  net::awaitable<result<backend::part_bytes>> fetch_part(const backend::account& a, std::string f, std::uint32_t uid,
                                                         std::string section, bool decoded, std::uint64_t offset,
                                                         std::uint64_t max_bytes) override {
    ++fetches;
    max_requested = std::max(max_requested, max_bytes);
    return inner_.fetch_part(a, std::move(f), uid, std::move(section), decoded, offset, max_bytes);
  }
};

TEST_F(EmailConvert, LargeMessageReadOnlyAsFarAsTruncation) {
  auto m = base();
  auto body = leaf(m, "1", "text", "html", "<p>" + std::string(20u << 20, 'x') + "</p>");
  auto pdf = leaf(m, "2", "application", "pdf", std::string(1000, 'B'), "", "base64");
  m.body = multipart("mixed", {body, pdf});
  m.raw += std::string(20u << 20, 'r');
  const auto uid = store_.add_message(folder_, m);
  uid_set one;
  one.add(uid);
  const auto s = run_io(store_.summaries(acct_, folder_, one));
  ASSERT_TRUE(s && s->size() == 1);
  CountingStore counting(store_);
  email_context ctx;
  ctx.store = &counting;
  ctx.account = &acct_;
  ctx.folder_id = folder_;
  ctx.collection_id = "5";
  for (const std::uint8_t type : {1, 2, 4}) {
    counting.max_requested = 0;
    auto o = options({pref(type, 512, false, 50)});
    const auto d = run_io(email_application_data(ctx, s->front(), o));
    ASSERT_TRUE(d);
    const auto& b = body_of(*d);
    EXPECT_EQ(text_of(b, "AirSyncBase:Truncated"), "1") << int(type);
    EXPECT_LE(text_of(b, "AirSyncBase:Data").size(), 512u) << int(type);
    EXPECT_GT(std::stoull(text_of(b, "AirSyncBase:EstimatedDataSize")), 1u << 20) << int(type);
    EXPECT_LT(counting.max_requested, 64u << 10) << int(type);
  }
}

// HTML + Preview (what iOS asks for) on a message with one text part reads that part once: the Preview
// comes from the body already fetched, not from a second round trip to the IMAP server.
TEST_F(EmailConvert, HtmlWithPreviewReadsTheOnlyTextPartOnce) {
  for (const bool html : {false, true}) {
    auto m = base();
    m.body = html ? leaf(m, "1", "text", "html", "<p>" + std::string(600, 'h') + "</p>")
                  : leaf(m, "1", "text", "plain", std::string(600, 'p'));
    CountingStore counting(store_);
    const auto d = convert(m, options({pref(2, 5120, false, 255)}), backend::folder_role::none, &counting);
    ASSERT_TRUE(d);
    EXPECT_EQ(counting.fetches, 1) << html;
    EXPECT_EQ(text_of(body_of(*d), "AirSyncBase:Preview"), std::string(255, html ? 'h' : 'p')) << html;
  }
}

// --- flag changes

TEST(EmailFlagChange, ServerChangeElements) {
  backend::message_flags f;
  f.seen = true;
  f.flagged = true;
  f.forwarded = true;
  f.keywords = {"Work"};
  const auto d = email_flag_change(f, protocol_version::v14_1);
  EXPECT_EQ(text_of(d, "Email:Read"), "1");
  EXPECT_EQ(text_of(*d.child("Email:Flag"), "Email:Status"), "2");
  EXPECT_EQ(text_of(d, "Email2:LastVerbExecuted"), "3");
  EXPECT_EQ(d.child("Email:Categories")->children().size(), 1u);
  expect_valid("change", sync_response(d, "AirSync:Change"));
  const auto d12 = email_flag_change(backend::message_flags{}, protocol_version::v12_1);
  EXPECT_EQ(text_of(d12, "Email:Read"), "0");
  EXPECT_TRUE(d12.child("Email:Flag")->empty());
  EXPECT_EQ(d12.child("Email:Categories"), nullptr);
  expect_valid("change12", sync_response(d12, "AirSync:Change"));
}

TEST(EmailFlagChange, ParsesClientChanges) {
  auto c = parse_client_flag_change(client_data(
      "<ApplicationData xmlns=\"AirSync\"><Read xmlns=\"Email\">1</Read><Flag xmlns=\"Email\"><Status>2</Status>"
      "<FlagType>Flag for follow up</FlagType></Flag><Categories xmlns=\"Email\"><Category>Work</Category>"
      "</Categories></ApplicationData>"));
  EXPECT_EQ(c.read, true);
  EXPECT_EQ(c.flagged, true);
  ASSERT_TRUE(c.categories);
  EXPECT_EQ(*c.categories, std::vector<std::string>{"Work"});

  c = parse_client_flag_change(client_data(
      "<ApplicationData xmlns=\"AirSync\"><Read xmlns=\"Email\">0</Read><Flag xmlns=\"Email\"/></ApplicationData>"));
  EXPECT_EQ(c.read, false);
  EXPECT_EQ(c.flagged, false);
  EXPECT_FALSE(c.categories);

  c = parse_client_flag_change(client_data(
      "<ApplicationData xmlns=\"AirSync\"><Flag xmlns=\"Email\"><Status>1</Status></Flag>"
      "<Categories xmlns=\"Email\"/></ApplicationData>"));
  EXPECT_FALSE(c.read);
  EXPECT_EQ(c.flagged, false);  // complete: no longer a follow-up
  ASSERT_TRUE(c.categories);
  EXPECT_TRUE(c.categories->empty());
}

}  // namespace
}  // namespace easd::protocol::convert
