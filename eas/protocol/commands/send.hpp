// The sending commands (commands/send.cmake): each parses its request, both forms, and hands the message
// to send_message (send_flow.hpp). Success is HTTP 200 with an empty body; a failure is the command's
// root with a ComposeMail:Status (14.0+) or the HTTP status of the code (12.1) ([MS-ASCMD] 2.2.1.17).
#pragma once

#include "eas/protocol/command_table.hpp"
#include "eas/protocol/commands/send_flow.hpp"

namespace easd::protocol {

// [MS-ASCMD] 2.2.1.17 SendMail
boost::asio::awaitable<reply> send_mail(services& svc, request_context& ctx, const wbxml::element* request);
// [MS-ASCMD] 2.2.1.20 SmartReply and 2.2.1.19 SmartForward (one handler; ctx.command tells which)
boost::asio::awaitable<reply> smart_send(services& svc, request_context& ctx, const wbxml::element* request);

// Shared by both files (send_mail.cpp):
// The answer for an outcome, with the summary log line.
reply send_reply(const command_info& cmd, const request_context& ctx, const send_outcome& outcome);
// 12.1: the body is the message, SaveInSent the query's; the ledger key is the request's digest. A WBXML
// body where raw MIME belongs, or none, is InvalidContent ([MS-ASCMD] 2.2.1.17: HTTP 400): false.
bool take_legacy_body(const request_context& ctx, send_request& req);
// 14.0+: ClientId (1 … 64 printable ASCII characters: the spec says ≤ 40, some clients send a braced
// GUID or a longer token, still safe as a ledger key), Mime and SaveInSentItems. false: ClientId or
// Mime missing or invalid (InvalidXML).
bool take_common_elements(const wbxml::element& request, send_request& req);

}  // namespace easd::protocol
