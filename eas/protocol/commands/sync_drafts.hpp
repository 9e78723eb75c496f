// 16.x drafts in Sync ([MS-ASCMD] 3.1.5.4, [MS-ASEMAIL] 3.1.5.4; issue 6 §6): the device's Add and Change
// of an Email in the Drafts folder become IMAP messages with \Draft (compose/draft_mime.hpp), and
// email2:Send ([MS-ASEMAIL] 2.2.2.69) sends one through send_flow. Internal to sync*.cpp; called from
// apply_client_commands for collections where is_draft_collection holds.
//
// Identity across edits. IMAP cannot change a message: an edit APPENDs the new version and expunges the
// old, so the draft gets a new UID and thus a new ServerId. Exchange keeps ServerIds, and an alias table
// would have to be honoured by every command that takes a ServerId (ItemOperations, MoveItems,
// SmartReply…). Instead the collection's state tells the device in the same response: a Delete of the
// old ServerId (a pending item, sent first) and an Add of the new one (its UID in the backlog), which
// also brings the new FileReferences. Any client copes with this: it is exactly what it sees when another
// IMAP client (Thunderbird, Roundcube) saves a draft it also has, and the device sends a Change only once
// the user saved the draft (closing the editor), so nothing on the device still points at the old id.
// The Change itself is answered only on failure, as every Change (its schema has no ApplicationData).
#pragma once

#include "eas/protocol/commands/sync_request.hpp"
#include "eas/protocol/compose/draft_mime.hpp"
#include "eas/protocol/status.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace easd::protocol::sync_detail {

// The Drafts folder syncs both ways in 16.0 and 16.1 only (clients ≤ 14.1 must not sync it, 3.1.5.4).
bool is_draft_collection(const mail_collection& collection, protocol_version v) noexcept;

// A Change of a draft that edits or sends it (anything beyond Read / Flag / Categories, or email2:Send);
// other Changes stay flag changes.
bool is_draft_edit(const client_command& cmd) noexcept;

// Bounds on what a device may put into one draft (the message as a whole: draft_limits::max_message).
struct draft_request_limits {
  std::size_t max_field = 32u << 10;  // To, Cc, Bcc, ReplyTo, Subject (bytes)
  std::size_t max_body = 32u << 20;   // Body/Data
  std::size_t max_attachments = 100;  // Attachments/Add and Attachments/Delete, each
  std::size_t max_attachment = 32u << 20;
};

struct draft_request {
  compose::draft_edit edit;
  std::optional<bool> read, flagged;  // [MS-ASEMAIL] 2.2.2.53, 2.2.2.35
  bool send = false;                  // email2:Send (tolerated inside ApplicationData as well)
};

// Reads the ApplicationData of an Add (uid 0) or of a Change of item `uid` in `collection_id`.
// Attachments/Delete FileReferences that do not name that item are ignored (not ours to delete).
// Errors: compose_error::malformed (a bad Importance, Method, body Type or a missing ClientId /
// Content), too_large (a field, the body or an attachment beyond its bound), too_many_attachments.
result<draft_request> parse_draft_request(const wbxml::element& application_data, std::string_view collection_id,
                                          std::uint32_t uid, const draft_request_limits& limits);

// The Sync item status for a draft whose Send failed ([MS-ASCMD] 2.2.3.177.17; common codes 2.2.2):
// no or refused recipients are 183 InvalidRecipients.
unsigned draft_send_status(common_status s) noexcept;

struct draft_outcome {
  std::optional<wbxml::element> response;  // the child of Responses, if any
  bool changed_state = false;              // the cursor / pending / client_adds changed
};

// Sync Add in a drafts collection: composes and APPENDs the draft (\Draft \Seen), answers its ServerId
// and the FileReferences of its attachments, records the ClientId in `client_adds` (a replay answers
// from them) and marks the UID known so it does not come back as a server Add. With email2:Send the
// draft is then sent and moved to Sent.
boost::asio::awaitable<draft_outcome> apply_draft_add(services& svc, const request_context& ctx,
                                                      const mail_collection& collection, const client_command& cmd,
                                                      state::mail_cursor& cursor,
                                                      std::vector<state::pending_item>& pending,
                                                      std::vector<state::client_add>& client_adds);

// The answer to a replayed Add ([MS-ASCMD] 3.1.5.9): the ServerId issued for its ClientId, nothing new.
wbxml::element replay_draft_add(const mail_collection& collection, const client_command& cmd,
                                const std::vector<state::client_add>& issued);

// Sync Change of draft `uid` (known to the device): edits it (see the header comment) and / or sends it.
boost::asio::awaitable<draft_outcome> apply_draft_change(services& svc, const request_context& ctx,
                                                         const mail_collection& collection, const client_command& cmd,
                                                         std::uint32_t uid, state::mail_cursor& cursor,
                                                         std::vector<state::pending_item>& pending);

}  // namespace easd::protocol::sync_detail
