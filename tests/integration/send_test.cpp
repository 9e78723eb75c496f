// Sending end to end (issue 6): SendMail, SmartReply and SmartForward from a phone through the real easd
// to a real submission server that delivers into Dovecot, read back over IMAP — in the 12.1 raw-MIME form
// and the 14.1/16.1 WBXML form. See send_support.hpp for the users and the environment.
//
// Each test uses its own users per version, so tests do not see each other's mail; the rate-limit suite
// has an easd of its own (max_messages_per_hour = 2).
#include "tests/integration/send_support.hpp"

#include "tests/support/mail_corpus.hpp"

namespace easd::test::send_e2e {
namespace {

using mail::new_phone;
using mail::user_for;
using mail::versions;

// The relay's SIZE and easd's own max_message_bytes, apart so each limit can be hit alone.
constexpr std::size_t relay_size = 128 * 1024;
constexpr std::size_t easd_size = 256 * 1024;

class SendTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    env_ = new send_environment;
    smtp_options relay;
    relay.size_limit = relay_size;
    env_->start("send", relay,
                "from_policy = \"reject\"\nsave_sent = true\nmax_message_bytes = " + std::to_string(easd_size) +
                    "\nmax_messages_per_hour = 0\nmax_recipients_per_hour = 0\n");
  }
  static void TearDownTestSuite() {
    env_->stop();
    delete env_;
    env_ = nullptr;
  }
  void SetUp() override {
    if (!env_->smtp->running()) env_->smtp->start();
    if (!env_->mail.easd->running()) env_->mail.easd->start();
  }
  void TearDown() override {
    if (HasFailure()) ADD_FAILURE() << env_->context();
  }

  static environment& env() { return env_->mail; }
  static send_environment& senv() { return *env_; }

  // A phone whose INBOX is synced to the end.
  static std::unique_ptr<phone> synced_phone(const std::string& user, const std::string& version) {
    auto p = new_phone(env(), user, version);
    auto t = p->device.sync_all(p->id("INBOX"));
    EXPECT_EQ(t.last_status, 1u) << version;
    return p;
  }

  static inline send_environment* env_ = nullptr;
};

// ---- SendMail ------------------------------------------------------------------------------------------

TEST_F(SendTest, SendMailDeliversToEveryRecipientWithoutTheBccHeader) {
  for (const auto& v : versions()) {
    SCOPED_TRACE(v);
    const auto from = user_for("sm-from", v), to = user_for("sm-to", v), cc = user_for("sm-cc", v),
               bcc = user_for("sm-bcc", v);
    const std::string subject = "hello from " + v;
    auto p = new_phone(env(), from, v);
    send_call c;
    c.client_id = client_id("sendmail", v);
    c.save_in_sent = false;
    c.mime = mime({.from = "Sender <" + address(from) + ">",
                   .to = "To Person <" + address(to) + ">",
                   .cc = address(cc),
                   .bcc = address(bcc),
                   .subject = subject,
                   .body = "The body of the message.",
                   .extra_headers = {}});
    const auto r = send(env(), *p, c);
    ASSERT_TRUE(sent_ok(r)) << r.describe();

    for (const auto& user : {to, cc, bcc}) {
      const auto got = await_messages(env(), user, "INBOX", subject);
      ASSERT_EQ(got.size(), 1u) << user;
      const auto& m = got[0].raw;
      EXPECT_EQ(header(m, "Subject").value_or("<none>"), subject);
      EXPECT_NE(header(m, "From").value_or("").find(address(from)), std::string::npos) << m;
      EXPECT_NE(header(m, "To").value_or("").find(address(to)), std::string::npos) << m;
      EXPECT_NE(header(m, "Cc").value_or("").find(address(cc)), std::string::npos) << m;
      EXPECT_FALSE(header(m, "Bcc").has_value()) << user << ": the Bcc header reached a recipient\n" << m;
      if (user != bcc) {
        EXPECT_EQ(m.find(address(bcc)), std::string::npos) << user << " can see the Bcc recipient:\n" << m;
      }
      EXPECT_TRUE(header(m, "Date").has_value()) << m;
      EXPECT_TRUE(header(m, "Message-ID").has_value()) << m;
      EXPECT_TRUE(contains_text(m, "The body of the message.")) << m;
    }
    // Not asked to save: no copy in Sent.
    EXPECT_TRUE(messages(env(), from, "Sent", subject).empty());
  }
}

TEST_F(SendTest, SentCopyIsInSentWithBccAndReachesTheDevice) {
  for (const auto& v : versions()) {
    SCOPED_TRACE(v);
    const auto from = user_for("sent-from", v), to = user_for("sent-to", v), bcc = user_for("sent-bcc", v);
    const std::string subject = "keep a copy " + v;
    auto p = new_phone(env(), from, v);
    auto& sent = p->collection("Sent");
    ASSERT_EQ(p->device.sync_all(sent.server_id).last_status, 1u);
    send_call c;
    c.client_id = client_id("sentcopy", v);
    c.save_in_sent = true;
    c.mime = mime({.from = address(from), .to = address(to), .cc = {}, .bcc = address(bcc), .subject = subject,
                   .body = "Copy me.", .extra_headers = {}});
    const auto r = send(env(), *p, c);
    ASSERT_TRUE(sent_ok(r)) << r.describe();
    EXPECT_EQ(await_messages(env(), to, "INBOX", subject).size(), 1u);

    const auto copy = await_messages(env(), from, "Sent", subject);
    ASSERT_EQ(copy.size(), 1u);
    EXPECT_TRUE(copy[0].flags.count("\\Seen")) << "the Sent copy is unread";
    // The sender's own copy keeps the Bcc (it is the only record of who got it).
    EXPECT_NE(header(copy[0].raw, "Bcc").value_or("").find(address(bcc)), std::string::npos) << copy[0].raw;
    EXPECT_TRUE(header(copy[0].raw, "Message-ID").has_value()) << copy[0].raw;

    auto t = p->device.sync_all(sent.server_id);
    EXPECT_EQ(t.last_status, 1u);
    EXPECT_NE(item_with_subject(sent, subject), "") << "the device's Sent folder does not show the copy";
    EXPECT_EQ(p->problems(), "");
  }
}

TEST_F(SendTest, NoRecipientsIs119) {
  const unsigned validated = env().schemas.validated();
  for (const auto& v : versions()) {
    SCOPED_TRACE(v);
    const auto from = user_for("norcpt", v);
    auto p = new_phone(env(), from, v);
    send_call c;
    c.client_id = client_id("norcpt", v);
    c.mime = mime({.from = address(from), .to = {}, .cc = {}, .bcc = {}, .subject = "to nobody " + v,
                   .body = "Nobody.", .extra_headers = {}});
    const auto r = send(env(), *p, c);
    EXPECT_TRUE(failed_with(r, v, {.eas = 119, .http = 500}));
    EXPECT_TRUE(messages(env(), from, "Sent", "to nobody " + v).empty());
  }
  // The 14.1 and 16.1 answers carried a body, and it went through the schema check (send()).
  if (std::filesystem::exists(mail::validator())) {
    EXPECT_GE(env().schemas.validated(), validated + 1);
  }
}

// ---- SmartReply / SmartForward -------------------------------------------------------------------------

TEST_F(SendTest, SmartReplyQuotesTheOriginalAndMarksItAnswered) {
  for (const auto& v : versions()) {
    SCOPED_TRACE(v);
    const auto me = user_for("reply-me", v), them = user_for("reply-them", v);
    const std::string question = "question " + v;
    const std::string original_id = "<question-" + client_id("q", v) + "@example.test>";
    const auto uid = env().imap(me).append(
        "INBOX", "From: Them <" + address(them) + ">\r\nTo: " + address(me) + "\r\nSubject: " + question +
                     "\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\nMessage-ID: " + original_id +
                     "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                     "Original line one.\r\nOriginal line two.\r\n");
    auto p = synced_phone(me, v);
    auto& inbox = p->collection("INBOX");
    const auto item = item_with_subject(inbox, question);
    ASSERT_NE(item, "");

    const std::string subject = "Re: " + question;
    send_call c;
    c.command = "SmartReply";
    c.client_id = client_id("reply", v);
    c.folder_id = inbox.server_id;
    c.item_id = item;
    c.mime = mime({.from = address(me), .to = address(them), .cc = {}, .bcc = {}, .subject = subject,
                   .body = "My answer is yes.", .extra_headers = {}});
    const auto r = send(env(), *p, c);
    ASSERT_TRUE(sent_ok(r)) << r.describe();

    const auto got = await_messages(env(), them, "INBOX", subject);
    ASSERT_EQ(got.size(), 1u);
    const auto& m = got[0].raw;
    EXPECT_TRUE(contains_text(m, "My answer is yes.")) << m;
    EXPECT_TRUE(contains_text(m, "> Original line one.")) << m;
    EXPECT_TRUE(contains_text(m, "> Original line two.")) << m;
    EXPECT_NE(header(m, "In-Reply-To").value_or("").find(original_id), std::string::npos) << m;
    EXPECT_NE(header(m, "References").value_or("").find(original_id), std::string::npos) << m;
    EXPECT_EQ(await_messages(env(), me, "Sent", subject).size(), 1u);

    EXPECT_TRUE(flags_of(env(), me, "INBOX", uid).count("\\Answered")) << "the original is not \\Answered";
    if (!legacy(v)) {
      // [MS-ASEMAIL] 2.2.2.36: 1 = replied to sender.
      const auto round = p->device.sync(inbox.server_id);
      EXPECT_EQ(round.status, 1u);
      EXPECT_EQ(last_verb(round, item), "1") << round.response.describe();
    }
  }
}

TEST_F(SendTest, SmartForwardCarriesTheOriginalWithItsAttachment) {
  for (const auto& v : versions()) {
    SCOPED_TRACE(v);
    const auto me = user_for("fwd-me", v), them = user_for("fwd-them", v), friend_ = user_for("fwd-friend", v);
    const std::string subject0 = "report " + v;
    const std::string file = "figures-" + client_id("f", v) + ".bin";
    const std::string bytes = random_bytes(20000, 6);
    const std::string boundary = "b0undary-" + client_id("x", v);
    std::string b64 = base64_encode(bytes), wrapped;
    for (std::size_t i = 0; i < b64.size(); i += 76) wrapped += b64.substr(i, 76) + "\r\n";
    const auto uid = env().imap(me).append(
        "INBOX", "From: " + address(them) + "\r\nTo: " + address(me) + "\r\nSubject: " + subject0 +
                     "\r\nDate: Tue, 1 Dec 2026 11:00:00 +0000\r\nMessage-ID: <report-" + client_id("r", v) +
                     "@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"" +
                     boundary + "\"\r\n\r\n--" + boundary +
                     "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe figures are attached.\r\n--" + boundary +
                     "\r\nContent-Type: application/octet-stream; name=\"" + file +
                     "\"\r\nContent-Disposition: attachment; filename=\"" + file +
                     "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + wrapped + "--" + boundary + "--\r\n");
    auto p = synced_phone(me, v);
    auto& inbox = p->collection("INBOX");
    const auto item = item_with_subject(inbox, subject0);
    ASSERT_NE(item, "");

    const std::string subject = "Fwd: " + subject0;
    send_call c;
    c.command = "SmartForward";
    c.client_id = client_id("forward", v);
    c.folder_id = inbox.server_id;
    c.item_id = item;
    c.mime = mime({.from = address(me), .to = address(friend_), .cc = {}, .bcc = {}, .subject = subject,
                   .body = "Have a look at these.", .extra_headers = {}});
    const auto r = send(env(), *p, c);
    ASSERT_TRUE(sent_ok(r)) << r.describe();

    const auto got = await_messages(env(), friend_, "INBOX", subject);
    ASSERT_EQ(got.size(), 1u);
    const auto& m = got[0].raw;
    EXPECT_TRUE(contains_text(m, "Have a look at these.")) << m.substr(0, 4000);
    EXPECT_TRUE(contains_text(m, "The figures are attached.")) << m.substr(0, 4000);
    const auto att = attachment_bytes(m, file);
    ASSERT_TRUE(att) << "no attachment " << file << " in\n" << m.substr(0, 4000);
    EXPECT_EQ(att->size(), bytes.size());
    EXPECT_TRUE(*att == bytes) << "the forwarded attachment's bytes differ";

    EXPECT_TRUE(flags_of(env(), me, "INBOX", uid).count("$Forwarded")) << "the original is not $Forwarded";
    if (!legacy(v)) {
      // [MS-ASEMAIL] 2.2.2.36: 3 = forwarded.
      const auto round = p->device.sync(inbox.server_id);
      EXPECT_EQ(round.status, 1u);
      EXPECT_EQ(last_verb(round, item), "3") << round.response.describe();
    }
  }
}

TEST_F(SendTest, UnknownOriginalIs150) {
  for (const auto& v : versions()) {
    SCOPED_TRACE(v);
    const auto me = user_for("gone-me", v), them = user_for("gone-them", v);
    auto p = synced_phone(me, v);
    const auto inbox = p->id("INBOX");
    for (const std::string cmd : {"SmartReply", "SmartForward"}) {
      SCOPED_TRACE(cmd);
      send_call c;
      c.command = cmd;
      c.client_id = client_id("gone" + cmd.substr(5, 1), v);
      c.folder_id = inbox;
      c.item_id = inbox + ":999999";
      c.mime = mime({.from = address(me), .to = address(them), .cc = {}, .bcc = {}, .subject = "gone " + cmd + v,
                     .body = "Where did it go?", .extra_headers = {}});
      const auto r = send(env(), *p, c);
      EXPECT_TRUE(failed_with(r, v, {.eas = 150, .http = 500}));
      EXPECT_TRUE(messages(env(), them, "INBOX", "gone " + cmd + v).empty());
      EXPECT_TRUE(messages(env(), me, "Sent", "gone " + cmd + v).empty());
    }
  }
}

// ---- exactly once --------------------------------------------------------------------------------------

TEST_F(SendTest, RetriedRequestDeliversOnce) {
  for (const auto& v : versions()) {
    SCOPED_TRACE(v);
    const auto from = user_for("retry-from", v), to = user_for("retry-to", v);
    const std::string subject = "only once " + v;
    auto p = new_phone(env(), from, v);
    send_call c;
    c.client_id = client_id("retry", v);
    c.save_in_sent = true;
    c.mime = mime({.from = address(from), .to = address(to), .cc = {}, .bcc = {}, .subject = subject,
                   .body = "Once.", .extra_headers = {}});
    // The same request twice, as after a lost response: 14.0+ the same ClientId, 12.1 the same bytes.
    // Neither answers 118: the device must hear success and the message must not go out again.
    const auto first = send(env(), *p, c);
    ASSERT_TRUE(sent_ok(first)) << first.describe();
    const auto again = send(env(), *p, c);
    EXPECT_TRUE(sent_ok(again)) << again.describe();
    EXPECT_EQ(await_messages(env(), to, "INBOX", subject, 2, 1500ms).size(), 1u);
    EXPECT_EQ(messages(env(), from, "Sent", subject).size(), 1u);
  }
}

// ---- refusals ------------------------------------------------------------------------------------------

TEST_F(SendTest, TooLargeIs122ForOurLimitAndTheServers) {
  for (const auto& v : versions()) {
    SCOPED_TRACE(v);
    const auto from = user_for("big-from", v), to = user_for("big-to", v);
    auto p = new_phone(env(), from, v);
    struct {
      const char* what;
      std::size_t size;
    } cases[] = {{"ours", easd_size + 16 * 1024}, {"relay", (relay_size + easd_size) / 2}};
    for (const auto& k : cases) {
      SCOPED_TRACE(k.what);
      if (v == versions().front() && std::string_view(k.what) == "relay") {
        // A fresh easd learns the relay's SIZE only from its EHLO reply, so this one is refused by the
        // submitter on the connection; afterwards easd refuses by the SIZE it knows before connecting.
        env().easd->stop();
        env().easd->start();
      }
      const std::string subject = std::string("too big ") + k.what + " " + v;
      std::string body;
      while (body.size() < k.size) body += std::string(70, 'x') + "\r\n";
      send_call c;
      c.client_id = client_id(std::string("big") + k.what, v);
      c.mime = mime({.from = address(from), .to = address(to), .cc = {}, .bcc = {}, .subject = subject,
                     .body = body, .extra_headers = {}});
      const auto r = send(env(), *p, c);
      EXPECT_TRUE(failed_with(r, v, {.eas = 122, .http = 500}));
      EXPECT_TRUE(messages(env(), to, "INBOX", subject).empty());
      EXPECT_TRUE(messages(env(), from, "Sent", subject).empty());
    }
  }
}

TEST_F(SendTest, ForeignFromIs120) {
  for (const auto& v : versions()) {
    SCOPED_TRACE(v);
    const auto from = user_for("forge-from", v), to = user_for("forge-to", v);
    const std::string subject = "forged " + v;
    auto p = new_phone(env(), from, v);
    send_call c;
    c.client_id = client_id("forge", v);
    c.mime = mime({.from = "The Boss <boss@elsewhere.test>", .to = address(to), .cc = {}, .bcc = {},
                   .subject = subject, .body = "Pay the invoice.", .extra_headers = {}});
    const auto r = send(env(), *p, c);
    EXPECT_TRUE(failed_with(r, v, {.eas = 120, .http = 500}));
    EXPECT_TRUE(messages(env(), to, "INBOX", subject).empty());
    EXPECT_TRUE(messages(env(), from, "Sent", subject).empty());
  }
}

TEST_F(SendTest, RefusedRecipientIs120AndNobodyGetsIt) {
  for (const auto& v : versions()) {
    SCOPED_TRACE(v);
    const auto from = user_for("refused-from", v), to = user_for("refused-to", v), cc = user_for("refused-cc", v);
    const std::string subject = "one refused " + v;
    auto p = new_phone(env(), from, v);
    send_call c;
    c.client_id = client_id("refused", v);
    c.mime = mime({.from = address(from), .to = address(to) + ", reject@example.test", .cc = address(cc), .bcc = {},
                   .subject = subject, .body = "To three.", .extra_headers = {}});
    const auto r = send(env(), *p, c);
    EXPECT_TRUE(failed_with(r, v, {.eas = 120, .http = 500}));
    EXPECT_TRUE(messages(env(), to, "INBOX", subject).empty());
    EXPECT_TRUE(messages(env(), cc, "INBOX", subject).empty());
    EXPECT_TRUE(messages(env(), from, "Sent", subject).empty());
  }
}

// ---- the submission server down ------------------------------------------------------------------------

TEST_F(SendTest, SmtpDownIs111WithNothingHalfDoneThenTheRetrySends) {
  for (const auto& v : versions()) {
    SCOPED_TRACE(v);
    const auto me = user_for("down-me", v), them = user_for("down-them", v);
    const std::string question = "while down " + v;
    const auto uid = env().imap(me).append(
        "INBOX", "From: " + address(them) + "\r\nTo: " + address(me) + "\r\nSubject: " + question +
                     "\r\nDate: Tue, 1 Dec 2026 12:00:00 +0000\r\nMessage-ID: <down-" + client_id("d", v) +
                     "@example.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAre you there?\r\n");
    auto p = synced_phone(me, v);
    auto& inbox = p->collection("INBOX");
    const auto item = item_with_subject(inbox, question);
    ASSERT_NE(item, "");
    const std::string subject = "Re: " + question;
    send_call c;
    c.command = "SmartReply";
    c.client_id = client_id("down", v);
    c.folder_id = inbox.server_id;
    c.item_id = item;
    c.save_in_sent = true;
    c.mime = mime({.from = address(me), .to = address(them), .cc = {}, .bcc = {}, .subject = subject,
                   .body = "Here now.", .extra_headers = {}});

    senv().smtp->stop();
    const auto down = send(env(), *p, c);
    senv().smtp->start();
    EXPECT_TRUE(failed_with(down, v, {.eas = 111, .http = 503}));
    EXPECT_TRUE(messages(env(), me, "Sent", subject).empty()) << "a Sent copy of a message that did not go out";
    EXPECT_FALSE(flags_of(env(), me, "INBOX", uid).count("\\Answered")) << "\\Answered on an unsent reply";
    EXPECT_TRUE(messages(env(), them, "INBOX", subject).empty());

    // The device retries the same request once the server is back: it goes out now, once.
    const auto retry = send(env(), *p, c);
    ASSERT_TRUE(sent_ok(retry)) << retry.describe();
    EXPECT_EQ(await_messages(env(), them, "INBOX", subject).size(), 1u);
    EXPECT_EQ(await_messages(env(), me, "Sent", subject).size(), 1u);
    EXPECT_TRUE(flags_of(env(), me, "INBOX", uid).count("\\Answered"));
  }
}

// ---- the per-user rate ---------------------------------------------------------------------------------

// ---- Drafts (16.x) ---------------------------------------------------------------------------------

// One Sync of the Drafts collection carrying `command` (an AirSync:Add or AirSync:Change); the device's
// key moves on. Returns the response document's Collection.
wbxml::element drafts_sync(environment& env, phone& p, device_folder& drafts, wbxml::element command) {
  auto req = p.device.sync_request(drafts, {}, {});
  wbxml::element* collection = nullptr;
  for (auto& c : req.children()) {
    if (c.qualified_name() != "AirSync:Collections") continue;
    for (auto& col : c.children()) collection = &col;
  }
  EXPECT_NE(collection, nullptr);
  if (!collection) return {};
  collection->add("AirSync:Commands").add(std::move(command));
  auto r = p.client.command("Sync", &req);
  env.schemas("Sync", r);
  EXPECT_EQ(r.status, 200u) << r.describe();
  const auto round = p.device.apply_sync(drafts, r);
  EXPECT_EQ(round.status, 1u) << r.describe();
  if (!r.document) return {};
  for (const auto& c : r.document->children()) {
    if (c.qualified_name() != "AirSync:Collections") continue;
    for (const auto& col : c.children()) return col;
  }
  return {};
}

TEST_F(SendTest, DraftCreatedOnTheDeviceIsInDraftsAndSendDeliversIt) {
  const std::string v = "16.1";
  const auto me = user_for("draft-me", v), them = user_for("draft-them", v);
  auto p = synced_phone(me, v);
  auto& drafts = p->collection("Drafts");
  ASSERT_EQ(p->device.sync_all(drafts.server_id).last_status, 1u);
  const std::string subject = "draft from the phone";

  // [MS-ASCMD] 2.2.3.7.2 (16.0+): a new email in Drafts.
  auto add = wbxml::element::named("AirSync:Add");
  add.add("AirSync:ClientId", "draft-1");
  auto& data = add.add("AirSync:ApplicationData");
  data.add("Email:To", "\"Them\" <" + address(them) + ">");
  data.add("Email:Subject", subject);
  auto& body = data.add("AirSyncBase:Body");
  body.add("AirSyncBase:Type", "1");
  body.add("AirSyncBase:Data", "Written on the bus.");
  const auto answered = drafts_sync(env(), *p, drafts, std::move(add));
  std::string server_id;
  if (const auto* responses = answered.child("AirSync:Responses")) {
    if (const auto* a = responses->child("AirSync:Add")) {
      EXPECT_EQ(a->child_text("AirSync:Status").value_or(""), "1");
      server_id = std::string(a->child_text("AirSync:ServerId").value_or(""));
    }
  }
  ASSERT_NE(server_id, "") << "no ServerId for the added draft";

  // Over IMAP: in Drafts, flagged \Draft, with the phone's fields.
  const auto stored = await_messages(env(), me, "Drafts", subject);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_TRUE(stored[0].flags.count("\\Draft")) << "the draft has no \\Draft flag";
  EXPECT_TRUE(contains_text(stored[0].raw, "Written on the bus.")) << stored[0].raw;
  EXPECT_NE(header(stored[0].raw, "To").value_or("").find(address(them)), std::string::npos) << stored[0].raw;
  EXPECT_TRUE(messages(env(), them, "INBOX", subject).empty()) << "a draft must not be sent";

  // [MS-ASEMAIL] 2.2.2.67 Send (16.0+): send the draft.
  auto change = wbxml::element::named("AirSync:Change");
  change.add("AirSync:ServerId", server_id);
  change.add("AirSync:ApplicationData");
  change.add("Email2:Send");
  drafts_sync(env(), *p, drafts, std::move(change));
  const auto delivered = await_messages(env(), them, "INBOX", subject);
  ASSERT_EQ(delivered.size(), 1u) << senv().context();
  EXPECT_TRUE(contains_text(delivered[0].raw, "Written on the bus."));
  EXPECT_EQ(await_messages(env(), me, "Sent", subject).size(), 1u);
  const auto after = await_messages(env(), me, "Drafts", subject, 0, 500ms);
  EXPECT_TRUE(after.empty()) << "the sent draft is still in Drafts";
}

class SendRateLimitTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    env_ = new send_environment;
    env_->start("send-rate", smtp_options{}, "max_messages_per_hour = 2\nmax_recipients_per_hour = 0\n");
  }
  static void TearDownTestSuite() {
    env_->stop();
    delete env_;
    env_ = nullptr;
  }
  void TearDown() override {
    if (HasFailure()) ADD_FAILURE() << env_->context();
  }
  static inline send_environment* env_ = nullptr;
};

TEST_F(SendRateLimitTest, ThirdMessageInTheHourIs115) {
  auto& env = env_->mail;
  for (const auto& v : versions()) {
    SCOPED_TRACE(v);
    const auto from = user_for("rate-from", v), to = user_for("rate-to", v);
    auto p = new_phone(env, from, v);
    for (int n = 1; n <= 3; ++n) {
      const std::string subject = "rate " + std::to_string(n) + " " + v;
      send_call c;
      c.client_id = client_id("rate" + std::to_string(n), v);
      c.save_in_sent = false;
      c.mime = mime({.from = address(from), .to = address(to), .cc = {}, .bcc = {}, .subject = subject,
                     .body = "Number " + std::to_string(n) + ".", .extra_headers = {}});
      const auto r = send(env, *p, c);
      if (n < 3) {
        EXPECT_TRUE(sent_ok(r)) << n << ": " << r.describe();
        EXPECT_EQ(await_messages(env, to, "INBOX", subject).size(), 1u) << n;
      } else {
        EXPECT_TRUE(failed_with(r, v, {.eas = 115, .http = 503}));
        EXPECT_TRUE(messages(env, to, "INBOX", subject).empty());
      }
    }
    // A retry of a message already sent is not a new message: it still answers success.
    send_call again;
    again.client_id = client_id("rate1", v);
    again.save_in_sent = false;
    again.mime = mime({.from = address(from), .to = address(to), .cc = {}, .bcc = {}, .subject = "rate 1 " + v,
                       .body = "Number 1.", .extra_headers = {}});
    const auto r = send(env, *p, again);
    EXPECT_TRUE(sent_ok(r)) << r.describe();
    EXPECT_EQ(messages(env, to, "INBOX", "rate 1 " + v).size(), 1u);
  }
}

}  // namespace
}  // namespace easd::test::send_e2e
