// [MS-ASCMD] 2.2.1.3 FolderCreate: a new mail folder under a folder or the root. The request carries the
// FolderSync key; the answer is a new FolderSync key whose snapshot already contains the folder, so the
// next FolderSync does not echo it back (2.2.3.181.1).
#include "eas/protocol/commands/folders.hpp"

#include "eas/protocol/commands/folder_hierarchy.hpp"
#include "eas/protocol/commands/push_publish.hpp"
#include "eas/protocol/state/error.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace easd::protocol {
namespace {

namespace net = boost::asio;
using backend::mail_error;

constexpr std::string_view root_name = "FolderHierarchy:FolderCreate";

// [MS-ASCMD] 2.2.3.177.3 Status (FolderCreate).
enum status : unsigned {
  success = 1,
  exists = 2,
  special_parent = 3,
  parent_missing = 5,
  server_error = 6,
  invalid_key = 9,
  malformed = 10
};

unsigned status_of(const error_code& ec) {
  if (ec == mail_error::folder_exists) return exists;
  if (ec == mail_error::special_folder) return special_parent;
  if (ec == mail_error::parent_not_found || ec == mail_error::not_found) return parent_missing;
  if (ec == mail_error::invalid_name) return malformed;
  if (ec == state::state_error::unknown_key) return invalid_key;
  spdlog::warn("FolderCreate failed: {}", ec.message());
  return server_error;
}

// [MS-ASCMD] 2.2.3.186.2: 1 (generic) and 12 (mail) make a mail folder; 2–11 and 19 are reserved for
// default folders (malformed). 13–17 need a calendar/contacts/tasks/notes source, which easd has not yet.
bool creates_mail_folder(std::string_view type) { return type == "1" || type == "12"; }

}  // namespace

net::awaitable<reply> folder_create(services& svc, request_context& ctx, const wbxml::element* request) {
  if (!folders::wired(svc)) co_return folders::not_wired(ctx);
  if (!request) co_return folders::status_only(root_name, malformed);
  const auto key_text = request->child_text("FolderHierarchy:SyncKey");
  const auto parent_text = request->child_text("FolderHierarchy:ParentId");
  const auto name_text = request->child_text("FolderHierarchy:DisplayName");
  const auto type_text = request->child_text("FolderHierarchy:Type");
  if (!key_text || !parent_text || !name_text || !type_text) co_return folders::status_only(root_name, malformed);
  const auto key = state::parse_sync_key(*key_text);
  if (!key) co_return folders::status_only(root_name, invalid_key);
  if (!creates_mail_folder(*type_text) || !folders::valid_display_name(*name_text)) {
    co_return folders::status_only(root_name, malformed);
  }
  const std::string name(*name_text);
  const std::string parent_sid(*parent_text);

  const auto dev = folders::device_of(ctx);
  auto snapshot = co_await folders::load_latest_snapshot(svc, dev, *key);
  if (!snapshot) co_return folders::status_only(root_name, status_of(snapshot.error()));

  std::string parent_backend_id;
  if (parent_sid != folders::root_parent) {
    auto parent = co_await find_mail_collection(svc, ctx, parent_sid);
    if (!parent) co_return folders::status_only(root_name, status_of(parent.error()));
    parent_backend_id = parent->folder.id;
  }

  const auto acct = account_of(ctx);
  auto created = co_await svc.mail->create_folder(acct, parent_backend_id, name);
  if (!created) co_return folders::status_only(root_name, status_of(created.error()));
  publish_hierarchy_change(svc, ctx);  // the user's other devices run FolderSync (issue 4)

  // The folder as the next FolderSync will describe it (its ServerId, role and name come from the list).
  auto collections = co_await list_mail_collections(svc, ctx);
  if (!collections) co_return folders::status_only(root_name, status_of(collections.error()));
  const auto hierarchy = folders::mail_hierarchy(*collections);
  std::string server_id;
  for (const auto& c : *collections) {
    if (c.folder.id == created->id) server_id = c.server_id;
  }
  const auto entry = std::find_if(hierarchy.begin(), hierarchy.end(),
                                  [&](const state::folder& f) { return f.server_id == server_id; });
  if (server_id.empty() || entry == hierarchy.end()) {
    spdlog::warn("FolderCreate: created folder not in the folder list");
    co_return folders::status_only(root_name, server_error);
  }

  std::erase_if(*snapshot, [&](const state::folder& f) { return f.server_id == server_id; });
  snapshot->push_back(*entry);
  auto next = co_await folders::commit_snapshot(svc, dev, *key, *snapshot);
  if (!next) co_return folders::status_only(root_name, status_of(next.error()));

  auto root = wbxml::element::named(root_name);
  root.add("FolderHierarchy:Status", std::to_string(success));
  root.add("FolderHierarchy:SyncKey", next->to_string());
  root.add("FolderHierarchy:ServerId", server_id);
  co_return folders::wbxml_reply(root, success);
}

}  // namespace easd::protocol
