// Seeding Dovecot mailboxes through IMAP APPEND (imap_test_client) and changing them the way another mail
// client does, plus the comparison of a device's view with the server's.
#pragma once

#include "tests/support/eas_device.hpp"
#include "tests/support/imap_test_client.hpp"
#include "tests/support/mail_corpus.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace easd::test {

// Appends the corpus to `mailbox`: corpus key → UID.
std::map<std::string, std::uint32_t> seed_corpus(imap_test_client& imap, std::string_view mailbox,
                                                 const std::vector<corpus_message>& corpus);
// Appends small_messages(prefix, count) (MULTIAPPEND batches): the UIDs in order.
std::vector<std::uint32_t> seed_small(imap_test_client& imap, std::string_view mailbox, std::string_view prefix,
                                      std::size_t count);

// The fast path for big mailboxes: writes `messages` as Maildir files straight into Dovecot's store
// (RUN/dovecot/mail/USER/Maildir, Maildir++ ".NAME" for other mailboxes; owned by vmail) without fsync,
// for Dovecot to index on the next SELECT. IMAP APPEND costs ~5 ms a message here (Dovecot fsyncs each
// Maildir file), so 10,000 messages take ~50 s that way and ~1 s this way. Call it before any client has
// the mailbox selected. Returns the number written.
std::size_t write_maildir(const std::filesystem::path& run, std::string_view user, std::string_view mailbox,
                          const std::vector<std::string>& messages);

// What a mail client shows of one message, on either side: subject, read, flagged.
struct visible_message {
  std::string subject;
  bool read = false;
  bool flagged = false;
  friend bool operator<(const visible_message& a, const visible_message& b) {
    return std::tie(a.subject, a.read, a.flagged) < std::tie(b.subject, b.read, b.flagged);
  }
  friend bool operator==(const visible_message&, const visible_message&) = default;
};

// The server's view of a mailbox (selects it): sorted by subject.
std::vector<visible_message> server_view(imap_test_client& imap, std::string_view mailbox);
// The device's view of a collection: sorted by subject.
std::vector<visible_message> device_view(const device_folder& folder);
// "" when equal, else a readable diff (first differences, counts).
std::string diff_views(const std::vector<visible_message>& server, const std::vector<visible_message>& device);

// Random changes another IMAP client makes: flag/unflag, mark read/unread, move between the given
// mailboxes, expunge, append a new message. Deterministic for a seed; every change is logged in `log`.
class mail_mutator {
public:
  mail_mutator(imap_test_client& imap, std::vector<std::string> mailboxes, std::uint32_t seed)
      : imap_(imap), mailboxes_(std::move(mailboxes)), rng_(seed) {}
  // One random change; returns its description ("" when the chosen mailbox was empty).
  std::string step();
  std::vector<std::string> log;

private:
  imap_test_client& imap_;
  std::vector<std::string> mailboxes_;
  std::mt19937 rng_;
  unsigned appended_ = 0;
};

}  // namespace easd::test
