// Randomised convergence: server-side changes (deliveries, flag changes, expunges) and client-side ones
// (Read/Flag changes, Deletes) interleave with Syncs of random window sizes, and some responses are lost
// and the request repeated with the old key (as a phone does). After every quiet phase the device's view
// must equal the folder, with no duplicate Adds and no Changes of unknown items — on both the CONDSTORE
// and the slow path.
#include "tests/eas/protocol/commands/sync_fixture.hpp"

#include <random>
#include <set>
#include <tuple>

namespace easd::protocol::sync_test {
namespace {

class SyncConvergence : public SyncTest, public ::testing::WithParamInterface<std::tuple<bool, unsigned>> {};

// Status 8 for a device's Change/Delete: the phone drops the item.
void apply_responses(device_view& d, const wbxml::element& collection) {
  const auto* r = collection.child("AirSync:Responses");
  if (!r) return;
  for (const auto& e : r->children()) {
    if (e.child_text("AirSync:Status").value_or("") == "8") {
      d.items.erase(std::string(e.child_text("AirSync:ServerId").value_or("")));
    }
  }
}

TEST_P(SyncConvergence, DeviceEqualsFolder) {
  const auto [condstore, seed] = GetParam();
  mail_.set_condstore(condstore);
  mail_.add_folder("Trash", backend::folder_role::trash);
  std::mt19937 rng(seed);
  const auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
  for (int i = 0; i < 30; ++i) deliver(inbox_, "seed");
  const auto cid = collection(inbox_);
  device_view d;
  sync(d, cid);
  int lost = 0;
  for (int round = 0; round < 60; ++round) {
    // Server side.
    const int server_ops = static_cast<int>(rng() % 4);
    for (int i = 0; i < server_ops; ++i) {
      const auto present = mail_.uids(inbox_);
      const auto op = rng() % 3;
      if (op == 0 || present.empty()) {
        deliver(inbox_, "r" + std::to_string(round));
        continue;
      }
      // A random present UID.
      std::vector<std::uint32_t> all;
      for (const auto& r : present.ranges()) {
        for (std::uint64_t u = r.first; u <= r.last; ++u) all.push_back(static_cast<std::uint32_t>(u));
      }
      const auto uid = all[rng() % all.size()];
      if (op == 1) {
        mail_.set_flags_external(inbox_, uid, flags_of(chance(50), chance(30), chance(20)));
      } else {
        uid_set one;
        one.add(uid);
        mail_.expunge_external(inbox_, one);
      }
    }
    // Client side: a few commands on items the device has.
    sync_params p;
    p.window = 1 + rng() % 15;
    std::vector<std::string> have;
    for (const auto& [sid, it] : d.items) have.push_back(sid);
    const int client_ops = have.empty() ? 0 : static_cast<int>(rng() % 3);
    std::set<std::string> touched;
    for (int i = 0; i < client_ops; ++i) {
      const auto sid = have[rng() % have.size()];
      if (!touched.insert(sid).second) continue;
      if (chance(70)) {
        const bool read = chance(50), flagged = chance(50);
        p.commands.push_back(change_cmd(sid, read, flagged));
        d.items[sid] = {read, flagged};
      } else {
        p.commands.push_back(simple_cmd("AirSync:Delete", sid));
        d.items.erase(sid);
      }
    }
    const auto before = d;
    auto c = sync(d, cid, p);
    ASSERT_EQ(status_of(c), "1") << "round " << round;
    if (chance(25)) {
      // The response never arrived: back to the old view (with the local edits) and repeat the request.
      d = before;
      ++lost;
      c = sync(d, cid, p);
      ASSERT_EQ(status_of(c), "1") << "replay in round " << round;
    }
    apply_responses(d, c);
    ASSERT_EQ(d.duplicate_adds, 0) << "round " << round;
    ASSERT_EQ(d.unknown_changes, 0) << "round " << round;
    if (round % 10 == 9) {
      // Quiet phase: sync until done, then the views must match.
      int n = 0;
      while (sync(d, cid, window_of(50)).child("AirSync:MoreAvailable") && ++n < 100) {
      }
      sync(d, cid);
      expect_converged(d, inbox_, cid);
    }
  }
  EXPECT_GT(lost, 0);
}

INSTANTIATE_TEST_SUITE_P(Seeds, SyncConvergence,
                         ::testing::Combine(::testing::Bool(), ::testing::Values(1u, 2u, 3u, 4u, 5u, 6u)));

}  // namespace
}  // namespace easd::protocol::sync_test
