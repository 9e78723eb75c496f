// The SQLite send ledger: claims, finishing, releasing, the stale-claim rule, the per-user rate over a
// sliding window, pruning, and two store objects (two nodes) on one file racing for one ClientId.
#include "eas/protocol/state/sqlite_state_store.hpp"

#include "eas/protocol/state/error.hpp"
#include "eas/protocol/state/schema.hpp"
#include "tests/eas/protocol/state/temp_dir.hpp"

#include <gtest/gtest.h>

namespace easd::state {
namespace {

class SendLedger : public ::testing::Test {
protected:
  void SetUp() override {
    auto s = sqlite_state_store::open(path_);
    ASSERT_TRUE(s) << s.error().message();
    store_ = std::move(*s);
  }

  claim_request request(std::string key, std::int64_t now = 1000, unsigned recipients = 1) const {
    claim_request r;
    r.key = {.user = "ann", .device_id = "dev1", .key = std::move(key)};
    r.recipients = recipients;
    r.now = now;
    return r;
  }

  claim_outcome claim(const claim_request& r) {
    auto c = store_->claim(r);
    EXPECT_TRUE(c) << c.error().message();
    return c ? *c : claim_outcome::in_flight;
  }

  test::temp_dir dir_;
  std::string path_ = dir_.file("state.db");
  std::unique_ptr<sqlite_state_store> store_;
};

TEST_F(SendLedger, ClaimFinishAndRetry) {
  const auto r = request("c:1");
  EXPECT_EQ(claim(r), claim_outcome::claimed);
  EXPECT_EQ(claim(r), claim_outcome::in_flight);
  ASSERT_TRUE(store_->finish(r.key, send_result::sent, 1001));
  EXPECT_EQ(claim(r), claim_outcome::already_sent);
  // A release after the finish changes nothing: a sent message stays recorded.
  ASSERT_TRUE(store_->release(r.key));
  EXPECT_EQ(claim(r), claim_outcome::already_sent);
}

TEST_F(SendLedger, UnknownCountsAsSentAndReleaseAllowsARetry) {
  const auto a = request("c:a");
  EXPECT_EQ(claim(a), claim_outcome::claimed);
  ASSERT_TRUE(store_->finish(a.key, send_result::unknown, 1001));
  EXPECT_EQ(claim(a), claim_outcome::already_sent);

  const auto b = request("c:b");
  EXPECT_EQ(claim(b), claim_outcome::claimed);
  ASSERT_TRUE(store_->release(b.key));
  EXPECT_EQ(claim(b), claim_outcome::claimed);
}

TEST_F(SendLedger, FinishWithoutClaimIsNotFound) {
  const auto r = request("c:none");
  const auto done = store_->finish(r.key, send_result::sent, 1);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error(), state_error::not_found);
}

TEST_F(SendLedger, StaleClaimIsNeverSentAgain) {
  auto r = request("c:1", 1000);
  EXPECT_EQ(claim(r), claim_outcome::claimed);
  r.now = 1000 + r.stale_after - 1;
  EXPECT_EQ(claim(r), claim_outcome::in_flight);
  r.now = 1000 + r.stale_after;
  EXPECT_EQ(claim(r), claim_outcome::already_sent);
}

TEST_F(SendLedger, KeysArePerDevice) {
  auto r = request("c:1");
  EXPECT_EQ(claim(r), claim_outcome::claimed);
  r.key.device_id = "dev2";
  EXPECT_EQ(claim(r), claim_outcome::claimed);
}

TEST_F(SendLedger, RateCountsMessagesAndRecipientsOfTheUserInTheWindow) {
  send_rate rate{.max_messages = 2, .max_recipients = 0, .window_seconds = 100};
  auto a = request("c:a", 1000);
  a.rate = rate;
  auto b = request("c:b", 1010);
  b.rate = rate;
  auto c = request("c:c", 1020);
  c.rate = rate;
  EXPECT_EQ(claim(a), claim_outcome::claimed);
  EXPECT_EQ(claim(b), claim_outcome::claimed);
  EXPECT_EQ(claim(c), claim_outcome::rate_limited);
  // Every device of the user counts.
  c.key.device_id = "dev2";
  EXPECT_EQ(claim(c), claim_outcome::rate_limited);
  // A released (failed) send does not count; the window slides.
  ASSERT_TRUE(store_->release(b.key));
  EXPECT_EQ(claim(c), claim_outcome::claimed);
  auto d = request("c:d", 1101);
  d.rate = rate;
  EXPECT_EQ(claim(d), claim_outcome::claimed);

  auto big = request("c:big", 5000, 30);
  big.rate = {.max_messages = 0, .max_recipients = 50, .window_seconds = 100};
  EXPECT_EQ(claim(big), claim_outcome::claimed);
  auto more = request("c:more", 5001, 21);
  more.rate = big.rate;
  EXPECT_EQ(claim(more), claim_outcome::rate_limited);
  more.recipients = 20;
  EXPECT_EQ(claim(more), claim_outcome::claimed);
}

TEST_F(SendLedger, OldRowsArePruned) {
  auto r = request("c:1", 1000);
  EXPECT_EQ(claim(r), claim_outcome::claimed);
  ASSERT_TRUE(store_->finish(r.key, send_result::sent, 1000));
  // Past retention the row is gone (a device does not retry for a week): the key is new again.
  r.now = 1000 + r.retention_seconds + 1;
  auto other = request("c:2", r.now);
  EXPECT_EQ(claim(other), claim_outcome::claimed);
  EXPECT_EQ(claim(r), claim_outcome::claimed);
}

TEST_F(SendLedger, TwoStoresOnOneFileClaimOnce) {
  auto second = sqlite_state_store::open(path_);
  ASSERT_TRUE(second);
  const auto r = request("c:race");
  EXPECT_EQ(claim(r), claim_outcome::claimed);
  auto c = (*second)->claim(r);
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, claim_outcome::in_flight);
}

TEST_F(SendLedger, IsMigrationThree) { EXPECT_EQ(detail::schema_version(), 3); }

TEST_F(SendLedger, InvalidKeysAreRefused) {
  auto r = request("");
  EXPECT_EQ(store_->claim(r).error(), state_error::invalid_argument);
  r = request(std::string(300, 'k'));
  EXPECT_EQ(store_->claim(r).error(), state_error::invalid_argument);
  r = request(std::string("c:\0x", 4));
  EXPECT_EQ(store_->claim(r).error(), state_error::invalid_argument);
}

}  // namespace
}  // namespace easd::state
