// The JSON Dovecot's push_notification plugin sends, read into a push message (issue 4 §4).
//
// Dovecot 2.3's OX driver (`push_notification_driver = ox:url=…`) PUTs one object per new message:
//   {"user":"…","event":"messageNew","folder":"INBOX","imap-uidvalidity":N,"imap-uid":N,
//    "from":"…","subject":"…","snippet":"…","unseen":N}
// It fires only for MessageNew — delivery through LMTP or LDA, not IMAP APPEND (that is MessageAppend,
// which the driver ignores) — only into INBOX, and only for users whose server METADATA
// /private/vendor/vendor.dovecot/http-notify holds "user=…" (src/plugins/push-notification/
// push-notification-driver-ox.c; observed with Dovecot 2.3.19). A Lua driver may post the same shape
// with other RFC 5423 event names, so every event is read: mailbox events as a hierarchy change,
// everything else as a content change of `folder`.
//
// The body is hostile input: at most max_body bytes, nesting at most max_depth, at most max_members
// members per object, user and folder bounded and checked (UTF-8, no control characters), a repeated
// user/folder/event member refused (two readers could disagree on which one counts). Members other
// than user, folder and event are skipped whatever their type.
#pragma once

#include "eas/core/result.hpp"
#include "push/message.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

namespace easd::server {

enum class dovecot_push_error {
  too_large = 1,    // body over max_body
  malformed,        // not JSON, or more than one value
  not_an_object,    // the top level is not an object
  too_complex,      // nesting or member count over the limits
  duplicate_field,  // user, folder or event given twice
  missing_user,
  bad_user,         // not a string, empty, too long, not UTF-8 or holding control characters
  bad_folder,       // not a string, too long, not UTF-8 or holding control characters
  bad_event,        // not a string or too long
};

const boost::system::error_category& dovecot_push_category() noexcept;
inline boost::system::error_code make_error_code(dovecot_push_error e) noexcept {
  return {static_cast<int>(e), dovecot_push_category()};
}

struct dovecot_push_limits {
  static constexpr std::size_t max_body = 64 * 1024;
  static constexpr std::size_t max_depth = 8;
  static constexpr std::size_t max_members = 64;
  static constexpr std::size_t max_user_bytes = 256;
  // "mail:N:" + folder must fit a push message field (1 KiB, push/message.hpp).
  static constexpr std::size_t max_folder_bytes = 1000;
  static constexpr std::size_t max_event_bytes = 64;
};

struct dovecot_notification {
  std::string user;    // as Dovecot sent it: its login name, or the metadata's user= with user_from_metadata
  std::string folder;  // the mailbox name (UTF-8, Dovecot's separator); "" when absent
  std::string event;   // "messageNew" from the OX driver; "" when absent
};

result<dovecot_notification> parse_dovecot_push(std::string_view body);

// The message for the hub. Content changes name the folder by its state identity "mail:N:<name>":
// Dovecot offers no OBJECTID (RFC 8474), so easd's IMAP backend ids its folders by name
// (backend/imap/imap_mail_store.hpp) and the name maps exactly; "INBOX" in any case is "INBOX". No folder
// → "" (re-check every folder). Mailbox events (MailboxCreate/Delete/Rename/(Un)Subscribe) → hierarchy.
push::message to_push_message(const dovecot_notification& n);

}  // namespace easd::server

template <>
struct boost::system::is_error_code_enum<easd::server::dovecot_push_error> : std::true_type {};
