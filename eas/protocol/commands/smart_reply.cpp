// SmartReply ([MS-ASCMD] 2.2.1.20) and SmartForward (2.2.1.19): the phone sends its new message and names
// the original; the server quotes or attaches the original (send_flow.hpp, compose/). 12.1: the body is
// the message, the original is the ItemId and CollectionId query parameters (LongId for a Search
// result); 14.0+: ComposeMail:Source with FolderId + ItemId, LongId or InstanceId, ReplaceMime, Mime.
//
// 16.0 adds Forwardees and airsyncbase:Body to SmartForward for forwarding a calendar item as a meeting
// (the server then sends the meeting request). easd serves no calendar through this path yet, so a
// SmartForward carrying them is answered 178 InvalidMimeBodyCombination after they proved well-formed
// (unparsable ones: 179) — never silently sent as plain mail without the recipients the phone named.
#include "eas/protocol/commands/send.hpp"
#include "eas/protocol/compose/address_list.hpp"
#include "eas/protocol/dispatcher.hpp"

namespace easd::protocol {
namespace {

// [MS-ASCMD] 2.2.3.74 Forwardees: Forwardee+ (Name?, Email), at most a message's recipients.
bool well_formed_forwardees(const wbxml::element& forwardees, std::size_t max) {
  const auto forwardee = wbxml::element::named("ComposeMail:Forwardee").id();
  std::size_t n = 0;
  for (const auto& f : forwardees.children()) {
    if (f.id() != forwardee || ++n > max) return false;
    const auto email = f.child_text("ComposeMail:Email");
    if (!email || !compose::is_valid_addr_spec(*email)) return false;
  }
  return n > 0;
}

}  // namespace

boost::asio::awaitable<reply> smart_send(services& svc, request_context& ctx, const wbxml::element* request) {
  const bool forward = ctx.command == "SmartForward";
  const command_info& cmd = *command_table::standard().find(forward ? "SmartForward" : "SmartReply");
  send_request req;
  req.kind = forward ? send_kind::forward : send_kind::reply;
  send_source source;
  if (request == nullptr) {
    if (!take_legacy_body(ctx, req)) co_return status_reply(cmd, common_status::invalid_content, ctx.version);
    source.collection_id = ctx.collection_id;
    source.item_id = ctx.item_id;
    source.long_id = ctx.long_id;
    source.instance_id = ctx.occurrence;
  } else {
    const wbxml::element* src = request->child("ComposeMail:Source");
    if (src == nullptr || !take_common_elements(*request, req)) {
      co_return status_reply(cmd, common_status::invalid_xml, ctx.version);
    }
    if (forward) {
      const wbxml::element* forwardees = request->child("ComposeMail:Forwardees");
      const wbxml::element* body = request->child("AirSyncBase:Body");
      if (forwardees != nullptr && !well_formed_forwardees(*forwardees, svc.sending.max_recipients)) {
        co_return status_reply(cmd, common_status::invalid_smart_forward_parameters, ctx.version);
      }
      if (forwardees != nullptr || body != nullptr) {
        co_return status_reply(cmd, common_status::invalid_mime_body_combination, ctx.version);
      }
    }
    for (auto [field, name] : {std::pair{&source.collection_id, "ComposeMail:FolderId"},
                               std::pair{&source.item_id, "ComposeMail:ItemId"},
                               std::pair{&source.long_id, "ComposeMail:LongId"},
                               std::pair{&source.instance_id, "ComposeMail:InstanceId"}}) {
      if (const auto v = src->child_text(name)) field->assign(*v);
    }
    req.replace_mime = request->child("ComposeMail:ReplaceMime") != nullptr;
  }
  req.source = std::move(source);
  const send_outcome outcome = co_await send_message(svc, ctx, req);
  co_return send_reply(cmd, ctx, outcome);
}

}  // namespace easd::protocol
