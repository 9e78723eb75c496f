// What the held requests (Ping, long-poll Sync) share on the waiting side of the push hub:
// newest-request-wins subscriptions, the backend watch of the held folders, and which folders a wake
// asks to re-check. The re-check itself is the command's (Ping counts, Sync processes its collections).
//
// Folders are named by their state-store identity ("mail:<backend id>", push/message.hpp), which is
// what producers publish; a device's ServerId is resolved to it through the user's folder ids. Other
// folder sources (calendars "cal:…", address books "card:…") get their watch here when they land:
// watch_folders() is the one place that turns identities into backend watches.
#pragma once

#include "backend/api/mail_watch.hpp"
#include "eas/protocol/request_context.hpp"
#include "eas/protocol/services.hpp"
#include "push/hub.hpp"

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::protocol::push_wait {

struct watched_folder {
  std::string collection_id;  // the device's ServerId / CollectionId
  std::string identity;       // the state store's folder identity
};

// The backend folder id of a mail identity ("mail:INBOX" → "INBOX"); nullopt for other sources.
std::optional<std::string_view> mail_backend_id(std::string_view identity) noexcept;

// The newest held request of the device wins ([MS-ASCMD] 3.1.5.8 practice, commands.md §7): a new
// generation, a subscription that ends `superseded` when a newer one is announced, then the announcement
// that ends the older ones (on any node). The subscription collects from its return on: check after it.
boost::asio::awaitable<push::subscription> subscribe_newest(push::hub& hub, const request_context& ctx);

// Watches of the folders on their backends while the request is held (the IMAP connection of the user,
// shared by all the user's devices). Empty when no watch is configured. RAII: drop to stop watching.
std::vector<std::unique_ptr<backend::mail_watch::lease>> watch_folders(services& svc, const request_context& ctx,
                                                                      const std::vector<watched_folder>& folders);

// Indexes into `folders` a wake asks to re-check: every folder for a resync or an "any folder" ("")
// change, else the folders named. Hierarchy and policy are the caller's to answer.
std::vector<std::size_t> woken(const push::wake& w, const std::vector<watched_folder>& folders);

// The user's ServerId → identity map (one state store read through the blocking pool).
boost::asio::awaitable<result<std::vector<std::pair<std::string, std::string>>>> folder_identities(
    services& svc, const request_context& ctx);

}  // namespace easd::protocol::push_wait
