// Dispatch is data (STYLE.md 2): one row per EAS command with its flags. The OPTIONS headers are generated
// from this table, the server picks body limits and deadlines from it, and a command with no handler is
// answered "not supported" in the one place that knows how.
#pragma once

#include "eas/core/protocol_version.hpp"
#include "eas/protocol/reply.hpp"
#include "eas/protocol/request_context.hpp"
#include "eas/wbxml/element.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace easd::protocol {

struct services;  // backend interfaces handed to handlers (grows with the commands)

// `request` is null for an empty body where the command allows one.
using command_handler = boost::asio::awaitable<reply> (*)(services&, request_context&, const wbxml::element* request);

enum class body_kind {
  wbxml,          // a WBXML document whose root must be `root`
  mime_or_wbxml,  // 12.1 and older: raw message/rfc822; 14.0+: WBXML (SendMail, SmartReply, SmartForward)
  none,           // parameters only (GetAttachment)
};

struct command_info {
  std::string_view name;  // the Cmd value
  std::string_view root;  // qualified name of the request's root element, "" for none
  protocol_version min_version = protocol_version::v12_1;
  protocol_version max_version = protocol_version::v16_1;
  body_kind body = body_kind::wbxml;
  bool empty_body_allowed = false;    // Sync (12.1+) and Ping may be sent empty ([MS-ASCMD] 2.2.1.21, 2.2.1.13)
  bool needs_provisioning = true;     // consulted by the provisioning gate
  bool long_poll = false;             // may be parked for up to the heartbeat; no normal I/O deadline
  std::size_t body_limit = 1u << 20;  // bytes
  // The response schema has a top-level Status for common errors (14.0+); where it has none
  // (MeetingResponse) common errors use the HTTP form.
  bool top_level_status = true;
  command_handler handler = nullptr;  // nullptr: known but not implemented yet
};

class command_table {
public:
  // The table of every EAS command, with the handlers implemented so far.
  static const command_table& standard();

  explicit command_table(std::span<const command_info> rows) : rows_(rows) {}

  // Case-sensitive, as clients send them ([MS-ASHTTP] 2.2.1.1.1.2.1).
  const command_info* find(std::string_view name) const noexcept;
  std::span<const command_info> rows() const noexcept { return rows_; }

  // MS-ASProtocolCommands: the implemented commands, comma-separated ([MS-ASHTTP] 2.2.4.1.2).
  std::string advertised_commands() const;

private:
  std::span<const command_info> rows_;
};

}  // namespace easd::protocol
