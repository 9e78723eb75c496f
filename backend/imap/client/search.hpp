// UID SEARCH (RFC 9051 §6.4.4) returning UIDs; with ESEARCH (RFC 4731) as "UID SEARCH RETURN (ALL)", whose
// answer is one compact set instead of a list of every number.
#pragma once

#include "backend/imap/client/connection.hpp"
#include "backend/imap/client/sequence_set.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>

namespace easd::backend::imap {

// The criteria sync needs; all given ones must match (AND). None given: ALL.
struct search_query {
  std::optional<std::chrono::year_month_day> since;  // SINCE: internal date on or after (server's zone)
  std::optional<sequence_set> uids;                   // UID set
  bool undeleted = false;                             // UNDELETED
};

// Typed view: "* ESEARCH (TAG "t") UID ALL set" for tag `tag`, or "* SEARCH n n n" (exposed for tests).
// At most `max_results` numbers from a plain SEARCH (ESEARCH sets are ranges and need no cap).
result<sequence_set> parse_search(const command_result& r, std::string_view tag, std::size_t max_results = 1000000);

boost::asio::awaitable<result<sequence_set>> uid_search(connection& c, search_query q);

}  // namespace easd::backend::imap
