#include "eas/protocol/commands/push_publish.hpp"

#include "eas/protocol/commands/folder_hierarchy.hpp"
#include "push/hub.hpp"

namespace easd::protocol {

namespace {

// `origin`: the device that made the change ("" = none: every device re-checks).
void publish_content(services& svc, std::string_view user, std::string_view backend_folder_id,
                     std::string_view origin) {
  if (!svc.push) return;
  push::message m;
  m.kind = push::message_kind::content;
  m.user = user;
  m.folder = mail_folder_identity(backend_folder_id);
  m.device = origin;
  svc.push->publish(m);
}

}  // namespace

void publish_mail_change(services& svc, const request_context& ctx, std::string_view backend_folder_id) {
  publish_content(svc, ctx.user, backend_folder_id, ctx.device_id);
}

void publish_new_mail_change(services& svc, std::string_view user, std::string_view backend_folder_id) {
  publish_content(svc, user, backend_folder_id, {});
}

void publish_hierarchy_change(services& svc, const request_context& ctx) {
  if (!svc.push) return;
  push::message m;
  m.kind = push::message_kind::hierarchy;
  m.user = ctx.user;
  m.device = ctx.device_id;
  svc.push->publish(m);
}

backend::mail_change_sink mail_watch_sink(push::hub& hub) {
  return [&hub](std::string_view user, std::string_view folder_id) {
    push::message m;
    m.kind = push::message_kind::content;
    m.user = user;
    if (!folder_id.empty()) m.folder = mail_folder_identity(folder_id);
    hub.publish(m);
  };
}

}  // namespace easd::protocol
