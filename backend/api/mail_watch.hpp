// Change notification from the mail backend (issue 4 "change sources"): while a user has a held Ping or
// long-poll Sync on this node, the backend watches that user's folders and reports changes as they happen.
// imap_mail_watch implements it with one IMAP connection per user (NOTIFY, else IDLE on the Inbox plus
// STATUS polling), shared by all of the user's devices and held requests.
//
// Contract:
// - watch() never blocks and never fails: connecting, reconnecting with back-off and re-checking happen in
//   the background. The lease is RAII; when a user's last lease goes, the connection lingers briefly (to
//   absorb the device's next Ping) and is then logged out.
// - The sink is called (from the watcher's executor, any thread) with the user and a backend folder id
//   whose content changed (new, expunged or flag-changed messages), or "" when the watcher cannot tell
//   which folder changed (after a reconnect: everything must be re-checked).
// - Leases for the same user with different folder lists: the watcher watches the union.
#pragma once

#include "backend/api/mail_store.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace easd::backend {

using mail_change_sink = std::function<void(std::string_view user, std::string_view folder_id)>;

class mail_watch {
public:
  class lease {
  public:
    virtual ~lease() = default;
  };

  virtual ~mail_watch() = default;

  // Folder ids as mail_store reports them. Credentials are the held request's (the newest lease's are used
  // for reconnects).
  virtual std::unique_ptr<lease> watch(const account& acct, std::vector<std::string> folder_ids) = 0;

  // Ends every watch (logout) promptly; later watch() calls return inert leases.
  virtual void shutdown() = 0;
};

}  // namespace easd::backend
