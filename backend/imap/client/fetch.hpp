// UID FETCH in the three shapes mail sync uses (RFC 9051 §6.4.5, RFC 7162 CHANGEDSINCE/VANISHED,
// RFC 3516 BINARY). Run on a selected mailbox. Unsolicited FETCH responses for other messages (flag
// changes by another client) are filtered out where the result concerns given UIDs only.
#pragma once

#include "backend/imap/client/connection.hpp"
#include "backend/imap/client/message_data.hpp"
#include "backend/imap/client/sequence_set.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace easd::backend::imap {

struct flag_changes {
  std::vector<message_data> messages;  // UID, FLAGS, MODSEQ
  sequence_set vanished;               // UIDs expunged since `modseq` (QRESYNC enabled only)
};

// Typed view of a fetch result: every FETCH with a UID, and VANISHED (EARLIER) sets (exposed for tests).
result<flag_changes> parse_flag_changes(const command_result& r);

// UID FETCH uids (UID FLAGS MODSEQ) (CHANGEDSINCE modseq [VANISHED]). VANISHED is asked for when QRESYNC
// is enabled. Needs CONDSTORE (error::command_failed otherwise, nothing sent).
boost::asio::awaitable<result<flag_changes>> fetch_changes(connection& c, sequence_set uids, std::uint64_t modseq);

// UID FETCH uids (UID FLAGS [MODSEQ]): every message's flags, for servers without CONDSTORE (or a first
// listing). `modseq` needs CONDSTORE (error::command_failed otherwise, nothing sent).
boost::asio::awaitable<result<flag_changes>> fetch_flags(connection& c, sequence_set uids, bool modseq = false);

// UID FETCH uids (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE).
boost::asio::awaitable<result<std::vector<message_data>>> fetch_summaries(connection& c, sequence_set uids);

struct summary_request {
  bool modseq = false;                     // MODSEQ (needs CONDSTORE)
  std::vector<std::string> header_fields;  // BODY.PEEK[HEADER.FIELDS (...)]: names of letters, digits, '-'
};

// UID FETCH uids (UID FLAGS [MODSEQ] INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE [BODY.PEEK[HEADER.FIELDS
// (...)]]): messages of `uids` with an ENVELOPE, in the server's order. A field name that is not an atom
// is error::unsendable_argument, nothing sent.
boost::asio::awaitable<result<std::vector<message_data>>> fetch_summaries(connection& c, sequence_set uids,
                                                                          summary_request req);

// UID FETCH uid (BODYSTRUCTURE). No such message: nothing.
boost::asio::awaitable<result<std::optional<body_part>>> fetch_body_structure(connection& c, std::uint32_t uid);

struct section_request {
  std::string section;  // "", "1.2", "HEADER", "1.TEXT", "HEADER.FIELDS (FROM TO)"; letters, digits, ". ()-"
  std::optional<std::pair<std::uint64_t, std::uint32_t>> partial;  // <offset.length>
  bool binary = false;  // BINARY.PEEK (decoded content; needs BINARY, numeric sections only)
};

// UID FETCH uid (BODY.PEEK[section]<partial>) or BINARY.PEEK: the bytes. A message without that UID (or
// the server's NIL) is error::command_failed.
boost::asio::awaitable<result<std::string>> fetch_section(connection& c, std::uint32_t uid, section_request req);

struct section_data {
  std::string bytes;
  // The whole section's size when the server tells in the same response: BINARY.SIZE for a binary
  // fetch, RFC822.SIZE for the whole message (section "").
  std::optional<std::uint64_t> size;
};
// fetch_section, also asking for the size (BINARY.SIZE[section] or RFC822.SIZE). A message without that UID
// (or the server's NIL) is error::command_failed; NO is too (e.g. [UNKNOWN-CTE] for BINARY), the code in
// connection::last_completion().
boost::asio::awaitable<result<section_data>> fetch_section_sized(connection& c, std::uint32_t uid,
                                                                 section_request req);
// The same section of several messages in one command (read-ahead of a batch): (uid, data) for every
// message that has it; missing UIDs and NIL sections are left out.
boost::asio::awaitable<result<std::vector<std::pair<std::uint32_t, section_data>>>> fetch_sections_sized(
    connection& c, sequence_set uids, section_request req);

}  // namespace easd::backend::imap
