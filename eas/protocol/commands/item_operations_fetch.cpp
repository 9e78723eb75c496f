// ItemOperations Fetch ([MS-ASCMD] 2.2.3.67.2): a mailbox item by CollectionId + ServerId with body
// preferences, or an attachment by asb:FileReference (optionally a byte Range).
//
// Only Store "Mailbox" exists here (no document libraries: Status 9). Search results (search:LongId) are
// not kept by easd, so a LongId is never found (Status 6). Mailbox item bodies stay inline in the WBXML
// even in a multipart response; only attachment data goes into parts.
#include "eas/core/base64.hpp"
#include "eas/core/log_escape.hpp"
#include "eas/protocol/commands/item_operations_attachment.hpp"
#include "eas/protocol/commands/item_operations_ops.hpp"
#include "eas/protocol/commands/mail_folders.hpp"
#include "eas/protocol/convert/email.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace easd::protocol::itemops {
namespace {

namespace net = boost::asio;

wbxml::element with_status(status s) {
  auto out = wbxml::element::named("ItemOperations:Fetch");
  out.add("ItemOperations:Status", std::to_string(static_cast<unsigned>(s)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

status status_of(attachment_status s) {
  switch (s) {
    case attachment_status::ok: return status::success;
    case attachment_status::not_found: return status::invalid_attachment;
    case attachment_status::bad_range: return status::bad_range;
    case attachment_status::too_large: return status::too_large;
    case attachment_status::backend_error: return status::server_error;
  }
  return status::server_error;
}

// Attachment: [MS-ASCMD] 2.2.3.67.2 — with a FileReference, Range is the only Option (2.2.3.119.2).
net::awaitable<wbxml::element> fetch_attachment_op(services& svc, const request_context& ctx,
                                                   std::string_view reference, const wbxml::element* options,
                                                   data_sink& sink) {
  std::optional<byte_range> range;
  if (options) {
    if (const auto text = options->child_text("ItemOperations:Range")) {
      range = parse_byte_range(*text);
      if (!range) co_return with_status(status::bad_range);
    }
  }
  const auto canonical = parse_file_reference(reference);
  auto out = with_status(status::success);
  if (canonical) {
    out.add("AirSyncBase:FileReference",
            file_reference(canonical->collection_id, canonical->uid, canonical->section));
  }
  if (sink.budget == 0) {
    out.children()[0].set_text(std::to_string(static_cast<unsigned>(status::too_large)));
    co_return out;
  }
  const std::string ref(reference);
  auto got = co_await fetch_attachment(svc, ctx, ref, range, sink.budget);
  if (got.status != attachment_status::ok) {
    out.children()[0].set_text(std::to_string(static_cast<unsigned>(status_of(got.status))));
    co_return out;
  }
  sink.budget -= std::min<std::uint64_t>(sink.budget, got.bytes.size());

  auto& props = out.add("ItemOperations:Properties");
  props.add("AirSyncBase:ContentType", got.content_type);
  if (range) {
    if (got.range) props.add("ItemOperations:Range", std::to_string(got.range->first) + "-" +
                                                         std::to_string(got.range->last));
    if (got.total) props.add("ItemOperations:Total", std::to_string(*got.total));
  }
  if (sink.multipart) {
    sink.parts.push_back(std::move(got.bytes));
    props.add("ItemOperations:Part", std::to_string(sink.parts.size()));
  } else {
    // [MS-ASCMD] 2.2.3.39.2 Data: the attachment base64-encoded, as text (STR_I).
    props.add("ItemOperations:Data", encode_base64(got.bytes));
  }
  co_return out;
}

status status_of_conversion(const error_code& ec) {
  if (ec == backend::mail_error::not_found) return status::not_found;
  if (ec == backend::mail_error::too_large) return status::too_large;
  if (ec.category() == backend::mail_category() || ec.category() == boost::system::system_category() ||
      ec.category() == boost::system::generic_category()) {
    return status::server_error;
  }
  return status::conversion_failed;
}

// Mailbox item: [MS-ASCMD] 2.2.3.67.2 with CollectionId + ServerId; Properties = the Email
// ApplicationData's children ([MS-ASCMD] 2.2.3.139.2).
net::awaitable<wbxml::element> fetch_item_op(services& svc, const request_context& ctx,
                                             std::optional<std::string_view> collection_id,
                                             std::string_view server_id, const wbxml::element* options) {
  const auto ref = parse_item_server_id(server_id);
  // A CollectionId naming another collection than the ServerId does is the same as not found.
  if (!ref || (collection_id && *collection_id != ref->collection_id) || !svc.mail) {
    co_return with_status(status::not_found);
  }
  auto out = with_status(status::success);
  out.add("AirSync:CollectionId", ref->collection_id);
  out.add("AirSync:ServerId", item_server_id(ref->collection_id, ref->uid));
  auto set_status = [&out](status s) { out.children()[0].set_text(std::to_string(static_cast<unsigned>(s))); };

  auto coll = co_await find_mail_collection(svc, ctx, ref->collection_id);
  if (!coll) {
    set_status(coll.error() == backend::mail_error::not_found ? status::not_found : status::server_error);
    co_return out;
  }
  const auto acct = account_of(ctx);
  uid_set one;
  one.add(ref->uid);
  auto summaries = co_await svc.mail->summaries(acct, coll->folder.id, std::move(one));
  if (!summaries) {
    set_status(summaries.error() == backend::mail_error::not_found ? status::not_found : status::server_error);
    co_return out;
  }
  if (summaries->empty() || summaries->front().uid != ref->uid) {
    set_status(status::not_found);
    co_return out;
  }
  const auto opts = convert::parse_email_options(options, ctx.version);
  convert::email_context ectx;
  ectx.store = svc.mail;
  ectx.account = &acct;
  ectx.folder_id = coll->folder.id;
  ectx.collection_id = coll->server_id;
  ectx.role = coll->folder.role;
  auto data = co_await convert::email_application_data(ectx, summaries->front(), opts);
  if (!data) {
    spdlog::info("ItemOperations Fetch: message not converted user={} uid={} error={}", log_escape(ctx.user),
                 ref->uid, data.error().message());
    set_status(status_of_conversion(data.error()));
    co_return out;
  }
  out.add("AirSync:Class", "Email");
  auto& props = out.add("ItemOperations:Properties");
  props.children() = std::move(data->children());
  co_return out;
}

}  // namespace

std::string echo_id(std::string_view text) {
  if (text.size() > 64) return {};
  for (const char c : text) {
    if (c < 0x21 || c > 0x7E) return {};
  }
  return std::string(text);
}

net::awaitable<wbxml::element> fetch(services& svc, const request_context& ctx, const wbxml::element& request,
                                     data_sink& sink) {
  const auto store = request.child_text("ItemOperations:Store");
  if (!store) co_return with_status(status::protocol_error);
  // [MS-ASCMD] 2.2.3.167.1 Store: "Mailbox" or "Document Library"; only the mailbox exists here.
  if (!iequals(*store, "Mailbox")) co_return with_status(status::unknown_store);
  const wbxml::element* options = request.child("ItemOperations:Options");

  if (const auto reference = request.child_text("AirSyncBase:FileReference")) {
    co_return co_await fetch_attachment_op(svc, ctx, *reference, options, sink);
  }
  if (const auto server_id = request.child_text("AirSync:ServerId")) {
    const auto collection_id = request.child_text("AirSync:CollectionId");
    co_return co_await fetch_item_op(svc, ctx, collection_id, *server_id, options);
  }
  if (request.child("Search:LongId")) co_return with_status(status::not_found);
  co_return with_status(status::protocol_error);
}

}  // namespace easd::protocol::itemops
