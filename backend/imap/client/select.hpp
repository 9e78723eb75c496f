// ENABLE (RFC 5161) and SELECT / EXAMINE with optional QRESYNC (RFC 7162 §3.2.5): what a sync needs to
// know about a mailbox when it opens it.
//
// All functions take the connection by reference: it must outlive the awaited operation. NO/BAD from the
// server is error::command_failed (the connection stays usable); other errors are connection::execute's.
#pragma once

#include "backend/imap/client/connection.hpp"
#include "backend/imap/client/message_data.hpp"
#include "backend/imap/client/sequence_set.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace easd::backend::imap {

// ENABLE the named extensions that the server offers (others are skipped; nothing is sent when none is
// offered). Returns what the server confirmed (also in connection::enabled()).
boost::asio::awaitable<result<capabilities>> enable(connection& c, std::vector<std::string> extensions);

struct qresync_params {
  std::uint32_t uidvalidity = 0;
  std::uint64_t modseq = 0;            // the last HIGHESTMODSEQ the client saw
  sequence_set known_uids;             // optional: limits VANISHED to these
};

struct select_options {
  bool read_only = false;              // EXAMINE instead of SELECT
  bool condstore = false;              // "(CONDSTORE)": ask for MODSEQ without QRESYNC
  std::optional<qresync_params> qresync;  // needs QRESYNC enabled, else error::command_failed, nothing sent
};

struct mailbox_status {
  std::uint32_t exists = 0;
  std::optional<std::uint32_t> uidvalidity;
  std::optional<std::uint32_t> uidnext;
  std::optional<std::uint64_t> highestmodseq;  // absent with NOMODSEQ or without CONDSTORE
  bool nomodseq = false;
  std::vector<std::string> flags;
  std::vector<std::string> permanentflags;
  bool readonly = false;
  sequence_set vanished;                // VANISHED (EARLIER) during a QRESYNC select
  std::vector<message_data> changed;    // FETCH responses during a QRESYNC select
};

// The typed view of a SELECT/EXAMINE result (exposed for tests).
result<mailbox_status> parse_select(const command_result& r);

// `mailbox` is UTF-8 (sent as modified UTF-7).
boost::asio::awaitable<result<mailbox_status>> select(connection& c, std::string mailbox, select_options opts);

}  // namespace easd::backend::imap
