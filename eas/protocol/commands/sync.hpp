// The Sync command for the Email class ([MS-ASCMD] 2.2.1.21, 3.1.5.4, 3.1.5.9), versions 12.1 – 16.1.
//
// Behaviour worth knowing (details in the sync*.cpp files):
// - SyncKey 0 starts a new chain (answer: key 1, no items; GetChanges and Commands in it are ignored).
//   Key N: client commands are applied, server changes computed (mail_changes.hpp), state N+1 committed
//   before the reply exists. Key N-1 (the reply to N-1 was lost) resends exactly the items of that reply.
//   When nothing changed and the device sent no commands, the reply keeps key N and nothing is written.
// - Conflicts: server wins ([MS-ASCMD] 2.2.3.34 default): a client Change of a message whose flags changed
//   on the server since the device's key is refused with Status 7 and the server's flags are sent.
// - Wait / HeartbeatInterval (Status 14 + Limit when out of range): a Sync with nothing to send and no
//   client commands parks on the push hub like Ping (newest held request of the device wins) and answers
//   with the changes when one of its collections changes, else the no-change form at the deadline.
//   A hierarchy change while parked answers top-level Status 12.
// - The empty Sync and Partial reuse the device's last full request, kept in the state store under a
//   pseudo-collection (see sync_request.hpp).
// - 16.x Drafts folder: the device's Add / Change of a draft become IMAP messages with \Draft, and
//   email2:Send sends one (sync_drafts.hpp); elsewhere and below 16.0 an email Add is Status 6.
#pragma once

#include "eas/protocol/reply.hpp"
#include "eas/protocol/request_context.hpp"
#include "eas/protocol/services.hpp"
#include "eas/wbxml/element.hpp"

#include <boost/asio/awaitable.hpp>

namespace easd::protocol {

boost::asio::awaitable<reply> sync_handler(services& svc, request_context& ctx, const wbxml::element* request);

}  // namespace easd::protocol
