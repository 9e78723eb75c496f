// ItemOperations ([MS-ASCMD] 2.2.1.10): runs the request's Fetch, EmptyFolderContents and Move operations
// in order, each with its own Status, and answers as WBXML or — when the client accepts it — as the
// multipart body of 2.2.1.10.1 with attachment data in parts.
//
// The response schema orders the results by kind (Move*, EmptyFolderContents*, Fetch*); within a kind they
// keep the request order, which is what a device matches them by.
#include "eas/protocol/commands/item_operations_attachment.hpp"
#include "eas/protocol/commands/item_operations_multipart.hpp"
#include "eas/protocol/commands/item_operations_ops.hpp"
#include "eas/protocol/commands/items.hpp"
#include "eas/wbxml/code_pages.hpp"
#include "eas/wbxml/codec.hpp"

#include <spdlog/spdlog.h>

#include <utility>
#include <vector>

namespace easd::protocol {
namespace {

namespace net = boost::asio;
namespace io = itemops;

// [MS-ASCMD] 3.1.5.10: at most 100 operations per request, else Status 11.
constexpr std::size_t max_operations = 100;

reply wbxml_reply(const wbxml::element& root, unsigned status) {
  reply r;
  r.http_status = 200;
  r.content_type = wbxml_content_type;
  r.body = wbxml::encode_to_string(root);
  r.eas_status = status;
  return r;
}

reply global_status(io::status s) {
  auto root = wbxml::element::named("ItemOperations:ItemOperations");
  root.add("ItemOperations:Status", std::to_string(static_cast<unsigned>(s)));
  return wbxml_reply(root, static_cast<unsigned>(s));
}

}  // namespace

net::awaitable<reply> item_operations(services& svc, request_context& ctx, const wbxml::element* request) {
  if (!request) co_return global_status(io::status::protocol_error);
  constexpr auto fetch_tag = wbxml::tag_of("ItemOperations:Fetch");
  constexpr auto empty_tag = wbxml::tag_of("ItemOperations:EmptyFolderContents");
  constexpr auto move_tag = wbxml::tag_of("ItemOperations:Move");
  const auto& operations = request->children();
  if (operations.empty()) co_return global_status(io::status::protocol_error);
  if (operations.size() > max_operations) co_return global_status(io::status::too_large);
  for (const auto& op : operations) {
    if (op.id() != fetch_tag && op.id() != empty_tag && op.id() != move_tag) {
      co_return global_status(io::status::protocol_error);
    }
  }

  io::data_sink sink;
  sink.multipart = ctx.accept_multipart;
  sink.budget = max_attachment_bytes;
  std::vector<wbxml::element> moves, empties, fetches;
  for (const auto& op : operations) {
    if (op.id() == fetch_tag) {
      auto done = co_await io::fetch(svc, ctx, op, sink);
      fetches.push_back(std::move(done));
    } else if (op.id() == empty_tag) {
      auto done = co_await io::empty_folder_contents(svc, ctx, op);
      empties.push_back(std::move(done));
    } else {
      auto done = co_await io::move_conversation(svc, ctx, op);
      moves.push_back(std::move(done));
    }
  }

  auto root = wbxml::element::named("ItemOperations:ItemOperations");
  root.add("ItemOperations:Status", "1");
  auto& response = root.add("ItemOperations:Response");
  for (auto* kind : {&moves, &empties, &fetches}) {
    for (auto& e : *kind) response.add(std::move(e));
  }
  if (!sink.multipart) co_return wbxml_reply(root, 1);

  std::vector<std::string> parts;
  parts.reserve(sink.parts.size() + 1);
  parts.push_back(wbxml::encode_to_string(root));
  for (auto& p : sink.parts) parts.push_back(std::move(p));
  auto body = encode_multipart(parts);
  if (!body) {
    spdlog::error("ItemOperations: multipart body over 2 GiB");
    co_return global_status(io::status::server_error);
  }
  reply r;
  r.http_status = 200;
  r.content_type = multipart_content_type;
  r.body = std::move(*body);
  r.eas_status = 1;
  co_return r;
}

}  // namespace easd::protocol
