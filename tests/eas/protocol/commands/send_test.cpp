// SendMail, SmartReply and SmartForward through the real dispatcher, with the fake mail store, the fake
// submitter and the real SQLite ledger: what is submitted (Bcc gone, recipients, envelope), the Sent copy,
// the original's flag, exactly once, the rate, and each refusal's status in both forms.
#include "backend/fake/fake_mail_submitter.hpp"
#include "eas/protocol/commands/send_flow.hpp"
#include "tests/eas/protocol/commands/protocol_fixture.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace easd::protocol::test {
namespace {

using backend::submit_outcome;

const std::string simple_mime =
    "From: Ann <ann@example.test>\r\n"
    "To: Bob <bob@example.test>\r\n"
    "Cc: carol@example.test\r\n"
    "Bcc: dave@example.test\r\n"
    "Subject: Hello\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Hi Bob,\r\nsee you.\r\n";

class SendTest : public ProtocolFixture {
protected:
  SendTest() {
    svc_.submitter = &smtp_;
    svc_.sends = store_.get();
    sent_folder_ = mail_.add_folder("Sent", backend::folder_role::sent);
  }

  static wbxml::element send_mail(std::string_view client_id, std::string_view mime, bool save = false) {
    auto root = wbxml::element::named("ComposeMail:SendMail");
    root.add("ComposeMail:ClientId", std::string(client_id));
    if (save) root.add("ComposeMail:SaveInSentItems");
    root.add("ComposeMail:Mime").set_opaque(std::string(mime));
    return root;
  }

  static wbxml::element smart(std::string_view command, std::string_view client_id, std::string_view folder,
                              std::string_view item, std::string_view mime, bool replace = false) {
    auto root = wbxml::element::named("ComposeMail:" + std::string(command));
    root.add("ComposeMail:ClientId", std::string(client_id));
    auto& src = root.add("ComposeMail:Source");
    if (!folder.empty()) src.add("ComposeMail:FolderId", std::string(folder));
    if (!item.empty()) src.add("ComposeMail:ItemId", std::string(item));
    if (replace) root.add("ComposeMail:ReplaceMime");
    root.add("ComposeMail:Mime").set_opaque(std::string(mime));
    return root;
  }

  reply run(const std::string& command, const wbxml::element& request) {
    return dispatch(context(command), wbxml::encode_to_string(request));
  }

  // 12.1: the message itself as the body, the rest in the query.
  reply run_legacy(const std::string& command, const std::string& mime, bool save = false, std::string item = "",
                   std::string collection_id = "") {
    auto ctx = context(command, protocol_version::v12_1);
    ctx.content_type = "message/rfc822";
    ctx.save_in_sent = save;
    ctx.item_id = std::move(item);
    ctx.collection_id = std::move(collection_id);
    return dispatch(std::move(ctx), mime);
  }

  // The ComposeMail Status of a failure response (0 when the body is empty: success).
  unsigned status_of(const reply& r, std::string_view command = "SendMail") {
    if (r.body.empty()) return 0;
    const auto doc = decode(r);
    EXPECT_EQ(doc.qualified_name(), "ComposeMail:" + std::string(command));
    if (have_validator()) {
      std::string out;
      EXPECT_EQ(validate_response(std::string(command), r.body, out), 0) << out;
    }
    return static_cast<unsigned>(std::stoul(std::string(doc.child_text("ComposeMail:Status").value_or("0"))));
  }

  std::string inbox_item(std::uint32_t uid) { return item_server_id(collection("F1"), uid); }

  backend::fake_mail_submitter smtp_;
  std::string sent_folder_;
};

// --- SendMail, 14.0+

TEST_F(SendTest, SendMailSubmitsWithoutBccToEveryRecipient) {
  const auto r = run("SendMail", send_mail("c1", simple_mime));
  EXPECT_EQ(r.http_status, 200u);
  EXPECT_TRUE(r.body.empty());
  ASSERT_EQ(smtp_.sent().size(), 1u);
  const auto& s = smtp_.sent()[0];
  EXPECT_EQ(s.user, user_);
  EXPECT_EQ(s.password, "secret");
  EXPECT_EQ(s.envelope_from, "ann@example.test");
  EXPECT_EQ(s.recipients, (std::vector<std::string>{"bob@example.test", "carol@example.test", "dave@example.test"}));
  EXPECT_EQ(s.message.find("Bcc:"), std::string::npos);
  EXPECT_EQ(s.message.find("dave@"), std::string::npos);
  EXPECT_NE(s.message.find("\r\nDate: "), std::string::npos);
  EXPECT_NE(s.message.find("\r\nMessage-ID: <"), std::string::npos);
  EXPECT_NE(s.message.find("Hi Bob,\r\nsee you."), std::string::npos);
  // No SaveInSentItems: no copy.
  EXPECT_TRUE(mail_.uids(sent_folder_).empty());
}

TEST_F(SendTest, SaveInSentItemsFilesACopyWithBccAndSeen) {
  const auto r = run("SendMail", send_mail("c1", simple_mime, true));
  EXPECT_TRUE(r.body.empty());
  const auto uids = mail_.uids(sent_folder_);
  ASSERT_EQ(uids.size(), 1u);
  const auto uid = static_cast<std::uint32_t>(uids.ranges().front().first);
  const auto raw = mail_.raw(sent_folder_, uid);
  ASSERT_TRUE(raw);
  EXPECT_NE(raw->find("Bcc: dave@example.test"), std::string::npos);
  EXPECT_NE(raw->find("Subject: Hello"), std::string::npos);
  EXPECT_TRUE(mail_.flags(sent_folder_, uid)->seen);
}

TEST_F(SendTest, SaveSentOffLeavesTheCopyToTheServer) {
  svc_.sending.save_sent = false;
  run("SendMail", send_mail("c1", simple_mime, true));
  EXPECT_EQ(smtp_.sent().size(), 1u);
  EXPECT_TRUE(mail_.uids(sent_folder_).empty());
}

TEST_F(SendTest, RetriedClientIdSendsOnceAndAnswersSuccess) {
  EXPECT_TRUE(run("SendMail", send_mail("same", simple_mime, true)).body.empty());
  const auto again = run("SendMail", send_mail("same", simple_mime, true));
  EXPECT_EQ(again.http_status, 200u);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(smtp_.attempts().size(), 1u);
  EXPECT_EQ(mail_.uids(sent_folder_).size(), 1u);
  // Another ClientId is another message.
  run("SendMail", send_mail("other", simple_mime));
  EXPECT_EQ(smtp_.sent().size(), 2u);
}

TEST_F(SendTest, AnotherDevicesClientIdIsItsOwn) {
  run("SendMail", send_mail("same", simple_mime));
  device_ = "dev2";
  run("SendMail", send_mail("same", simple_mime));
  EXPECT_EQ(smtp_.sent().size(), 2u);
}

TEST_F(SendTest, MissingClientIdOrMimeIsInvalidXml) {
  auto no_id = wbxml::element::named("ComposeMail:SendMail");
  no_id.add("ComposeMail:Mime").set_opaque(simple_mime);
  EXPECT_EQ(status_of(run("SendMail", no_id)), 103u);
  auto no_mime = wbxml::element::named("ComposeMail:SendMail");
  no_mime.add("ComposeMail:ClientId", "c1");
  EXPECT_EQ(status_of(run("SendMail", no_mime)), 103u);
  EXPECT_EQ(status_of(run("SendMail", send_mail(std::string(65, 'x'), simple_mime))), 103u);
  EXPECT_TRUE(smtp_.attempts().empty());
}

TEST_F(SendTest, ForeignFromIsRefusedOrRewritten) {
  const std::string forged = "From: boss@elsewhere.test\r\nTo: bob@example.test\r\nSubject: x\r\n\r\nbody\r\n";
  EXPECT_EQ(status_of(run("SendMail", send_mail("c1", forged))), 120u);
  EXPECT_TRUE(smtp_.attempts().empty());
  svc_.sending.rewrite_from = true;
  EXPECT_TRUE(run("SendMail", send_mail("c1", forged)).body.empty());
  ASSERT_EQ(smtp_.sent().size(), 1u);
  EXPECT_EQ(smtp_.sent()[0].envelope_from, "ann@example.test");
  EXPECT_NE(smtp_.sent()[0].message.find("ann@example.test"), std::string::npos);
}

TEST_F(SendTest, MessageRefusalsMapToTheirStatus) {
  EXPECT_EQ(status_of(run("SendMail", send_mail("a", "From: ann@example.test\r\nSubject: x\r\n\r\nno one\r\n"))), 119u);
  EXPECT_EQ(status_of(run("SendMail", send_mail("b", "this is not a header block"))), 107u);
  svc_.sending.max_message = 64;
  EXPECT_EQ(status_of(run("SendMail", send_mail("c", simple_mime))), 122u);
  svc_.sending.max_message = 1u << 20;
  svc_.sending.max_recipients = 2;
  EXPECT_EQ(status_of(run("SendMail", send_mail("d", simple_mime))), 120u);
  EXPECT_TRUE(smtp_.attempts().empty());
}

TEST_F(SendTest, ServerSizeLimitIsCheckedFirst) {
  smtp_.set_size_limit(100);
  EXPECT_EQ(status_of(run("SendMail", send_mail("c1", simple_mime))), 122u);
  EXPECT_TRUE(smtp_.attempts().empty());
}

TEST_F(SendTest, SmtpOutcomesMapToStatusAndReleaseTheClaim) {
  smtp_.script(submit_outcome::temporary, 451);
  EXPECT_EQ(status_of(run("SendMail", send_mail("c1", simple_mime, true))), 111u);
  EXPECT_TRUE(mail_.uids(sent_folder_).empty());  // nothing half-done
  // The claim was released: the retry sends.
  EXPECT_TRUE(run("SendMail", send_mail("c1", simple_mime, true)).body.empty());
  EXPECT_EQ(smtp_.sent().size(), 1u);
  EXPECT_EQ(mail_.uids(sent_folder_).size(), 1u);

  smtp_.script(submit_outcome::recipient_rejected, 550);
  EXPECT_EQ(status_of(run("SendMail", send_mail("c2", simple_mime))), 120u);
  smtp_.script(submit_outcome::too_large, 552);
  EXPECT_EQ(status_of(run("SendMail", send_mail("c3", simple_mime))), 122u);
  smtp_.script(submit_outcome::auth_failed, 535);
  EXPECT_EQ(status_of(run("SendMail", send_mail("c4", simple_mime))), 130u);
  smtp_.script(submit_outcome::rejected, 554);
  EXPECT_EQ(status_of(run("SendMail", send_mail("c5", simple_mime))), 120u);
}

TEST_F(SendTest, DeliveryUnknownIsNeverSentTwice) {
  backend::submit_result lost;
  lost.outcome = submit_outcome::temporary;
  lost.delivery_unknown = true;
  smtp_.script(lost);
  EXPECT_TRUE(run("SendMail", send_mail("c1", simple_mime, true)).body.empty());
  EXPECT_EQ(mail_.uids(sent_folder_).size(), 1u);
  EXPECT_TRUE(run("SendMail", send_mail("c1", simple_mime, true)).body.empty());
  EXPECT_EQ(smtp_.attempts().size(), 1u);
}

TEST_F(SendTest, InFlightClaimAnswersRetryLaterThenCountsAsUnknown) {
  // Another node holds a fresh claim on the same ClientId.
  state::claim_request other;
  other.key = {.user = user_, .device_id = device_, .key = "c:c1"};
  other.now = now_;
  ASSERT_EQ(*store_->claim(other), state::claim_outcome::claimed);
  EXPECT_EQ(status_of(run("SendMail", send_mail("c1", simple_mime))), 111u);
  // That node died mid-send: after stale_after the message counts as possibly sent.
  now_ += 3600;
  EXPECT_TRUE(run("SendMail", send_mail("c1", simple_mime)).body.empty());
  EXPECT_TRUE(smtp_.attempts().empty());
}

TEST_F(SendTest, RateLimitAnswersSendQuotaExceeded) {
  svc_.sending.rate = {.max_messages = 2, .max_recipients = 0, .window_seconds = 3600};
  run("SendMail", send_mail("a", simple_mime));
  run("SendMail", send_mail("b", simple_mime));
  const auto r = run("SendMail", send_mail("c", simple_mime));
  EXPECT_EQ(status_of(r), 115u);
  EXPECT_EQ(smtp_.sent().size(), 2u);
  // The window slides.
  now_ += 3601;
  EXPECT_TRUE(run("SendMail", send_mail("c", simple_mime)).body.empty());
  // Recipients count too: three per message against a bound of four.
  svc_.sending.rate = {.max_messages = 0, .max_recipients = 4, .window_seconds = 3600};
  now_ += 3601;
  EXPECT_TRUE(run("SendMail", send_mail("d", simple_mime)).body.empty());
  EXPECT_EQ(status_of(run("SendMail", send_mail("e", simple_mime))), 115u);
}

TEST_F(SendTest, FailedSendsDoNotCountAgainstTheRate) {
  svc_.sending.rate = {.max_messages = 1, .max_recipients = 0, .window_seconds = 3600};
  smtp_.script(submit_outcome::temporary);
  run("SendMail", send_mail("a", simple_mime));
  EXPECT_TRUE(run("SendMail", send_mail("a", simple_mime)).body.empty());
  EXPECT_EQ(smtp_.sent().size(), 1u);
}

// --- SendMail, 12.1

TEST_F(SendTest, LegacySendMailTakesTheBodyAndTheQuery) {
  const auto r = run_legacy("SendMail", simple_mime, true);
  EXPECT_EQ(r.http_status, 200u);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(smtp_.sent().size(), 1u);
  EXPECT_EQ(mail_.uids(sent_folder_).size(), 1u);
  // The same request again (a lost response) is not sent again; a changed one is.
  EXPECT_EQ(run_legacy("SendMail", simple_mime, true).http_status, 200u);
  EXPECT_EQ(smtp_.attempts().size(), 1u);
  run_legacy("SendMail", simple_mime + "PS\r\n", true);
  EXPECT_EQ(smtp_.sent().size(), 2u);
}

TEST_F(SendTest, LegacyFailuresAreHttpStatuses) {
  auto ctx = context("SendMail", protocol_version::v12_1);
  ctx.content_type = "application/vnd.ms-sync.wbxml";
  EXPECT_EQ(dispatch(ctx, wbxml::encode_to_string(send_mail("c1", simple_mime))).http_status, 400u);
  EXPECT_EQ(run_legacy("SendMail", "").http_status, 400u);
  EXPECT_EQ(run_legacy("SendMail", "From: ann@example.test\r\n\r\nnobody\r\n").http_status, 500u);
  svc_.sending.rate = {.max_messages = 1, .max_recipients = 0, .window_seconds = 3600};
  run_legacy("SendMail", simple_mime);
  const auto throttled = run_legacy("SendMail", simple_mime + "2\r\n");
  EXPECT_EQ(throttled.http_status, 503u);
  ASSERT_FALSE(throttled.headers.empty());
  EXPECT_EQ(throttled.headers[0].first, "Retry-After");
}

// --- SmartReply / SmartForward

const std::string reply_mime =
    "From: ann@example.test\r\n"
    "To: bob@example.test\r\n"
    "Subject: Re: Plans\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Sounds good.\r\n";

TEST_F(SendTest, SmartReplyQuotesTheOriginalAndMarksItAnswered) {
  auto original = backend::fake_message::plain("Plans", "Bob <bob@example.test>", "Shall we meet?\r\nAt noon.\r\n");
  original.message_id = "<orig-1@example.test>";
  const auto uid = mail_.add_message("F1", original);
  const auto r = run("SmartReply", smart("SmartReply", "r1", collection("F1"), inbox_item(uid), reply_mime));
  EXPECT_TRUE(r.body.empty()) << status_of(r, "SmartReply");
  ASSERT_EQ(smtp_.sent().size(), 1u);
  const auto& msg = smtp_.sent()[0].message;
  EXPECT_NE(msg.find("Sounds good."), std::string::npos);
  EXPECT_NE(msg.find("> Shall we meet?"), std::string::npos);
  EXPECT_NE(msg.find("In-Reply-To: <orig-1@example.test>"), std::string::npos);
  EXPECT_TRUE(mail_.flags("F1", uid)->answered);
  EXPECT_FALSE(mail_.flags("F1", uid)->forwarded);
}

TEST_F(SendTest, SmartReplyWithReplaceMimeSendsThePhonesMessageAsItIs) {
  const auto uid = mail_.add_message("F1", backend::fake_message::plain("Plans", "bob@example.test", "Original text"));
  run("SmartReply", smart("SmartReply", "r1", "", inbox_item(uid), reply_mime, true));
  ASSERT_EQ(smtp_.sent().size(), 1u);
  EXPECT_EQ(smtp_.sent()[0].message.find("Original text"), std::string::npos);
  EXPECT_TRUE(mail_.flags("F1", uid)->answered);
}

TEST_F(SendTest, SmartForwardCarriesTheOriginalsAttachmentAndMarksItForwarded) {
  const auto uid = mail_.add_message(
      "F1", backend::fake_message::with_attachment("Report", "bob@example.test", "See attached.", "report.pdf",
                                                   "application/pdf", "PDFBYTES-1234"));
  const std::string fwd = "From: ann@example.test\r\nTo: carol@example.test\r\nSubject: Fwd: Report\r\n\r\nFYI\r\n";
  const auto r = run("SmartForward", smart("SmartForward", "f1", collection("F1"), inbox_item(uid), fwd));
  EXPECT_TRUE(r.body.empty()) << status_of(r, "SmartForward");
  ASSERT_EQ(smtp_.sent().size(), 1u);
  const auto& msg = smtp_.sent()[0].message;
  EXPECT_NE(msg.find("FYI"), std::string::npos);
  EXPECT_NE(msg.find("See attached."), std::string::npos);
  EXPECT_NE(msg.find("report.pdf"), std::string::npos);
  EXPECT_NE(msg.find("UERGQllURVMtMTIzNA=="), std::string::npos);  // base64 of the attachment's bytes
  EXPECT_TRUE(mail_.flags("F1", uid)->forwarded);
}

TEST_F(SendTest, SmartOriginalNotFoundIs150) {
  const auto uid = mail_.add_message("F1", backend::fake_message::plain("Plans", "bob@example.test", "x"));
  EXPECT_EQ(status_of(run("SmartReply", smart("SmartReply", "a", collection("F1"), inbox_item(uid + 7), reply_mime)),
                      "SmartReply"),
            150u);
  // The FolderId must be the item's own collection.
  EXPECT_EQ(status_of(run("SmartReply", smart("SmartReply", "b", "999", inbox_item(uid), reply_mime)), "SmartReply"),
            150u);
  // easd keeps no Search results: a LongId alone is never found.
  auto by_long_id = wbxml::element::named("ComposeMail:SmartForward");
  by_long_id.add("ComposeMail:ClientId", "c");
  by_long_id.add("ComposeMail:Source").add("ComposeMail:LongId", "RgAAAA");
  by_long_id.add("ComposeMail:Mime").set_opaque(reply_mime);
  EXPECT_EQ(status_of(run("SmartForward", by_long_id), "SmartForward"), 150u);
  EXPECT_EQ(status_of(run("SmartReply", smart("SmartReply", "d", "", "not-an-id", reply_mime)), "SmartReply"), 150u);
  EXPECT_TRUE(smtp_.attempts().empty());
}

TEST_F(SendTest, SmartSendFailureLeavesTheOriginalUnflagged) {
  const auto uid = mail_.add_message("F1", backend::fake_message::plain("Plans", "bob@example.test", "x"));
  smtp_.script(submit_outcome::temporary);
  EXPECT_EQ(status_of(run("SmartReply", smart("SmartReply", "a", "", inbox_item(uid), reply_mime)), "SmartReply"), 111u);
  EXPECT_FALSE(mail_.flags("F1", uid)->answered);
}

TEST_F(SendTest, ForwardeesAndBodyAreForCalendarItems) {
  const auto uid = mail_.add_message("F1", backend::fake_message::plain("Plans", "bob@example.test", "x"));
  auto req = smart("SmartForward", "f", "", inbox_item(uid), reply_mime);
  auto& fw = req.add("ComposeMail:Forwardees").add("ComposeMail:Forwardee");
  fw.add("ComposeMail:Name", "Eve");
  fw.add("ComposeMail:Email", "eve@example.test");
  version_ = protocol_version::v16_1;
  EXPECT_EQ(status_of(run("SmartForward", req), "SmartForward"), 178u);
  auto bad = smart("SmartForward", "g", "", inbox_item(uid), reply_mime);
  bad.add("ComposeMail:Forwardees").add("ComposeMail:Forwardee").add("ComposeMail:Email", "not an address");
  EXPECT_EQ(status_of(run("SmartForward", bad), "SmartForward"), 179u);
  EXPECT_TRUE(smtp_.attempts().empty());
}

TEST_F(SendTest, LegacySmartReplyNamesTheOriginalInTheQuery) {
  const auto uid = mail_.add_message("F1", backend::fake_message::plain("Plans", "bob@example.test", "Shall we?"));
  const auto r = run_legacy("SmartReply", reply_mime, false, inbox_item(uid), collection("F1"));
  EXPECT_EQ(r.http_status, 200u);
  ASSERT_EQ(smtp_.sent().size(), 1u);
  EXPECT_NE(smtp_.sent()[0].message.find("> Shall we?"), std::string::npos);
  EXPECT_EQ(run_legacy("SmartForward", reply_mime, false, inbox_item(uid + 5), collection("F1")).http_status, 500u);
}

TEST_F(SendTest, NoSubmitterIsServerError) {
  svc_.submitter = nullptr;
  EXPECT_EQ(status_of(run("SendMail", send_mail("c1", simple_mime))), 110u);
}

// What real clients sent (tests/fixtures/client-requests, byte for byte): each SendMail is accepted and
// submitted. Their From is user@example.test.
TEST_F(SendTest, RealClientSendMailRequestsAreSent) {
  user_ = "user@example.test";
  const auto root = std::filesystem::path(EASD_SOURCE_DIR) / "tests/fixtures/client-requests";
  unsigned seen = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const auto name = entry.path().filename().string();
    if (name.find("-SendMail.req.wbxml") == std::string::npos) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto before = smtp_.sent().size();
    const auto r = dispatch(context("SendMail", protocol_version::v16_1), body);
    EXPECT_TRUE(r.body.empty()) << entry.path() << ": status " << status_of(r);
    EXPECT_EQ(smtp_.sent().size(), before + 1) << entry.path();
    ++seen;
  }
  EXPECT_GE(seen, 3u);
}

TEST(SendFlow, UserAddressesAndDigest) {
  send_settings s;
  EXPECT_EQ(user_addresses(s, "ann"), std::vector<std::string>{"ann"});
  s.domain = "example.org";
  EXPECT_EQ(user_addresses(s, "ann"), std::vector<std::string>{"ann@example.org"});
  EXPECT_EQ(user_addresses(s, "ann@other.test"), std::vector<std::string>{"ann@other.test"});
  request_context a;
  a.command = "SendMail";
  request_context b = a;
  b.save_in_sent = true;
  EXPECT_EQ(request_digest(a, "x").size(), 66u);
  EXPECT_EQ(request_digest(a, "x"), request_digest(a, "x"));
  EXPECT_NE(request_digest(a, "x"), request_digest(b, "x"));
  EXPECT_NE(request_digest(a, "x"), request_digest(a, "y"));
}

}  // namespace
}  // namespace easd::protocol::test
