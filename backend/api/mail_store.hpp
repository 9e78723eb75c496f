// The mail backend as the protocol sees it (ARCHITECTURE.md §2 backend/api): a user's folders and the
// messages in them, addressed by backend folder ids and IMAP-style UIDs. imap_mail_store implements it
// over IMAP (backend/imap), fake_mail_store in memory (backend/fake) for hermetic tests.
//
// Contract:
// - Every call acts as `acct` (the device's own credentials: easd has no master login). Calls complete on
//   the caller's executor; await them from one coroutine per request (a Sync) — implementations pool and
//   serialise backend connections per user themselves.
// - Errors are values: mail_error below, or an implementation's transport error (the caller answers
//   "server error, retry"). Nothing here throws for backend or input failures.
// - Strings are UTF-8 (mailbox names decoded from modified UTF-7, headers decoded from RFC 2047 and their
//   charsets). Byte strings (bodies, raw MIME) are as stored.
// - Folder ids are opaque and stable: the server's MAILBOXID (RFC 8474) where offered, else the mailbox
//   name (so a rename elsewhere looks like delete + add on such servers). UIDs are RFC 9051 UIDs; a
//   uidvalidity change voids them all.
// - Sync cost grows with changes: status() is one round trip, changes() returns only what changed since a
//   modseq on servers with CONDSTORE (the slow path without it returns every message's flags).
#pragma once

#include "eas/core/result.hpp"
#include "eas/core/uid_set.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace easd::backend {

enum class mail_error {
  not_found = 1,     // no such folder or message (also: not this user's)
  folder_exists,     // create/rename onto an existing name
  parent_not_found,  // create/rename under a missing parent
  invalid_name,      // empty, too long, containing the hierarchy delimiter or control characters
  special_folder,    // rename/delete of INBOX or another folder the server refuses to change
  refused,           // the server said NO for another reason (quota, permissions)
  too_large,         // a message or part bigger than the caller's cap
};

namespace detail {
class mail_category_impl final : public boost::system::error_category {
public:
  const char* name() const noexcept override { return "easd.mail"; }
  std::string message(int ev) const override {
    switch (static_cast<mail_error>(ev)) {
      case mail_error::not_found: return "no such folder or message";
      case mail_error::folder_exists: return "a folder of that name exists";
      case mail_error::parent_not_found: return "the parent folder does not exist";
      case mail_error::invalid_name: return "invalid folder name";
      case mail_error::special_folder: return "the folder cannot be changed";
      case mail_error::refused: return "the mail server refused the change";
      case mail_error::too_large: return "too large";
    }
    return "unknown mail error";
  }
};
}  // namespace detail

inline const boost::system::error_category& mail_category() noexcept {
  static const detail::mail_category_impl category;
  return category;
}
inline boost::system::error_code make_error_code(mail_error e) noexcept {
  return {static_cast<int>(e), mail_category()};
}

struct account {
  std::string user;
  std::string password;
  std::string client_address;  // for the backend's logs
};

// What a folder is for: RFC 6154 SPECIAL-USE, else a name fallback ("Sent", "Gesendete Objekte", …).
enum class folder_role : std::uint8_t { none, inbox, drafts, sent, trash, junk, archive, outbox };

struct mail_folder {
  std::string id;         // stable backend identity (see above)
  std::string parent_id;  // "" for a top-level folder
  std::string name;       // display name: the last component of the path
  std::string path;       // the whole mailbox name, UTF-8
  folder_role role = folder_role::none;
  bool selectable = true;  // false for \Noselect containers (still shown as folders)
  friend bool operator==(const mail_folder&, const mail_folder&) = default;
};

struct mailbox_status {
  std::uint32_t uidvalidity = 0;
  std::uint32_t uidnext = 0;
  std::uint32_t messages = 0;
  std::uint64_t highest_modseq = 0;  // 0: the server has no CONDSTORE for this mailbox (slow path)
  friend bool operator==(const mailbox_status&, const mailbox_status&) = default;
};

struct message_flags {
  bool seen = false, flagged = false, answered = false, forwarded = false, deleted = false, draft = false;
  std::vector<std::string> keywords;  // other keywords, as stored ($Label1, work, …); no system flags
  friend bool operator==(const message_flags&, const message_flags&) = default;
};

struct flag_state {
  std::uint32_t uid = 0;
  message_flags flags;
  std::uint64_t modseq = 0;
  friend bool operator==(const flag_state&, const flag_state&) = default;
};

struct mailbox_delta {
  mailbox_status status;     // after the changes
  bool uidvalidity_changed = false;  // every UID of `since` is void: the caller starts over
  // Messages whose flags changed after since_modseq (CONDSTORE), or every message's flags (slow path,
  // since_modseq 0 or no CONDSTORE). New messages may be among them: callers find adds with search().
  std::vector<flag_state> changed;
  uid_set vanished;          // UIDs of `known` that are gone (expunged or moved away)
};

struct search_criteria {
  std::optional<std::int64_t> since;  // internal date ≥ this (unix seconds; FilterType windows)
  std::optional<uid_set> uids;        // restrict to these
  bool include_deleted = false;       // false: UNDELETED (\Deleted messages are invisible to devices)
};

struct mail_address {
  std::string name;     // display name, decoded; may be empty
  std::string address;  // local@domain; empty for a group marker
  friend bool operator==(const mail_address&, const mail_address&) = default;
};

// One MIME part as the server parsed it (BODYSTRUCTURE): section numbers as in RFC 9051 §6.4.5.
struct mime_part {
  std::string section;          // "1", "1.2"; "" for a top-level multipart
  std::string type, subtype;    // lower-case: "text", "plain"
  std::string charset;          // lower-case, "" when not given
  std::string encoding;         // lower-case Content-Transfer-Encoding: "7bit", "base64", "quoted-printable"
  std::string disposition;      // lower-case: "attachment", "inline" or ""
  std::string filename;         // decoded (RFC 2231 / 2047), from disposition filename or type name
  std::string content_id;       // without the angle brackets
  std::string content_location;
  std::uint64_t size = 0;       // encoded octets
  std::vector<mime_part> children;
  friend bool operator==(const mime_part&, const mime_part&) = default;
};

// What the Email class needs of one message without its bodies.
struct message_summary {
  std::uint32_t uid = 0;
  message_flags flags;
  std::uint64_t modseq = 0;
  std::int64_t internal_date = 0;  // unix seconds (DateReceived)
  std::uint64_t size = 0;          // RFC822.SIZE
  std::string subject;             // decoded
  std::optional<std::int64_t> date;  // the Date header, unix seconds, when parseable
  std::vector<mail_address> from, sender, reply_to, to, cc, bcc;
  std::string message_id, in_reply_to;  // as in the header, angle brackets included
  // Other header fields the converters use, decoded, names lower-case: "importance", "x-priority",
  // "thread-topic", "thread-index", "references", "content-class", "content-type", "x-ms-has-attach".
  std::vector<std::pair<std::string, std::string>> headers;
  mime_part body;                  // the structure tree root
  const std::string* header(std::string_view lower_name) const noexcept {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) return &value;
    }
    return nullptr;
  }
};

// A byte range of a part: bytes are the decoded content (transfer encoding undone, charset untouched) when
// `decoded`, else as stored. total is the whole part's size in the same form when the server says so.
struct part_bytes {
  std::string bytes;
  std::optional<std::uint64_t> total;
};

class mail_store {
public:
  virtual ~mail_store() = default;

  // --- folders
  virtual boost::asio::awaitable<result<std::vector<mail_folder>>> list_folders(const account& acct) = 0;
  // parent_id "" = top level. Returns the new folder.
  virtual boost::asio::awaitable<result<mail_folder>> create_folder(const account& acct, std::string parent_id,
                                                                    std::string name) = 0;
  // Moves and/or renames; returns the folder as it is now (its id changes on servers without MAILBOXID).
  virtual boost::asio::awaitable<result<mail_folder>> rename_folder(const account& acct, std::string folder_id,
                                                                    std::string new_parent_id,
                                                                    std::string new_name) = 0;
  // Deletes the folder with its subfolders and messages.
  virtual boost::asio::awaitable<result<void>> delete_folder(const account& acct, std::string folder_id) = 0;

  // --- change detection
  // One round trip (STATUS); no mailbox is selected.
  virtual boost::asio::awaitable<result<mailbox_status>> status(const account& acct, std::string folder_id) = 0;
  // Flag changes and expunges since (uidvalidity, since_modseq) among `known` (QRESYNC where offered).
  virtual boost::asio::awaitable<result<mailbox_delta>> changes(const account& acct, std::string folder_id,
                                                                std::uint32_t uidvalidity,
                                                                std::uint64_t since_modseq, uid_set known) = 0;
  virtual boost::asio::awaitable<result<uid_set>> search(const account& acct, std::string folder_id,
                                                         search_criteria criteria) = 0;

  // --- reading
  // Summaries of the messages among `uids` that exist, in ascending UID order (missing ones are skipped).
  virtual boost::asio::awaitable<result<std::vector<message_summary>>> summaries(const account& acct,
                                                                                std::string folder_id,
                                                                                uid_set uids) = 0;
  // Up to `max_bytes` from `offset` of one part (section "" = the whole raw message, "HEADER" its header).
  // `decoded` asks for the transfer encoding undone (BINARY); the store falls back to decoding itself.
  virtual boost::asio::awaitable<result<part_bytes>> fetch_part(const account& acct, std::string folder_id,
                                                                std::uint32_t uid, std::string section,
                                                                bool decoded, std::uint64_t offset,
                                                                std::uint64_t max_bytes) = 0;

  // --- changing
  virtual boost::asio::awaitable<result<void>> set_flags(const account& acct, std::string folder_id, uid_set uids,
                                                         message_flags add, message_flags remove) = 0;
  // Moves messages; returns (old uid, new uid) pairs where the server tells (COPYUID), in order.
  virtual boost::asio::awaitable<result<std::vector<std::pair<std::uint32_t, std::uint32_t>>>> move(
      const account& acct, std::string folder_id, uid_set uids, std::string to_folder_id) = 0;
  // Removes messages for good (\Deleted + UID EXPUNGE).
  virtual boost::asio::awaitable<result<void>> expunge(const account& acct, std::string folder_id, uid_set uids) = 0;
  // Adds a message; returns its UID when the server tells (APPENDUID), else 0.
  virtual boost::asio::awaitable<result<std::uint32_t>> append(const account& acct, std::string folder_id,
                                                               std::string message, message_flags flags) = 0;
};

}  // namespace easd::backend

template <>
struct boost::system::is_error_code_enum<easd::backend::mail_error> : std::true_type {};
