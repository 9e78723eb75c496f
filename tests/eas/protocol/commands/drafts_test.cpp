// 16.x drafts in Sync: Add / Change / Delete / email2:Send of an Email in the Drafts folder, over the fake
// mail store and the fake submitter; and the draft MIME (compose/draft_mime) on its own.
#include "eas/protocol/commands/sync_drafts.hpp"

#include "backend/fake/fake_mail_submitter.hpp"
#include "eas/protocol/compose/draft_mime.hpp"
#include "eas/protocol/compose/error.hpp"
#include "eas/protocol/compose/mime_parts.hpp"
#include "eas/protocol/compose/outgoing.hpp"
#include "tests/eas/protocol/commands/sync_fixture.hpp"

#include <algorithm>

namespace easd::protocol::sync_test {
namespace {

constexpr auto v16 = protocol_version::v16_0;

struct att_spec {
  std::string client_id, name, type, bytes;
};

struct draft_spec {
  std::optional<std::string> to, cc, bcc, subject, importance;
  std::optional<std::pair<std::string, std::string>> body;  // Type, Data
  std::vector<att_spec> attachments;
  std::vector<std::string> deleted;  // FileReferences
};

wbxml::element application_data(const draft_spec& s) {
  auto data = wbxml::element::named("AirSync:ApplicationData");
  if (s.to) data.add("Email:To", *s.to);
  if (s.cc) data.add("Email:Cc", *s.cc);
  if (s.bcc) data.add("Email2:Bcc", *s.bcc);
  if (s.subject) data.add("Email:Subject", *s.subject);
  if (s.importance) data.add("Email:Importance", *s.importance);
  if (s.body) {
    auto& b = data.add("AirSyncBase:Body");
    b.add("AirSyncBase:Type", s.body->first);
    b.add("AirSyncBase:Data", s.body->second);
  }
  if (!s.attachments.empty() || !s.deleted.empty()) {
    auto& atts = data.add("AirSyncBase:Attachments");
    for (const auto& a : s.attachments) {
      auto& add = atts.add("AirSyncBase:Add");
      add.add("AirSyncBase:ClientId", a.client_id);
      add.add("AirSyncBase:ContentType", a.type);
      add.add("AirSyncBase:DisplayName", a.name);
      add.add("AirSyncBase:Method", "1");
      auto content = wbxml::element::named("AirSyncBase:Content");
      content.set_opaque(a.bytes);
      add.add(std::move(content));
    }
    for (const auto& ref : s.deleted) atts.add("AirSyncBase:Delete").add("AirSyncBase:FileReference", ref);
  }
  return data;
}

wbxml::element add_cmd(const std::string& client_id, const draft_spec& s, bool send = false) {
  auto e = wbxml::element::named("AirSync:Add");
  e.add("AirSync:ClientId", client_id);
  e.add(application_data(s));
  if (send) e.add("Email2:Send");
  return e;
}

wbxml::element draft_change_cmd(const std::string& sid, const draft_spec& s, bool send = false) {
  auto e = wbxml::element::named("AirSync:Change");
  e.add("AirSync:ServerId", sid);
  e.add(application_data(s));
  if (send) e.add("Email2:Send");
  return e;
}

sync_params with(std::vector<wbxml::element> cmds) {
  sync_params p;
  p.commands = std::move(cmds);
  return p;
}

// The children of the collection's Responses named `kind`.
std::vector<wbxml::element> responses(const wbxml::element& collection, std::string_view kind) {
  std::vector<wbxml::element> out;
  if (const auto* r = collection.child("AirSync:Responses")) {
    for (const auto& c : r->children()) {
      if (c.qualified_name() == kind) out.push_back(c);
    }
  }
  return out;
}

std::vector<std::string> commands(const wbxml::element& collection, std::string_view kind) {
  std::vector<std::string> out;
  if (const auto* cmds = collection.child("AirSync:Commands")) {
    for (const auto& c : cmds->children()) {
      if (c.qualified_name() == kind) out.emplace_back(c.child_text("AirSync:ServerId").value_or(""));
    }
  }
  return out;
}

std::vector<std::uint32_t> uids_in(const backend::fake_mail_store& mail, const std::string& folder) {
  std::vector<std::uint32_t> out;
  const uid_set present = mail.uids(folder);
  for (const auto& r : present.ranges()) {
    for (std::uint64_t u = r.first; u <= r.last; ++u) out.push_back(static_cast<std::uint32_t>(u));
  }
  return out;
}

// The stored message parsed back with our own reader.
compose::draft_message stored_draft(const std::string& raw) {
  auto d = compose::read_draft(raw, compose::draft_limits{});
  EXPECT_TRUE(d) << (d ? "" : d.error().message());
  return d ? *d : compose::draft_message{};
}

class DraftsTest : public SyncTest {
protected:
  DraftsTest() {
    drafts_ = mail_.add_folder("Drafts", backend::folder_role::drafts);
    sent_ = mail_.add_folder("Sent", backend::folder_role::sent);
    trash_ = mail_.add_folder("Trash", backend::folder_role::trash);
    svc_.submitter = &submitter_;
    cid_ = collection(drafts_);
  }

  // A device at a fresh key of the Drafts collection.
  device_view started(protocol_version v = v16) {
    device_view d;
    sync(d, cid_, {}, v);
    sync(d, cid_, {}, v);
    return d;
  }

  // Adds a draft through Sync and returns its ServerId ("" on failure).
  std::string add_draft(device_view& d, const draft_spec& s, const std::string& client_id = "c1") {
    auto c = sync(d, cid_, with({add_cmd(client_id, s)}), v16);
    const auto adds = responses(c, "AirSync:Add");
    if (adds.size() != 1) return {};
    std::string sid(adds[0].child_text("AirSync:ServerId").value_or(""));
    if (!sid.empty()) d.items[sid] = item{true, false};  // the phone keeps its item under the new id
    return sid;
  }

  draft_spec full_spec() {
    draft_spec s;
    s.to = "Bob <bob@example.net>, carol@example.net";
    s.cc = "\"Dan, D.\" <dan@example.net>";
    s.bcc = "eve@example.net";
    s.subject = "Plans für morgen";
    s.importance = "2";
    s.body = std::make_pair(std::string("1"), std::string("Hello Bob,\r\nsee attached.\r\n"));
    s.attachments.push_back({"a1", "notes.txt", "text/plain", std::string("line one\r\nline two\0three", 24)});
    return s;
  }

  std::string drafts_, sent_, trash_, cid_;
  backend::fake_mail_submitter submitter_;
};

TEST_F(DraftsTest, AddStoresAnRfc5322DraftAndAnswersServerIdAndFileReference) {
  auto d = started();
  auto c = sync(d, cid_, with({add_cmd("c1", full_spec())}), v16);
  EASD_EXPECT_VALID_SYNC("draft_add", last_reply_.body);
  EXPECT_EQ(status_of(c), "1");
  const auto adds = responses(c, "AirSync:Add");
  ASSERT_EQ(adds.size(), 1u);
  EXPECT_EQ(adds[0].child_text("AirSync:ClientId").value_or(""), "c1");
  EXPECT_EQ(adds[0].child_text("AirSync:Status").value_or(""), "1");
  const std::string sid(adds[0].child_text("AirSync:ServerId").value_or(""));
  const auto ref = parse_item_server_id(sid);
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->collection_id, cid_);

  // [MS-ASAIRS] 2.2.2.24.1: the new attachment's FileReference, with its ClientId.
  const auto* atts = adds[0].child("AirSync:ApplicationData");
  ASSERT_NE(atts, nullptr);
  const auto* att = atts->child("AirSyncBase:Attachments")->child("AirSyncBase:Attachment");
  ASSERT_NE(att, nullptr);
  EXPECT_EQ(att->child_text("AirSyncBase:ClientId").value_or(""), "a1");
  EXPECT_EQ(att->child_text("AirSyncBase:FileReference").value_or(""), file_reference(cid_, ref->uid, "2"));

  // In IMAP: \Draft \Seen, From the user, Date, Message-ID, Bcc kept, the attachment as part 2.
  const auto flags = mail_.flags(drafts_, ref->uid);
  ASSERT_TRUE(flags);
  EXPECT_TRUE(flags->draft);
  EXPECT_TRUE(flags->seen);
  const auto raw = mail_.raw(drafts_, ref->uid);
  ASSERT_TRUE(raw);
  auto parsed = compose::parse_outgoing(*raw);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->from.size(), 1u);
  EXPECT_EQ(parsed->from[0].address, user_);
  EXPECT_TRUE(parsed->has_date);
  EXPECT_FALSE(parsed->message_id.empty());
  EXPECT_NE(parsed->field("MIME-Version"), nullptr);
  EXPECT_EQ(parsed->subject, "Plans für morgen");
  ASSERT_EQ(parsed->to.size(), 2u);
  EXPECT_EQ(parsed->to[0].name, "Bob");
  ASSERT_EQ(parsed->cc.size(), 1u);
  EXPECT_EQ(parsed->cc[0].name, "Dan, D.");
  ASSERT_EQ(parsed->bcc.size(), 1u);
  EXPECT_EQ(parsed->bcc[0].address, "eve@example.net");
  const auto draft = stored_draft(*raw);
  EXPECT_EQ(draft.importance, 2);
  ASSERT_TRUE(draft.plain);
  // (The line end before a MIME delimiter belongs to the delimiter: a trailing one does not survive.)
  EXPECT_EQ(*draft.plain, "Hello Bob,\r\nsee attached.");
  ASSERT_EQ(draft.attachments.size(), 1u);
  EXPECT_EQ(draft.attachments[0].filename, "notes.txt");
  EXPECT_EQ(draft.attachments[0].bytes, std::string("line one\r\nline two\0three", 24));
  EXPECT_EQ(draft.attachment_sections, std::vector<std::string>{"2"});

  // The device has it: the next Sync does not send it back as an Add.
  deliver(inbox_, "unrelated");
  auto again = sync(d, cid_, {}, v16);
  EXPECT_TRUE(commands(again, "AirSync:Add").empty());
  EXPECT_EQ(d.duplicate_adds, 0);
}

TEST_F(DraftsTest, EmailAddIsRefusedOutsideDraftsAndBelow16) {
  const auto inbox = collection(inbox_);
  device_view in;
  sync(in, inbox, {}, v16);
  sync(in, inbox, {}, v16);
  auto c = sync(in, inbox, with({add_cmd("c1", full_spec())}), v16);
  auto adds = responses(c, "AirSync:Add");
  ASSERT_EQ(adds.size(), 1u);
  EXPECT_EQ(adds[0].child_text("AirSync:Status").value_or(""), "6");

  auto d = started(protocol_version::v14_1);
  c = sync(d, cid_, with({add_cmd("c2", full_spec())}), protocol_version::v14_1);
  adds = responses(c, "AirSync:Add");
  ASSERT_EQ(adds.size(), 1u);
  EXPECT_EQ(adds[0].child_text("AirSync:Status").value_or(""), "6");
  EXPECT_TRUE(uids_in(mail_, drafts_).empty());
  EXPECT_EQ(uids_in(mail_, inbox_).size(), 0u);
}

TEST_F(DraftsTest, RetriedAddAnswersTheSameServerIdWithoutASecondDraft) {
  auto d = started();
  const auto req = request(d.key, cid_, with({add_cmd("c1", full_spec())}));
  auto first = first_collection(decode(run(req, v16)));
  auto second = first_collection(decode(run(req, v16)));  // the response was lost: same key again
  EASD_EXPECT_VALID_SYNC("draft_add_replay", last_reply_.body);
  const auto a1 = responses(first, "AirSync:Add");
  const auto a2 = responses(second, "AirSync:Add");
  ASSERT_EQ(a1.size(), 1u);
  ASSERT_EQ(a2.size(), 1u);
  EXPECT_EQ(a1[0].child_text("AirSync:ServerId"), a2[0].child_text("AirSync:ServerId"));
  EXPECT_EQ(a2[0].child_text("AirSync:Status").value_or(""), "1");
  EXPECT_EQ(first.child_text("AirSync:SyncKey"), second.child_text("AirSync:SyncKey"));
  EXPECT_EQ(uids_in(mail_, drafts_).size(), 1u);
  // The replay names the attachment's FileReference again.
  const auto* data = a2[0].child("AirSync:ApplicationData");
  ASSERT_NE(data, nullptr);
  const auto ref = parse_item_server_id(std::string(a2[0].child_text("AirSync:ServerId").value_or("")));
  ASSERT_TRUE(ref);
  EXPECT_EQ(
      data->child("AirSyncBase:Attachments")->child("AirSyncBase:Attachment")->child_text("AirSyncBase:FileReference"),
      file_reference(cid_, ref->uid, "2"));
}

TEST_F(DraftsTest, ChangeReplacesSentFieldsKeepsTheRestAndSwapsTheServerId) {
  auto d = started();
  const auto old_sid = add_draft(d, full_spec());
  ASSERT_FALSE(old_sid.empty());
  const auto old_uid = parse_item_server_id(old_sid)->uid;
  const auto old_raw = *mail_.raw(drafts_, old_uid);
  const auto old_draft = stored_draft(old_raw);

  draft_spec change;
  change.subject = "Plans (v2)";
  change.deleted = {file_reference(cid_, old_uid, "2"), file_reference(cid_, old_uid, "9"), "1:2:3"};
  change.attachments.push_back({"a2", "pic.png", "image/png", "\x89PNG\r\n"});
  auto c = sync(d, cid_, with({draft_change_cmd(old_sid, change)}), v16);
  EASD_EXPECT_VALID_SYNC("draft_change", last_reply_.body);
  EXPECT_EQ(status_of(c), "1");
  EXPECT_TRUE(responses(c, "AirSync:Change").empty());  // a successful Change is not answered

  // IMAP cannot edit: the old version is gone, the new one is the only draft.
  const auto now = uids_in(mail_, drafts_);
  ASSERT_EQ(now.size(), 1u);
  EXPECT_NE(now[0], old_uid);
  const auto new_sid = item_server_id(cid_, now[0]);
  // The device learns it in the same response: Delete old, Add new.
  EXPECT_EQ(commands(c, "AirSync:Delete"), std::vector<std::string>{old_sid});
  EXPECT_EQ(commands(c, "AirSync:Add"), std::vector<std::string>{new_sid});
  EXPECT_EQ(d.items.size(), 1u);
  EXPECT_TRUE(d.items.contains(new_sid));
  EXPECT_EQ(d.unknown_deletes, 0);
  EXPECT_TRUE(mail_.flags(drafts_, now[0])->draft);

  const auto draft = stored_draft(*mail_.raw(drafts_, now[0]));
  EXPECT_EQ(draft.subject, "Plans (v2)");
  EXPECT_EQ(draft.to, old_draft.to);
  EXPECT_EQ(draft.cc, old_draft.cc);
  EXPECT_EQ(draft.bcc, old_draft.bcc);
  EXPECT_EQ(draft.importance, 2);
  EXPECT_EQ(draft.plain, old_draft.plain);
  EXPECT_EQ(draft.message_id, old_draft.message_id);  // one message across its versions
  ASSERT_EQ(draft.attachments.size(), 1u);
  EXPECT_EQ(draft.attachments[0].filename, "pic.png");
  EXPECT_EQ(draft.attachments[0].bytes, "\x89PNG\r\n");

  // Nothing comes back on the next Sync.
  auto again = sync(d, cid_, {}, v16);
  EXPECT_EQ(again.child("AirSync:Commands"), nullptr);
  EXPECT_EQ(d.duplicate_adds, 0);
}

TEST_F(DraftsTest, ChangeDeletesAnAttachmentByTheFileReferenceTheDeviceWasSent) {
  // A draft another client saved, synced to the device the ordinary way (convert's FileReferences).
  auto m = backend::fake_message::with_attachment("Report", "Ann <ann@example.test>", "see file", "r.pdf",
                                                  "application/pdf", "%PDF-1.4");
  m.flags.draft = true;
  const auto uid = mail_.add_message(drafts_, std::move(m));
  auto d = started();
  const auto sid = item_server_id(cid_, uid);
  ASSERT_TRUE(d.items.contains(sid));
  const auto& add = last_reply_;
  const auto doc = decode(add);
  const auto c0 = first_collection(doc);
  std::string ref;
  for (const auto& cmd : c0.child("AirSync:Commands")->children()) {
    const auto* atts = cmd.child("AirSync:ApplicationData")->child("AirSyncBase:Attachments");
    ASSERT_NE(atts, nullptr);
    ref = std::string(atts->child("AirSyncBase:Attachment")->child_text("AirSyncBase:FileReference").value_or(""));
  }
  ASSERT_EQ(ref, file_reference(cid_, uid, "2"));

  draft_spec change;
  change.deleted = {ref};
  auto c = sync(d, cid_, with({draft_change_cmd(sid, change)}), v16);
  EXPECT_EQ(status_of(c), "1");
  const auto now = uids_in(mail_, drafts_);
  ASSERT_EQ(now.size(), 1u);
  const auto draft = stored_draft(*mail_.raw(drafts_, now[0]));
  EXPECT_TRUE(draft.attachments.empty());
  EXPECT_EQ(draft.subject, "Report");
  ASSERT_TRUE(draft.plain);
  EXPECT_TRUE(draft.plain->starts_with("see file"));
  ASSERT_EQ(draft.to.size(), 1u);
  EXPECT_EQ(draft.to[0].address, "user@example.com");  // as the other client wrote it
}

TEST_F(DraftsTest, RetriedChangeIsNotAppliedTwice) {
  auto d = started();
  const auto sid = add_draft(d, full_spec());
  draft_spec change;
  change.subject = "again";
  const auto req = request(d.key, cid_, with({draft_change_cmd(sid, change)}));
  auto first = first_collection(decode(run(req, v16)));
  mail_.reset_calls();
  auto second = first_collection(decode(run(req, v16)));  // lost response: the same key again
  EXPECT_EQ(mail_.calls("append"), 0);
  EXPECT_EQ(mail_.calls("expunge"), 0);
  EXPECT_EQ(uids_in(mail_, drafts_).size(), 1u);
  EXPECT_EQ(commands(first, "AirSync:Delete"), commands(second, "AirSync:Delete"));
  EXPECT_EQ(commands(first, "AirSync:Add"), commands(second, "AirSync:Add"));
  EXPECT_EQ(commands(second, "AirSync:Add").size(), 1u);
}

TEST_F(DraftsTest, ChangeOfReadOnlyStaysAFlagChange) {
  auto d = started();
  const auto sid = add_draft(d, full_spec());
  const auto uid = parse_item_server_id(sid)->uid;
  mail_.reset_calls();
  sync(d, cid_, with({change_cmd(sid, false, std::nullopt)}), v16);
  EXPECT_EQ(mail_.calls("append"), 0);
  EXPECT_FALSE(mail_.flags(drafts_, uid)->seen);
  EXPECT_TRUE(mail_.flags(drafts_, uid)->draft);
}

TEST_F(DraftsTest, DeleteInDraftsMovesToDeletedItems) {
  auto d = started();
  const auto sid = add_draft(d, full_spec());
  auto c = sync(d, cid_, with({simple_cmd("AirSync:Delete", sid)}), v16);
  EXPECT_EQ(status_of(c), "1");
  EXPECT_TRUE(responses(c, "AirSync:Delete").empty());
  EXPECT_TRUE(uids_in(mail_, drafts_).empty());
  EXPECT_EQ(uids_in(mail_, trash_).size(), 1u);
  auto again = sync(d, cid_, {}, v16);
  EXPECT_EQ(again.child("AirSync:Commands"), nullptr);
}

TEST_F(DraftsTest, SendDeliversTheDraftAndFilesItInSent) {
  auto d = started();
  const auto sid = add_draft(d, full_spec());
  const auto uid = parse_item_server_id(sid)->uid;
  auto c = sync(d, cid_, with({draft_change_cmd(sid, {}, true)}), v16);
  EASD_EXPECT_VALID_SYNC("draft_send", last_reply_.body);
  EXPECT_EQ(status_of(c), "1");
  EXPECT_TRUE(responses(c, "AirSync:Change").empty());
  ASSERT_EQ(submitter_.sent().size(), 1u);
  const auto& s = submitter_.sent()[0];
  EXPECT_EQ(s.envelope_from, user_);
  EXPECT_EQ(s.recipients,
            (std::vector<std::string>{"bob@example.net", "carol@example.net", "dan@example.net", "eve@example.net"}));
  EXPECT_EQ(s.message.find("\r\nBcc:"), std::string::npos);
  EXPECT_NE(s.message.find("notes.txt"), std::string::npos);
  // Out of Drafts, into Sent: \Seen, no \Draft; the device is told the draft is gone.
  EXPECT_TRUE(uids_in(mail_, drafts_).empty());
  const auto in_sent = uids_in(mail_, sent_);
  ASSERT_EQ(in_sent.size(), 1u);
  EXPECT_TRUE(mail_.flags(sent_, in_sent[0])->seen);
  EXPECT_FALSE(mail_.flags(sent_, in_sent[0])->draft);
  EXPECT_EQ(commands(c, "AirSync:Delete"), std::vector<std::string>{sid});
  EXPECT_TRUE(d.items.empty());
  EXPECT_NE(mail_.raw(sent_, in_sent[0])->find("Bcc:"), std::string::npos);  // the user's copy keeps it
  (void)uid;
}

TEST_F(DraftsTest, EditAndSendInOneChangeSendsTheEditedVersion) {
  auto d = started();
  const auto sid = add_draft(d, full_spec());
  draft_spec change;
  change.subject = "Final";
  change.to = "frank@example.net";
  change.cc = "";
  change.bcc = "";
  auto c = sync(d, cid_, with({draft_change_cmd(sid, change, true)}), v16);
  ASSERT_EQ(submitter_.sent().size(), 1u);
  EXPECT_EQ(submitter_.sent()[0].recipients, std::vector<std::string>{"frank@example.net"});
  EXPECT_NE(submitter_.sent()[0].message.find("Subject: Final"), std::string::npos);
  EXPECT_TRUE(uids_in(mail_, drafts_).empty());
  EXPECT_EQ(uids_in(mail_, sent_).size(), 1u);
  // Only the Delete of the device's item: the edited version was sent before the device had it.
  EXPECT_EQ(commands(c, "AirSync:Delete"), std::vector<std::string>{sid});
  EXPECT_TRUE(commands(c, "AirSync:Add").empty());
  EXPECT_TRUE(d.items.empty());
}

TEST_F(DraftsTest, SendWithoutRecipientsIsInvalidRecipientsAndKeepsTheDraft) {
  auto d = started();
  draft_spec s;
  s.subject = "nobody";
  s.body = std::make_pair(std::string("1"), std::string("text"));
  const auto sid = add_draft(d, s);
  auto c = sync(d, cid_, with({draft_change_cmd(sid, {}, true)}), v16);
  const auto changes = responses(c, "AirSync:Change");
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].child_text("AirSync:ServerId").value_or(""), sid);
  EXPECT_EQ(changes[0].child_text("AirSync:Status").value_or(""), "183");
  EXPECT_TRUE(submitter_.sent().empty());
  EXPECT_EQ(uids_in(mail_, drafts_).size(), 1u);
  EXPECT_TRUE(d.items.contains(sid));
}

TEST_F(DraftsTest, RefusedBySmtpKeepsTheDraft) {
  auto d = started();
  const auto sid = add_draft(d, full_spec());
  submitter_.script(backend::submit_outcome::temporary, 451);
  auto c = sync(d, cid_, with({draft_change_cmd(sid, {}, true)}), v16);
  const auto changes = responses(c, "AirSync:Change");
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].child_text("AirSync:Status").value_or(""), "5");
  EXPECT_EQ(uids_in(mail_, drafts_).size(), 1u);
  EXPECT_TRUE(uids_in(mail_, sent_).empty());
}

TEST_F(DraftsTest, AddWithSendSendsAtOnce) {
  auto d = started();
  auto c = sync(d, cid_, with({add_cmd("c9", full_spec(), true)}), v16);
  const auto adds = responses(c, "AirSync:Add");
  ASSERT_EQ(adds.size(), 1u);
  EXPECT_EQ(adds[0].child_text("AirSync:Status").value_or(""), "1");
  EXPECT_EQ(submitter_.sent().size(), 1u);
  EXPECT_TRUE(uids_in(mail_, drafts_).empty());
  EXPECT_EQ(uids_in(mail_, sent_).size(), 1u);
}

TEST_F(DraftsTest, MimeBodyTakesRecipientsFromTheMime) {
  auto d = started();
  draft_spec s;
  s.importance = "0";
  s.body = std::make_pair(std::string("4"),
                          std::string("From: someone@else.example\r\nTo: gina@example.net\r\nSubject: from MIME\r\n"
                                      "Content-Type: text/html; charset=utf-8\r\n\r\n<p>Hi <b>Gina</b></p>\r\n"));
  const auto sid = add_draft(d, s);
  ASSERT_FALSE(sid.empty());
  const auto raw = *mail_.raw(drafts_, parse_item_server_id(sid)->uid);
  auto parsed = compose::parse_outgoing(raw);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->from[0].address, user_);  // the device's From is not the sender
  ASSERT_EQ(parsed->to.size(), 1u);
  EXPECT_EQ(parsed->to[0].address, "gina@example.net");
  EXPECT_EQ(parsed->subject, "from MIME");
  const auto draft = stored_draft(raw);
  EXPECT_EQ(draft.importance, 0);
  ASSERT_TRUE(draft.html);
  EXPECT_NE(draft.html->find("<b>Gina</b>"), std::string::npos);
}

TEST_F(DraftsTest, MalformedDraftsAreConversionErrors) {
  auto d = started();
  std::vector<wbxml::element> cmds;
  draft_spec bad_importance;
  bad_importance.importance = "7";
  cmds.push_back(add_cmd("b1", bad_importance));
  draft_spec bad_address;
  bad_address.to = "<<<";
  cmds.push_back(add_cmd("b2", bad_address));
  draft_spec rtf;
  rtf.body = std::make_pair(std::string("3"), std::string("e1xydGY="));
  cmds.push_back(add_cmd("b3", rtf));
  draft_spec too_many;
  for (int i = 0; i < 101; ++i) too_many.attachments.push_back({"x" + std::to_string(i), "f", "text/plain", "x"});
  cmds.push_back(add_cmd("b4", too_many));
  auto c = sync(d, cid_, with(std::move(cmds)), v16);
  const auto adds = responses(c, "AirSync:Add");
  ASSERT_EQ(adds.size(), 4u);
  for (const auto& a : adds) {
    EXPECT_EQ(a.child_text("AirSync:Status").value_or(""), "6") << a.child_text("AirSync:ClientId").value_or("");
    EXPECT_EQ(a.child("AirSync:ServerId"), nullptr);
  }
  EXPECT_TRUE(uids_in(mail_, drafts_).empty());
}

TEST_F(DraftsTest, DraftBeyondTheMessageLimitIsRefused) {
  svc_.sending.max_message = 4096;
  auto d = started();
  draft_spec big;
  big.attachments.push_back({"a", "big.bin", "application/octet-stream", std::string(8000, 'x')});
  auto c = sync(d, cid_, with({add_cmd("c1", big)}), v16);
  const auto adds = responses(c, "AirSync:Add");
  ASSERT_EQ(adds.size(), 1u);
  EXPECT_EQ(adds[0].child_text("AirSync:Status").value_or(""), "6");
  EXPECT_TRUE(uids_in(mail_, drafts_).empty());
}

// --- compose/draft_mime on its own

TEST(DraftMime, HeaderInjectionThroughFieldsIsNeutralised) {
  compose::draft_message d;
  d.subject = "hi\r\nBcc: spy@evil.example";
  d.message_id = "<a@b>\r\nX-Evil: 1";
  d.references = "<ok@x> <bad\r\nX-Evil: 2@y> <fine@z>";
  d.plain = "body";
  compose::draft_envelope env;
  env.from.address = "ann@example.test";
  env.now = 1700000000;
  auto raw = compose::compose_draft(d, env, {});
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->find("\r\nBcc:"), std::string::npos);
  EXPECT_EQ(raw->find("X-Evil"), std::string::npos);
  EXPECT_NE(raw->find("References: <ok@x> <fine@z>\r\n"), std::string::npos);
  EXPECT_NE(d.message_id, "<a@b>\r\nX-Evil: 1");  // replaced by a generated one
  EXPECT_TRUE(d.message_id.ends_with("@example.test>"));
  auto parsed = compose::parse_outgoing(*raw);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->bcc.empty());
}

TEST(DraftMime, ComposeAndReadRoundTrip) {
  compose::draft_message d;
  d.to = {{"Bob", "bob@example.net"}};
  d.subject = "Grüße";
  d.html = "<p>Hallo</p>";
  d.importance = 0;
  d.attachments.push_back({"a.bin", "application/octet-stream", "cid1", true, std::string("\0\1\2", 3)});
  d.attachments.push_back({"b.txt", "text/plain", "", false, "bee"});
  compose::draft_envelope env;
  env.from.address = "ann@example.test";
  auto raw = compose::compose_draft(d, env, {});
  ASSERT_TRUE(raw);
  EXPECT_EQ(d.attachment_sections, (std::vector<std::string>{"2", "3"}));
  auto back = compose::read_draft(*raw, {});
  ASSERT_TRUE(back);
  EXPECT_EQ(back->to, d.to);
  EXPECT_EQ(back->subject, "Grüße");
  EXPECT_EQ(back->html, d.html);
  ASSERT_TRUE(back->plain);  // the generated plain alternative
  EXPECT_EQ(back->importance, 0);
  EXPECT_EQ(back->message_id, d.message_id);
  ASSERT_EQ(back->attachments.size(), 2u);
  EXPECT_EQ(back->attachments[0].bytes, std::string("\0\1\2", 3));
  EXPECT_EQ(back->attachments[0].content_id, "cid1");
  EXPECT_TRUE(back->attachments[0].is_inline);
  EXPECT_EQ(back->attachments[1].filename, "b.txt");
  EXPECT_EQ(back->attachment_sections, (std::vector<std::string>{"2", "3"}));
}

TEST(DraftMime, SectionsOfAForeignDraftFollowImapNumbering) {
  // A draft another client saved: multipart/mixed( multipart/alternative(plain, html), image ).
  const std::string raw =
      "From: a@x.example\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n"
      "--o\r\nContent-Type: multipart/alternative; boundary=i\r\n\r\n"
      "--i\r\nContent-Type: text/plain\r\n\r\nplain\r\n--i\r\nContent-Type: text/html\r\n\r\n<b>h</b>\r\n--i--\r\n"
      "--o\r\nContent-Type: image/gif; name=x.gif\r\nContent-Transfer-Encoding: base64\r\n\r\nR0lG\r\n--o--\r\n";
  auto d = compose::read_draft(raw, {});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->plain, std::optional<std::string>("plain"));
  EXPECT_EQ(d->html, std::optional<std::string>("<b>h</b>"));
  EXPECT_EQ(d->attachment_sections, std::vector<std::string>{"2"});
  compose::draft_edit e;
  e.sections_deleted = {"2"};
  ASSERT_TRUE(compose::apply_draft_edit(*d, e, {}));
  EXPECT_TRUE(d->attachments.empty());
}

TEST(DraftMime, EditBounds) {
  compose::draft_limits l;
  l.max_recipients = 2;
  l.max_attachments = 1;
  compose::draft_message d;
  compose::draft_edit e;
  e.to = "a@x.example; b@x.example";  // ';' as separator is tolerated
  ASSERT_TRUE(compose::apply_draft_edit(d, e, l));
  EXPECT_EQ(d.to.size(), 2u);
  e.cc = "c@x.example";
  const auto many = compose::apply_draft_edit(d, e, l);
  ASSERT_FALSE(many);
  EXPECT_EQ(many.error(), compose::compose_error::too_many_recipients);
  compose::draft_edit atts;
  atts.attachments_added.resize(2);
  const auto two = compose::apply_draft_edit(d, atts, l);
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error(), compose::compose_error::too_many_attachments);
}

TEST(DraftRequest, ParsesTheApplicationDataAndOnlyThisItemsFileReferences) {
  draft_spec s;
  s.to = "x@y.example";
  s.deleted = {file_reference("7", 5, "2"), file_reference("7", 6, "2"), file_reference("8", 5, "3"), "junk"};
  s.attachments.push_back({"a1", "n", "text/plain", "b"});
  auto data = application_data(s);
  data.add("Email:Read", "1");
  data.add("Email2:Send");
  auto r = sync_detail::parse_draft_request(data, "7", 5, {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->edit.to, std::optional<std::string>("x@y.example"));
  EXPECT_EQ(r->edit.sections_deleted, std::vector<std::string>{"2"});
  ASSERT_EQ(r->edit.attachments_added.size(), 1u);
  EXPECT_EQ(r->edit.attachments_added[0].client_id, "a1");
  EXPECT_EQ(r->read, std::optional<bool>(true));
  EXPECT_TRUE(r->send);

  sync_detail::draft_request_limits small;
  small.max_field = 4;
  EXPECT_FALSE(sync_detail::parse_draft_request(data, "7", 5, small));
}

TEST(DraftRequest, SendStatusMapping) {
  using sync_detail::draft_send_status;
  EXPECT_EQ(draft_send_status(common_status::message_has_no_recipient), 183u);
  EXPECT_EQ(draft_send_status(common_status::invalid_mime), 6u);
  EXPECT_EQ(draft_send_status(common_status::send_quota_exceeded), 115u);
  EXPECT_EQ(draft_send_status(common_status::server_error_retry_later), 5u);
}

}  // namespace
}  // namespace easd::protocol::sync_test
