// Client → server Commands of a Sync collection ([MS-ASCMD] 2.2.3.24.1): Change (Read, Flag), Delete
// (DeletesAsMoves), Fetch, and Add (refused for email, except 16.x drafts: sync_drafts.hpp). Responses
// carry an entry for every Add and Fetch and for failed Changes / Deletes only ([MS-ASCMD] 2.2.3.154).
//
// A ServerId is trusted only when it parses, names this collection and — for Change / Delete — is a
// message the device was sent (the cursor's known set); anything else is Status 8 and touches nothing.
#include "eas/core/log_escape.hpp"
#include "eas/protocol/commands/push_publish.hpp"
#include "eas/protocol/commands/sync_drafts.hpp"
#include "eas/protocol/commands/sync_request.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

namespace easd::protocol::sync_detail {
namespace {

std::string status_text(sync_status s) { return std::to_string(static_cast<unsigned>(s)); }

wbxml::element response(std::string_view name, const std::string& server_id, sync_status s) {
  auto e = wbxml::element::named(name);
  e.add("AirSync:ServerId", server_id);
  e.add("AirSync:Status", status_text(s));
  return e;
}

sync_status failure_status(const error_code& ec) {
  return ec == backend::mail_error::not_found ? sync_status::object_not_found : sync_status::server_error;
}

bool has_pending_change(const std::vector<state::pending_item>& pending, const std::string& server_id) {
  return std::any_of(pending.begin(), pending.end(), [&](const state::pending_item& p) {
    return p.server_id == server_id && p.kind == state::change_kind::change;
  });
}

// A Delete or SoftDelete of server_id is queued for the device.
bool has_pending_removal(const std::vector<state::pending_item>& pending, const std::string& server_id) {
  return std::any_of(pending.begin(), pending.end(), [&](const state::pending_item& p) {
    return p.server_id == server_id &&
           (p.kind == state::change_kind::remove || p.kind == state::change_kind::soft_delete);
  });
}

void drop_pending(std::vector<state::pending_item>& pending, const std::string& server_id) {
  std::erase_if(pending, [&](const state::pending_item& p) { return p.server_id == server_id; });
}

}  // namespace

boost::asio::awaitable<client_result> apply_client_commands(services& svc, const request_context& ctx,
                                                            const mail_collection& collection,
                                                            const mail_sync_options& opts,
                                                            const collection_request& req,
                                                            state::mail_cursor& cursor,
                                                            std::vector<state::pending_item>& pending,
                                                            std::vector<state::client_add>& client_adds,
                                                            bool replay) {
  client_result out;
  std::vector<std::optional<wbxml::element>> slots(req.commands.size());
  const backend::account acct = account_of(ctx);
  const std::string folder_id = collection.folder.id;

  // The UID of a ServerId that names a message of this collection (known: one the device was sent).
  const auto own_uid = [&](const std::string& server_id, bool must_be_known) -> std::uint32_t {
    const auto ref = parse_item_server_id(server_id);
    if (!ref || ref->collection_id != collection.server_id) return 0;
    if (must_be_known && !cursor.known.contains(ref->uid)) return 0;
    return ref->uid;
  };

  const bool drafts = is_draft_collection(collection, ctx.version);
  std::vector<std::pair<std::size_t, std::uint32_t>> deletes, fetches;
  for (std::size_t i = 0; i < req.commands.size(); ++i) {
    const auto& cmd = req.commands[i];
    if (cmd.k == client_command::kind::add && drafts) {
      if (replay) {
        slots[i] = replay_draft_add(collection, cmd, client_adds);
        continue;
      }
      auto done = co_await apply_draft_add(svc, ctx, collection, cmd, cursor, pending, client_adds);
      slots[i] = std::move(done.response);
      out.changed_state = out.changed_state || done.changed_state;
      continue;
    }
    if (cmd.k == client_command::kind::add) {
      // [MS-ASCMD] 2.2.3.7.2: email cannot be added through Sync, except drafts in 16.0+ (above).
      auto e = wbxml::element::named("AirSync:Add");
      e.add("AirSync:ClientId", cmd.client_id);
      e.add("AirSync:Status", status_text(sync_status::conversion_error));
      slots[i] = std::move(e);
      continue;
    }
    if (cmd.k == client_command::kind::fetch) {
      const auto uid = own_uid(cmd.server_id, false);
      if (uid == 0) {
        slots[i] = response("AirSync:Fetch", cmd.server_id, sync_status::object_not_found);
      } else {
        fetches.emplace_back(i, uid);
      }
      continue;
    }
    const auto uid = own_uid(cmd.server_id, true);
    const char* name = cmd.k == client_command::kind::change ? "AirSync:Change" : "AirSync:Delete";
    if (uid == 0 && cmd.k == client_command::kind::remove && own_uid(cmd.server_id, false) != 0 &&
        has_pending_removal(pending, cmd.server_id)) {
      // Another client expunged (or moved) the message just before the device deleted it: this Sync
      // found it vanished and queued a Delete, which must not come back to a device that no longer has
      // the item. The device got what it asked for: answered like a successful Delete (no Response).
      drop_pending(pending, cmd.server_id);
      out.changed_state = true;
      continue;
    }
    if (uid == 0) {
      slots[i] = response(name, cmd.server_id, sync_status::object_not_found);
      continue;
    }
    if (cmd.k == client_command::kind::remove) {
      deletes.emplace_back(i, uid);
      continue;
    }
    if (drafts && is_draft_edit(cmd)) {
      if (replay) continue;  // applied when the key was first presented
      auto done = co_await apply_draft_change(svc, ctx, collection, cmd, uid, cursor, pending);
      if (done.response) slots[i] = std::move(done.response);
      out.changed_state = out.changed_state || done.changed_state;
      continue;
    }
    // Change. Only Read and Flag are writable for email ([MS-ASEMAIL] 2.2.2.53, 2.2.2.35).
    if (replay || !cmd.application_data) continue;  // applied when the key was first presented
    const auto wanted = convert::parse_client_flag_change(*cmd.application_data);
    if (opts.conflict_server_wins && has_pending_change(pending, cmd.server_id)) {
      // [MS-ASCMD] 2.2.3.34: the server's version wins; the pending Change brings it to the device.
      slots[i] = response(name, cmd.server_id, sync_status::conflict);
      continue;
    }
    backend::message_flags add, remove;
    if (wanted.read) (*wanted.read ? add : remove).seen = true;
    if (wanted.flagged) (*wanted.flagged ? add : remove).flagged = true;
    if (!wanted.read && !wanted.flagged) continue;
    uid_set one;
    one.add(uid);
    auto done = co_await svc.mail->set_flags(acct, folder_id, std::move(one), add, remove);
    if (!done) {
      slots[i] = response(name, cmd.server_id, failure_status(done.error()));
      continue;
    }
    // The cursor learns the device's own change, so it does not come back as a server Change.
    auto flags = cursor_flags(cursor, uid);
    if (wanted.read) flags.seen = *wanted.read;
    if (wanted.flagged) flags.flagged = *wanted.flagged;
    set_cursor_flags(cursor, uid, flags);
    out.changed_state = true;
  }

  if (!deletes.empty() && !replay) {
    uid_set uids;
    for (const auto& [i, uid] : deletes) uids.add(uid);
    // DeletesAsMoves ([MS-ASCMD] 2.2.3.42): to Deleted Items, unless this is Deleted Items, the device
    // asked for hard deletes, or there is no such folder — then expunge.
    std::optional<mail_collection> trash;
    if (req.deletes_as_moves) {
      auto found = co_await find_role_collection(svc, ctx, backend::folder_role::trash);
      if (found && found->folder.id != collection.folder.id) trash = std::move(*found);
    }
    result<void> done;
    if (trash) {
      const std::string to = trash->folder.id;
      auto moved = co_await svc.mail->move(acct, folder_id, uids, to);
      if (!moved) done = moved.error();
    } else {
      done = co_await svc.mail->expunge(acct, folder_id, uids);
    }
    if (!done) {
      spdlog::info("sync: delete failed user={} collection={} error={}", log_escape(ctx.user),
                   log_escape(collection.server_id), done.error().message());
      for (const auto& [i, uid] : deletes) {
        slots[i] = response("AirSync:Delete", req.commands[i].server_id, failure_status(done.error()));
      }
    } else {
      // A client Delete beats a pending server change of the same message ([MS-ASCMD] 2.2.3.42.2).
      for (const auto& [i, uid] : deletes) {
        forget_uid(cursor, uid);
        cursor.backlog.remove(uid);
        drop_pending(pending, req.commands[i].server_id);
      }
      out.changed_state = true;
      if (trash) publish_mail_change(svc, ctx, trash->folder.id);  // the source: by the caller
    }
  }

  if (!fetches.empty()) {
    uid_set uids;
    for (const auto& [i, uid] : fetches) uids.add(uid);
    auto summaries = co_await svc.mail->summaries(acct, folder_id, std::move(uids));
    std::map<std::uint32_t, const backend::message_summary*> by_uid;
    if (summaries) {
      for (const auto& s : *summaries) by_uid[s.uid] = &s;
    }
    const auto ectx = email_context_for(svc, acct, collection);
    for (const auto& [i, uid] : fetches) {
      const auto& server_id = req.commands[i].server_id;
      if (!summaries) {
        slots[i] = response("AirSync:Fetch", server_id, sync_status::server_error);
        continue;
      }
      const auto it = by_uid.find(uid);
      if (it == by_uid.end()) {
        slots[i] = response("AirSync:Fetch", server_id, sync_status::object_not_found);
        continue;
      }
      auto data = co_await convert::email_application_data(ectx, *it->second, opts.email);
      if (!data) {
        // Expunged by another client between the summary and its parts: gone, not unconvertible.
        const auto s = data.error() == backend::mail_error::not_found ? sync_status::object_not_found
                       : is_message_fault(data.error())             ? sync_status::conversion_error
                                                                    : sync_status::server_error;
        slots[i] = response("AirSync:Fetch", server_id, s);
        continue;
      }
      auto e = response("AirSync:Fetch", server_id, sync_status::success);
      e.add(std::move(*data));
      slots[i] = std::move(e);
    }
  }

  for (auto& s : slots) {
    if (s) out.responses.push_back(std::move(*s));
  }
  co_return out;
}

}  // namespace easd::protocol::sync_detail
