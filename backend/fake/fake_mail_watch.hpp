// An in-memory mail_watch for hermetic tests of Ping and long-poll Sync: it records the leases and lets
// the test play the IMAP server's part by firing changes into the sink.
//
// - watch() records a lease (user, credentials, folder ids) until it is destroyed; after shutdown() it
//   returns inert leases that are not recorded.
// - fire(user, folder_id) calls the sink synchronously on the test's thread when that user has a live
//   lease and the folder is watched by one of them ("" always is), as the real watcher only reports what
//   it watches; it returns whether it did. fire_always() skips the check.
// - Thread-safe; the sink is called without the lock held (it may take leases or release them).
//
//   backend::fake_mail_watch watch;
//   watch.set_sink([&](std::string_view user, std::string_view folder) { hub.publish(...); });
//   auto lease = watch.watch({"ann", "pw"}, {"N:INBOX"});
//   EXPECT_EQ(watch.active_count("ann"), 1);
//   EXPECT_TRUE(watch.fire("ann", "N:INBOX"));
#pragma once

#include "backend/api/mail_watch.hpp"

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace easd::backend {

class fake_mail_watch final : public mail_watch {
public:
  explicit fake_mail_watch(mail_change_sink sink = {});
  ~fake_mail_watch() override;
  fake_mail_watch(const fake_mail_watch&) = delete;
  fake_mail_watch& operator=(const fake_mail_watch&) = delete;

  void set_sink(mail_change_sink sink);

  std::unique_ptr<lease> watch(const account& acct, std::vector<std::string> folder_ids) override;
  void shutdown() override;

  // --- test side
  struct lease_record {
    account acct;
    std::vector<std::string> folder_ids;
  };
  bool fire(std::string_view user, std::string_view folder_id);
  void fire_always(std::string_view user, std::string_view folder_id);

  std::vector<lease_record> active() const;                            // live leases, oldest first
  std::size_t active_count(std::string_view user) const;               // live leases of one user
  std::vector<std::string> watched_folders(std::string_view user) const;  // their union, sorted
  std::size_t leases_taken() const;                                    // every recorded lease so far
  bool is_shut_down() const;

  struct shared;

private:
  std::shared_ptr<shared> shared_;
};

}  // namespace easd::backend
