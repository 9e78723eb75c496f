// Drafts in Sync: Add, Change and email2:Send against the mail store (see sync_drafts.hpp for the
// identity of an edited draft). Every step that fails leaves the store as it was or logs what it left.
#include "eas/protocol/commands/sync_drafts.hpp"

#include "eas/core/digest.hpp"
#include "eas/core/log_escape.hpp"
#include "eas/protocol/commands/push_publish.hpp"
#include "eas/protocol/commands/send_flow.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <utility>

namespace easd::protocol::sync_detail {
namespace {

constexpr unsigned status_success = static_cast<unsigned>(sync_status::success);
constexpr unsigned status_conversion = static_cast<unsigned>(sync_status::conversion_error);
constexpr unsigned status_server = static_cast<unsigned>(sync_status::server_error);
constexpr unsigned status_not_found = static_cast<unsigned>(sync_status::object_not_found);

compose::draft_limits draft_limits_of(const services& svc) {
  return compose::draft_limits{
      .max_message = svc.sending.max_message, .max_attachments = 100, .max_recipients = svc.sending.max_recipients};
}

draft_request_limits request_limits_of(const services& svc) {
  return draft_request_limits{.max_field = 32u << 10,
                              .max_body = svc.sending.max_message,
                              .max_attachments = 100,
                              .max_attachment = svc.sending.max_message};
}

compose::draft_envelope envelope_of(const services& svc, const request_context& ctx) {
  const auto addresses = user_addresses(svc.sending, ctx.user);
  compose::draft_envelope env;
  env.from.address = addresses.empty() ? ctx.user : addresses.front();
  env.now = svc.now ? svc.now() : static_cast<std::int64_t>(std::time(nullptr));
  env.message_id_host = svc.sending.message_id_host;
  return env;
}

// Responses/Add ([MS-ASCMD] 2.2.3.7.2; schema order ClientId, ServerId, Status, ApplicationData) with
// the added attachments' FileReferences ([MS-ASAIRS] 2.2.2.14, 2.2.2.24.1).
wbxml::element add_response(const std::string& client_id, const std::string& server_id, unsigned status,
                            const std::vector<std::pair<std::string, std::string>>& file_refs) {
  auto e = wbxml::element::named("AirSync:Add");
  e.add("AirSync:ClientId", client_id);
  if (!server_id.empty()) e.add("AirSync:ServerId", server_id);
  e.add("AirSync:Status", std::to_string(status));
  if (!file_refs.empty()) {
    auto& atts = e.add("AirSync:ApplicationData").add("AirSyncBase:Attachments");
    for (const auto& [client, ref] : file_refs) {
      auto& a = atts.add("AirSyncBase:Attachment");
      a.add("AirSyncBase:ClientId", client);
      a.add("AirSyncBase:FileReference", ref);
    }
  }
  return e;
}

wbxml::element change_response(const std::string& server_id, unsigned status) {
  auto e = wbxml::element::named("AirSync:Change");
  e.add("AirSync:ServerId", server_id);
  e.add("AirSync:Status", std::to_string(status));
  return e;
}

// ClientId → FileReference of the attachments `edit` added, once `draft` is composed for uid: the added
// ones are the last of its attachments (apply_draft_edit appends them).
std::vector<std::pair<std::string, std::string>> added_refs(const compose::draft_edit& edit,
                                                            const compose::draft_message& draft,
                                                            std::string_view collection_id, std::uint32_t uid) {
  std::vector<std::pair<std::string, std::string>> out;
  const std::size_t n = edit.attachments_added.size();
  const auto& sections = draft.attachment_sections;
  if (n > sections.size()) return out;
  for (std::size_t i = 0; i < n; ++i) {
    out.emplace_back(edit.attachments_added[i].client_id,
                     file_reference(collection_id, uid, sections[sections.size() - n + i]));
  }
  return out;
}

void drop_pending(std::vector<state::pending_item>& pending, const std::string& server_id) {
  std::erase_if(pending, [&](const state::pending_item& p) { return p.server_id == server_id; });
}

// The device must drop `uid`: forgotten, and a Delete queued (sent in this response when the window has room).
void tell_removed(state::mail_cursor& cursor, std::vector<state::pending_item>& pending, const std::string& server_id,
                  std::uint32_t uid) {
  forget_uid(cursor, uid);
  cursor.backlog.remove(uid);
  drop_pending(pending, server_id);
  pending.insert(pending.begin(), state::pending_item{server_id, state::change_kind::remove});
}

// Sends stored draft `uid` (bytes `raw`), then files it as sent: \Draft off and \Seen on, moved to Sent —
// or expunged when there is no Sent folder or the submission server files the copy itself ([smtp]
// save_sent off), so there is exactly one Sent copy. nullopt: sent (a filing failure is only logged, the
// message is out); else the item status.
boost::asio::awaitable<std::optional<unsigned>> send_draft(services& svc, const request_context& ctx,
                                                           const mail_collection& collection, std::uint32_t uid,
                                                           const std::string& server_id, const std::string& raw) {
  send_request req;
  req.kind = send_kind::send;
  // The same draft bytes under the same ServerId are one message: a Sync retried after a lost response
  // (or a crash before the commit) finds the claim and does not send again.
  req.ledger_key = "d:" + server_id + ":" + sha256_hex(raw);
  req.save_in_sent = false;
  req.mime = raw;
  const send_outcome outcome = co_await send_message(svc, ctx, req);
  if (!outcome.ok) {
    spdlog::info("sync: draft not sent user={} item={} status={} detail={}", log_escape(ctx.user),
                 log_escape(server_id), static_cast<unsigned>(outcome.status), log_escape(outcome.detail));
    co_return draft_send_status(outcome.status);
  }
  const backend::account acct = account_of(ctx);
  const std::string folder_id = collection.folder.id;
  uid_set one;
  one.add(uid);
  backend::message_flags add, remove;
  add.seen = true;
  remove.draft = true;
  auto reflagged = co_await svc.mail->set_flags(acct, folder_id, one, add, remove);
  if (!reflagged) {
    spdlog::warn("sync: sent draft keeps its flags user={} item={} error={}", log_escape(ctx.user),
                 log_escape(server_id), reflagged.error().message());
  }
  std::optional<mail_collection> sent;
  if (svc.sending.save_sent) {
    auto found = co_await find_role_collection(svc, ctx, backend::folder_role::sent);
    if (found && found->folder.id != folder_id) sent = std::move(*found);
  }
  result<void> filed;
  if (sent) {
    const std::string to = sent->folder.id;
    auto moved = co_await svc.mail->move(acct, folder_id, one, to);
    if (!moved) filed = moved.error();
    if (moved) publish_new_mail_change(svc, ctx.user, to);
  } else {
    filed = co_await svc.mail->expunge(acct, folder_id, one);
  }
  if (!filed) {
    spdlog::warn("sync: sent draft left in Drafts user={} item={} error={}", log_escape(ctx.user),
                 log_escape(server_id), filed.error().message());
  }
  co_return std::nullopt;
}

}  // namespace

boost::asio::awaitable<draft_outcome> apply_draft_add(services& svc, const request_context& ctx,
                                                      const mail_collection& collection, const client_command& cmd,
                                                      state::mail_cursor& cursor,
                                                      std::vector<state::pending_item>& pending,
                                                      std::vector<state::client_add>& client_adds) {
  draft_outcome out;
  const std::vector<std::pair<std::string, std::string>> no_refs;
  const auto refuse = [&](unsigned status) {
    out.response = add_response(cmd.client_id, std::string(), status, no_refs);
    return out;
  };
  if (!cmd.application_data) co_return refuse(status_conversion);
  auto parsed = parse_draft_request(*cmd.application_data, collection.server_id, 0, request_limits_of(svc));
  if (!parsed) co_return refuse(status_conversion);
  parsed->send = parsed->send || cmd.send;
  const auto limits = draft_limits_of(svc);
  compose::draft_message draft;
  if (auto applied = compose::apply_draft_edit(draft, parsed->edit, limits); !applied) {
    spdlog::info("sync: draft refused user={} error={}", log_escape(ctx.user), applied.error().message());
    co_return refuse(status_conversion);
  }
  const auto envelope = envelope_of(svc, ctx);
  auto raw = compose::compose_draft(draft, envelope, limits);
  if (!raw) co_return refuse(status_conversion);

  backend::message_flags flags;
  flags.draft = true;
  flags.seen = parsed->read.value_or(true);
  flags.flagged = parsed->flagged.value_or(false);
  const backend::account acct = account_of(ctx);
  const std::string folder_id = collection.folder.id;
  std::string stored = *raw;
  auto appended = co_await svc.mail->append(acct, folder_id, std::move(stored), flags);
  if (!appended || *appended == 0) {
    // Without APPENDUID (RFC 4315) the new ServerId is unknown: the device retries, and the draft it
    // left may come to it as a server Add later. Dovecot always answers APPENDUID.
    spdlog::warn("sync: draft not stored user={} error={}", log_escape(ctx.user),
                 appended ? std::string("no APPENDUID") : appended.error().message());
    co_return refuse(status_server);
  }
  const std::uint32_t uid = *appended;
  const std::string server_id = item_server_id(collection.server_id, uid);
  cursor.known.add(uid);
  set_cursor_flags(cursor, uid, flags);
  client_adds.push_back({cmd.client_id, server_id});
  out.changed_state = true;

  unsigned status = status_success;
  if (parsed->send) {
    const auto failed = co_await send_draft(svc, ctx, collection, uid, server_id, *raw);
    if (failed) {
      status = *failed;  // the draft stays saved under its ServerId, as the device sees it
    } else {
      tell_removed(cursor, pending, server_id, uid);
    }
  }
  out.response =
      add_response(cmd.client_id, server_id, status, added_refs(parsed->edit, draft, collection.server_id, uid));
  co_return out;
}

wbxml::element replay_draft_add(const mail_collection& collection, const client_command& cmd,
                                const std::vector<state::client_add>& issued) {
  const auto it = std::find_if(issued.begin(), issued.end(),
                               [&](const state::client_add& a) { return a.client_id == cmd.client_id; });
  const std::vector<std::pair<std::string, std::string>> no_refs;
  // Not recorded: the first attempt refused it; the device may try again under its newest key.
  if (it == issued.end()) return add_response(cmd.client_id, std::string(), status_server, no_refs);
  const auto ref = parse_item_server_id(it->server_id);
  // The FileReferences again: the same request composes to the same layout (no I/O, nothing stored).
  std::vector<std::pair<std::string, std::string>> refs;
  if (cmd.application_data && ref) {
    const draft_request_limits rl;
    auto parsed = parse_draft_request(*cmd.application_data, collection.server_id, 0, rl);
    compose::draft_message draft;
    const compose::draft_limits dl;
    if (parsed && compose::apply_draft_edit(draft, parsed->edit, dl)) {
      const std::size_t n = draft.attachments.size();
      draft.attachment_sections.clear();
      for (std::size_t i = 0; i < n; ++i) draft.attachment_sections.push_back(std::to_string(i + 2));
      refs = added_refs(parsed->edit, draft, collection.server_id, ref->uid);
    }
  }
  return add_response(cmd.client_id, it->server_id, status_success, refs);
}

boost::asio::awaitable<draft_outcome> apply_draft_change(services& svc, const request_context& ctx,
                                                         const mail_collection& collection, const client_command& cmd,
                                                         std::uint32_t uid, state::mail_cursor& cursor,
                                                         std::vector<state::pending_item>& pending) {
  draft_outcome out;
  const auto answer = [&](unsigned status) {
    out.response = change_response(cmd.server_id, status);
    return out;
  };
  draft_request parsed;
  if (cmd.application_data) {
    auto p = parse_draft_request(*cmd.application_data, collection.server_id, uid, request_limits_of(svc));
    if (!p) co_return answer(status_conversion);
    parsed = std::move(*p);
  }
  parsed.send = parsed.send || cmd.send;
  const auto& edit = parsed.edit;
  const bool edits = edit.to || edit.cc || edit.bcc || edit.reply_to || edit.subject || edit.importance ||
                     edit.body_type || !edit.attachments_added.empty() || !edit.sections_deleted.empty();
  const auto limits = draft_limits_of(svc);
  const backend::account acct = account_of(ctx);
  const std::string folder_id = collection.folder.id;

  // The stored draft as it is (the device's fields replace its own; everything else stays).
  const std::string whole;  // section "": the raw message
  auto stored = co_await svc.mail->fetch_part(acct, folder_id, uid, whole, false, 0, limits.max_message + 1);
  if (!stored) {
    co_return answer(stored.error() == backend::mail_error::not_found ? status_not_found : status_server);
  }
  if (stored->bytes.size() > limits.max_message) co_return answer(status_conversion);
  std::string raw = std::move(stored->bytes);
  std::uint32_t current = uid;
  std::string current_id = cmd.server_id;

  if (edits) {
    auto draft = compose::read_draft(raw, limits);
    if (!draft) co_return answer(status_conversion);
    if (auto applied = compose::apply_draft_edit(*draft, edit, limits); !applied) {
      spdlog::info("sync: draft change refused user={} item={} error={}", log_escape(ctx.user),
                   log_escape(cmd.server_id), applied.error().message());
      co_return answer(status_conversion);
    }
    const auto envelope = envelope_of(svc, ctx);
    auto composed = compose::compose_draft(*draft, envelope, limits);
    if (!composed) co_return answer(status_conversion);
    backend::message_flags flags = cursor_flags(cursor, uid);
    flags.draft = true;
    if (parsed.read) flags.seen = *parsed.read;
    if (parsed.flagged) flags.flagged = *parsed.flagged;
    std::string bytes = *composed;
    auto appended = co_await svc.mail->append(acct, folder_id, std::move(bytes), flags);
    if (!appended || *appended == 0) {
      spdlog::warn("sync: draft change not stored user={} item={} error={}", log_escape(ctx.user),
                   log_escape(cmd.server_id), appended ? std::string("no APPENDUID") : appended.error().message());
      // Without the new UID the old version stays (the new one, if stored, reaches the device as an Add).
      co_return answer(status_server);
    }
    uid_set old;
    old.add(uid);
    auto expunged = co_await svc.mail->expunge(acct, folder_id, old);
    if (expunged) {
      tell_removed(cursor, pending, cmd.server_id, uid);
    } else {
      // Both versions exist now; the device keeps the old one and gets the new one as an Add.
      spdlog::warn("sync: old draft version kept user={} item={} error={}", log_escape(ctx.user),
                   log_escape(cmd.server_id), expunged.error().message());
    }
    current = *appended;
    current_id = item_server_id(collection.server_id, current);
    cursor.backlog.add(current);  // the new version goes out as an Add in this response
    raw = std::move(*composed);
    out.changed_state = true;
  }

  if (parsed.send) {
    const auto failed = co_await send_draft(svc, ctx, collection, current, current_id, raw);
    if (failed) {
      out.response = change_response(cmd.server_id, *failed);
      co_return out;
    }
    if (current == uid) {
      tell_removed(cursor, pending, cmd.server_id, uid);
    } else {
      cursor.backlog.remove(current);  // sent before the device ever had it
    }
    out.changed_state = true;
  }
  co_return out;
}

}  // namespace easd::protocol::sync_detail
