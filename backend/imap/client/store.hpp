// UID STORE of flags (RFC 9051 §6.4.6) with optional UNCHANGEDSINCE (RFC 7162 §3.1.3), UID EXPUNGE
// (RFC 4315), and UID MOVE (RFC 6851) / UID COPY with the COPYUID mapping (RFC 4315 §3).
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

enum class flag_op { add, remove, replace };  // +FLAGS -FLAGS FLAGS

struct store_result {
  std::vector<message_data> updated;  // the FETCH responses (UID FLAGS [MODSEQ]) for the stored messages
  sequence_set modified;              // [MODIFIED set]: not stored because changed since unchangedsince
};

// `flags` are system flags ("\Seen") or keywords; anything else is error::unsendable_argument.
// unchangedsince needs CONDSTORE (error::command_failed otherwise, nothing sent).
boost::asio::awaitable<result<store_result>> store_flags(connection& c, sequence_set uids, flag_op op,
                                                        std::vector<std::string> flags,
                                                        std::optional<std::uint64_t> unchangedsince = {});

// UID EXPUNGE uids (needs UIDPLUS: error::command_failed otherwise; a plain EXPUNGE would also remove
// messages other clients marked \Deleted).
boost::asio::awaitable<result<void>> uid_expunge(connection& c, sequence_set uids);

struct copy_uid {
  std::uint32_t uidvalidity = 0;  // of the destination
  sequence_set source, destination;
  // Source→destination pairs in order (RFC 4315: the n-th of one set maps to the n-th of the other);
  // nothing when the sets differ in size or hold more than `max` numbers.
  std::optional<std::vector<std::pair<std::uint32_t, std::uint32_t>>> pairs(std::size_t max = 100000) const;
};

// "uidvalidity source-set dest-set" from a [COPYUID ...] code (exposed for tests).
result<copy_uid> parse_copy_uid(std::string_view code_args);

// UID MOVE when offered, else UID COPY + UID STORE +FLAGS.SILENT (\Deleted) + UID EXPUNGE (the last only
// with UIDPLUS; without it the originals stay marked \Deleted). The COPYUID mapping when the server sent
// one (UIDPLUS), else nothing.
boost::asio::awaitable<result<std::optional<copy_uid>>> move_messages(connection& c, sequence_set uids,
                                                                      std::string destination);

// UID COPY, keeping the originals.
boost::asio::awaitable<result<std::optional<copy_uid>>> copy_messages(connection& c, sequence_set uids,
                                                                      std::string destination);

}  // namespace easd::backend::imap
