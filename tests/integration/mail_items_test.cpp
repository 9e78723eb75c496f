// ItemOperations, MoveItems, GetItemEstimate and the 12.1 GetAttachment end to end: attachments come back
// byte for byte (inline Data and multipart), forged FileReferences and ServerIds leak nothing, moves do
// not duplicate, estimates count what the next Sync brings.
#include "tests/integration/mail_support.hpp"

namespace easd::test::mail {
namespace {

template <class T>
class MailItems : public mail_suite<MailItems<T>> {
public:
  static constexpr bool condstore = T::condstore, plain = T::plain, count_imap = T::count_imap;
};
using backends = ::testing::Types<with_condstore, without_condstore>;
TYPED_TEST_SUITE(MailItems, backends);

const device_item* by_subject(const device_folder& f, std::string_view subject) {
  for (const auto& [id, item] : f.items) {
    if (item.subject == subject) return &item;
  }
  return nullptr;
}

const device_attachment* attachment(const device_item& item, std::string_view name) {
  for (const auto& a : item.attachments) {
    if (a.display_name == name) return &a;
  }
  return nullptr;
}

TYPED_TEST(MailItems, AttachmentsAreByteIdentical) {
  auto& env = *this->env_;
  for (const auto& version : versions()) {
    SCOPED_TRACE(version);
    const auto user = user_for("att", version);
    auto imap = env.imap(user);
    auto corpus = standard_corpus();
    corpus.push_back(large_message());
    seed_corpus(imap, "INBOX", corpus);
    auto p = new_phone(env, user, version);
    expect_converged(env, *p, imap, "INBOX");
    const auto& inbox = p->collection("INBOX");
    for (const auto& m : corpus) {
      const device_item* item = by_subject(inbox, m.subject);
      ASSERT_NE(item, nullptr) << m.subject;
      for (const auto& want : m.attachments) {
        SCOPED_TRACE(want.file_name);
        const device_attachment* a = attachment(*item, want.file_name);
        ASSERT_NE(a, nullptr);
        const bool big = want.bytes.size() > (1u << 20);
        if (!big) {
          auto inline_data = p->device.fetch_attachment(a->file_reference, false);
          EXPECT_EQ(inline_data.status, 1u) << inline_data.response.describe().substr(0, 2000);
          EXPECT_TRUE(inline_data.bytes == want.bytes) << "inline Data differs (" << inline_data.bytes.size() << " vs "
                                                       << want.bytes.size() << " bytes)";
          EXPECT_EQ(inline_data.content_type, want.content_type);
        }
        auto multipart = p->device.fetch_attachment(a->file_reference, true);
        EXPECT_EQ(multipart.status, 1u);
        EXPECT_TRUE(multipart.bytes == want.bytes) << "multipart part differs (" << multipart.bytes.size() << " vs "
                                                   << want.bytes.size() << " bytes)";
        if (version == "12.1") {
          auto r = p->device.get_attachment(a->file_reference);
          EXPECT_EQ(r.status, 200u);
          EXPECT_TRUE(r.body == want.bytes) << "GetAttachment body differs";
          EXPECT_EQ(r.header("Content-Type").rfind(want.content_type, 0), 0u) << r.header("Content-Type");
        }
      }
    }
    EXPECT_TRUE(p->device.anomalies.empty()) << p->problems();
  }
}

TYPED_TEST(MailItems, ForgedFileReferencesAndServerIdsLeakNothing) {
  auto& env = *this->env_;
  const auto victim = user_for("ivictim", "14.1");
  auto vimap = env.imap(victim);
  seed_corpus(vimap, "INBOX", standard_corpus());
  auto v = new_phone(env, victim, "14.1");
  expect_converged(env, *v, vimap, "INBOX");
  const device_item* secret = by_subject(v->collection("INBOX"), "Corpus with attachments");
  ASSERT_NE(secret, nullptr);
  ASSERT_FALSE(secret->attachments.empty());
  const std::string victims_ref = secret->attachments[0].file_reference;
  const std::string victims_item = secret->server_id;
  const std::string victims_collection = v->collection("INBOX").server_id;

  for (const auto& version : versions()) {
    SCOPED_TRACE(version);
    const auto user = user_for("iforger", version);
    auto imap = env.imap(user);
    seed_small(imap, "INBOX", "own", 1);
    auto p = new_phone(env, user, version);
    expect_converged(env, *p, imap, "INBOX");
    const auto inbox = p->id("INBOX");
    const std::string own = p->collection("INBOX").items.begin()->first;
    for (const std::string& forged :
         {victims_ref, own + ":2", own + ":1.2.3.4.5.6.7.8.9.1.2.3.4.5.6.7.8.9.1.2.3.4.5.6.7.8.9.1.2.3.4.5.6",
          own + ":../../etc/passwd", own + ":0", std::string("garbage"), std::string(""), own + ":1;FETCH"}) {
      SCOPED_TRACE(forged);
      auto f = p->device.fetch_attachment(forged);
      EXPECT_EQ(f.response.status, 200u);
      EXPECT_NE(f.status, 1u) << "forged FileReference fetched";
      EXPECT_TRUE(f.bytes.empty());
      if (version == "12.1") {
        auto g = p->device.get_attachment(forged);
        EXPECT_NE(g.status, 200u) << "GetAttachment of a forged reference answered 200";
      }
    }
    for (const auto& [coll, item] : std::vector<std::pair<std::string, std::string>>{
             {victims_collection, victims_item}, {inbox, victims_item}, {inbox, inbox + ":999999"}, {"77777", own}}) {
      auto f = p->device.fetch_item(coll, item);
      EXPECT_NE(f.status, 1u) << coll << " / " << item;
      EXPECT_EQ(f.properties.children().size(), 0u);
    }
    EXPECT_TRUE(p->device.anomalies.empty()) << p->problems();
  }
}

TYPED_TEST(MailItems, FetchItemWithBodyPreferences) {
  auto& env = *this->env_;
  const auto user = user_for("fetch", "14.1");
  auto imap = env.imap(user);
  const auto corpus = standard_corpus();
  seed_corpus(imap, "INBOX", corpus);
  auto p = new_phone(env, user, "14.1");
  sync_options headers_only;
  headers_only.body_preferences = {body_preference{1, 0, std::nullopt, std::nullopt}};
  expect_converged(env, *p, imap, "INBOX", headers_only);
  for (const auto& m : corpus) {
    SCOPED_TRACE(m.key);
    const device_item* item = by_subject(p->collection("INBOX"), m.subject);
    ASSERT_NE(item, nullptr);
    auto plain = p->device.fetch_item(p->id("INBOX"), item->server_id, {body_preference{1, std::nullopt, {}, {}}});
    ASSERT_EQ(plain.status, 1u) << plain.response.xml().substr(0, 2000);
    device_item got;
    read_email(plain.properties, got);
    EXPECT_NE(got.body.find(m.body_marker), std::string::npos) << got.body.substr(0, 300);
    if (!m.html_marker.empty()) {
      auto html = p->device.fetch_item(p->id("INBOX"), item->server_id, {body_preference{2, std::nullopt, {}, {}}});
      device_item h;
      read_email(html.properties, h);
      EXPECT_NE(h.body.find(m.html_marker), std::string::npos) << h.body.substr(0, 300);
    }
    auto mime = p->device.fetch_item(p->id("INBOX"), item->server_id, {body_preference{4, std::nullopt, {}, {}}});
    device_item raw;
    read_email(mime.properties, raw);
    EXPECT_TRUE(raw.body == m.mime) << "MIME body is not the message";
  }
}

TYPED_TEST(MailItems, MoveItemsDoesNotDuplicate) {
  auto& env = *this->env_;
  for (const auto& version : versions()) {
    SCOPED_TRACE(version);
    const auto user = user_for("move", version);
    auto imap = env.imap(user);
    imap.create("Work");
    seed_small(imap, "INBOX", "mv", 5);
    auto p = new_phone(env, user, version);
    expect_converged(env, *p, imap, "INBOX");
    expect_converged(env, *p, imap, "Work");
    const auto inbox = p->id("INBOX"), work = p->id("Work");
    std::vector<std::string> ids;
    for (const auto& [id, item] : p->collection("INBOX").items) ids.push_back(id);
    auto res = p->device.move_items({ids[0], ids[1]}, inbox, work);
    ASSERT_EQ(res.size(), 2u);
    for (const auto& r : res) {
      EXPECT_EQ(r.status, 3u) << r.src_id;
      EXPECT_FALSE(r.dst_id.empty());
    }
    EXPECT_EQ(server_view(imap, "Work").size(), 2u);
    // The next Syncs bring neither a Delete in the source nor an Add in the destination for them.
    expect_converged(env, *p, imap, "INBOX");
    expect_converged(env, *p, imap, "Work");
    EXPECT_TRUE(p->device.anomalies.empty()) << p->problems();

    auto bad = p->device.move_items({inbox + ":999999"}, inbox, work);
    ASSERT_EQ(bad.size(), 1u);
    EXPECT_EQ(bad[0].status, 1u) << "unknown source item";
    auto bad_dst = p->device.move_items({ids[2]}, inbox, "55555");
    ASSERT_EQ(bad_dst.size(), 1u);
    EXPECT_EQ(bad_dst[0].status, 2u);
    auto same = p->device.move_items({ids[2]}, inbox, inbox);
    ASSERT_EQ(same.size(), 1u);
    EXPECT_EQ(same[0].status, 4u);
    EXPECT_EQ(server_view(imap, "INBOX").size(), 3u);
  }
}

TYPED_TEST(MailItems, EstimateCountsTheNextSync) {
  auto& env = *this->env_;
  for (const auto& version : versions()) {
    SCOPED_TRACE(version);
    const auto user = user_for("est", version);
    auto imap = env.imap(user);
    auto p = new_phone(env, user, version);
    const auto inbox = p->id("INBOX");
    auto unprimed = p->device.estimate(inbox);
    EXPECT_EQ(unprimed.first, 3u) << "not primed";
    p->device.sync(inbox);
    seed_small(imap, "INBOX", "e", 25);
    auto e = p->device.estimate(inbox);
    EXPECT_EQ(e.first, 1u);
    EXPECT_EQ(e.second, std::optional<std::uint64_t>(25));
    auto t = p->device.sync_all(inbox);
    EXPECT_EQ(t.adds, 25u);
    auto none = p->device.estimate(inbox);
    EXPECT_EQ(none.second, std::optional<std::uint64_t>(0));
    eas_device stranger(p->client);
    stranger.folders()["31337"].server_id = "31337";
    stranger.folders()["31337"].sync_key = p->device.folder(inbox).sync_key;
    EXPECT_EQ(stranger.estimate("31337").first, 2u);
  }
}

TYPED_TEST(MailItems, EmptyFolderContents) {
  auto& env = *this->env_;
  const auto user = user_for("empty", "14.1");
  auto imap = env.imap(user);
  imap.create("Trash/Old");
  seed_small(imap, "Trash", "t", 4);
  seed_small(imap, "Trash/Old", "o", 2);
  auto p = new_phone(env, user, "14.1");
  expect_converged(env, *p, imap, "Trash");
  EXPECT_EQ(p->device.empty_folder(p->id("Trash"), false), 1u);
  expect_converged(env, *p, imap, "Trash");
  EXPECT_TRUE(p->collection("Trash").items.empty());
  auto names = imap.list();
  EXPECT_NE(std::find(names.begin(), names.end(), "Trash/Old"), names.end()) << "subfolder removed without DeleteSubFolders";
  EXPECT_EQ(server_view(imap, "Trash/Old").size(), 2u);
  EXPECT_EQ(p->device.empty_folder(p->id("Trash"), true), 1u);
  names = imap.list();
  EXPECT_EQ(std::find(names.begin(), names.end(), "Trash/Old"), names.end());
  EXPECT_TRUE(p->device.anomalies.empty()) << p->problems();
}

}  // namespace
}  // namespace easd::test::mail
