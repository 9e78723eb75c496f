// A small synchronous IMAP client for tests and bench/: the "second IMAP client" that seeds mailboxes and
// changes them behind easd's back (flag, move, expunge, create/rename/delete mailboxes), and the oracle a
// test compares the device's view with.
//
// Deliberately independent of backend/imap (the code under test): plain TCP to Dovecot's IMAP port with
// LOGIN, one command at a time except APPEND, which pipelines its messages as LITERAL+ literals
// (MULTIAPPEND, RFC 3502) so 10,000 messages seed in a few seconds. Every read and write has a deadline;
// failures (transport, timeout, a NO/BAD where the caller expects OK) throw std::runtime_error with the
// server's text. Mailbox names are passed as they go on the wire (ASCII or modified UTF-7). Not
// thread-safe: one client per thread (a test that changes mail "concurrently" uses its own instance).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace easd::test {

// One untagged response: its line(s) with each literal replaced by "{N}", and the literals in order.
struct imap_untagged {
  std::string text;
  std::vector<std::string> literals;
};

struct imap_reply {
  std::vector<imap_untagged> untagged;
  std::string status;  // OK | NO | BAD
  std::string text;    // the rest of the tagged line ("[APPENDUID 1 5] Append completed.")
  bool ok() const noexcept { return status == "OK"; }
};

struct imap_mailbox_status {
  std::uint32_t uidvalidity = 0;
  std::uint32_t uidnext = 0;
  std::uint32_t exists = 0;
  std::uint64_t highestmodseq = 0;  // 0 without CONDSTORE
};

struct imap_message_state {
  std::uint32_t uid = 0;
  std::set<std::string> flags;  // "\Seen", "\Flagged", "$Forwarded", ...
  std::string subject;          // the raw Subject header value (unfolded), when asked for
  bool seen() const { return flags.count("\\Seen") != 0; }
  bool flagged() const { return flags.count("\\Flagged") != 0; }
};

class imap_test_client {
public:
  // Connects and logs in; throws on failure.
  imap_test_client(std::uint16_t port, std::string user, std::string password, std::string host = "127.0.0.1",
                   std::chrono::milliseconds timeout = std::chrono::seconds(60));
  ~imap_test_client();
  imap_test_client(const imap_test_client&) = delete;
  imap_test_client& operator=(const imap_test_client&) = delete;

  // Capabilities after login (upper case).
  const std::set<std::string>& capabilities() const noexcept { return caps_; }
  bool has(std::string_view cap) const;

  // Sends "TAG command" and reads to the tagged reply. NO/BAD are returned, not thrown.
  imap_reply command(std::string_view cmd);
  // The same, throwing unless the reply is OK.
  imap_reply ok(std::string_view cmd);

  // --- mailboxes -------------------------------------------------------------------------------------
  std::vector<std::string> list();  // every mailbox name (LIST "" "*"), as on the wire
  void create(std::string_view mailbox);
  void rename(std::string_view from, std::string_view to);
  void remove(std::string_view mailbox);  // DELETE
  // DELETE + CREATE: the new mailbox gets a new UIDVALIDITY (Dovecot: a fresh one each time). Messages
  // given are appended again, so the device sees the "same" mail under new UIDs.
  std::uint32_t reset_uidvalidity(std::string_view mailbox, const std::vector<std::string>& messages = {});
  imap_mailbox_status status(std::string_view mailbox);  // STATUS, no selection
  imap_mailbox_status select(std::string_view mailbox);  // SELECT (read-write)
  void unselect();

  // --- messages (UIDs of the selected mailbox; `uids` is an IMAP set: "5", "1:*", "3,7:9") ----------
  // APPEND one message; the new UID (APPENDUID).
  std::uint32_t append(std::string_view mailbox, std::string_view message,
                       const std::vector<std::string>& flags = {});
  // MULTIAPPEND in batches of `batch` messages (one command, LITERAL+ literals): the new UIDs in order.
  std::vector<std::uint32_t> append_many(std::string_view mailbox, const std::vector<std::string>& messages,
                                         const std::vector<std::string>& flags = {}, std::size_t batch = 500);
  // UID STORE uids +FLAGS/-FLAGS/FLAGS (list), silently.
  void add_flags(std::string_view uids, std::string_view flags);
  void remove_flags(std::string_view uids, std::string_view flags);
  // UID MOVE; the new UIDs in the destination (COPYUID), mapped from the source UIDs.
  std::map<std::uint32_t, std::uint32_t> move(std::string_view uids, std::string_view destination);
  // UID STORE +FLAGS (\Deleted) + UID EXPUNGE.
  void expunge(std::string_view uids);
  // UID, FLAGS and (with_subjects) the Subject header of every message of the selected mailbox.
  std::vector<imap_message_state> messages(bool with_subjects = false);
  // BODY.PEEK[section] (section "" = the whole message) of one UID; nullopt when the UID is gone.
  std::optional<std::string> fetch_section(std::uint32_t uid, std::string_view section = "");

  // The selected mailbox ("" after unselect).
  const std::string& selected() const noexcept { return selected_; }

private:
  std::string next_tag();
  void send_all(std::string_view bytes);
  std::string read_line();  // without CRLF
  std::string read_exact(std::size_t n);
  imap_reply read_reply(const std::string& tag);
  void fill();

  int fd_ = -1;
  std::chrono::milliseconds timeout_;
  std::string buf_;
  std::size_t pos_ = 0;
  unsigned tag_ = 0;
  std::set<std::string> caps_;
  std::string selected_;
};

// Quotes a mailbox name or string for IMAP (backslash and quote escaped).
std::string imap_quote(std::string_view s);
// Expands a UID set of an [APPENDUID]/[COPYUID] code ("4:6,9") to the UIDs in order.
std::vector<std::uint32_t> parse_uid_set(std::string_view set);

}  // namespace easd::test
