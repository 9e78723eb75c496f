// ItemOperations EmptyFolderContents ([MS-ASCMD] 2.2.3.56): removes every message of a mail folder for
// good (devices use it on Deleted Items after a quota error), and with Options/DeleteSubFolders the
// folder's subfolders too. The device learns the result from its next Sync / FolderSync.
#include "eas/core/log_escape.hpp"
#include "eas/protocol/commands/item_operations_ops.hpp"
#include "eas/protocol/commands/mail_folders.hpp"
#include "eas/protocol/commands/push_publish.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace easd::protocol::itemops {
namespace {

namespace net = boost::asio;

wbxml::element answer(status s, std::string collection_id) {
  auto out = wbxml::element::named("ItemOperations:EmptyFolderContents");
  out.add("ItemOperations:Status", std::to_string(static_cast<unsigned>(s)));
  // The schema requires CollectionId even in a failure ([MS-ASCMD] 2.2.3.56).
  out.add("AirSync:CollectionId", std::move(collection_id));
  return out;
}

status status_of(const error_code& ec) {
  return ec == backend::mail_error::not_found ? status::not_found : status::server_error;
}

}  // namespace

net::awaitable<wbxml::element> empty_folder_contents(services& svc, const request_context& ctx,
                                                     const wbxml::element& request) {
  const auto collection_id = request.child_text("AirSync:CollectionId");
  if (!collection_id) co_return answer(status::protocol_error, "");
  const std::string echoed = echo_id(*collection_id);
  if (!svc.mail) co_return answer(status::server_error, echoed);
  const bool delete_subfolders = [&] {
    const auto* options = request.child("ItemOperations:Options");
    return options && options->child("ItemOperations:DeleteSubFolders") != nullptr;
  }();

  auto coll = co_await find_mail_collection(svc, ctx, *collection_id);
  if (!coll) co_return answer(status_of(coll.error()), echoed);
  const auto acct = account_of(ctx);
  const std::string folder_id = coll->folder.id;

  if (coll->folder.selectable) {
    backend::search_criteria all;
    all.include_deleted = true;  // messages another client marked \Deleted go as well
    auto uids = co_await svc.mail->search(acct, folder_id, all);
    if (!uids) co_return answer(status_of(uids.error()), echoed);
    if (!uids->empty()) {
      auto gone = co_await svc.mail->expunge(acct, folder_id, std::move(*uids));
      if (!gone) {
        spdlog::warn("EmptyFolderContents: expunge failed user={} error={}", log_escape(ctx.user),
                     gone.error().message());
        co_return answer(status::server_error, echoed);
      }
      publish_mail_change(svc, ctx, folder_id);  // the user's other devices (issue 4)
    }
  }

  if (delete_subfolders) {
    auto all = co_await list_mail_collections(svc, ctx);
    if (!all) co_return answer(status::server_error, echoed);
    // Direct children only: deleting a folder takes its own subfolders with it.
    for (const auto& c : *all) {
      if (c.folder.parent_id != folder_id) continue;
      const std::string child_id = c.folder.id;
      auto removed = co_await svc.mail->delete_folder(acct, child_id);
      if (!removed && removed.error() != backend::mail_error::not_found) {
        spdlog::warn("EmptyFolderContents: subfolder delete failed user={} error={}", log_escape(ctx.user),
                     removed.error().message());
        co_return answer(status::server_error, echoed);
      }
      if (removed) publish_hierarchy_change(svc, ctx);
    }
  }
  co_return answer(status::success, coll->server_id);
}

}  // namespace easd::protocol::itemops
