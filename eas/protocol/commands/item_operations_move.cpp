// ItemOperations Move ([MS-ASCMD] 2.2.3.117.1, 14.0+): move a whole conversation, and with MoveAlways
// keep moving its future messages there.
//
// easd answers it honestly without doing it: IMAP has no conversation index, so finding a
// ConversationId's messages means reading every folder, and "move always" needs a server-side rule
// easd does not keep. So: a request without MoveAlways gets 155 (non-persistent moves are refused, as
// the spec allows), a bad destination 156, and anything else Status 3 (server error) with a log line.
// Devices fall back to MoveItems for the individual messages.
#include "eas/core/log_escape.hpp"
#include "eas/protocol/commands/item_operations_ops.hpp"
#include "eas/protocol/commands/mail_folders.hpp"

#include <spdlog/spdlog.h>

namespace easd::protocol::itemops {
namespace {

namespace net = boost::asio;

constexpr std::size_t max_conversation_id = 64;  // [MS-ASEMAIL2] ConversationId is 16 bytes

wbxml::element answer(status s, const wbxml::element* conversation_id) {
  auto out = wbxml::element::named("ItemOperations:Status", std::to_string(static_cast<unsigned>(s)));
  auto move = wbxml::element::named("ItemOperations:Move");
  move.add(std::move(out));
  auto id = wbxml::element::named("ItemOperations:ConversationId");
  // A byte array: echoed as opaque bytes, whatever they are, within the bound.
  if (conversation_id && conversation_id->children().empty() &&
      conversation_id->text().size() <= max_conversation_id) {
    id.set_opaque(conversation_id->text());
  }
  move.add(std::move(id));
  return move;
}

}  // namespace

net::awaitable<wbxml::element> move_conversation(services& svc, const request_context& ctx,
                                                 const wbxml::element& request) {
  const wbxml::element* conversation_id = request.child("ItemOperations:ConversationId");
  const auto destination = request.child_text("ItemOperations:DstFldId");
  if (!conversation_id || conversation_id->text().empty() || !destination) {
    co_return answer(status::protocol_error, conversation_id);
  }
  const auto* options = request.child("ItemOperations:Options");
  if (!options || !options->child("ItemOperations:MoveAlways")) {
    co_return answer(status::non_persistent_move, conversation_id);
  }
  auto coll = co_await find_mail_collection(svc, ctx, *destination);
  if (!coll) {
    co_return answer(coll.error() == backend::mail_error::not_found ? status::invalid_destination
                                                                    : status::server_error,
                     conversation_id);
  }
  spdlog::info("ItemOperations Move of a conversation is not supported user={}", log_escape(ctx.user));
  co_return answer(status::server_error, conversation_id);
}

}  // namespace easd::protocol::itemops
