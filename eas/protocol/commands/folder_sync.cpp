// [MS-ASCMD] 2.2.1.5 FolderSync: the folder hierarchy as changes against what the device was told under
// its key (3.1.5.3). Key 0 sends every folder; a known key sends Add/Update/Delete against the snapshot
// stored for it. The state store keeps the two newest keys, so a device that lost a response and repeats
// its key gets the same changes (and the same next key) again.
#include "eas/protocol/commands/folders.hpp"

#include "eas/core/blocking_pool.hpp"
#include "eas/protocol/commands/folder_hierarchy.hpp"
#include "eas/protocol/state/error.hpp"

#include <spdlog/spdlog.h>

namespace easd::protocol {
namespace {

namespace net = boost::asio;

constexpr std::string_view root_name = "FolderHierarchy:FolderSync";

// [MS-ASCMD] 2.2.3.177.5 Status (FolderSync); these go in the body in every protocol version.
enum status : unsigned { success = 1, server_error = 6, invalid_key = 9, malformed = 10 };

struct previous_state {
  std::vector<state::folder> folders;
  bool latest = false;  // the presented key is the newest of the chain
};

result<previous_state> load_previous(state::state_store& store, const state::device_ref& dev,
                                     const state::sync_key& key) {
  if (key.initial()) return previous_state{};
  auto folders = store.load_folder_state(dev, key);
  if (!folders) return folders.error();
  auto latest = store.latest_folder_key(dev);
  if (!latest) return latest.error();
  return previous_state{std::move(*folders), *latest == key};
}

void add_folder(wbxml::element& parent, std::string_view kind, const state::folder& f) {
  auto& e = parent.add(kind);
  e.add("FolderHierarchy:ServerId", f.server_id);
  e.add("FolderHierarchy:ParentId", f.parent_id);
  e.add("FolderHierarchy:DisplayName", f.display_name);
  e.add("FolderHierarchy:Type", std::to_string(f.type));
}

reply changes_reply(const state::sync_key& key, const folders::hierarchy_changes& changes) {
  auto root = wbxml::element::named(root_name);
  root.add("FolderHierarchy:Status", std::to_string(success));
  root.add("FolderHierarchy:SyncKey", key.to_string());
  auto& list = root.add("FolderHierarchy:Changes");
  const auto count = changes.updates.size() + changes.deletes.size() + changes.adds.size();
  list.add("FolderHierarchy:Count", std::to_string(count));
  // FolderSyncResponse.xsd order: Update*, Delete*, Add*.
  for (const auto& f : changes.updates) add_folder(list, "FolderHierarchy:Update", f);
  for (const auto& id : changes.deletes) list.add("FolderHierarchy:Delete").add("FolderHierarchy:ServerId", id);
  for (const auto& f : changes.adds) add_folder(list, "FolderHierarchy:Add", f);
  return folders::wbxml_reply(root, success);
}

}  // namespace

net::awaitable<reply> folder_sync(services& svc, request_context& ctx, const wbxml::element* request) {
  if (!folders::wired(svc)) co_return folders::not_wired(ctx);
  if (!request) co_return folders::status_only(root_name, malformed);
  const auto key_text = request->child_text("FolderHierarchy:SyncKey");
  if (!key_text) co_return folders::status_only(root_name, malformed);
  const auto key = state::parse_sync_key(*key_text);
  if (!key) co_return folders::status_only(root_name, invalid_key);

  const auto dev = folders::device_of(ctx);
  auto* store = svc.state;
  auto load = [store, &dev, &key]() { return load_previous(*store, dev, *key); };
  auto previous = co_await run_blocking(*svc.blocking, std::move(load));
  if (!previous) {
    if (previous.error() == state::state_error::unknown_key) co_return folders::status_only(root_name, invalid_key);
    spdlog::warn("FolderSync: state store error: {}", previous.error().message());
    co_return folders::status_only(root_name, server_error);
  }

  auto now = co_await folders::current_hierarchy(svc, ctx);
  if (!now) {
    spdlog::warn("FolderSync: folder list failed: {}", now.error().message());
    co_return folders::status_only(root_name, server_error);
  }
  auto changes = folders::diff(previous->folders, *now);

  // Nothing new for the newest key: answer with the same key and keep the database untouched. A
  // repeated older key always commits, so that the device ends up on the newest key of the chain.
  if (!key->initial() && previous->latest && changes.empty()) co_return changes_reply(*key, changes);

  auto next = co_await folders::commit_snapshot(svc, dev, *key, *now);
  if (!next) {
    if (next.error() == state::state_error::unknown_key) co_return folders::status_only(root_name, invalid_key);
    spdlog::warn("FolderSync: state store error: {}", next.error().message());
    co_return folders::status_only(root_name, server_error);
  }
  co_return changes_reply(*next, changes);
}

}  // namespace easd::protocol
