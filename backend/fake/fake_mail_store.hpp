// An in-memory mail_store for hermetic tests: one user's mailboxes behaving like an IMAP server with
// CONDSTORE/QRESYNC (RFC 7162) and stable folder ids (RFC 8474 MAILBOXID), or — switchable — like one
// whose folder ids are the mailbox names. The account passed to the interface calls is not checked.
//
// Model:
// - Folders have a path ("Work/Projects", delimiter '/'), an id "F1", "F2", … that survives renames (or
//   the path itself after use_names_as_ids(true)), a role and a selectable bit. INBOX ("F1") always
//   exists and cannot be renamed or deleted; protect_folder() makes others behave the same.
// - Each mailbox has uidvalidity, uidnext and a modseq counter that every change bumps; a message
//   carries the modseq of its last change, expunged UIDs are remembered with the modseq of their expunge
//   so changes() can report them as vanished (QRESYNC). set_condstore(false) gives the slow path:
//   highest_modseq 0, modseqs 0, changes() returns every message's flags and vanished = known − present.
// - fetch_part serves what the test put into fake_message::raw (section "", "HEADER") and
//   fake_message::parts (sections "1", "2", "1.2", … as stored, i.e. transfer-encoded); `decoded` undoes
//   base64 / quoted-printable according to the part's mime_part::encoding.
// - Calls on a non-selectable folder that need a mailbox (status, changes, search, summaries, fetch_part,
//   set_flags, move, expunge, append) fail with not_found; UIDs that do not exist are skipped.
// - append() keeps the bytes and takes Subject/From/To/Cc/Message-ID from the header (no RFC 2047
//   decoding), the body becoming one text/plain part "1".
//
// Test helpers (not part of mail_store) are synchronous and thread-safe; the interface calls complete
// immediately. Everything is guarded by one mutex.
//
//   backend::fake_mail_store mail;
//   auto work = mail.add_folder("Work");                       // returns the folder id
//   auto uid = mail.add_message(work, backend::fake_message::plain("Hi", "Ann <ann@example.com>", "text"));
//   mail.set_flags_external(work, uid, {.seen = true});
//   mail.fail_next(backend::mail_error::refused, "set_flags");  // the next set_flags fails
//   EXPECT_EQ(mail.calls("status"), 1);
#pragma once

#include "backend/api/mail_store.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::backend {

// A message as a test builds it. The summary fields mirror message_summary (uid, modseq and size are the
// store's); `parts` maps a section to that part's content as stored (transfer-encoded).
struct fake_message {
  message_flags flags;
  std::int64_t internal_date = 1700000000;
  std::string subject;
  std::optional<std::int64_t> date;
  std::vector<mail_address> from, sender, reply_to, to, cc, bcc;
  std::string message_id, in_reply_to;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names, see message_summary
  mime_part body;                                            // the structure tree root
  std::string raw;                                           // the whole message (section ""); size
  std::map<std::string, std::string> parts;                  // "1" → bytes as stored

  // "Name <local@domain>" or "local@domain".
  static mail_address address(std::string_view text);
  // One non-multipart part (charset utf-8 for text/*), as the builders and append() describe their bodies.
  static mime_part leaf(std::string section, std::string type, std::string subtype, std::string encoding,
                        std::uint64_t size);
  // A text/plain (utf-8, 8bit) message to user@example.com.
  static fake_message plain(std::string_view subject, std::string_view from, std::string_view body);
  // A text/html (utf-8, quoted-printable) message.
  static fake_message html(std::string_view subject, std::string_view from, std::string_view html_body);
  // multipart/mixed: "1" text/plain body, "2" the attachment (base64, disposition attachment).
  static fake_message with_attachment(std::string_view subject, std::string_view from, std::string_view body,
                                      std::string_view filename, std::string_view content_type,
                                      std::string_view data);
};

class fake_mail_store final : public mail_store {
public:
  fake_mail_store();

  // --- test helpers
  // Adds a folder by full path (missing parents are created as plain folders); returns its id. An
  // existing path only gets its role (unless none) updated.
  std::string add_folder(std::string_view path, folder_role role = folder_role::none, bool selectable = true);
  void set_role(std::string_view folder_id, folder_role role);
  void protect_folder(std::string_view folder_id);  // rename/delete fail with special_folder
  // Rename/move or delete as another client would; false if there is no such folder.
  bool rename_folder_external(std::string_view folder_id, std::string_view new_path);
  bool delete_folder_external(std::string_view folder_id);
  // The current id of the folder at `path`, "" if none.
  std::string folder_id(std::string_view path) const;

  // Adds a message as delivered mail; returns its UID (0 if the folder does not exist).
  std::uint32_t add_message(std::string_view folder_id, fake_message message);
  // Replaces a message's flags / removes messages as another client would (bumping modseq).
  bool set_flags_external(std::string_view folder_id, std::uint32_t uid, message_flags flags);
  void expunge_external(std::string_view folder_id, const uid_set& uids);
  // A new uidvalidity; the messages are renumbered from UID 1 and the expunge memory is cleared.
  void reset_uidvalidity(std::string_view folder_id);

  std::optional<message_flags> flags(std::string_view folder_id, std::uint32_t uid) const;
  std::optional<std::string> raw(std::string_view folder_id, std::uint32_t uid) const;  // appended bytes
  uid_set uids(std::string_view folder_id) const;
  std::optional<mailbox_status> status_now(std::string_view folder_id) const;

  void set_condstore(bool on);
  void use_names_as_ids(bool on);  // folder id = path: renames change ids (servers without MAILBOXID)

  // The next call of `method` (an interface function name such as "status"; "" = any) returns `ec`.
  void fail_next(error_code ec, std::string_view method = "");
  void fail_next(mail_error e, std::string_view method = "") { fail_next(make_error_code(e), method); }
  // How often an interface function was called (failed calls included).
  int calls(std::string_view method) const;
  void reset_calls();

  // --- mail_store
  boost::asio::awaitable<result<std::vector<mail_folder>>> list_folders(const account& acct) override;
  boost::asio::awaitable<result<mail_folder>> create_folder(const account& acct, std::string parent_id,
                                                            std::string name) override;
  boost::asio::awaitable<result<mail_folder>> rename_folder(const account& acct, std::string folder_id,
                                                            std::string new_parent_id, std::string new_name) override;
  boost::asio::awaitable<result<void>> delete_folder(const account& acct, std::string folder_id) override;
  boost::asio::awaitable<result<mailbox_status>> status(const account& acct, std::string folder_id) override;
  boost::asio::awaitable<result<mailbox_delta>> changes(const account& acct, std::string folder_id,
                                                        std::uint32_t uidvalidity, std::uint64_t since_modseq,
                                                        uid_set known) override;
  boost::asio::awaitable<result<uid_set>> search(const account& acct, std::string folder_id,
                                                 search_criteria criteria) override;
  boost::asio::awaitable<result<std::vector<message_summary>>> summaries(const account& acct,
                                                                        std::string folder_id,
                                                                        uid_set uids) override;
  boost::asio::awaitable<result<part_bytes>> fetch_part(const account& acct, std::string folder_id,
                                                        std::uint32_t uid, std::string section, bool decoded,
                                                        std::uint64_t offset, std::uint64_t max_bytes) override;
  boost::asio::awaitable<result<void>> set_flags(const account& acct, std::string folder_id, uid_set uids,
                                                 message_flags add, message_flags remove) override;
  boost::asio::awaitable<result<std::vector<std::pair<std::uint32_t, std::uint32_t>>>> move(
      const account& acct, std::string folder_id, uid_set uids, std::string to_folder_id) override;
  boost::asio::awaitable<result<void>> expunge(const account& acct, std::string folder_id, uid_set uids) override;
  boost::asio::awaitable<result<std::uint32_t>> append(const account& acct, std::string folder_id,
                                                       std::string message, message_flags flags) override;

private:
  struct stored_message {
    fake_message m;
    std::uint64_t modseq = 0;
  };
  struct folder {
    std::string key;  // "F1": the stable id
    std::string path;
    folder_role role = folder_role::none;
    bool selectable = true;
    bool protect = false;
    std::uint32_t uidvalidity = 0;
    std::uint32_t uidnext = 1;
    std::uint64_t modseq = 1;
    std::map<std::uint32_t, stored_message> messages;
    std::map<std::uint32_t, std::uint64_t> expunged;  // uid → modseq of the expunge
  };

  // All below expect mutex_ held.
  std::optional<error_code> enter(std::string_view method);
  folder* find(std::string_view id);
  const folder* find(std::string_view id) const;
  folder* find_path(std::string_view path);
  std::string public_id(const folder& f) const;
  mail_folder describe(const folder& f) const;
  folder& make_folder(std::string path, folder_role role, bool selectable);
  std::uint32_t deliver(folder& f, fake_message m);
  void remove_message(folder& f, std::uint32_t uid);
  void rename_tree(folder& f, const std::string& new_path);
  void delete_tree(const folder& f);
  message_summary summarise(std::uint32_t uid, const stored_message& s) const;

  mutable std::mutex mutex_;
  std::vector<folder> folders_;
  std::uint32_t next_key_ = 1;
  std::uint32_t next_uidvalidity_ = 1000;
  bool condstore_ = true;
  bool names_as_ids_ = false;
  std::optional<std::pair<std::string, error_code>> failure_;
  std::map<std::string, int, std::less<>> calls_;
};

}  // namespace easd::backend
