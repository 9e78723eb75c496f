// Everything a command handler knows about the request it serves. Filled by the server from the request
// target, the headers and the authenticated identity; values are already validated but remain hostile
// text for every sink (quote them for IMAP, bind them in SQL, escape them in logs).
#pragma once

#include "eas/core/protocol_version.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace easd::protocol {

struct request_context {
  std::string command;    // Cmd, as in the command table
  std::string user;       // the authenticated login (not the query's User)
  std::string password;   // verified; for acting as the user on the backends (never log it)
  std::string device_id;  // canonical text form
  std::string device_type;
  std::string user_agent;
  std::string client_address;
  protocol_version version = protocol_version::v14_1;
  std::optional<std::uint32_t> policy_key;
  bool save_in_sent = false;
  bool accept_multipart = false;
  std::string attachment_name, collection_id, item_id, long_id, occurrence;
  std::string content_type;   // of the request body
  std::string_view raw_body;  // the undecoded body, for commands whose body is not WBXML (12.1 MIME)
};

}  // namespace easd::protocol
