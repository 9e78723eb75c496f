// Sync of the Email class end to end (issue 3 "Done when"): the corpus arrives decoded, the device
// converges with the server after changes on both sides (a second IMAP client working concurrently), a
// lost response replays identically, a UIDVALIDITY reset does not loop, 10,000 messages sync, client
// changes reach Dovecot, forged ids are "not found". Every test runs with and without CONDSTORE, and
// over 12.1, 14.1 and 16.1 where the format differs.
#include "tests/integration/mail_support.hpp"

#include <random>
#include <set>
#include <thread>

namespace easd::test::mail {
namespace {

template <class T>
class MailSync : public mail_suite<MailSync<T>> {
public:
  static constexpr bool condstore = T::condstore, plain = T::plain, count_imap = T::count_imap;
};
using backends = ::testing::Types<with_condstore, without_condstore>;
TYPED_TEST_SUITE(MailSync, backends);

const device_item* item_with_subject(const device_folder& f, std::string_view subject) {
  for (const auto& [id, item] : f.items) {
    if (item.subject == subject) return &item;
  }
  return nullptr;
}

TYPED_TEST(MailSync, CorpusArrivesDecoded) {
  auto& env = *this->env_;
  for (const auto& version : versions()) {
    SCOPED_TRACE(version);
    const auto user = user_for("corpus", version);
    auto imap = env.imap(user);
    const auto corpus = standard_corpus();
    seed_corpus(imap, "INBOX", corpus);

    // Plain text: every charset decoded to UTF-8, subjects from RFC 2047.
    auto p = new_phone(env, user, version);
    sync_options plain;
    plain.body_preferences = {body_preference{1, 200000, std::nullopt, std::nullopt}};
    expect_converged(env, *p, imap, "INBOX", plain);
    const auto& inbox = p->collection("INBOX");
    for (const auto& m : corpus) {
      SCOPED_TRACE(m.key);
      const device_item* item = item_with_subject(inbox, m.subject);
      ASSERT_NE(item, nullptr) << "subject not decoded: " << m.subject;
      EXPECT_EQ(item->body_type, 1u);
      EXPECT_NE(item->body.find(m.body_marker), std::string::npos) << "body: " << item->body.substr(0, 500);
      EXPECT_FALSE(item->body_truncated);
      std::set<std::string> names;
      for (const auto& a : item->attachments) {
        names.insert(a.display_name);
        EXPECT_FALSE(a.file_reference.empty());
      }
      for (const auto& want : m.attachments) {
        EXPECT_TRUE(names.count(want.file_name)) << "attachment " << want.file_name << " missing";
        for (const auto& a : item->attachments) {
          if (a.display_name != want.file_name) continue;
          if (want.is_inline) {
            EXPECT_TRUE(a.is_inline);
            EXPECT_EQ(a.content_id, want.content_id);
          }
          EXPECT_GT(a.estimated_size, 0u);
        }
      }
    }
    const device_item* smime = item_with_subject(inbox, "Corpus signed message");
    ASSERT_NE(smime, nullptr);
    EXPECT_EQ(smime->message_class, "IPM.Note.SMIME.MultipartSigned");

    // HTML: the HTML alternative is chosen.
    auto h = new_phone(env, user, version, "html" + user);
    sync_options html;
    html.body_preferences = {body_preference{2, 200000, std::nullopt, std::nullopt}};
    expect_converged(env, *h, imap, "INBOX", html);
    for (const auto& m : corpus) {
      if (m.html_marker.empty()) continue;
      const device_item* item = item_with_subject(h->collection("INBOX"), m.subject);
      ASSERT_NE(item, nullptr);
      EXPECT_EQ(item->body_type, 2u) << m.key;
      EXPECT_NE(item->body.find(m.html_marker), std::string::npos) << m.key << ": " << item->body.substr(0, 500);
    }
    EXPECT_TRUE(p->device.anomalies.empty()) << p->problems();
    EXPECT_TRUE(h->device.anomalies.empty()) << h->problems();
    EXPECT_EQ(p->device.resyncs + h->device.resyncs, 0u);
  }
}

TYPED_TEST(MailSync, LargeMessageIsTruncatedNotLoaded) {
  auto& env = *this->env_;
  const auto user = user_for("large", "14.1");
  auto imap = env.imap(user);
  const auto big = large_message();
  imap.append("INBOX", big.mime);
  auto p = new_phone(env, user, "14.1");
  sync_options o;
  o.body_preferences = {body_preference{1, 4096, std::nullopt, std::nullopt}};
  expect_converged(env, *p, imap, "INBOX", o);
  const device_item* item = item_with_subject(p->collection("INBOX"), big.subject);
  ASSERT_NE(item, nullptr);
  EXPECT_LE(item->body.size(), 4096u);
  EXPECT_NE(item->body.find(big.body_marker), std::string::npos);
  ASSERT_EQ(item->attachments.size(), 1u);
  EXPECT_GE(item->attachments[0].estimated_size, big.attachments[0].bytes.size() * 9 / 10);
  EXPECT_LT(p->device.bytes_received, 1u << 20) << "the 20 MB message travelled whole";

  // MIME with truncation: Truncated, at most the requested size.
  auto m = new_phone(env, user, "14.1", "mime" + user);
  sync_options mime;
  mime.mime_support = 2;
  mime.body_preferences = {body_preference{4, 10000, std::nullopt, std::nullopt}};
  expect_converged(env, *m, imap, "INBOX", mime);
  const device_item* raw = item_with_subject(m->collection("INBOX"), big.subject);
  ASSERT_NE(raw, nullptr);
  EXPECT_EQ(raw->body_type, 4u);
  EXPECT_LE(raw->body.size(), 10000u);
  EXPECT_TRUE(raw->body_truncated);
  EXPECT_EQ(big.mime.compare(0, raw->body.size(), raw->body), 0) << "MIME body is not the message's start";
}

TYPED_TEST(MailSync, ConvergesAfterChangesOnBothSidesWithAConcurrentImapClient) {
  auto& env = *this->env_;
  for (const auto& version : versions()) {
    SCOPED_TRACE(version);
    const auto user = user_for("conv", version);
    auto imap = env.imap(user);
    imap.create("Work");
    seed_small(imap, "INBOX", "in", 40);
    seed_small(imap, "Work", "work", 15);
    auto p = new_phone(env, user, version);
    const std::vector<std::string> boxes = {"INBOX", "Work", "Trash"};
    sync_options o;
    o.window_size = 7;  // MoreAvailable loops all the time
    for (const auto& b : boxes) expect_converged(env, *p, imap, b, o);

    std::mt19937 rng(version == "12.1" ? 1 : version == "14.1" ? 2 : 3);
    // The second client works while the device syncs: moves, flags, expunges, appends.
    std::atomic<bool> done{false};
    std::string mutator_error;
    std::thread other([&] {
      try {
        auto second = env.imap(user);
        mail_mutator m(second, boxes, 77);
        while (!done) {
          m.step();
          std::this_thread::sleep_for(5ms);
        }
      } catch (const std::exception& e) {
        mutator_error = e.what();
      }
    });
    for (int round = 0; round < 25; ++round) {
      for (const auto& b : boxes) {
        auto& f = p->collection(b);
        std::vector<client_change> changes;
        std::vector<std::string> ids;
        for (const auto& [id, item] : f.items) ids.push_back(id);
        if (!ids.empty() && rng() % 2 == 0) {
          const auto& id = ids[rng() % ids.size()];
          const auto what = rng() % 4;
          if (what == 0) changes.push_back({client_change::read, id, !f.items[id].read});
          if (what == 1) changes.push_back({client_change::flag, id, !f.items[id].flagged()});
          if (what == 2 && b != "Trash") changes.push_back({client_change::remove, id});
          if (what == 3) changes.push_back({client_change::fetch, id});
        }
        auto r = p->device.sync(f.server_id, o, changes);
        ASSERT_EQ(r.status, 1u) << r.response.xml() << env.context();
        for (const auto& [id, st] : r.item_status) {
          // Success, conflict (server wins) or gone (the other client expunged or moved it).
          EXPECT_TRUE(st == 1 || st == 7 || st == 8) << id << " status " << st;
        }
      }
    }
    done = true;
    other.join();
    ASSERT_EQ(mutator_error, "");
    for (const auto& b : boxes) expect_converged(env, *p, imap, b, o);
    EXPECT_TRUE(p->device.anomalies.empty()) << p->problems();
    EXPECT_EQ(p->device.resyncs, 0u);
  }
}

TYPED_TEST(MailSync, LostResponseReplaysTheSameItems) {
  auto& env = *this->env_;
  for (const auto& version : versions()) {
    SCOPED_TRACE(version);
    const auto user = user_for("lost", version);
    auto imap = env.imap(user);
    const auto uids = seed_small(imap, "INBOX", "lost", 30);
    auto p = new_phone(env, user, version);
    const auto inbox = p->id("INBOX");
    sync_options o;
    o.window_size = 10;
    p->device.sync(inbox, o);  // prime
    const auto key_before = p->device.folder(inbox).sync_key;

    auto lost = p->device.send_sync_and_lose(inbox, o);
    ASSERT_EQ(lost.status, 1u) << lost.response.xml();
    EXPECT_EQ(p->device.folder(inbox).sync_key, key_before);
    auto again = p->device.sync(inbox, o);
    ASSERT_EQ(again.status, 1u) << again.response.xml();
    EXPECT_EQ(again.sync_key, lost.sync_key) << "the replay must issue the same next key";
    EXPECT_EQ(again.adds, lost.adds);
    EXPECT_EQ(again.more_available, lost.more_available);
    auto ids = [](const sync_round& r) {
      std::set<std::string> out;
      if (!r.response.document) return out;
      const auto* cs = r.response.document->child("AirSync:Collections");
      const auto* c = cs ? cs->child("AirSync:Collection") : nullptr;
      const auto* cmds = c ? c->child("AirSync:Commands") : nullptr;
      if (cmds) {
        for (const auto& e : cmds->children()) out.insert(text_of(e, "AirSync:ServerId"));
      }
      return out;
    };
    EXPECT_EQ(ids(again), ids(lost));

    // A lost response to a request carrying a client change: the change is applied once, the replay
    // answers it the same way.
    p->device.sync_all(inbox, o);
    const auto& f = p->device.folder(inbox);
    const std::string target = f.items.begin()->first;
    imap.select("INBOX");
    imap.add_flags(std::to_string(uids[5]), "\\Flagged");  // a server change in the same exchange
    auto lost2 = p->device.send_sync_and_lose(inbox, o, {{client_change::read, target, true}});
    ASSERT_EQ(lost2.status, 1u);
    auto again2 = p->device.sync(inbox, o, {{client_change::read, target, true}});
    ASSERT_EQ(again2.status, 1u);
    EXPECT_EQ(again2.sync_key, lost2.sync_key);
    EXPECT_EQ(again2.changes, lost2.changes);
    EXPECT_EQ(again2.item_status, lost2.item_status);
    expect_converged(env, *p, imap, "INBOX", o);
    EXPECT_EQ(p->device.folder(inbox).items.size(), 30u);
    EXPECT_TRUE(p->device.anomalies.empty()) << p->problems();
    EXPECT_EQ(p->device.resyncs, 0u);

    // Only the newest two keys live: a key two steps back, or a forged one, is Status 3.
    eas_device stale(p->client);
    stale.folders()[inbox] = p->device.folder(inbox);
    stale.folders()[inbox].sync_key = key_before;
    EXPECT_EQ(stale.send_sync_and_lose(inbox, o).status, 3u);
    stale.folders()[inbox].sync_key = "{00000000-0000-4000-8000-000000000000}7";
    EXPECT_EQ(stale.send_sync_and_lose(inbox, o).status, 3u);
    stale.folders()[inbox].sync_key = "garbage";
    EXPECT_EQ(stale.send_sync_and_lose(inbox, o).status, 3u);
  }
}

TYPED_TEST(MailSync, UidValidityResetDoesNotLoop) {
  auto& env = *this->env_;
  const auto user = user_for("uidv", "14.1");
  auto imap = env.imap(user);
  imap.create("Reset");
  seed_small(imap, "Reset", "before", 6);
  auto p = new_phone(env, user, "14.1");
  expect_converged(env, *p, imap, "Reset");
  imap.reset_uidvalidity("Reset", small_messages("after", 4));
  // The device may be told to start again (Status 3) once, or get deletes and adds: either way it ends
  // with the new contents, and then syncs stay quiet.
  auto& f = p->collection("Reset");
  for (int i = 0; i < 3 && diff_views(server_view(imap, "Reset"), device_view(f)) != ""; ++i) {
    p->device.sync_all(f.server_id);
  }
  EXPECT_EQ(diff_views(server_view(imap, "Reset"), device_view(f)), "") << env.context();
  EXPECT_LE(p->device.resyncs, 1u);
  for (int i = 0; i < 3; ++i) {
    auto r = p->device.sync(f.server_id);
    EXPECT_TRUE(r.status == 1 || r.empty_body) << r.response.xml();
    EXPECT_EQ(r.adds + r.deletes + r.changes, 0u) << "still changing after the reset: loop";
  }
  EXPECT_TRUE(p->device.anomalies.empty()) << p->problems();
}

TYPED_TEST(MailSync, ClientChangesReachTheServer) {
  auto& env = *this->env_;
  for (const auto& version : versions()) {
    SCOPED_TRACE(version);
    const auto user = user_for("client", version);
    auto imap = env.imap(user);
    seed_small(imap, "INBOX", "c", 6);
    auto p = new_phone(env, user, version);
    expect_converged(env, *p, imap, "INBOX");
    expect_converged(env, *p, imap, "Trash");
    auto& inbox = p->collection("INBOX");
    std::vector<std::string> ids;
    for (const auto& [id, item] : inbox.items) ids.push_back(id);
    ASSERT_EQ(ids.size(), 6u);
    auto r = p->device.sync(inbox.server_id, {},
                            {{client_change::read, ids[0], true},
                             {client_change::flag, ids[1], true},
                             {client_change::remove, ids[2]},
                             {client_change::fetch, ids[3]}});
    ASSERT_EQ(r.status, 1u) << r.response.xml();
    ASSERT_EQ(r.fetched.size(), 1u) << r.response.xml();
    EXPECT_FALSE(text_of(r.fetched[0], "Email:Subject").empty());
    EXPECT_EQ(r.item_status.count(ids[0]), 0u) << "successful Changes get no Responses entry";
    expect_converged(env, *p, imap, "INBOX");
    expect_converged(env, *p, imap, "Trash");  // DeletesAsMoves defaults to 1
    EXPECT_EQ(p->collection("Trash").items.size(), 1u);

    // DeletesAsMoves 0: gone for good.
    sync_options hard;
    hard.deletes_as_moves = false;
    auto& trash = p->collection("Trash");
    const std::string in_trash = trash.items.begin()->first;
    auto d = p->device.sync(inbox.server_id, hard, {{client_change::remove, ids[4]}});
    EXPECT_EQ(d.status, 1u);
    auto t = p->device.sync(trash.server_id, hard, {{client_change::remove, in_trash}});
    EXPECT_EQ(t.status, 1u);
    expect_converged(env, *p, imap, "INBOX");
    expect_converged(env, *p, imap, "Trash");
    EXPECT_EQ(server_view(imap, "Trash").size(), 0u) << "a hard delete moved to Trash, or Trash's did not expunge";
    EXPECT_TRUE(p->device.anomalies.empty()) << p->problems();
  }
}

TYPED_TEST(MailSync, ForgedServerIdsAreNotFound) {
  auto& env = *this->env_;
  // Item ServerIds are "<collection>:<uid>" and CollectionIds are per user, so the victim's ids can be
  // the same strings as the forger's own items. The victim has more messages than the forger, and the
  // forged id is one of the victim's that names nothing of the forger's.
  const auto victim = user_for("victim", "14.1");
  auto vimap = env.imap(victim);
  seed_small(vimap, "INBOX", "secret", 6);
  auto v = new_phone(env, victim, "14.1");
  expect_converged(env, *v, vimap, "INBOX");

  const auto user = user_for("forger", "14.1");
  auto imap = env.imap(user);
  seed_small(imap, "INBOX", "mine", 2);
  auto p = new_phone(env, user, "14.1");
  expect_converged(env, *p, imap, "INBOX");
  auto& inbox = p->collection("INBOX");
  const std::string mine = inbox.items.begin()->first;
  std::string victims_item;
  for (const auto& [id, item] : v->collection("INBOX").items) {
    if (!inbox.items.contains(id)) victims_item = id;
  }
  ASSERT_FALSE(victims_item.empty()) << "every id of the victim is also one of the forger's";

  struct forged_id {
    std::string id;
    bool malformed;  // not "<collection>:<uid>" at all
  };
  const std::vector<forged_id> forged_ids = {
      {victims_item, false},      {inbox.server_id + ":4000000000", false}, {"abc", true},
      {"", true},                 {mine + "0", false},                      {"99999:1", false},
      {std::string(300, '7'), true}};
  for (const auto& [forged, malformed] : forged_ids) {
    SCOPED_TRACE(forged);
    auto r = p->device.sync(inbox.server_id, {}, {{client_change::read, forged, true}, {client_change::fetch, forged}});
    // A malformed ServerId may fail the whole request as a protocol error ([MS-ASCMD] 2.2.3.177.17
    // Status 4) or just its item (Status 8, object not found); what must never happen is that it is
    // accepted or shows someone else's mail.
    if (malformed && r.top_status == 4u) continue;
    EXPECT_EQ(r.status, 1u) << r.response.xml();
    for (const auto& [id, st] : r.item_status) EXPECT_NE(st, 1u) << "forged id " << id << " accepted";
    for (const auto& d : r.fetched) EXPECT_EQ(text_of(d, "Email:Subject").find("secret"), std::string::npos);
  }
  // The victim's mail is untouched.
  for (const auto& m : server_view(vimap, "INBOX")) EXPECT_FALSE(m.read) << m.subject;
  // A CollectionId that is not one of ours.
  eas_device stranger(p->client);
  stranger.folders()["424242"].server_id = "424242";
  auto r = stranger.sync("424242");
  EXPECT_TRUE(r.status == 8 || r.status == 12 || r.top_status == 12u) << r.response.xml();
}

TYPED_TEST(MailSync, TenThousandMessagesInitialSync) {
  auto& env = *this->env_;
  const std::size_t n = TypeParam::condstore ? 10'000 : 2'000;
  const auto user = user_for("bulk", "14.1");
  write_maildir(env.run->path(), user, "INBOX", small_messages("bulk", n));
  auto imap = env.imap(user);
  ASSERT_EQ(imap.select("INBOX").exists, n);
  auto p = new_phone(env, user, "14.1");
  sync_options o;
  o.window_size = 512;
  auto& f = p->collection("INBOX");
  auto t = p->device.sync_all(f.server_id, o);
  EXPECT_EQ(t.last_status, 1u) << env.context();
  EXPECT_EQ(t.adds, n);
  EXPECT_EQ(f.items.size(), n);
  EXPECT_GE(t.requests, n / 512 + 1);
  EXPECT_EQ(diff_views(server_view(imap, "INBOX"), device_view(f)), "");
  EXPECT_TRUE(p->device.anomalies.empty()) << p->problems();
  // Nothing changed: nothing comes.
  auto quiet = p->device.sync(f.server_id, o);
  EXPECT_EQ(quiet.adds + quiet.changes + quiet.deletes, 0u);
}

}  // namespace
}  // namespace easd::test::mail
