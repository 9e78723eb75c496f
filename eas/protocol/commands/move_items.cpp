// MoveItems ([MS-ASCMD] 2.2.1.12; status 2.2.3.177.10): moves messages between the user's mail folders
// and tells the device each message's new ServerId (DstMsgId), which it renames its copy to.
//
// - Ids are resolved against one LIST of the user's own folders, so another user's or a forged id is
//   Status 1 / 2 like any unknown one, and nothing about other mailboxes shows.
// - Moves are batched per (source, destination) pair: one UID MOVE each. The new UIDs come from COPYUID
//   (RFC 4315). A server without UIDPLUS does not say them; then the destination's UIDs at or above its
//   UIDNEXT from before the move are the moved messages, in source order (RFC 9051 gives copies
//   ascending UIDs in the order of the source set) — but only when exactly as many appeared; if another
//   delivery raced in the answer is Status 3 without DstMsgId, and the device's next Sync of the
//   destination brings the message under its real id.
// - The device already knows the result (it moved the item itself and renames it to DstMsgId), so, as
//   Exchange does, its next Syncs must not echo the move: the newest sync state of the source forgets
//   the old UID and the destination's knows the new one, with the flags the device had for it
//   (state_store::amend_latest_sync_state). A collection without a sync state is left alone.
#include "eas/core/log_escape.hpp"
#include "eas/protocol/commands/items.hpp"
#include "eas/protocol/commands/mail_folders.hpp"
#include "eas/protocol/commands/push_publish.hpp"
#include "eas/protocol/dispatcher.hpp"
#include "eas/protocol/state/mail_cursor.hpp"
#include "eas/wbxml/code_pages.hpp"
#include "eas/wbxml/codec.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <utility>
#include <vector>

namespace easd::protocol {
namespace {

namespace net = boost::asio;

// [MS-ASCMD] 3.1.5.10: at most 1000 Move elements, else Status 103.
constexpr std::size_t max_moves = 1000;

// [MS-ASCMD] 2.2.3.177.10 MoveItems Status.
enum class move_status : unsigned {
  invalid_source = 1,       // source collection or item unknown (also: not this user's, forged)
  invalid_destination = 2,
  success = 3,
  same_folder = 4,
  failed = 5,               // one item named twice, or the server refused the move
  locked = 7,               // transient: the client retries
};

struct move_item {
  std::string src_msg_id;  // as the device sent it (echoed sanitised)
  move_status status = move_status::invalid_source;
  std::uint32_t uid = 0;
  const mail_collection* src = nullptr;
  const mail_collection* dst = nullptr;
  std::uint32_t new_uid = 0;  // 0: unknown
};

const command_info& row() { return *command_table::standard().find("MoveItems"); }

// The device's SrcMsgId goes back in the response; only printable ASCII (what easd's ids are) is echoed.
std::string echo(std::string_view id) {
  const bool clean = !id.empty() && id.size() <= 64 &&
                     std::all_of(id.begin(), id.end(), [](char c) { return c > 0x20 && c < 0x7F; });
  return clean ? std::string(id) : std::string("0");
}

const mail_collection* lookup(const std::vector<mail_collection>& all, std::string_view id) {
  for (const auto& c : all) {
    if (c.server_id == id) return c.folder.selectable ? &c : nullptr;
  }
  return nullptr;
}

move_status status_of(const error_code& ec) {
  if (ec == backend::mail_error::not_found) return move_status::invalid_source;
  if (ec == backend::mail_error::refused || ec == backend::mail_error::too_large) return move_status::failed;
  return move_status::locked;
}

// Moves one batch (same source and destination) and fills in statuses and new UIDs.
net::awaitable<void> move_batch(services& svc, const backend::account& acct, std::vector<move_item*>& batch) {
  const std::string src_id = batch.front()->src->folder.id;
  const std::string dst_id = batch.front()->dst->folder.id;
  uid_set wanted;
  for (const auto* m : batch) wanted.add(m->uid);

  backend::search_criteria criteria;
  criteria.uids = wanted;
  auto present = co_await svc.mail->search(acct, src_id, std::move(criteria));
  if (!present) {
    for (auto* m : batch) m->status = status_of(present.error());
    co_return;
  }
  std::vector<move_item*> moving;
  for (auto* m : batch) {
    if (present->contains(m->uid)) moving.push_back(m);
    else m->status = move_status::invalid_source;  // gone, or \Deleted (invisible to devices)
  }
  if (moving.empty()) co_return;

  // The destination's UIDNEXT before the move is the fallback when the server gives no COPYUID.
  auto before = co_await svc.mail->status(acct, dst_id);
  auto moved = co_await svc.mail->move(acct, src_id, *present, dst_id);
  if (!moved) {
    spdlog::info("MoveItems: move failed error={}", moved.error().message());
    for (auto* m : moving) m->status = status_of(moved.error());
    co_return;
  }
  std::map<std::uint32_t, std::uint32_t> new_uid(moved->begin(), moved->end());
  std::vector<move_item*> unknown;
  for (auto* m : moving) {
    m->status = move_status::success;
    if (const auto it = new_uid.find(m->uid); it != new_uid.end() && it->second != 0) {
      m->new_uid = it->second;
    } else {
      unknown.push_back(m);
    }
  }
  if (unknown.empty() || !before || before->uidnext == 0) co_return;

  backend::search_criteria fresh;
  uid_set above;
  above.add_range(before->uidnext, std::numeric_limits<std::uint32_t>::max());
  fresh.uids = std::move(above);
  fresh.include_deleted = true;
  auto appeared = co_await svc.mail->search(acct, dst_id, std::move(fresh));
  if (!appeared || appeared->size() != unknown.size()) co_return;
  std::sort(unknown.begin(), unknown.end(), [](const move_item* a, const move_item* b) { return a->uid < b->uid; });
  std::size_t i = 0;
  for (const auto& r : appeared->ranges()) {
    for (std::uint64_t uid = r.first; uid <= r.last && i < unknown.size(); ++uid) {
      unknown[i++]->new_uid = static_cast<std::uint32_t>(uid);
    }
  }
}

// The moves of one collection, as the device's sync state must learn them.
struct cursor_edit {
  std::vector<std::uint32_t> gone;                                  // source UIDs the device moved away
  std::vector<std::pair<std::uint32_t, std::uint32_t>> arrived;     // (new UID, source UID) per destination
  const mail_collection* from = nullptr;                            // the arrivals' source (flags)
};

void forget_uid(state::mail_cursor& c, std::uint32_t uid) {
  for (auto* set : {&c.known, &c.seen, &c.flagged, &c.answered, &c.forwarded, &c.backlog, &c.skipped}) {
    set->remove(uid);
  }
}

// Applies the device's moves to the newest sync state of the sources and destinations. Best effort: a
// failure only means the next Sync reports the move as Delete + Add, which devices cope with.
net::awaitable<void> record_moves(services& svc, const request_context& ctx, const std::vector<move_item>& items) {
  if (!svc.state || !svc.blocking) co_return;
  // Flags of each moved source UID as the device knows them, read from the source cursors first.
  std::map<std::string, cursor_edit> edits;  // by collection ServerId
  std::map<std::string, std::vector<const move_item*>> arrivals;
  for (const auto& m : items) {
    if (m.status != move_status::success) continue;
    edits[m.src->server_id].gone.push_back(m.uid);
    if (m.new_uid != 0) arrivals[m.dst->server_id].push_back(&m);
  }
  const state::device_ref dev{ctx.user, ctx.device_id};
  std::map<std::pair<std::string, std::uint32_t>, state::mail_cursor> known_flags;  // (source, uid) → flags
  for (const auto& [cid, edit] : edits) {
    const std::string collection = cid;
    const std::vector<std::uint32_t> gone = edit.gone;
    std::map<std::uint32_t, state::mail_cursor> flags;
    auto amend_source = [&] {
      return svc.state->amend_latest_sync_state(dev, collection, [&](state::sync_state& s) {
        auto c = state::mail_cursor::parse(s.cursor);
        if (!c) return false;
        for (const auto uid : gone) {
          state::mail_cursor f;
          if (c->seen.contains(uid)) f.seen.add(uid);
          if (c->flagged.contains(uid)) f.flagged.add(uid);
          if (c->answered.contains(uid)) f.answered.add(uid);
          if (c->forwarded.contains(uid)) f.forwarded.add(uid);
          flags[uid] = std::move(f);
          forget_uid(*c, uid);
          const std::string id = item_server_id(collection, uid);
          std::erase_if(s.pending, [&](const state::pending_item& p) { return p.server_id == id; });
        }
        s.cursor = c->serialize();
        return true;
      });
    };
    auto r = co_await run_blocking(*svc.blocking, amend_source);
    if (!r) spdlog::info("MoveItems: source state not amended error={}", r.error().message());
    for (auto& [uid, f] : flags) known_flags[{collection, uid}] = std::move(f);
  }
  for (const auto& arrival : arrivals) {
    // Named, not structured bindings: clang 14 cannot capture those in the lambdas below.
    const std::string collection = arrival.first;
    const auto& moved = arrival.second;
    auto amend_destination = [&] {
      return svc.state->amend_latest_sync_state(dev, collection, [&](state::sync_state& s) {
        auto c = state::mail_cursor::parse(s.cursor);
        if (!c) return false;
        for (const auto* m : moved) {
          const auto uid = m->new_uid;
          forget_uid(*c, uid);
          c->known.add(uid);
          // Unknown flags (the source had no state): unset, so the next Sync sends a Change if they differ.
          if (const auto it = known_flags.find({m->src->server_id, m->uid}); it != known_flags.end()) {
            if (!it->second.seen.empty()) c->seen.add(uid);
            if (!it->second.flagged.empty()) c->flagged.add(uid);
            if (!it->second.answered.empty()) c->answered.add(uid);
            if (!it->second.forwarded.empty()) c->forwarded.add(uid);
          }
        }
        s.cursor = c->serialize();
        return true;
      });
    };
    auto r = co_await run_blocking(*svc.blocking, amend_destination);
    if (!r) spdlog::info("MoveItems: destination state not amended error={}", r.error().message());
  }
}

}  // namespace

net::awaitable<reply> move_items(services& svc, request_context& ctx, const wbxml::element* request) {
  if (!request) co_return status_reply(row(), common_status::invalid_xml, ctx.version);
  constexpr auto move_tag = wbxml::tag_of("Move:Move");
  const auto& children = request->children();
  if (children.empty() || children.size() > max_moves) {
    co_return status_reply(row(), common_status::invalid_xml, ctx.version);
  }
  for (const auto& m : children) {
    if (m.id() != move_tag || !m.child_text("Move:SrcMsgId") || !m.child_text("Move:SrcFldId") ||
        !m.child_text("Move:DstFldId")) {
      co_return status_reply(row(), common_status::invalid_xml, ctx.version);
    }
  }
  if (!svc.mail) co_return status_reply(row(), common_status::server_error, ctx.version);

  auto all = co_await list_mail_collections(svc, ctx);
  if (!all) {
    spdlog::info("MoveItems: folder list failed user={} error={}", log_escape(ctx.user), all.error().message());
    co_return status_reply(row(), common_status::server_error_retry_later, ctx.version);
  }

  std::vector<move_item> items(children.size());
  std::set<std::pair<const mail_collection*, std::uint32_t>> named;
  // Batches keyed by (source, destination), each in request order.
  std::map<std::pair<const mail_collection*, const mail_collection*>, std::vector<move_item*>> batches;
  for (std::size_t i = 0; i < children.size(); ++i) {
    const auto& m = children[i];
    auto& item = items[i];
    const auto src_msg = *m.child_text("Move:SrcMsgId");
    const auto src_fld = *m.child_text("Move:SrcFldId");
    const auto dst_fld = *m.child_text("Move:DstFldId");
    item.src_msg_id = echo(src_msg);
    const auto ref = parse_item_server_id(src_msg);
    item.src = lookup(*all, src_fld);
    item.dst = lookup(*all, dst_fld);
    if (!ref || ref->collection_id != src_fld || !item.src) {
      item.status = move_status::invalid_source;
      continue;
    }
    item.uid = ref->uid;
    if (!item.dst) {
      item.status = move_status::invalid_destination;
      continue;
    }
    if (item.src == item.dst) {
      item.status = move_status::same_folder;
      continue;
    }
    if (!named.emplace(item.src, item.uid).second) {
      item.status = move_status::failed;  // one message to two destinations ([MS-ASCMD] 2.2.3.177.10)
      continue;
    }
    batches[{item.src, item.dst}].push_back(&item);
  }

  const auto acct = account_of(ctx);
  for (auto& [key, batch] : batches) co_await move_batch(svc, acct, batch);
  co_await record_moves(svc, ctx, items);
  // The user's other devices learn of the moves (issue 4 "easd itself"); this one already knows.
  std::set<std::string> touched;
  for (const auto& item : items) {
    if (item.status != move_status::success) continue;
    touched.insert(item.src->folder.id);
    touched.insert(item.dst->folder.id);
  }
  for (const auto& folder_id : touched) publish_mail_change(svc, ctx, folder_id);

  auto root = wbxml::element::named("Move:MoveItems");
  for (auto& item : items) {
    auto& r = root.add("Move:Response");
    r.add("Move:SrcMsgId", std::move(item.src_msg_id));
    r.add("Move:Status", std::to_string(static_cast<unsigned>(item.status)));
    if (item.status == move_status::success && item.new_uid != 0) {
      r.add("Move:DstMsgId", item_server_id(item.dst->server_id, item.new_uid));
    }
  }
  reply out;
  out.http_status = 200;
  out.content_type = wbxml_content_type;
  out.body = wbxml::encode_to_string(root);
  out.eas_status = static_cast<unsigned>(move_status::success);
  co_return out;
}

}  // namespace easd::protocol
