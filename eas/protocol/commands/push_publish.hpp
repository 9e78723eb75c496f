// Changes a device makes through easd wake the user's other devices (issue 4 "easd itself"): Sync's
// client commands, MoveItems, ItemOperations (EmptyFolderContents, Move) and the folder commands publish
// here, with the device as origin, so its own held requests are not woken by what it did itself.
//
// Best effort and never failing: without a hub (tests, a build without push) these do nothing. The IMAP
// watch reports the same change again a moment later (without an origin); a held request re-checks
// against its device's sync state, so the repeat costs one STATUS and answers nothing new.
#pragma once

#include "backend/api/mail_watch.hpp"
#include "eas/protocol/request_context.hpp"
#include "eas/protocol/services.hpp"

#include <string_view>

namespace easd::push {
class hub;
}

namespace easd::protocol {

// Items of the mail folder `backend_folder_id` changed.
void publish_mail_change(services& svc, const request_context& ctx, std::string_view backend_folder_id);
// Items of the mail folder changed without any device doing it (the Sent copy and the \Answered flag a
// send leaves): every device of the user re-checks, the sender's included.
void publish_new_mail_change(services& svc, std::string_view user, std::string_view backend_folder_id);
// The user's folder hierarchy changed (FolderCreate, FolderUpdate, FolderDelete).
void publish_hierarchy_change(services& svc, const request_context& ctx);

// The mail watch's sink (backend/api/mail_watch.hpp): a backend folder's change becomes a content message
// for "mail:<id>" without an origin ("" — the watcher cannot tell — stays "", every folder re-checks).
// `hub` must outlive the watch.
backend::mail_change_sink mail_watch_sink(push::hub& hub);

}  // namespace easd::protocol
