// The handlers of the folder hierarchy commands (commands/folders.cmake), for the command table.
#pragma once

#include "eas/protocol/command_table.hpp"

namespace easd::protocol {

// [MS-ASCMD] 2.2.1.5 FolderSync
boost::asio::awaitable<reply> folder_sync(services& svc, request_context& ctx, const wbxml::element* request);
// [MS-ASCMD] 2.2.1.3 FolderCreate
boost::asio::awaitable<reply> folder_create(services& svc, request_context& ctx, const wbxml::element* request);
// [MS-ASCMD] 2.2.1.6 FolderUpdate
boost::asio::awaitable<reply> folder_update(services& svc, request_context& ctx, const wbxml::element* request);
// [MS-ASCMD] 2.2.1.4 FolderDelete
boost::asio::awaitable<reply> folder_delete(services& svc, request_context& ctx, const wbxml::element* request);

}  // namespace easd::protocol
