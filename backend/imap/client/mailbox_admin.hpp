// CREATE, RENAME, DELETE (RFC 9051 §6.3.4-6) and NOOP (§6.1.2), the last returning whatever the server
// had queued (EXISTS, EXPUNGE, FETCH flag changes, VANISHED) for the caller to interpret.
#pragma once

#include "backend/imap/client/connection.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>

namespace easd::backend::imap {

// Names are UTF-8. NO (exists already, no such mailbox, ...) is error::command_failed.
boost::asio::awaitable<result<void>> create_mailbox(connection& c, std::string name);
boost::asio::awaitable<result<void>> rename_mailbox(connection& c, std::string from, std::string to);
boost::asio::awaitable<result<void>> delete_mailbox(connection& c, std::string name);

boost::asio::awaitable<result<command_result>> noop(connection& c);

// Leaves the selected mailbox, if any, without expunging: UNSELECT (RFC 3691), else an EXAMINE of a name
// that cannot exist (a failed SELECT deselects, RFC 9051 §6.3.2). NO/BAD (nothing selected) is fine.
// Needed before DELETE or RENAME of a mailbox this connection may have selected: Dovecot disconnects a
// client whose selected mailbox goes away.
boost::asio::awaitable<result<void>> unselect(connection& c);

}  // namespace easd::backend::imap
