// airsyncbase:Attachments ([MS-ASAIRS] 2.2.2.7, 2.2.2.8): one Attachment per file part, each with a
// FileReference the device fetches it by (ItemOperations, 12.x GetAttachment).
#include "eas/protocol/convert/email_detail.hpp"

#include "eas/protocol/commands/mail_folders.hpp"

namespace easd::protocol::convert::detail {

std::optional<wbxml::element> attachments_element(const email_context& ctx, const backend::message_summary& msg,
                                                  const message_layout& layout) {
  if (layout.attachments.empty()) return std::nullopt;
  auto list = wbxml::element::named("AirSyncBase:Attachments");
  for (const auto& a : layout.attachments) {
    const auto& p = *a.part;
    auto& att = list.add("AirSyncBase:Attachment");
    att.add("AirSyncBase:DisplayName", a.display_name);
    att.add("AirSyncBase:FileReference",
            file_reference(ctx.collection_id, msg.uid, p.section.empty() ? std::string_view("1") : p.section));
    // Method 1 (normal attachment) also for embedded messages: devices open the .eml as a file, which
    // they do not for Method 5 items they cannot render.
    att.add("AirSyncBase:Method", "1");
    // Devices hide attachments without a size (content.md §1.5); the decoded size, estimated.
    att.add("AirSyncBase:EstimatedDataSize",
            std::to_string(std::min<std::uint64_t>(decoded_size_estimate(p), UINT32_MAX)));
    if (!p.content_id.empty()) att.add("AirSyncBase:ContentId", text_value(p.content_id));
    if (!p.content_location.empty()) att.add("AirSyncBase:ContentLocation", text_value(p.content_location));
    if (a.is_inline) att.add("AirSyncBase:IsInline", "1");
  }
  return list;
}

}  // namespace easd::protocol::convert::detail
