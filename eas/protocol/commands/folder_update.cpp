// [MS-ASCMD] 2.2.1.6 FolderUpdate: renames and/or moves a mail folder. The folder keeps its ServerId even
// where the backend id is the mailbox name (the identity is renamed with it, subfolders included), and
// the new FolderSync key's snapshot holds the new name and parent, so the next FolderSync is quiet.
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

constexpr std::string_view root_name = "FolderHierarchy:FolderUpdate";

// [MS-ASCMD] 2.2.3.177.6 Status (FolderUpdate).
enum status : unsigned {
  success = 1,
  exists_or_special = 2,
  missing = 4,
  parent_missing = 5,
  server_error = 6,
  invalid_key = 9,
  malformed = 10
};

unsigned status_of(const error_code& ec) {
  if (ec == mail_error::folder_exists || ec == mail_error::special_folder) return exists_or_special;
  if (ec == mail_error::not_found) return missing;
  if (ec == mail_error::parent_not_found) return parent_missing;
  if (ec == mail_error::invalid_name) return malformed;
  if (ec == state::state_error::unknown_key) return invalid_key;
  spdlog::warn("FolderUpdate failed: {}", ec.message());
  return server_error;
}

using id_pairs = std::vector<std::pair<std::string, std::string>>;

// (old backend id, new backend id) of the folder and each folder below it, matched by the path below the
// renamed folder — for backends whose folder ids are mailbox names and so change with a rename.
id_pairs moved_ids(const std::vector<mail_collection>& before, const backend::mail_folder& old_folder,
                   const std::vector<backend::mail_folder>& after, const backend::mail_folder& renamed) {
  id_pairs out{{old_folder.id, renamed.id}};
  std::vector<std::string> below{old_folder.id};
  for (std::size_t i = 0; i < below.size(); ++i) {
    for (const auto& c : before) {
      if (c.folder.parent_id != below[i]) continue;
      below.push_back(c.folder.id);
      if (c.folder.path.size() <= old_folder.path.size()) continue;
      const auto relative = c.folder.path.substr(old_folder.path.size());
      for (const auto& f : after) {
        if (f.path == renamed.path + relative) out.emplace_back(c.folder.id, f.id);
      }
    }
  }
  return out;
}

result<void> rename_identities(state::state_store& store, const std::string& user, const id_pairs& moved) {
  for (const auto& [from, to] : moved) {
    if (from == to) continue;
    const auto old_identity = mail_folder_identity(from);
    const auto new_identity = mail_folder_identity(to);
    auto r = store.rename_folder_identity(user, old_identity, new_identity);
    if (!r && r.error() == state::state_error::conflict) {
      // A folder of the new name existed once and left its id behind: the renamed folder wins.
      if (auto f = store.forget_folder_identity(user, new_identity); !f) return f;
      r = store.rename_folder_identity(user, old_identity, new_identity);
    }
    if (!r && r.error() != state::state_error::not_found) return r;
  }
  return {};
}

}  // namespace

net::awaitable<reply> folder_update(services& svc, request_context& ctx, const wbxml::element* request) {
  if (!folders::wired(svc)) co_return folders::not_wired(ctx);
  if (!request) co_return folders::status_only(root_name, malformed);
  const auto key_text = request->child_text("FolderHierarchy:SyncKey");
  const auto id_text = request->child_text("FolderHierarchy:ServerId");
  const auto parent_text = request->child_text("FolderHierarchy:ParentId");
  const auto name_text = request->child_text("FolderHierarchy:DisplayName");
  if (!key_text || !id_text || !parent_text || !name_text) co_return folders::status_only(root_name, malformed);
  const auto key = state::parse_sync_key(*key_text);
  if (!key) co_return folders::status_only(root_name, invalid_key);
  if (!folders::valid_display_name(*name_text)) co_return folders::status_only(root_name, malformed);
  const std::string server_id(*id_text);
  const std::string parent_sid(*parent_text);
  const std::string name(*name_text);

  const auto dev = folders::device_of(ctx);
  auto snapshot = co_await folders::load_latest_snapshot(svc, dev, *key);
  if (!snapshot) co_return folders::status_only(root_name, status_of(snapshot.error()));

  auto collections = co_await list_mail_collections(svc, ctx);
  if (!collections) co_return folders::status_only(root_name, status_of(collections.error()));
  const auto find = [&](std::string_view sid) {
    return std::find_if(collections->begin(), collections->end(),
                        [&](const mail_collection& c) { return c.server_id == sid; });
  };
  const auto target = find(server_id);
  if (target == collections->end()) co_return folders::status_only(root_name, missing);
  // Default folders cannot be updated ([MS-ASCMD] 2.2.3.177.6 Status 2).
  if (eas_folder_type(target->folder.role) != folders::user_mail_type) {
    co_return folders::status_only(root_name, exists_or_special);
  }
  std::string parent_backend_id;
  if (parent_sid != folders::root_parent) {
    const auto parent = find(parent_sid);
    if (parent == collections->end()) co_return folders::status_only(root_name, parent_missing);
    const auto below = folders::subtree(folders::mail_hierarchy(*collections), server_id);
    if (std::find(below.begin(), below.end(), parent_sid) != below.end()) {
      co_return folders::status_only(root_name, malformed);  // into itself or its own subfolder
    }
    parent_backend_id = parent->folder.id;
  }

  const auto acct = account_of(ctx);
  const auto old_folder = target->folder;
  auto renamed = co_await svc.mail->rename_folder(acct, old_folder.id, parent_backend_id, name);
  if (!renamed) co_return folders::status_only(root_name, status_of(renamed.error()));
  publish_hierarchy_change(svc, ctx);  // the user's other devices run FolderSync (issue 4)

  if (renamed->id != old_folder.id) {
    auto after = co_await svc.mail->list_folders(acct);
    if (!after) co_return folders::status_only(root_name, status_of(after.error()));
    const auto moved = moved_ids(*collections, old_folder, *after, *renamed);
    const std::string user = ctx.user;
    auto* store = svc.state;
    auto work = [store, &user, &moved]() { return rename_identities(*store, user, moved); };
    auto kept = co_await run_blocking(*svc.blocking, std::move(work));
    if (!kept) co_return folders::status_only(root_name, status_of(kept.error()));
  }

  auto now = co_await folders::current_hierarchy(svc, ctx);
  if (!now) co_return folders::status_only(root_name, status_of(now.error()));
  const auto entry = std::find_if(now->begin(), now->end(), [&](const state::folder& f) { return f.server_id == server_id; });
  if (entry == now->end()) {
    spdlog::warn("FolderUpdate: renamed folder not in the folder list");
    co_return folders::status_only(root_name, server_error);
  }
  auto known = std::find_if(snapshot->begin(), snapshot->end(),
                            [&](const state::folder& f) { return f.server_id == server_id; });
  if (known != snapshot->end()) {
    *known = *entry;
  } else {
    snapshot->push_back(*entry);
  }
  auto next = co_await folders::commit_snapshot(svc, dev, *key, *snapshot);
  if (!next) co_return folders::status_only(root_name, status_of(next.error()));

  auto root = wbxml::element::named(root_name);
  root.add("FolderHierarchy:Status", std::to_string(success));
  root.add("FolderHierarchy:SyncKey", next->to_string());
  co_return folders::wbxml_reply(root, success);
}

}  // namespace easd::protocol
