// The three operations of an ItemOperations request ([MS-ASCMD] 2.2.1.10), one file each; the handler
// (item_operations.cpp) runs them in request order and assembles the response. Each returns the
// operation's response element (io:Fetch, io:EmptyFolderContents, io:Move) with its own Status; none
// throws for hostile input or backend failures.
#pragma once

#include "eas/protocol/request_context.hpp"
#include "eas/protocol/services.hpp"
#include "eas/wbxml/element.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace easd::protocol::itemops {

// [MS-ASCMD] 2.2.3.177.8 ItemOperations Status (commands.md §9).
enum class status : unsigned {
  success = 1,
  protocol_error = 2,
  server_error = 3,
  not_found = 6,  // "object not found": mailbox items, search results
  bad_range = 8,
  unknown_store = 9,
  too_large = 11,
  conversion_failed = 14,
  invalid_attachment = 15,
  non_persistent_move = 155,  // conversation Move without MoveAlways
  invalid_destination = 156,  // conversation Move to a folder that is not one of the user's mail folders
};

// Where attachment data goes: inline base64 in io:Data, or (multipart) into a part referenced by io:Part.
// `budget` bounds the data bytes of the whole response; a fetch that would exceed it gets Status 11.
struct data_sink {
  bool multipart = false;
  std::vector<std::string> parts;  // parts 1 … n (part 0 is the WBXML itself)
  std::uint64_t budget = 0;
};

boost::asio::awaitable<wbxml::element> fetch(services& svc, const request_context& ctx,
                                             const wbxml::element& request, data_sink& sink);
boost::asio::awaitable<wbxml::element> empty_folder_contents(services& svc, const request_context& ctx,
                                                             const wbxml::element& request);
boost::asio::awaitable<wbxml::element> move_conversation(services& svc, const request_context& ctx,
                                                         const wbxml::element& request);

// A client-supplied id echoed in a response: kept only if it is short printable ASCII (what easd's own
// ids are), else "" — never raw hostile bytes in the output.
std::string echo_id(std::string_view text);

}  // namespace easd::protocol::itemops
