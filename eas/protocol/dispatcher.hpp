// Turns one authenticated EAS request into a reply: finds the command, checks the version, decodes and
// checks the body, calls the handler — and answers every failure on the way with the status the request's
// protocol version calls for ([MS-ASCMD] 2.2.2: body Status for 14.0+, HTTP code for 12.1).
#pragma once

#include "eas/protocol/command_table.hpp"
#include "eas/protocol/status.hpp"
#include "eas/wbxml/codec.hpp"

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string_view>

namespace easd::protocol {

// The reply for a common status: `<Root><Status>N</Status></Root>` in the command's own namespace for
// 14.0+, else the 12.1 HTTP code with an empty body. Commands without a root answer with HTTP too.
reply status_reply(const command_info& cmd, common_status s, protocol_version v, bool has_policy_key = true);

// Runs a parked request's wait (again, should it park again) and returns the final reply. The request is
// destroyed before this returns, so what it held (a subscription, an IMAP watch lease) ends first.
boost::asio::awaitable<reply> resume_parked(std::unique_ptr<parked_request> parked);

class dispatcher {
public:
  dispatcher(const command_table& table, services& svc, wbxml::limits lim = {})
      : table_(table), services_(svc), limits_(lim) {}

  // `ctx.command` must name a command of the table (the server answers unknown names itself). The final
  // reply: a handler that parked has been resumed.
  boost::asio::awaitable<reply> dispatch(request_context& ctx, std::string_view body) const;
  // The same, but a parking handler's reply comes back with `parked` set, for the server to release the
  // request before resuming it (reply.hpp). `ctx` and `body` may be gone by then.
  boost::asio::awaitable<reply> dispatch_parkable(request_context& ctx, std::string_view body) const;

  const command_table& table() const noexcept { return table_; }

private:
  const command_table& table_;
  services& services_;
  wbxml::limits limits_;
};

}  // namespace easd::protocol
