#include "tests/eas/protocol/commands/items_fixture.hpp"

#include "eas/protocol/state/mail_cursor.hpp"

#include <boost/system/errc.hpp>

namespace easd::protocol::test {
namespace {

constexpr std::int64_t now = 1700000000;

class GetItemEstimateTest : public ItemsTest {
protected:
  void SetUp() override {
    for (int i = 0; i < 3; ++i) {
      auto m = backend::fake_message::plain("recent", "a@example.test", "x");
      m.internal_date = now - 3600;
      mail_.add_message("F1", std::move(m));
    }
    auto old = backend::fake_message::plain("old", "a@example.test", "x");
    old.internal_date = now - 30 * 86400;
    mail_.add_message("F1", std::move(old));
    inbox_ = collection("F1");
    ASSERT_FALSE(inbox_.empty());
  }

  // A state as the first Sync (key 0 → 1) leaves it: nothing sent yet, so everything is backlog.
  std::string prime(const std::string& collection_id, const std::string& folder_id, bool everything_known = false) {
    state::mail_cursor c;
    const auto st = mail_.status_now(folder_id);
    c.uidvalidity = st->uidvalidity;
    if (everything_known) {
      c.highest_modseq = st->highest_modseq;
      c.uidnext = st->uidnext;
      c.messages = st->messages;
      c.known = mail_.uids(folder_id);
    }
    state::sync_state s;
    s.cursor = c.serialize();
    auto key = store_->commit_sync_state({user_, "dev1"}, collection_id, state::sync_key{}, s, std::nullopt);
    EXPECT_TRUE(key);
    return key ? key->to_string() : "";
  }

  static wbxml::element request14(const std::vector<std::pair<std::string, std::string>>& collections,
                                  std::optional<std::string> filter = std::nullopt) {
    auto root = wbxml::element::named("GetItemEstimate:GetItemEstimate");
    auto& cs = root.add("GetItemEstimate:Collections");
    for (const auto& [key, id] : collections) {
      auto& c = cs.add("GetItemEstimate:Collection");
      c.add("AirSync:SyncKey", key);
      c.add("GetItemEstimate:CollectionId", id);
      auto& o = c.add("AirSync:Options");
      o.add("AirSync:Class", "Email");
      if (filter) o.add("AirSync:FilterType", *filter);
    }
    return root;
  }

  struct estimate {
    unsigned status = 0;
    std::optional<std::string> collection_id;
    std::optional<std::uint64_t> count;
  };
  static std::vector<estimate> estimates(const wbxml::element& doc) {
    std::vector<estimate> out;
    for (const auto& r : doc.children()) {
      if (r.qualified_name() != "GetItemEstimate:Response") continue;
      estimate e;
      e.status = static_cast<unsigned>(std::stoul(std::string(r.child_text("GetItemEstimate:Status").value_or("0"))));
      if (const auto* c = r.child("GetItemEstimate:Collection")) {
        if (const auto id = c->child_text("GetItemEstimate:CollectionId")) e.collection_id = std::string(*id);
        if (const auto n = c->child_text("GetItemEstimate:Estimate")) e.count = std::stoull(std::string(*n));
      }
      out.push_back(e);
    }
    return out;
  }

  std::string inbox_;
};

TEST_F(GetItemEstimateTest, CountsWhatTheNextSyncWouldSend14) {
  const auto key = prime(inbox_, "F1");
  const auto r = run(context("GetItemEstimate"), request14({{key, inbox_}}));
  ASSERT_EQ(r.http_status, 200u);
  EASD_EXPECT_VALID("getitemestimate", r.body);
  const auto e = estimates(decode(r));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].status, 1u);
  EXPECT_EQ(e[0].collection_id, inbox_);
  EXPECT_EQ(e[0].count, 4u);

  // FilterType 3 (one week) leaves the month-old message out.
  const auto f = estimates(decode(run(context("GetItemEstimate"), request14({{key, inbox_}}, "3"))));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].count, 3u);

  // The key did not advance: asking again gives the same.
  const auto again = estimates(decode(run(context("GetItemEstimate"), request14({{key, inbox_}}))));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].count, 4u);
}

TEST_F(GetItemEstimateTest, UpToDateStateCountsNewMail) {
  const auto key = prime(inbox_, "F1", true);
  auto e = estimates(decode(run(context("GetItemEstimate"), request14({{key, inbox_}}))));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].count, 0u);
  mail_.add_message("F1", backend::fake_message::plain("new", "a@example.test", "x"));
  e = estimates(decode(run(context("GetItemEstimate"), request14({{key, inbox_}}))));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].count, 1u);
}

TEST_F(GetItemEstimateTest, The12_1ShapeHasClassAndFilterTypeInTheCollection) {
  const auto key = prime(inbox_, "F1");
  auto root = wbxml::element::named("GetItemEstimate:GetItemEstimate");
  auto& c = root.add("GetItemEstimate:Collections").add("GetItemEstimate:Collection");
  c.add("GetItemEstimate:Class", "Email");
  c.add("GetItemEstimate:CollectionId", inbox_);
  c.add("AirSync:FilterType", "3");
  c.add("AirSync:SyncKey", key);
  const auto r = run(context("GetItemEstimate", protocol_version::v12_1), root);
  ASSERT_EQ(r.http_status, 200u);
  EASD_EXPECT_VALID("getitemestimate-12", r.body);
  const auto e = estimates(decode(r));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].status, 1u);
  EXPECT_EQ(e[0].count, 3u);
}

TEST_F(GetItemEstimateTest, StatusPerCollection) {
  const auto key = prime(inbox_, "F1");
  const auto other = collection(mail_.add_folder("Work"));
  const auto other_key = prime(other, mail_.folder_id("Work"));
  const auto r = run(context("GetItemEstimate"),
                     request14({{"0", inbox_},                                                   // not primed
                                {"{00000000-0000-4000-8000-000000000000}1", inbox_},             // unknown key
                                {"garbage", inbox_},                                              // malformed
                                {key, "999"},                                                     // no folder
                                {other_key, inbox_},                                              // other chain
                                {key, inbox_}}));
  EASD_EXPECT_VALID("getitemestimate-statuses", r.body);
  const auto e = estimates(decode(r));
  ASSERT_EQ(e.size(), 6u);
  EXPECT_EQ(e[0].status, 3u);
  EXPECT_EQ(e[1].status, 4u);
  EXPECT_EQ(e[2].status, 4u);
  EXPECT_EQ(e[3].status, 2u);
  EXPECT_EQ(e[4].status, 4u);
  EXPECT_EQ(e[5].status, 1u);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_FALSE(e[i].count) << i;
}

TEST_F(GetItemEstimateTest, OtherClassesAndMissingKeys) {
  const auto key = prime(inbox_, "F1");
  auto root = wbxml::element::named("GetItemEstimate:GetItemEstimate");
  auto& cs = root.add("GetItemEstimate:Collections");
  auto& cal = cs.add("GetItemEstimate:Collection");
  cal.add("AirSync:SyncKey", key);
  cal.add("GetItemEstimate:CollectionId", inbox_);
  cal.add("AirSync:Options").add("AirSync:Class", "Calendar");
  cal.add("AirSync:Options").add("AirSync:Class", "Contacts");
  cs.add("GetItemEstimate:Collection").add("GetItemEstimate:CollectionId", inbox_);  // no SyncKey
  cs.add("GetItemEstimate:Collection").add("AirSync:SyncKey", key);                   // no CollectionId
  const auto r = run(context("GetItemEstimate"), root);
  EASD_EXPECT_VALID("getitemestimate-class", r.body);
  const auto e = estimates(decode(r));
  ASSERT_EQ(e.size(), 3u);
  // Options naming only other classes leave the Email defaults; the collection is still mail.
  EXPECT_EQ(e[0].status, 1u);
  EXPECT_EQ(e[1].status, 4u);
  EXPECT_EQ(e[2].status, 2u);
  EXPECT_FALSE(e[2].collection_id);

  auto klass = wbxml::element::named("GetItemEstimate:GetItemEstimate");
  auto& c = klass.add("GetItemEstimate:Collections").add("GetItemEstimate:Collection");
  c.add("GetItemEstimate:Class", "Tasks");
  c.add("GetItemEstimate:CollectionId", inbox_);
  c.add("AirSync:SyncKey", key);
  const auto k = estimates(decode(run(context("GetItemEstimate", protocol_version::v12_1), klass)));
  ASSERT_EQ(k.size(), 1u);
  EXPECT_EQ(k[0].status, 2u);
}

TEST_F(GetItemEstimateTest, UidvalidityResetIsInvalidKey) {
  const auto key = prime(inbox_, "F1", true);
  mail_.reset_uidvalidity("F1");
  const auto e = estimates(decode(run(context("GetItemEstimate"), request14({{key, inbox_}}))));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].status, 4u);
}

TEST_F(GetItemEstimateTest, AnotherDevicesKeyIsInvalid) {
  const auto key = prime(inbox_, "F1");
  auto ctx = context("GetItemEstimate");
  ctx.device_id = "dev2";
  const auto e = estimates(decode(run(ctx, request14({{key, inbox_}}))));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].status, 4u);
}

TEST_F(GetItemEstimateTest, BackendFailureIsRetryLater) {
  const auto key = prime(inbox_, "F1");
  mail_.fail_next(make_error_code(boost::system::errc::connection_reset), "status");
  const auto r = run(context("GetItemEstimate"), request14({{key, inbox_}}));
  EXPECT_EQ(r.eas_status, 111u);
  EASD_EXPECT_VALID("getitemestimate-111", r.body);
}

TEST_F(GetItemEstimateTest, TooManyOrNoCollectionsAreInvalidXml) {
  std::vector<std::pair<std::string, std::string>> many(1001, {"0", inbox_});
  EXPECT_EQ(run(context("GetItemEstimate"), request14(many)).eas_status, 103u);
  EXPECT_EQ(run(context("GetItemEstimate", protocol_version::v12_1), request14(many)).http_status, 400u);
  auto empty = wbxml::element::named("GetItemEstimate:GetItemEstimate");
  empty.add("GetItemEstimate:Collections");
  EXPECT_EQ(run(context("GetItemEstimate"), empty).eas_status, 103u);
}

}  // namespace
}  // namespace easd::protocol::test
