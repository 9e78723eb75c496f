// Shared set-up of the Sync tests: a fake mail store, a temporary SQLite state store, the blocking pool,
// requests run through the real dispatcher, and a device model that applies Sync responses the way a
// phone does (and counts what a phone would trip over: duplicate Adds, Changes/Deletes of unknown items).
#pragma once

#include "tests/eas/protocol/commands/protocol_fixture.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace easd::protocol::sync_test {

namespace net = boost::asio;

// The sync tests' name for the shared schema check (tests/eas/protocol/validate_response.hpp).
#define EASD_EXPECT_VALID_SYNC(name, body) EASD_EXPECT_VALID(name, body)

struct item {
  bool read = false;
  bool flagged = false;
  friend bool operator==(const item&, const item&) = default;
};

// A phone's view of one collection.
struct device_view {
  std::string key = "0";
  std::map<std::string, item> items;
  int duplicate_adds = 0, unknown_changes = 0, unknown_deletes = 0;
};

struct sync_params {
  std::optional<std::uint32_t> window;
  std::optional<bool> get_changes;
  std::optional<std::uint8_t> filter_type;
  std::optional<bool> deletes_as_moves;
  bool options = true;  // send an Options element (with FilterType if set)
  std::vector<wbxml::element> commands;
};

inline sync_params window_of(std::uint32_t n) {
  sync_params p;
  p.window = n;
  return p;
}
inline sync_params filter_of(std::uint8_t f) {
  sync_params p;
  p.filter_type = f;
  return p;
}
inline backend::message_flags flags_of(bool seen, bool flagged, bool answered = false) {
  backend::message_flags f;
  f.seen = seen;
  f.flagged = flagged;
  f.answered = answered;
  return f;
}

inline item item_of(const wbxml::element& data) {
  item it;
  if (auto r = data.child_text("Email:Read")) it.read = *r == "1";
  if (const auto* f = data.child("Email:Flag")) {
    auto s = f->child_text("Email:Status");
    it.flagged = s && *s == "2";
  }
  return it;
}

// Applies the Commands of a response Collection to the device.
inline void apply(device_view& d, const wbxml::element& collection) {
  if (auto k = collection.child_text("AirSync:SyncKey")) d.key = std::string(*k);
  const auto* cmds = collection.child("AirSync:Commands");
  if (!cmds) return;
  for (const auto& c : cmds->children()) {
    const std::string sid(c.child_text("AirSync:ServerId").value_or(""));
    const auto name = c.qualified_name();
    if (name == "AirSync:Add") {
      if (d.items.contains(sid)) ++d.duplicate_adds;
      const auto* data = c.child("AirSync:ApplicationData");
      d.items[sid] = data ? item_of(*data) : item{};
    } else if (name == "AirSync:Change") {
      auto it = d.items.find(sid);
      if (it == d.items.end()) {
        ++d.unknown_changes;
        continue;
      }
      it->second = item_of(*c.child("AirSync:ApplicationData"));
    } else if (name == "AirSync:Delete" || name == "AirSync:SoftDelete") {
      if (d.items.erase(sid) == 0) ++d.unknown_deletes;
    }
  }
}

class SyncTest : public test::ProtocolFixture {
protected:
  SyncTest() {
    now_ = 1700000000 + 3600;
    inbox_ = "F1";
  }

  using ProtocolFixture::context;
  request_context context(protocol_version v) const { return context("Sync", v); }

  reply run_body(std::string body, protocol_version v = protocol_version::v14_1) { return dispatch(context(v), body); }
  reply run(const wbxml::element& request, protocol_version v = protocol_version::v14_1) {
    return run_body(wbxml::encode_to_string(request), v);
  }

  static wbxml::element request(const std::string& key, const std::string& cid, const sync_params& p) {
    auto root = wbxml::element::named("AirSync:Sync");
    auto& c = root.add("AirSync:Collections").add("AirSync:Collection");
    c.add("AirSync:SyncKey", key);
    c.add("AirSync:CollectionId", cid);
    if (p.deletes_as_moves) c.add("AirSync:DeletesAsMoves", *p.deletes_as_moves ? "1" : "0");
    if (p.get_changes) c.add("AirSync:GetChanges", *p.get_changes ? "1" : "0");
    if (p.window) c.add("AirSync:WindowSize", std::to_string(*p.window));
    if (p.options) {
      auto& o = c.add("AirSync:Options");
      if (p.filter_type) o.add("AirSync:FilterType", std::to_string(*p.filter_type));
      auto& b = o.add("AirSyncBase:BodyPreference");
      b.add("AirSyncBase:Type", "1");
      b.add("AirSyncBase:TruncationSize", "200");
    }
    if (!p.commands.empty()) {
      auto& cmds = c.add("AirSync:Commands");
      for (const auto& e : p.commands) cmds.add(e);
    }
    return root;
  }

  // The response's Collection (first one), or an empty element.
  static wbxml::element first_collection(const wbxml::element& root) {
    const auto* cs = root.child("AirSync:Collections");
    if (!cs || cs->children().empty()) return {};
    return cs->children().front();
  }

  static std::string status_of(const wbxml::element& collection) {
    return std::string(collection.child_text("AirSync:Status").value_or(""));
  }

  // One Sync of the device's collection; the device applies the response. Returns the Collection.
  wbxml::element sync(device_view& d, const std::string& cid, const sync_params& p = {},
                      protocol_version v = protocol_version::v14_1) {
    last_reply_ = run(request(d.key, cid, p), v);
    EXPECT_EQ(last_reply_.http_status, 200u);
    auto root = decode(last_reply_);
    auto c = first_collection(root);
    apply(d, c);
    return c;
  }

  // Syncs from key 0 until MoreAvailable is gone; returns the number of requests.
  int full_sync(device_view& d, const std::string& cid, sync_params p = {}) {
    d = device_view{};
    sync(d, cid, p);
    int n = 1;
    while (true) {
      auto c = sync(d, cid, p);
      ++n;
      if (!c.child("AirSync:MoreAvailable") || n > 10000) break;
    }
    return n;
  }

  static wbxml::element change_cmd(const std::string& sid, std::optional<bool> read, std::optional<bool> flagged) {
    auto e = wbxml::element::named("AirSync:Change");
    e.add("AirSync:ServerId", sid);
    auto& data = e.add("AirSync:ApplicationData");
    if (read) data.add("Email:Read", *read ? "1" : "0");
    if (flagged) data.add("Email:Flag").add("Email:Status", *flagged ? "2" : "0");
    return e;
  }
  static wbxml::element simple_cmd(const char* name, const std::string& sid) {
    auto e = wbxml::element::named(name);
    e.add("AirSync:ServerId", sid);
    return e;
  }

  // The device must equal the folder: every message (in `window` if given) with its flags.
  void expect_converged(const device_view& d, const std::string& folder, const std::string& cid,
                        std::optional<std::int64_t> since = std::nullopt) {
    std::map<std::string, item> want;
    const auto present = mail_.uids(folder);
    for (const auto& r : present.ranges()) {
      for (std::uint64_t u = r.first; u <= r.last; ++u) {
        const auto uid = static_cast<std::uint32_t>(u);
        if (since && internal_dates_[uid] < *since) continue;
        const auto f = mail_.flags(folder, uid);
        want[item_server_id(cid, uid)] = item{f->seen, f->flagged};
      }
    }
    EXPECT_EQ(d.items, want);
    EXPECT_EQ(d.duplicate_adds, 0);
    EXPECT_EQ(d.unknown_changes, 0);
  }

  std::uint32_t deliver(const std::string& folder, const std::string& subject, std::int64_t date = 1700000000) {
    auto m = backend::fake_message::plain(subject, "Ann <ann@example.com>", "hello " + subject);
    m.internal_date = date;
    const auto uid = mail_.add_message(folder, std::move(m));
    internal_dates_[uid] = date;
    return uid;
  }

  std::string inbox_;
  reply last_reply_;
  std::map<std::uint32_t, std::int64_t> internal_dates_;
};

}  // namespace easd::protocol::sync_test
