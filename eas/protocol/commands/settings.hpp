// The Settings command ([MS-ASCMD] 2.2.1.18; status 2.2.3.177.15; shared/protocol/commands.md §14). Each
// property of the request gets its own Status, in request order:
//   DeviceInformation Set → stored in the device registry (the [access] rules on model and OS apply then);
//   UserInformation Get   → the user's address (the login, or login@[smtp] domain; easd has no directory),
//                           12.1/14.0 as EmailAddresses, 14.1+ as Accounts/Account with PrimarySmtpAddress;
//   RightsManagementInformation Get (14.1+) → no templates (easd has no IRM);
//   Oof Get/Set           → Status 3, access denied: out-of-office lives in the mail server's Sieve
//                           vacation, which easd does not manage;
//   DevicePassword Set    → Status 7, denied by policy: easd stores no recovery passwords.
// The provisioning gate lets a Settings request through before provisioning when it carries only
// DeviceInformation ([MS-ASCMD] 3.1.5.2).
#pragma once

#include "eas/protocol/reply.hpp"
#include "eas/protocol/request_context.hpp"
#include "eas/protocol/services.hpp"
#include "eas/wbxml/element.hpp"

#include <boost/asio/awaitable.hpp>

namespace easd::protocol {

boost::asio::awaitable<reply> settings_handler(services& svc, request_context& ctx, const wbxml::element* request);

}  // namespace easd::protocol
