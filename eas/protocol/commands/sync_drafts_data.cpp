// The ApplicationData of a draft's Add / Change read into a compose::draft_edit ([MS-ASEMAIL] 3.1.5.4:
// To, Cc, Bcc, ReplyTo, Subject, Importance, Read, Flag, airsyncbase:Body and Attachments Add / Delete,
// [MS-ASAIRS] 2.2.2.2, 2.2.2.21). Hostile input: every field bounded, numbers range-checked.
#include "eas/protocol/commands/sync_drafts.hpp"

#include "eas/protocol/compose/error.hpp"
#include "eas/wbxml/code_pages.hpp"

#include <algorithm>

namespace easd::protocol::sync_detail {
namespace {

using wbxml::tag_of;
constexpr auto t_to = tag_of("Email:To");
constexpr auto t_cc = tag_of("Email:Cc");
constexpr auto t_reply_to = tag_of("Email:ReplyTo");
constexpr auto t_subject = tag_of("Email:Subject");
constexpr auto t_importance = tag_of("Email:Importance");
constexpr auto t_read = tag_of("Email:Read");
constexpr auto t_flag = tag_of("Email:Flag");
constexpr auto t_flag_status = tag_of("Email:Status");
constexpr auto t_bcc = tag_of("Email2:Bcc");
constexpr auto t_send = tag_of("Email2:Send");
constexpr auto t_body = tag_of("AirSyncBase:Body");
constexpr auto t_body_type = tag_of("AirSyncBase:Type");
constexpr auto t_body_data = tag_of("AirSyncBase:Data");
constexpr auto t_attachments = tag_of("AirSyncBase:Attachments");
constexpr auto t_att_add = tag_of("AirSyncBase:Add");
constexpr auto t_att_delete = tag_of("AirSyncBase:Delete");
constexpr auto t_att_client_id = tag_of("AirSyncBase:ClientId");
constexpr auto t_att_content = tag_of("AirSyncBase:Content");
constexpr auto t_att_content_type = tag_of("AirSyncBase:ContentType");
constexpr auto t_att_content_id = tag_of("AirSyncBase:ContentId");
constexpr auto t_att_display_name = tag_of("AirSyncBase:DisplayName");
constexpr auto t_att_is_inline = tag_of("AirSyncBase:IsInline");
constexpr auto t_att_method = tag_of("AirSyncBase:Method");
constexpr auto t_file_reference = tag_of("AirSyncBase:FileReference");

constexpr std::size_t max_client_id = 64;  // [MS-ASAIRS] 2.2.2.14 (as Sync's ClientId)
constexpr std::size_t max_display_name = 1024;
constexpr std::size_t max_small = 256;  // ContentType, ContentId, FileReference

using compose::compose_error;

bool printable(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f; });
}

// "0" / "1" (an empty IsInline tag means 1).
std::optional<bool> boolean(std::string_view s) {
  if (s.empty() || s == "1") return true;
  if (s == "0") return false;
  return std::nullopt;
}

result<compose::draft_edit::added> attachment_add(const wbxml::element& e, const draft_request_limits& limits) {
  compose::draft_edit::added a;
  const auto* id = e.child(t_att_client_id);
  const auto* content = e.child(t_att_content);
  if (!id || id->text().empty() || id->text().size() > max_client_id || !printable(id->text()) || !content) {
    return compose_error::malformed;
  }
  if (content->text().size() > limits.max_attachment) return compose_error::too_large;
  a.client_id = id->text();
  a.content.bytes = content->text();
  if (const auto* m = e.child(t_att_method)) {
    // [MS-ASAIRS] 2.2.2.31.1: 1 normal, 5 embedded message, 6 OLE / inline image; 2–4 reserved.
    if (m->text() != "1" && m->text() != "5" && m->text() != "6") return compose_error::malformed;
  }
  if (const auto* n = e.child(t_att_display_name)) {
    if (n->text().size() > max_display_name) return compose_error::too_large;
    a.content.filename = n->text();
  }
  if (const auto* t = e.child(t_att_content_type)) {
    if (t->text().size() > max_small) return compose_error::too_large;
    a.content.content_type = t->text();  // compose_parts cleans it (anything odd: octet-stream)
  }
  if (a.content.content_type.empty()) a.content.content_type = "application/octet-stream";
  if (const auto* c = e.child(t_att_content_id)) {
    if (c->text().size() > max_small) return compose_error::too_large;
    a.content.content_id = c->text();
  }
  if (const auto* i = e.child(t_att_is_inline)) {
    const auto b = boolean(i->text());
    if (!b) return compose_error::malformed;
    a.content.is_inline = *b;
  }
  return a;
}

}  // namespace

bool is_draft_collection(const mail_collection& collection, protocol_version v) noexcept {
  return v >= protocol_version::v16_0 && collection.folder.role == backend::folder_role::drafts;
}

bool is_draft_edit(const client_command& cmd) noexcept {
  if (cmd.send) return true;
  if (!cmd.application_data) return false;
  // The properties a draft Change may carry beyond the flags ([MS-ASEMAIL] 3.1.5.4); anything else
  // (Categories, properties a client must not set) leaves it a flag change.
  return std::any_of(cmd.application_data->children().begin(), cmd.application_data->children().end(),
                     [](const wbxml::element& e) {
                       const auto id = e.id();
                       return id == t_to || id == t_cc || id == t_bcc || id == t_reply_to || id == t_subject ||
                              id == t_importance || id == t_body || id == t_attachments || id == t_send;
                     });
}

result<draft_request> parse_draft_request(const wbxml::element& application_data, std::string_view collection_id,
                                          std::uint32_t uid, const draft_request_limits& limits) {
  draft_request out;
  auto& edit = out.edit;
  const auto field = [&](const wbxml::element& e, std::optional<std::string>& to) -> bool {
    if (e.text().size() > limits.max_field) return false;
    to = e.text();
    return true;
  };
  for (const auto& e : application_data.children()) {
    const auto id = e.id();
    if (id == t_to || id == t_cc || id == t_bcc || id == t_reply_to || id == t_subject) {
      auto& target = id == t_to         ? edit.to
                     : id == t_cc       ? edit.cc
                     : id == t_bcc      ? edit.bcc
                     : id == t_reply_to ? edit.reply_to
                                        : edit.subject;
      if (!field(e, target)) return compose_error::too_large;
    } else if (id == t_importance) {
      if (e.text().size() != 1 || e.text()[0] < '0' || e.text()[0] > '2') return compose_error::malformed;
      edit.importance = e.text()[0] - '0';
    } else if (id == t_read) {
      const auto b = boolean(e.text());
      if (!b || e.text().empty()) return compose_error::malformed;
      out.read = *b;
    } else if (id == t_flag) {
      // An empty Flag clears it; Status 2 is active, 0 / 1 (cleared, complete) are not flagged.
      const auto* s = e.child(t_flag_status);
      out.flagged = s && s->text() == "2";
    } else if (id == t_send) {
      out.send = true;
    } else if (id == t_body) {
      const auto* type = e.child(t_body_type);
      if (!type || type->text().size() != 1 || type->text()[0] < '1' || type->text()[0] > '4') {
        return compose_error::malformed;
      }
      edit.body_type = static_cast<std::uint8_t>(type->text()[0] - '0');
      if (const auto* data = e.child(t_body_data)) {
        if (data->text().size() > limits.max_body) return compose_error::too_large;
        edit.body_data = data->text();
      }
    } else if (id == t_attachments) {
      for (const auto& a : e.children()) {
        if (a.id() == t_att_add) {
          if (edit.attachments_added.size() >= limits.max_attachments) return compose_error::too_many_attachments;
          auto added = attachment_add(a, limits);
          if (!added) return added.error();
          edit.attachments_added.push_back(std::move(*added));
        } else if (a.id() == t_att_delete) {
          const auto* ref = a.child(t_file_reference);
          if (!ref || ref->text().size() > max_small) return compose_error::malformed;
          if (edit.sections_deleted.size() >= limits.max_attachments) return compose_error::too_many_attachments;
          // Only this draft's own attachments: "<collection>:<uid>:<section>" of the item changed.
          const auto parsed = parse_file_reference(ref->text());
          if (uid != 0 && parsed && parsed->collection_id == collection_id && parsed->uid == uid) {
            edit.sections_deleted.push_back(parsed->section);
          }
        } else {
          return compose_error::malformed;
        }
      }
    }
    // Categories, and properties a client must not set on a draft (DateReceived, MessageClass…): ignored.
  }
  return out;
}

unsigned draft_send_status(common_status s) noexcept {
  switch (s) {
    case common_status::message_has_no_recipient:
    case common_status::invalid_recipients:
      return static_cast<unsigned>(common_status::invalid_recipients);
    case common_status::invalid_mime:
      return static_cast<unsigned>(sync_status::conversion_error);
    case common_status::item_not_found:
      return static_cast<unsigned>(sync_status::object_not_found);
    // Meaningful to a 16.x client as they are: the message or a recipient refused, quotas, too large.
    case common_status::mail_submission_failed:
    case common_status::mailbox_quota_exceeded:
    case common_status::send_quota_exceeded:
    case common_status::attachment_is_too_large:
    case common_status::access_denied:
      return static_cast<unsigned>(s);
    default:
      return static_cast<unsigned>(sync_status::server_error);  // 110, 111…: retry later
  }
}

}  // namespace easd::protocol::sync_detail
