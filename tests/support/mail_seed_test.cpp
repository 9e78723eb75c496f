// The second IMAP client and the seeding helpers against a real Dovecot: what the mail integration tests
// rely on before they involve easd at all.
#include "tests/support/mail_seed.hpp"
#include "tests/support/services.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

namespace easd::test {
namespace {

class MailSeed : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    run_ = new run_dir("mailseed");
    dovecot_ = new dovecot_service(run_->path());
  }
  static void TearDownTestSuite() {
    delete dovecot_;
    delete run_;
  }
  static imap_test_client imap(const std::string& user) { return imap_test_client(dovecot_->imap_port(), user, "secret"); }
  static inline run_dir* run_ = nullptr;
  static inline dovecot_service* dovecot_ = nullptr;
};

TEST_F(MailSeed, CorpusRoundTripsThroughDovecot) {
  auto c = imap("seed1");
  EXPECT_TRUE(c.has("MULTIAPPEND"));
  EXPECT_TRUE(c.has("CONDSTORE"));
  const auto corpus = standard_corpus();
  const auto uids = seed_corpus(c, "INBOX", corpus);
  ASSERT_EQ(uids.size(), corpus.size());
  c.select("INBOX");
  for (const auto& m : corpus) {
    auto raw = c.fetch_section(uids.at(m.key));
    ASSERT_TRUE(raw) << m.key;
    EXPECT_EQ(*raw, m.mime) << m.key;
  }
  const auto view = server_view(c, "INBOX");
  EXPECT_EQ(view.size(), corpus.size());
}

TEST_F(MailSeed, SecondClientChangesAndObserves) {
  auto c = imap("seed2");
  const auto uids = seed_small(c, "INBOX", "x", 5);
  ASSERT_EQ(uids.size(), 5u);
  auto before = c.select("INBOX");
  EXPECT_EQ(before.exists, 5u);
  EXPECT_GT(before.highestmodseq, 0u);
  c.add_flags(std::to_string(uids[0]), "\\Seen \\Flagged");
  c.expunge(std::to_string(uids[1]));
  const auto moved = c.move(std::to_string(uids[2]), "Trash");
  ASSERT_EQ(moved.size(), 1u);
  auto msgs = c.messages(true);
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_TRUE(msgs[0].seen());
  EXPECT_TRUE(msgs[0].flagged());
  EXPECT_EQ(msgs[0].subject, small_subject("x", 0));
  EXPECT_EQ(server_view(c, "Trash").size(), 1u);
  EXPECT_GT(c.status("INBOX").highestmodseq, before.highestmodseq);

  c.create("Projects");
  c.rename("Projects", "Archive2024");
  auto names = c.list();
  EXPECT_NE(std::find(names.begin(), names.end(), "Archive2024"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "Projects"), names.end());
  c.remove("Archive2024");
  for (const char* special : {"INBOX", "Drafts", "Sent", "Trash", "Junk"}) {
    names = c.list();
    EXPECT_NE(std::find(names.begin(), names.end(), special), names.end()) << special;
  }

  const auto old_validity = c.status("INBOX").uidvalidity;
  c.create("Reset");
  c.append_many("Reset", small_messages("r", 2));
  const auto v1 = c.status("Reset").uidvalidity;
  const auto v2 = c.reset_uidvalidity("Reset", small_messages("r", 2));
  EXPECT_NE(v1, v2);
  EXPECT_EQ(c.status("Reset").exists, 2u);
  EXPECT_EQ(c.status("INBOX").uidvalidity, old_validity);
}

TEST_F(MailSeed, ThousandMessagesThroughMultiappend) {
  auto c = imap("seed3");
  const auto start = std::chrono::steady_clock::now();
  const auto uids = seed_small(c, "INBOX", "bulk", 1'000);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(uids.size(), 1'000u);
  EXPECT_EQ(c.status("INBOX").exists, 1'000u);
  std::printf("  appended 1,000 messages in %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
}

TEST_F(MailSeed, MaildirWriteIsIndexedByDovecot) {
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(write_maildir(run_->path(), "seed5", "INBOX", small_messages("md", 10'000)), 10'000u);
  auto c = imap("seed5");
  const auto s = c.select("INBOX");
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(s.exists, 10'000u);
  auto view = server_view(c, "INBOX");
  ASSERT_EQ(view.size(), 10'000u);
  EXPECT_EQ(std::count_if(view.begin(), view.end(), [](const auto& m) { return m.subject.rfind("small md ", 0) == 0; }),
            10'000);
  std::printf("  wrote and indexed 10,000 Maildir messages in %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
}

TEST_F(MailSeed, LargeMessageAppends) {
  auto c = imap("seed4");
  const auto big = large_message();
  const auto uid = c.append("INBOX", big.mime);
  c.select("INBOX");
  auto raw = c.fetch_section(uid);
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->size(), big.mime.size());
}

TEST_F(MailSeed, WorksWithoutCondstore) {
  run_dir run("mailseed-nocs");
  dovecot_options no_condstore;
  no_condstore.condstore = false;
  dovecot_service plain(run.path(), no_condstore);
  imap_test_client c(plain.imap_port(), "nocs", "secret");
  EXPECT_FALSE(c.has("CONDSTORE"));
  seed_small(c, "INBOX", "n", 3);
  EXPECT_EQ(c.status("INBOX").exists, 3u);
  EXPECT_EQ(c.status("INBOX").highestmodseq, 0u);
}

}  // namespace
}  // namespace easd::test
