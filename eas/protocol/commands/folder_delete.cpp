// [MS-ASCMD] 2.2.1.4 FolderDelete: removes a mail folder with its subfolders and messages. Default
// folders (Inbox, Drafts, Deleted Items, Sent Items, Outbox) cannot be deleted (Status 3). The new
// FolderSync key's snapshot no longer holds the folders, so the next FolderSync does not report them.
#include "eas/protocol/commands/folders.hpp"

#include "eas/core/blocking_pool.hpp"
#include "eas/protocol/commands/folder_hierarchy.hpp"
#include "eas/protocol/commands/push_publish.hpp"
#include "eas/protocol/state/error.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace easd::protocol {
namespace {

namespace net = boost::asio;
using backend::mail_error;

constexpr std::string_view root_name = "FolderHierarchy:FolderDelete";

// [MS-ASCMD] 2.2.3.177.4 Status (FolderDelete).
enum status : unsigned { success = 1, special = 3, missing = 4, server_error = 6, invalid_key = 9, malformed = 10 };

unsigned status_of(const error_code& ec) {
  if (ec == mail_error::special_folder) return special;
  if (ec == mail_error::not_found) return missing;
  if (ec == state::state_error::unknown_key) return invalid_key;
  spdlog::warn("FolderDelete failed: {}", ec.message());
  return server_error;
}

// The deleted folders' ids are not reused for a later folder of the same name, and this device's Sync
// state for them goes (other devices learn of the delete from their next FolderSync).
result<void> forget(state::state_store& store, const state::device_ref& dev,
                    const std::vector<std::pair<std::string, std::string>>& gone) {
  for (const auto& [server_id, backend_id] : gone) {
    if (auto r = store.forget_folder_identity(dev.user, mail_folder_identity(backend_id)); !r) return r;
    if (auto r = store.reset_collection(dev, server_id); !r) return r;
  }
  return {};
}

}  // namespace

net::awaitable<reply> folder_delete(services& svc, request_context& ctx, const wbxml::element* request) {
  if (!folders::wired(svc)) co_return folders::not_wired(ctx);
  if (!request) co_return folders::status_only(root_name, malformed);
  const auto key_text = request->child_text("FolderHierarchy:SyncKey");
  const auto id_text = request->child_text("FolderHierarchy:ServerId");
  if (!key_text || !id_text) co_return folders::status_only(root_name, malformed);
  const auto key = state::parse_sync_key(*key_text);
  if (!key) co_return folders::status_only(root_name, invalid_key);
  const std::string server_id(*id_text);

  const auto dev = folders::device_of(ctx);
  auto snapshot = co_await folders::load_latest_snapshot(svc, dev, *key);
  if (!snapshot) co_return folders::status_only(root_name, status_of(snapshot.error()));

  auto collections = co_await list_mail_collections(svc, ctx);
  if (!collections) co_return folders::status_only(root_name, status_of(collections.error()));
  const auto target = std::find_if(collections->begin(), collections->end(),
                                   [&](const mail_collection& c) { return c.server_id == server_id; });
  if (target == collections->end()) co_return folders::status_only(root_name, missing);
  if (eas_folder_type(target->folder.role) != folders::user_mail_type) co_return folders::status_only(root_name, special);

  const auto acct = account_of(ctx);
  const std::string backend_id = target->folder.id;
  auto removed = co_await svc.mail->delete_folder(acct, backend_id);
  if (!removed) co_return folders::status_only(root_name, status_of(removed.error()));
  publish_hierarchy_change(svc, ctx);  // the user's other devices run FolderSync (issue 4)

  const auto hierarchy = folders::mail_hierarchy(*collections);
  std::vector<std::pair<std::string, std::string>> gone;  // (ServerId, backend id)
  for (const auto& sid : folders::subtree(hierarchy, server_id)) {
    for (const auto& c : *collections) {
      if (c.server_id == sid) gone.emplace_back(c.server_id, c.folder.id);
    }
  }
  auto* store = svc.state;
  auto work = [store, &dev, &gone]() { return forget(*store, dev, gone); };
  auto forgotten = co_await run_blocking(*svc.blocking, std::move(work));
  if (!forgotten) spdlog::warn("FolderDelete: state store error: {}", forgotten.error().message());

  const auto in_snapshot = folders::subtree(*snapshot, server_id);
  std::erase_if(*snapshot, [&](const state::folder& f) {
    return std::find(in_snapshot.begin(), in_snapshot.end(), f.server_id) != in_snapshot.end() ||
           std::any_of(gone.begin(), gone.end(), [&](const auto& g) { return g.first == f.server_id; });
  });
  auto next = co_await folders::commit_snapshot(svc, dev, *key, *snapshot);
  if (!next) co_return folders::status_only(root_name, status_of(next.error()));

  auto root = wbxml::element::named(root_name);
  root.add("FolderHierarchy:Status", std::to_string(success));
  root.add("FolderHierarchy:SyncKey", next->to_string());
  co_return folders::wbxml_reply(root, success);
}

}  // namespace easd::protocol
