// The record of what a user's devices sent (issue 6 §5 and §7): it makes SendMail, SmartReply,
// SmartForward and a draft's Send exactly-once across retries, lost responses, restarts and nodes, and it
// is what the per-user send rate is counted from. Implemented on the state store's SQLite file
// (sqlite_send_ledger.cpp, migration 3), so every node sharing the file sees every claim.
//
// A send is keyed per device: "c:<ClientId>" for 14.0+ (the device picks it, unique per message,
// [MS-ASCMD] 2.2.3.27.1), or "h:<digest>" of the whole 12.1 request (which has no ClientId: the same
// request repeated after a lost response is the same message). The caller claims the key before
// submitting, then records the outcome:
//   - finish(sent):    the server took it; a retry answers success and sends nothing.
//   - finish(unknown): the connection broke after the final dot; the server may have taken it. easd
//                      sends at most once, so a retry also answers success and sends nothing (logged).
//   - release():       nothing was sent (refused, or failed before the dot); a retry may send.
// A claim that is neither finished nor released is a send in flight — or one whose node died mid-send;
// after `stale_after` it is treated as unknown (never sent twice).
//
// Contract as state_store: synchronous, thread-safe, call through run_blocking; errors are values.
#pragma once

#include "eas/core/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace easd::state {

struct send_key {
  std::string user;       // the authenticated login
  std::string device_id;
  std::string key;        // "c:<ClientId>" or "h:<hex digest>", ≤ max_id_size
};

// Per-user bounds over a sliding window (configuration [smtp] max_messages_per_hour and
// max_recipients_per_hour); 0 means no limit.
struct send_rate {
  unsigned max_messages = 0;
  unsigned max_recipients = 0;
  std::int64_t window_seconds = 3600;
};

enum class claim_outcome {
  claimed,        // new: the caller submits, then finish()es or release()s
  already_sent,   // finished as sent, or as unknown, or a claim older than stale_after
  in_flight,      // another request holds a fresh claim on it: answer "retry later"
  rate_limited,   // the user's sends in the window (claims, sent and unknown; not released) reached a bound
};

struct claim_request {
  send_key key;
  unsigned recipients = 0;        // counted against max_recipients (the claim's own share included)
  std::int64_t now = 0;           // unix seconds
  send_rate rate;
  std::int64_t stale_after = 600;  // seconds after which an unfinished claim counts as unknown
  // Rows older than this are deleted on the way (a device retries within minutes, not weeks).
  std::int64_t retention_seconds = 7 * 24 * 3600;
};

enum class send_result { sent, unknown };

class send_ledger {
public:
  virtual ~send_ledger() = default;
  // In one transaction: the key's earlier record, else the rate check, else a new claim.
  virtual result<claim_outcome> claim(const claim_request& request) = 0;
  // Records the outcome of a claimed send. not_found if there is no such claim.
  virtual result<void> finish(const send_key& key, send_result outcome, std::int64_t now) = 0;
  // Forgets a claim whose message was not sent (succeeds if there is none).
  virtual result<void> release(const send_key& key) = 0;
};

}  // namespace easd::state
