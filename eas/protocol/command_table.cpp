#include "eas/protocol/command_table.hpp"

#include "eas/protocol/commands/folders.hpp"
#include "eas/protocol/commands/items.hpp"
#include "eas/protocol/commands/ping.hpp"
#include "eas/protocol/commands/provision.hpp"
#include "eas/protocol/commands/send.hpp"
#include "eas/protocol/commands/settings.hpp"
#include "eas/protocol/commands/sync.hpp"

namespace easd::protocol {
namespace {

using v = protocol_version;
constexpr std::size_t KiB = 1024;
constexpr std::size_t MiB = 1024 * KiB;

// [MS-ASCMD] 2.2.1 and the command index of shared/protocol/commands.md §1. Versions below 12.1 are never
// negotiated (see eas_config), so min_version 12.1 stands for "all".
constexpr command_info standard_rows[] = {
    {.name = "Sync",
     .root = "AirSync:Sync",
     .empty_body_allowed = true,
     .long_poll = true,
     .body_limit = 8 * MiB,
     .handler = &sync_handler},
    {.name = "SendMail",
     .root = "ComposeMail:SendMail",
     .body = body_kind::mime_or_wbxml,
     .body_limit = 64 * MiB,
     .handler = &send_mail},
    {.name = "SmartForward",
     .root = "ComposeMail:SmartForward",
     .body = body_kind::mime_or_wbxml,
     .body_limit = 64 * MiB,
     .handler = &smart_send},
    {.name = "SmartReply",
     .root = "ComposeMail:SmartReply",
     .body = body_kind::mime_or_wbxml,
     .body_limit = 64 * MiB,
     .handler = &smart_send},
    {.name = "GetAttachment",
     .root = "",
     .max_version = v::v12_1,
     .body = body_kind::none,
     .body_limit = 0,
     .handler = &get_attachment},
    {.name = "GetHierarchy", .root = "", .max_version = v::v12_1, .body = body_kind::none, .body_limit = 0},
    {.name = "FolderSync", .root = "FolderHierarchy:FolderSync", .body_limit = 64 * KiB, .handler = &folder_sync},
    {.name = "FolderCreate", .root = "FolderHierarchy:FolderCreate", .body_limit = 64 * KiB, .handler = &folder_create},
    {.name = "FolderDelete", .root = "FolderHierarchy:FolderDelete", .body_limit = 64 * KiB, .handler = &folder_delete},
    {.name = "FolderUpdate", .root = "FolderHierarchy:FolderUpdate", .body_limit = 64 * KiB, .handler = &folder_update},
    {.name = "MoveItems", .root = "Move:MoveItems", .handler = &move_items},
    {.name = "GetItemEstimate", .root = "GetItemEstimate:GetItemEstimate", .handler = &get_item_estimate},
    {.name = "MeetingResponse", .root = "MeetingResponse:MeetingResponse", .top_level_status = false},
    {.name = "Search", .root = "Search:Search"},
    {.name = "Settings", .root = "Settings:Settings", .body_limit = 64 * KiB, .handler = &settings_handler},
    // Ping and Provision are not gated by provisioning ([MS-ASPROV] 3.2.5.1); the gate refines Ping.
    {.name = "Ping",
     .root = "Ping:Ping",
     .empty_body_allowed = true,
     .needs_provisioning = false,
     .long_poll = true,
     .body_limit = 64 * KiB,
     .handler = &ping_handler},
    {.name = "ItemOperations", .root = "ItemOperations:ItemOperations", .handler = &item_operations},
    {.name = "Provision",
     .root = "Provision:Provision",
     .needs_provisioning = false,
     .body_limit = 64 * KiB,
     .handler = &provision_handler},
    {.name = "ResolveRecipients", .root = "ResolveRecipients:ResolveRecipients"},
    {.name = "ValidateCert", .root = "ValidateCert:ValidateCert"},
    {.name = "Find", .root = "Find:Find", .min_version = v::v16_1},
};

}  // namespace

const command_table& command_table::standard() {
  static const command_table table{std::span<const command_info>(standard_rows)};
  return table;
}

const command_info* command_table::find(std::string_view name) const noexcept {
  for (const auto& row : rows_) {
    if (row.name == name) return &row;
  }
  return nullptr;
}

std::string command_table::advertised_commands() const {
  std::string out;
  for (const auto& row : rows_) {
    if (!row.handler) continue;
    if (!out.empty()) out += ',';
    out += row.name;
  }
  return out;
}

}  // namespace easd::protocol
