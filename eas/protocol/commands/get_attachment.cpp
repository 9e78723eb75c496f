// GetAttachment ([MS-ASCMD] 2.2.1.8; 12.1 and older, commands.md §19): the query's AttachmentName is the
// FileReference of an Email Attachments entry; the response body is the attachment's bytes with its own
// Content-Type. Failures are HTTP codes: 500 when the attachment is unknown, forged, another user's or too
// large ([MS-ASCMD] 2.2.1.8: a deleted attachment gives 500), 503 when the mail server failed.
#include "eas/protocol/commands/item_operations_attachment.hpp"
#include "eas/protocol/commands/items.hpp"
#include "eas/protocol/dispatcher.hpp"

#include <utility>

namespace easd::protocol {
namespace {

namespace net = boost::asio;

reply failure(const request_context& ctx, common_status s) {
  const command_info* cmd = command_table::standard().find("GetAttachment");
  return status_reply(*cmd, s, ctx.version);
}

}  // namespace

net::awaitable<reply> get_attachment(services& svc, request_context& ctx, const wbxml::element*) {
  const std::string reference = ctx.attachment_name;
  auto got = co_await fetch_attachment(svc, ctx, reference, std::nullopt);
  if (got.status == attachment_status::backend_error) {
    co_return failure(ctx, common_status::server_error_retry_later);
  }
  if (got.status != attachment_status::ok) co_return failure(ctx, common_status::server_error);
  reply r;
  r.http_status = 200;
  if (!got.bytes.empty()) r.content_type = std::move(got.content_type);
  r.body = std::move(got.bytes);
  co_return r;
}

}  // namespace easd::protocol
