#include "tests/eas/protocol/commands/items_fixture.hpp"
#include "tests/eas/protocol/forwarding_mail_store.hpp"

#include <boost/system/errc.hpp>

#include <array>
#include <set>

namespace easd::protocol::test {
namespace {

// A mail store that moves like a server without UIDPLUS: no COPYUID, so no new UIDs. Optionally
// delivers another message into the destination while moving (a race the fallback must notice).
class no_copyuid_store final : public forwarding_mail_store {
public:
  explicit no_copyuid_store(backend::fake_mail_store& inner) : forwarding_mail_store(inner), fake_(inner) {}
  bool race = false;

  net::awaitable<result<std::vector<std::pair<std::uint32_t, std::uint32_t>>>> move(const backend::account& a,
                                                                                   std::string f, uid_set u,
                                                                                   std::string to) override {
    const std::string dst = to;
    auto r = co_await fake_.move(a, std::move(f), std::move(u), std::move(to));
    if (!r) co_return r.error();
    if (race) fake_.add_message(dst, backend::fake_message::plain("racing", "x@example.test", "x"));
    co_return std::vector<std::pair<std::uint32_t, std::uint32_t>>{};
  }

private:
  backend::fake_mail_store& fake_;
};

wbxml::element request(std::initializer_list<std::array<std::string, 3>> moves) {
  auto root = wbxml::element::named("Move:MoveItems");
  for (const auto& m : moves) {
    auto& e = root.add("Move:Move");
    e.add("Move:SrcMsgId", m[0]);
    e.add("Move:SrcFldId", m[1]);
    e.add("Move:DstFldId", m[2]);
  }
  return root;
}

struct move_result {
  std::string src;
  unsigned status = 0;
  std::optional<std::string> dst;
};

std::vector<move_result> results(const wbxml::element& doc) {
  std::vector<move_result> out;
  for (const auto& r : doc.children()) {
    move_result m;
    m.src = std::string(r.child_text("Move:SrcMsgId").value_or(""));
    m.status = static_cast<unsigned>(std::stoul(std::string(r.child_text("Move:Status").value_or("0"))));
    if (const auto d = r.child_text("Move:DstMsgId")) m.dst = std::string(*d);
    out.push_back(m);
  }
  return out;
}

class MoveItemsTest : public ItemsTest {
protected:
  void SetUp() override {
    work_ = mail_.add_folder("Work");
    uid_ = mail_.add_message("F1", backend::fake_message::plain("Hi", "Bob <bob@example.test>", "hello"));
    inbox_ = collection("F1");
    work_coll_ = collection(work_);
    ASSERT_FALSE(inbox_.empty());
    ASSERT_FALSE(work_coll_.empty());
  }
  std::string msg(std::uint32_t uid) const { return item_server_id(inbox_, uid); }

  std::string work_, inbox_, work_coll_;
  std::uint32_t uid_ = 0;
};

TEST_F(MoveItemsTest, MovesWithTheNewServerIdFromCopyuid) {
  const auto r = run(context("MoveItems"), request({{msg(uid_), inbox_, work_coll_}}));
  ASSERT_EQ(r.http_status, 200u);
  EXPECT_EQ(r.content_type, wbxml_content_type);
  EASD_EXPECT_VALID("moveitems", r.body);
  const auto res = results(decode(r));
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(res[0].src, msg(uid_));
  EXPECT_EQ(res[0].status, 3u);
  const auto moved = mail_.uids(work_);
  ASSERT_EQ(moved.size(), 1u);
  ASSERT_TRUE(res[0].dst);
  EXPECT_EQ(*res[0].dst, item_server_id(work_coll_, moved.ranges()[0].first));
  EXPECT_TRUE(mail_.uids("F1").empty());
}

TEST_F(MoveItemsTest, MovesOfOnePairGoAsOneBackendMove) {
  const auto u2 = mail_.add_message("F1", backend::fake_message::plain("2", "a@example.test", "b"));
  const auto u3 = mail_.add_message("F1", backend::fake_message::plain("3", "a@example.test", "b"));
  mail_.reset_calls();
  const auto r = run(context("MoveItems"), request({{msg(u3), inbox_, work_coll_},
                                                    {msg(uid_), inbox_, work_coll_},
                                                    {msg(u2), inbox_, work_coll_}}));
  const auto res = results(decode(r));
  ASSERT_EQ(res.size(), 3u);
  EXPECT_EQ(mail_.calls("move"), 1);
  std::set<std::string> dsts;
  for (const auto& m : res) {
    EXPECT_EQ(m.status, 3u);
    ASSERT_TRUE(m.dst);
    dsts.insert(*m.dst);
  }
  EXPECT_EQ(dsts.size(), 3u);
  EXPECT_EQ(res[0].src, msg(u3));  // request order kept
}

TEST_F(MoveItemsTest, WithoutCopyuidFindsTheNewUidsAboveUidnext) {
  const auto u2 = mail_.add_message("F1", backend::fake_message::plain("2", "a@example.test", "b"));
  no_copyuid_store plain(mail_);
  services svc = svc_;
  svc.mail = &plain;
  const auto r = run_on(svc, context("MoveItems"),
                        wbxml::encode_to_string(request({{msg(u2), inbox_, work_coll_}, {msg(uid_), inbox_, work_coll_}})));
  EASD_EXPECT_VALID("moveitems-nocopyuid", r.body);
  const auto res = results(decode(r));
  ASSERT_EQ(res.size(), 2u);
  const auto moved = mail_.uids(work_);
  ASSERT_EQ(moved.size(), 2u);
  const std::uint32_t first = moved.ranges()[0].first;
  // The lower source UID got the lower new UID.
  EXPECT_EQ(res[1].status, 3u);
  EXPECT_EQ(res[1].dst, item_server_id(work_coll_, first));
  EXPECT_EQ(res[0].status, 3u);
  EXPECT_EQ(res[0].dst, item_server_id(work_coll_, first + 1));
}

TEST_F(MoveItemsTest, WithoutCopyuidARacingDeliveryLeavesDstMsgIdOut) {
  no_copyuid_store plain(mail_);
  plain.race = true;
  services svc = svc_;
  svc.mail = &plain;
  const auto r = run_on(svc, context("MoveItems"), wbxml::encode_to_string(request({{msg(uid_), inbox_, work_coll_}})));
  EASD_EXPECT_VALID("moveitems-race", r.body);
  const auto res = results(decode(r));
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(res[0].status, 3u);
  EXPECT_FALSE(res[0].dst);
  EXPECT_EQ(mail_.uids(work_).size(), 2u);
}

TEST_F(MoveItemsTest, StatusPerItem) {
  const auto u2 = mail_.add_message("F1", backend::fake_message::plain("2", "a@example.test", "b"));
  const auto r = run(context("MoveItems"),
                     request({
                         {"x:1", inbox_, work_coll_},                      // forged id
                         {item_server_id(work_coll_, uid_), inbox_, work_coll_},  // id of another collection
                         {msg(uid_), "999", work_coll_},                  // unknown source
                         {msg(uid_), inbox_, "999"},                      // unknown destination
                         {msg(uid_), inbox_, inbox_},                     // same folder
                         {msg(4242), inbox_, work_coll_},                 // no such message
                         {msg(u2), inbox_, work_coll_},                   // fine
                         {msg(u2), inbox_, "999"},                        // second destination: 2 first
                         {msg(u2), inbox_, work_coll_},                   // named twice
                         {std::string("\x01\x02", 2), inbox_, work_coll_},  // unprintable: echoed as "0"
                     }));
  EASD_EXPECT_VALID("moveitems-statuses", r.body);
  const auto res = results(decode(r));
  ASSERT_EQ(res.size(), 10u);
  const unsigned expected[] = {1, 1, 1, 2, 4, 1, 3, 2, 5, 1};
  for (std::size_t i = 0; i < res.size(); ++i) EXPECT_EQ(res[i].status, expected[i]) << "item " << i;
  for (std::size_t i = 0; i < res.size(); ++i) EXPECT_EQ(res[i].dst.has_value(), i == 6) << "item " << i;
  EXPECT_EQ(res[0].src, "x:1");
  EXPECT_EQ(res[9].src, "0");
  EXPECT_TRUE(mail_.uids("F1").contains(uid_));
}

TEST_F(MoveItemsTest, AnotherUsersIdsAreUnknown) {
  // Bob's store has more folders, so his CollectionIds go beyond Ann's.
  backend::fake_mail_store bobs;
  for (const char* f : {"A", "B", "C", "D", "E"}) bobs.add_folder(f);
  const auto bob_e = bobs.folder_id("E");
  const auto bob_uid = bobs.add_message(bob_e, backend::fake_message::plain("secret", "x@example.test", "s"));
  services bob_svc = svc_;
  bob_svc.mail = &bobs;
  const auto bob_coll = collection_on(bob_svc, "bob@example.test", bob_e);
  ASSERT_FALSE(bob_coll.empty());
  ASSERT_EQ(collection_on(svc_, user_, bob_e), "");  // not one of Ann's ids

  const auto r = run(context("MoveItems"), request({{item_server_id(bob_coll, bob_uid), bob_coll, work_coll_},
                                                    {msg(uid_), inbox_, bob_coll}}));
  const auto res = results(decode(r));
  ASSERT_EQ(res.size(), 2u);
  EXPECT_EQ(res[0].status, 1u);
  EXPECT_EQ(res[1].status, 2u);
  EXPECT_TRUE(bobs.uids(bob_e).contains(bob_uid));
  EXPECT_TRUE(mail_.uids("F1").contains(uid_));
}

TEST_F(MoveItemsTest, BackendFailuresMapToStatuses) {
  mail_.fail_next(backend::mail_error::refused, "move");
  auto res = results(decode(run(context("MoveItems"), request({{msg(uid_), inbox_, work_coll_}}))));
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(res[0].status, 5u);

  mail_.fail_next(make_error_code(boost::system::errc::connection_reset), "move");
  res = results(decode(run(context("MoveItems"), request({{msg(uid_), inbox_, work_coll_}}))));
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(res[0].status, 7u);
  EXPECT_TRUE(mail_.uids("F1").contains(uid_));
}

TEST_F(MoveItemsTest, FolderListFailureIsRetryLater) {
  mail_.fail_next(make_error_code(boost::system::errc::connection_reset), "list_folders");
  const auto r = run(context("MoveItems"), request({{msg(uid_), inbox_, work_coll_}}));
  EXPECT_EQ(r.eas_status, 111u);
  mail_.fail_next(make_error_code(boost::system::errc::connection_reset), "list_folders");
  const auto r12 = run(context("MoveItems", protocol_version::v12_1), request({{msg(uid_), inbox_, work_coll_}}));
  EXPECT_EQ(r12.http_status, 503u);
}

TEST_F(MoveItemsTest, TooManyOrMalformedMovesAreInvalidXml) {
  auto root = wbxml::element::named("Move:MoveItems");
  for (int i = 0; i < 1001; ++i) {
    auto& e = root.add("Move:Move");
    e.add("Move:SrcMsgId", msg(uid_));
    e.add("Move:SrcFldId", inbox_);
    e.add("Move:DstFldId", work_coll_);
  }
  const auto r = run(context("MoveItems"), root);
  EXPECT_EQ(r.eas_status, 103u);
  EASD_EXPECT_VALID("moveitems-103", r.body);
  EXPECT_EQ(run(context("MoveItems", protocol_version::v12_1), root).http_status, 400u);

  auto missing = wbxml::element::named("Move:MoveItems");
  missing.add("Move:Move").add("Move:SrcMsgId", msg(uid_));
  EXPECT_EQ(run(context("MoveItems"), missing).eas_status, 103u);
  EXPECT_TRUE(mail_.uids("F1").contains(uid_));
}

}  // namespace
}  // namespace easd::protocol::test
