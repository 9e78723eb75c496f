// The backend interfaces a command handler may use. Wired in eas/server/main.cpp (and by tests with fakes);
// grows as commands land (push hub, device registry…). Pointers are non-owning and outlive every request.
#pragma once

#include "backend/api/mail_store.hpp"
#include "backend/api/mail_submitter.hpp"
#include "backend/api/mail_watch.hpp"
#include "eas/core/blocking_pool.hpp"
#include "eas/protocol/state/send_ledger.hpp"
#include "eas/protocol/state/state_store.hpp"

#include <chrono>
#include <cstdint>
#include <functional>

namespace easd::push {
class hub;
}
namespace easd::provisioning {
class device_registry;
}

namespace easd::protocol {

class policy_source;

// Ping and long-poll Sync bounds ([push] in the configuration; Exchange's defaults).
struct push_settings {
  std::chrono::seconds min_heartbeat{60};
  std::chrono::seconds max_heartbeat{3540};
  std::size_t max_folders = 300;
  std::chrono::seconds ping_parameters_ttl{7 * 24 * 3600};
};

// Sending (issue 6; [smtp] in the configuration beyond the connection settings).
struct send_settings {
  // The user's address is the login when it holds an '@', else login@domain ("" : the login as it is,
  // which a submission server rejects as a sender unless it accepts bare names).
  std::string domain;
  bool rewrite_from = false;  // a foreign From: rewritten to the user's address (true) or refused (false)
  bool save_sent = true;      // APPEND the Sent copy when asked; off where the submission server files it
  std::size_t max_message = 32u << 20;  // the phone's message and the composed one, bytes
  std::size_t max_recipients = 500;     // To + Cc + Bcc of one message
  state::send_rate rate{.max_messages = 200, .max_recipients = 2000, .window_seconds = 3600};
  std::string message_id_host;          // right-hand side of generated Message-IDs ("" = the sender's domain)
};

struct services {
  state::state_store* state = nullptr;    // call only through run_blocking(*blocking, …)
  blocking_pool* blocking = nullptr;
  backend::mail_store* mail = nullptr;
  // Unix seconds now; replaceable in tests (FilterType windows, device timestamps).
  std::function<std::int64_t()> now;
  // Push (issue 4): held Pings and long-poll Syncs park on the hub; changes made through easd publish to
  // it. Null: Ping answers "server error" and Sync never parks. `watch` (may be null: no backend change
  // source, e.g. a fake store in tests) watches the user's folders while a request is held.
  push::hub* push = nullptr;
  backend::mail_watch* watch = nullptr;
  push_settings push_limits;
  // Provisioning (issue 5): the device registry and the policies. Null: no gate, Provision answers
  // "no policy" (hermetic tests of other commands). Both call through run_blocking.
  provisioning::device_registry* devices = nullptr;
  policy_source* policies = nullptr;
  // Sending (issue 6): the SMTP submitter and the exactly-once ledger. Null submitter: the sending
  // commands answer "server error"; null ledger: no exactly-once and no rate limit (hermetic tests only).
  backend::mail_submitter* submitter = nullptr;
  state::send_ledger* sends = nullptr;  // call through run_blocking
  send_settings sending;
};

}  // namespace easd::protocol
