// Server → client items of a Sync response ([MS-ASCMD] 2.2.3.24.2 Commands): Add with the full Email
// ApplicationData, Change with the flags, Delete and SoftDelete with the ServerId only.
#include "eas/core/log_escape.hpp"
#include "eas/protocol/commands/sync_request.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <string_view>

namespace easd::protocol::sync_detail {
namespace {

template <class F>
void for_each_uid(const uid_set& s, F f) {
  for (const auto& r : s.ranges()) {
    for (std::uint64_t u = r.first; u <= r.last; ++u) f(static_cast<std::uint32_t>(u));
  }
}

wbxml::element id_only(std::string_view name, const std::string& server_id) {
  auto e = wbxml::element::named(name);
  e.add("AirSync:ServerId", server_id);
  return e;
}

}  // namespace

backend::message_flags cursor_flags(const state::mail_cursor& c, std::uint32_t uid) {
  backend::message_flags f;
  f.seen = c.seen.contains(uid);
  f.flagged = c.flagged.contains(uid);
  f.answered = c.answered.contains(uid);
  f.forwarded = c.forwarded.contains(uid);
  return f;
}

void set_cursor_flags(state::mail_cursor& c, std::uint32_t uid, const backend::message_flags& f) {
  const auto put = [uid](uid_set& s, bool on) {
    if (on) {
      s.add(uid);
    } else {
      s.remove(uid);
    }
  };
  put(c.seen, f.seen);
  put(c.flagged, f.flagged);
  put(c.answered, f.answered);
  put(c.forwarded, f.forwarded);
}

void forget_uid(state::mail_cursor& c, std::uint32_t uid) {
  c.known.remove(uid);
  c.seen.remove(uid);
  c.flagged.remove(uid);
  c.answered.remove(uid);
  c.forwarded.remove(uid);
}

bool is_message_fault(const error_code& ec) noexcept {
  if (ec.category() == backend::mail_category()) return true;  // not_found, too_large, refused…
  const std::string_view category = ec.category().name();
  if (category == "easd.imap") {
    // The server refused this message (NO to the FETCH) or sent more than we accept for it; everything
    // else (timeouts, lost connections, busy pool) is worth a retry.
    constexpr int command_failed = 10, line_too_long = 12, too_many_values = 16;
    return ec.value() == command_failed || (ec.value() >= line_too_long && ec.value() <= too_many_values);
  }
  // Transport and system errors are transient; anything else is the converter's verdict on the message.
  return category != "system" && category != "generic" && category != "asio.misc" && category != "asio.netdb" &&
         category != "asio.addrinfo";
}

convert::email_context email_context_for(services& svc, const backend::account& acct,
                                         const mail_collection& collection) {
  convert::email_context ec;
  ec.store = svc.mail;
  ec.account = &acct;
  ec.folder_id = collection.folder.id;
  ec.collection_id = collection.server_id;
  ec.role = collection.folder.role;
  return ec;
}

boost::asio::awaitable<result<built_items>> build_items(services& svc, const request_context& ctx,
                                                        const mail_collection& collection,
                                                        const mail_sync_options& opts, const item_plan& plan,
                                                        const state::mail_cursor* replay_flags) {
  built_items out;
  const auto sid = [&](std::uint32_t uid) { return item_server_id(collection.server_id, uid); };
  for_each_uid(plan.deletes, [&](std::uint32_t uid) { out.commands.push_back(id_only("AirSync:Delete", sid(uid))); });
  for_each_uid(plan.soft_deletes,
               [&](std::uint32_t uid) { out.commands.push_back(id_only("AirSync:SoftDelete", sid(uid))); });

  uid_set wanted = plan.changes;
  for (const auto uid : plan.adds) wanted.add(uid);
  if (wanted.empty()) co_return out;

  const backend::account acct = account_of(ctx);
  const std::string folder_id = collection.folder.id;
  auto summaries = co_await svc.mail->summaries(acct, folder_id, wanted);
  if (!summaries) co_return summaries.error();
  std::map<std::uint32_t, backend::message_summary*> by_uid;
  for (auto& s : *summaries) {
    if (wanted.contains(s.uid)) by_uid[s.uid] = &s;
  }
  // The flags an item carries: the server's, except in a replay, where the device must end up with the
  // flags the replayed state recorded (its keywords are still today's).
  const auto flags_for = [&](const backend::message_summary& s) {
    backend::message_flags f = s.flags;
    if (replay_flags) {
      const auto t = cursor_flags(*replay_flags, s.uid);
      f.seen = t.seen;
      f.flagged = t.flagged;
      f.answered = t.answered;
      f.forwarded = t.forwarded;
    }
    return f;
  };

  for_each_uid(plan.changes, [&](std::uint32_t uid) {
    const auto it = by_uid.find(uid);
    if (it == by_uid.end()) {
      out.missing.add(uid);  // expunged meanwhile: the next Sync reports it vanished
      return;
    }
    const auto flags = flags_for(*it->second);
    auto change = wbxml::element::named("AirSync:Change");
    change.add("AirSync:ServerId", sid(uid));
    change.add(convert::email_flag_change(flags, ctx.version));
    out.commands.push_back(std::move(change));
    out.changed.add(uid);
    out.sent_flags.emplace_back(uid, flags);
  });

  const auto ectx = email_context_for(svc, acct, collection);
  for (const auto uid : plan.adds) {
    const auto it = by_uid.find(uid);
    if (it == by_uid.end()) {
      out.missing.add(uid);
      continue;
    }
    backend::message_summary& msg = *it->second;
    msg.flags = flags_for(msg);
    auto data = co_await convert::email_application_data(ectx, msg, opts.email);
    if (!data) {
      if (!is_message_fault(data.error())) co_return data.error();
      // Skipped for good: the device must not be stopped or looped by one bad message.
      spdlog::warn("sync: skipping message user={} collection={} uid={} error={}", log_escape(ctx.user),
                   log_escape(collection.server_id), uid, data.error().message());
      out.skipped.add(uid);
      continue;
    }
    auto add = wbxml::element::named("AirSync:Add");
    add.add("AirSync:ServerId", sid(uid));
    add.add(std::move(*data));
    out.commands.push_back(std::move(add));
    out.added.add(uid);
    out.sent_flags.emplace_back(uid, msg.flags);
  }
  co_return out;
}

}  // namespace easd::protocol::sync_detail
