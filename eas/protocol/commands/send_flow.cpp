#include "eas/protocol/commands/send_flow.hpp"

#include "eas/core/ascii.hpp"
#include "eas/core/digest.hpp"
#include "eas/core/log_escape.hpp"
#include "eas/protocol/commands/mail_folders.hpp"
#include "eas/protocol/commands/push_publish.hpp"
#include "eas/protocol/compose/error.hpp"
#include "eas/protocol/compose/forward_compose.hpp"
#include "eas/protocol/compose/outgoing.hpp"
#include "eas/protocol/compose/reply_compose.hpp"
#include "eas/protocol/convert/original.hpp"

#include <spdlog/spdlog.h>

#include <ctime>
#include <utility>

namespace easd::protocol {
namespace {

namespace net = boost::asio;
using backend::submit_outcome;

send_outcome failed(common_status s, std::string detail) {
  return send_outcome{.ok = false, .status = s, .detail = std::move(detail)};
}

send_outcome succeeded(std::string detail) {
  return send_outcome{.ok = true, .status = common_status::server_error, .detail = std::move(detail)};
}

// [MS-ASCMD] 2.2.2: what the phone's message or its composition did wrong.
common_status status_of(compose::compose_error e) {
  switch (e) {
    case compose::compose_error::malformed:
    case compose::compose_error::bad_address:
    case compose::compose_error::too_many_fields:
      return common_status::invalid_mime;
    case compose::compose_error::too_large:
      return common_status::attachment_is_too_large;
    case compose::compose_error::no_recipients:
      return common_status::message_has_no_recipient;
    case compose::compose_error::too_many_recipients:
    case compose::compose_error::from_not_allowed:
    case compose::compose_error::too_many_attachments:
      return common_status::mail_submission_failed;
  }
  return common_status::invalid_mime;
}

common_status status_of(const error_code& ec) {
  if (ec.category() == compose::compose_category()) return status_of(static_cast<compose::compose_error>(ec.value()));
  return common_status::server_error;
}

// What the submission server said, for the device ([MS-ASCMD] 2.2.2).
common_status status_of(submit_outcome o) {
  switch (o) {
    case submit_outcome::sent:
      return common_status::server_error;  // not a failure; never asked
    case submit_outcome::auth_failed:
      return common_status::access_denied;
    case submit_outcome::recipient_rejected:
    case submit_outcome::rejected:
      return common_status::mail_submission_failed;
    case submit_outcome::too_large:
      return common_status::attachment_is_too_large;
    case submit_outcome::temporary:
      return common_status::server_error_retry_later;
  }
  return common_status::server_error;
}

std::int64_t now_of(const services& svc) { return svc.now ? svc.now() : static_cast<std::int64_t>(std::time(nullptr)); }

// Where the original of a SmartReply/SmartForward is.
struct original_location {
  mail_collection collection;
  std::uint32_t uid = 0;
};

net::awaitable<result<original_location>> locate(services& svc, const request_context& ctx, const send_source& src) {
  // easd keeps no Search results, so no LongId is ever valid; an InstanceId names a meeting occurrence,
  // and mail items have none: both are "not found" unless an ItemId says which message.
  const auto not_found = make_error_code(backend::mail_error::not_found);
  if (src.item_id.empty()) co_return not_found;
  const auto ref = parse_item_server_id(src.item_id);
  if (!ref) co_return not_found;
  if (!src.collection_id.empty() && src.collection_id != ref->collection_id) co_return not_found;
  auto c = co_await find_mail_collection(svc, ctx, ref->collection_id);
  if (!c) co_return c.error();
  co_return original_location{.collection = std::move(*c), .uid = ref->uid};
}

// The message to submit: the phone's (SendMail), or composed from it and the original (Smart*).
struct composed {
  compose::outgoing_message message;
  std::optional<original_location> original;
};

net::awaitable<result<composed>> compose_message(services& svc, const request_context& ctx,
                                                 const send_request& req, send_outcome& why) {
  compose::outgoing_limits limits;
  limits.max_message = svc.sending.max_message;
  limits.max_recipients = svc.sending.max_recipients;
  auto phone = compose::parse_outgoing(req.mime, limits);
  if (!phone) {
    why = failed(status_of(phone.error()), "phone MIME: " + phone.error().message());
    co_return phone.error();
  }
  if (req.kind == send_kind::send) co_return composed{.message = std::move(*phone), .original = std::nullopt};

  if (!req.source) {
    why = failed(common_status::item_not_found, "no Source");
    co_return make_error_code(backend::mail_error::not_found);
  }
  auto where = co_await locate(svc, ctx, *req.source);
  if (!where) {
    const bool gone = where.error() == backend::mail_error::not_found;
    why = failed(gone ? common_status::item_not_found : common_status::server_error_retry_later,
                 "original: " + where.error().message());
    co_return where.error();
  }
  const bool with_attachments = req.kind == send_kind::forward && !req.replace_mime;
  convert::original_limits olimits;
  olimits.max_total = svc.sending.max_message;
  const auto acct = account_of(ctx);
  auto original = co_await convert::load_original(*svc.mail, acct, where->collection.folder.id, where->uid,
                                                  with_attachments, olimits);
  if (!original) {
    const auto& ec = original.error();
    common_status s = common_status::server_error_retry_later;
    if (ec == backend::mail_error::not_found) s = common_status::item_not_found;
    if (ec == backend::mail_error::too_large) s = common_status::attachment_is_too_large;
    why = failed(s, "original: " + ec.message());
    co_return ec;
  }
  compose::compose_options options;
  options.replace_mime = req.replace_mime;
  options.max_output = svc.sending.max_message;
  auto bytes = req.kind == send_kind::reply ? compose::compose_reply(*phone, *original, options)
                                            : compose::compose_forward(*phone, *original, options);
  if (!bytes) {
    why = failed(status_of(bytes.error()), "compose: " + bytes.error().message());
    co_return bytes.error();
  }
  auto message = compose::parse_outgoing(*bytes, limits);
  if (!message) {
    // Our own composition is always well-formed; what can fail is a bound (size, recipients).
    why = failed(status_of(message.error()), "composed MIME: " + message.error().message());
    co_return message.error();
  }
  co_return composed{.message = std::move(*message), .original = std::move(*where)};
}

// The Bcc fields as written, for the Sent copy (the sender should see whom they sent it to blind).
std::string bcc_fields(const compose::outgoing_message& msg) {
  std::string out;
  for (const auto& f : msg.fields) {
    if (iequals_ascii(f.name, "Bcc")) {
      out += f.raw;
      out += "\r\n";
    }
  }
  return out;
}

// Best effort after a send: the Sent copy and the original's flag, each published to every device (the
// sender's included: it did not make these changes itself, easd did).
net::awaitable<void> after_send(services& svc, const request_context& ctx, const send_request& req,
                                const std::optional<original_location>& original, std::string sent_copy) {
  const auto acct = account_of(ctx);
  if (req.save_in_sent && svc.sending.save_sent) {
    auto sent = co_await find_role_collection(svc, ctx, backend::folder_role::sent);
    if (!sent) {
      spdlog::warn("send: no Sent folder for the copy user={} error={}", log_escape(ctx.user), sent.error().message());
    } else {
      backend::message_flags seen;
      seen.seen = true;
      auto added = co_await svc.mail->append(acct, sent->folder.id, std::move(sent_copy), seen);
      if (!added) {
        spdlog::warn("send: Sent copy not saved user={} error={}", log_escape(ctx.user), added.error().message());
      } else {
        publish_new_mail_change(svc, ctx.user, sent->folder.id);
      }
    }
  }
  if (original) {
    backend::message_flags verb, none;
    if (req.kind == send_kind::reply) verb.answered = true;
    else verb.forwarded = true;
    uid_set one;
    one.add(original->uid);
    auto flagged = co_await svc.mail->set_flags(acct, original->collection.folder.id, std::move(one), verb, none);
    if (!flagged) {
      spdlog::warn("send: original not flagged user={} error={}", log_escape(ctx.user), flagged.error().message());
    } else {
      publish_new_mail_change(svc, ctx.user, original->collection.folder.id);
    }
  }
}

}  // namespace

std::vector<std::string> user_addresses(const send_settings& settings, std::string_view login) {
  if (login.find('@') != std::string_view::npos || settings.domain.empty()) return {std::string(login)};
  return {std::string(login) + "@" + settings.domain};
}

std::string request_digest(const request_context& ctx, std::string_view body) {
  // NUL separators: no field can contain one (the request target parser refuses it), so the fields of
  // two different requests can never run together into the same bytes.
  std::string material;
  material.reserve(body.size() + 128);
  for (const std::string* part : {&ctx.command, &ctx.collection_id, &ctx.item_id, &ctx.long_id, &ctx.occurrence}) {
    material += *part;
    material += '\0';
  }
  material += ctx.save_in_sent ? "T" : "F";
  material += '\0';
  material += body;
  return "h:" + sha256_hex(material);
}

net::awaitable<send_outcome> send_message(services& svc, const request_context& ctx, const send_request& req) {
  if (svc.submitter == nullptr || svc.mail == nullptr) co_return failed(common_status::server_error, "no submitter");

  // 1. Everything that can be refused is refused before anything is claimed or sent.
  send_outcome why = failed(common_status::server_error, "");
  auto message = co_await compose_message(svc, ctx, req, why);
  if (!message) co_return why;
  const std::string bcc = bcc_fields(message->message);

  // 2. Bcc removed, Date and Message-ID added, From checked.
  compose::submission_options options;
  options.user_addresses = user_addresses(svc.sending, ctx.user);
  options.from = svc.sending.rewrite_from ? compose::from_policy::rewrite : compose::from_policy::reject;
  options.message_id_host = svc.sending.message_id_host;
  options.now = now_of(svc);
  options.max_message = svc.sending.max_message;
  options.max_recipients = svc.sending.max_recipients;
  auto prepared = compose::prepare_for_submission(message->message, options);
  if (!prepared) co_return failed(status_of(prepared.error()), "prepare: " + prepared.error().message());
  // The server's advertised SIZE, once known, refuses a message before the ledger and the connection.
  if (const auto limit = svc.submitter->size_limit(); limit != 0 && prepared->message.size() > limit) {
    co_return failed(common_status::attachment_is_too_large, "beyond the server's SIZE");
  }

  // 3. Exactly once and the rate. A request without a key of its own still counts against the rate.
  const std::string key = req.ledger_key.empty() ? "m:" + prepared->message_id : req.ledger_key;
  state::send_key ledger_key{.user = ctx.user, .device_id = ctx.device_id, .key = key};
  if (svc.sends != nullptr && svc.blocking != nullptr) {
    state::claim_request claim;
    claim.key = ledger_key;
    claim.recipients = static_cast<unsigned>(prepared->recipients.size());
    claim.now = options.now;
    claim.rate = svc.sending.rate;
    auto do_claim = [&] { return svc.sends->claim(claim); };
    auto claimed = co_await run_blocking(*svc.blocking, do_claim);
    if (!claimed) co_return failed(common_status::server_error_retry_later, "ledger: " + claimed.error().message());
    switch (*claimed) {
      case state::claim_outcome::claimed:
        break;
      case state::claim_outcome::already_sent:
        co_return succeeded("duplicate: sent before, not again");
      case state::claim_outcome::in_flight:
        co_return failed(common_status::server_error_retry_later, "the same message is being sent");
      case state::claim_outcome::rate_limited:
        co_return failed(common_status::send_quota_exceeded, "send rate limit");
    }
  }

  // 4. Submit as the user.
  backend::submission s;
  s.user = ctx.user;
  s.password = ctx.password;
  s.client_address = ctx.client_address;
  s.envelope_from = prepared->envelope_from;
  s.recipients = prepared->recipients;
  s.message = prepared->message;
  const backend::submit_result r = co_await svc.submitter->submit(s);
  const bool went_out = r.outcome == submit_outcome::sent || r.delivery_unknown;
  if (svc.sends != nullptr && svc.blocking != nullptr) {
    const std::int64_t at = now_of(svc);
    const auto result_kind = r.outcome == submit_outcome::sent ? state::send_result::sent : state::send_result::unknown;
    auto record = [&] {
      return went_out ? svc.sends->finish(ledger_key, result_kind, at) : svc.sends->release(ledger_key);
    };
    auto recorded = co_await run_blocking(*svc.blocking, record);
    if (!recorded) spdlog::warn("send: ledger not updated error={}", recorded.error().message());
  }
  if (!went_out) {
    co_return failed(status_of(r.outcome), "smtp " + std::to_string(r.smtp_code) + " " + log_escape(r.detail));
  }
  if (r.delivery_unknown) {
    // At most once: the server had the whole message when the connection broke, so it has most likely
    // taken it. Sending again could deliver it twice; the device hears success, the admin reads this.
    spdlog::warn("send: delivery unknown, not sent again user={} message_id={} detail={}", log_escape(ctx.user),
                 log_escape(prepared->message_id), log_escape(r.detail));
  }

  // 5. Best effort: the message is out, so nothing below changes the answer.
  std::string sent_copy = bcc + prepared->message;
  co_await after_send(svc, ctx, req, message->original, std::move(sent_copy));
  co_return succeeded(r.delivery_unknown ? "sent (delivery unknown)" : "sent");
}

}  // namespace easd::protocol
