// The handlers of the item commands (commands/items.cmake), for the command table.
#pragma once

#include "eas/protocol/command_table.hpp"

namespace easd::protocol {

// [MS-ASCMD] 2.2.1.12 MoveItems
boost::asio::awaitable<reply> move_items(services& svc, request_context& ctx, const wbxml::element* request);
// [MS-ASCMD] 2.2.1.10 ItemOperations
boost::asio::awaitable<reply> item_operations(services& svc, request_context& ctx, const wbxml::element* request);
// [MS-ASCMD] 2.2.1.8 GetAttachment (12.1 and older)
boost::asio::awaitable<reply> get_attachment(services& svc, request_context& ctx, const wbxml::element* request);
// [MS-ASCMD] 2.2.1.9 GetItemEstimate
boost::asio::awaitable<reply> get_item_estimate(services& svc, request_context& ctx, const wbxml::element* request);

}  // namespace easd::protocol
