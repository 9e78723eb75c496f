// What every mail command needs from the folder hierarchy: the device-facing ServerIds of folders
// (per-user short ids from state_store::folder_server_id, stable across renames and resyncs) mapped to
// backend folders, EAS folder types from folder roles, and item ServerIds "<collection>:<uid>".
//
// A ServerId, CollectionId or FileReference from a device is hostile: parse strictly, and resolve only
// through the authenticated user's own ids, so another user's or a forged id is simply "not found".
#pragma once

#include "backend/api/mail_store.hpp"
#include "eas/core/result.hpp"
#include "eas/protocol/request_context.hpp"
#include "eas/protocol/services.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::protocol {

backend::account account_of(const request_context& ctx);

// [MS-ASCMD] 2.2.3.186.3 Type: 2 Inbox, 3 Drafts, 4 Deleted Items, 5 Sent Items, 6 Outbox, 12 user mail.
std::uint16_t eas_folder_type(backend::folder_role role) noexcept;

struct mail_collection {
  std::string server_id;  // the device's CollectionId / folder ServerId
  backend::mail_folder folder;
};

// Every backend folder of the user with its ServerId (allocated on first sight, renames followed by
// backend identity). One LIST; ids from the state store through the blocking pool.
boost::asio::awaitable<result<std::vector<mail_collection>>> list_mail_collections(services& svc,
                                                                                   const request_context& ctx);

// The backend folder behind a device's CollectionId; mail_error::not_found for anything that is not one
// of this user's current folders.
boost::asio::awaitable<result<mail_collection>> find_mail_collection(services& svc, const request_context& ctx,
                                                                     std::string_view collection_id);

// The folder with a role (the Deleted Items folder for DeletesAsMoves); mail_error::not_found if none.
boost::asio::awaitable<result<mail_collection>> find_role_collection(services& svc, const request_context& ctx,
                                                                     backend::folder_role role);

// Item ServerIds: "<collection>:<uid>" ([MS-ASCMD] 2.2.3.166.8, ≤ 64 chars).
std::string item_server_id(std::string_view collection_id, std::uint32_t uid);
struct item_ref {
  std::string collection_id;
  std::uint32_t uid = 0;
};
// Strict: digits only on both sides, uid in 1 … 2^32-1, no leading zeros; nullopt otherwise.
std::optional<item_ref> parse_item_server_id(std::string_view server_id);

// Attachment FileReferences: "<collection>:<uid>:<section>" (section digits and dots, ≤ 32 levels).
std::string file_reference(std::string_view collection_id, std::uint32_t uid, std::string_view section);
struct file_ref {
  std::string collection_id;
  std::uint32_t uid = 0;
  std::string section;
};
std::optional<file_ref> parse_file_reference(std::string_view reference);

}  // namespace easd::protocol
