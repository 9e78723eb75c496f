// The one path every message a device sends takes (issue 6): SendMail, SmartReply, SmartForward (both the
// 12.1 raw-MIME and the 14.0+ WBXML forms) and a 16.x draft's Send. The commands only parse their request
// and render the answer; this does the rest, in this order:
//
//   1. parse and bound the phone's MIME (compose::parse_outgoing), and for Smart* fetch the original from
//      the mail store and compose the final message (compose_reply / compose_forward);
//   2. prepare it (Bcc removed, Date and Message-ID added, From checked or rewritten);
//   3. claim the ledger key (exactly once, and the per-user rate) — a key already sent answers success;
//   4. submit it over SMTP as the user; record sent / unknown, or release the claim when nothing went out;
//   5. after a send: the Sent copy (APPEND with \Seen, Bcc kept, when asked and [smtp] save_sent), the
//      original flagged \Answered or $Forwarded, and a push publish for the folders that changed. These
//      are best effort: the message is sent, so a failure here is logged and the device still hears
//      success (a retry must not send again).
//
// Nothing is half-done before the submission: every check and every fetch happens first, and a failure
// there releases the claim.
#pragma once

#include "eas/protocol/request_context.hpp"
#include "eas/protocol/services.hpp"
#include "eas/protocol/status.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::protocol {

enum class send_kind { send, reply, forward };

// The original of a SmartReply/SmartForward, by the device's ids ([MS-ASCMD] 2.2.3.162 Source).
struct send_source {
  std::string collection_id;  // FolderId (14.0+) or CollectionId (12.1 query)
  std::string item_id;        // ItemId: the item's ServerId "<collection>:<uid>"
  std::string long_id;        // LongId (a Search result); used when item_id is empty
  std::string instance_id;    // InstanceId (an occurrence of a meeting): not for mail, answered 150
};

struct send_request {
  send_kind kind = send_kind::send;
  // The ledger key: "c:" + ClientId for 14.0+ (the caller checks ClientId's syntax), "h:" + a digest of
  // the 12.1 request (request_digest), "d:" + … for a draft's Send. Empty: no exactly-once guard.
  std::string ledger_key;
  bool save_in_sent = false;
  std::string_view mime;  // the phone's message (or the draft's), as received
  bool replace_mime = false;
  std::optional<send_source> source;  // required for reply and forward
};

struct send_outcome {
  bool ok = false;                                      // sent now, or sent before (a retry)
  common_status status = common_status::server_error;  // when !ok
  // For the log line only: what happened ("sent", "duplicate", "smtp 550 …"); never for the device.
  std::string detail;
};

// Runs the whole flow; never throws for input, backend or network failures. Status mapping
// ([MS-ASCMD] 2.2.2): unparseable MIME 107; no recipients 119; too many recipients, a foreign From, a
// recipient or message refused by the server 120; too large 122 (ours or the server's); a Smart*
// original not found or unusable 150; rate limit 115; SMTP authentication refused 130; a send of the
// same key in flight, SMTP or IMAP unreachable 111; anything else 110.
boost::asio::awaitable<send_outcome> send_message(services& svc, const request_context& ctx,
                                                  const send_request& request);

// The user's own addresses (the primary first), as send_settings::domain defines them.
std::vector<std::string> user_addresses(const send_settings& settings, std::string_view login);

// "h:" + the hex SHA-256 of the 12.1 request: the command, the query's ids and SaveInSent, and the body.
std::string request_digest(const request_context& ctx, std::string_view body);

}  // namespace easd::protocol
