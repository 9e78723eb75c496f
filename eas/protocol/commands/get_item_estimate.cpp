// GetItemEstimate ([MS-ASCMD] 2.2.1.9; status 2.2.3.177.7): for each collection, how many items the next
// Sync with the presented SyncKey would deliver. The count comes from mail_changes (the computation Sync
// itself uses), so estimate and Sync never disagree; nothing is written, the key does not advance.
//
// Request shapes: 12.1 puts gie:Class and as:FilterType directly in the Collection; 14.0+ puts as:Class /
// as:FilterType into as:Options (several Options may name classes; the Email one, or one without a
// class, counts). Both are read whatever the version says, in any order. A FilterType that is not an
// Email window is ignored in favour of the one the last Sync stored.
#include "eas/core/blocking_pool.hpp"
#include "eas/core/log_escape.hpp"
#include "eas/protocol/commands/items.hpp"
#include "eas/protocol/commands/mail_changes.hpp"
#include "eas/protocol/commands/mail_folders.hpp"
#include "eas/protocol/dispatcher.hpp"
#include "eas/protocol/state/error.hpp"
#include "eas/wbxml/code_pages.hpp"
#include "eas/wbxml/codec.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <optional>
#include <utility>

namespace easd::protocol {
namespace {

namespace net = boost::asio;

// [MS-ASCMD] 3.1.5.10: at most 1000 Collection elements, else Status 103.
constexpr std::size_t max_collections = 1000;

// [MS-ASCMD] 2.2.3.177.7 GetItemEstimate Status.
enum class estimate_status : unsigned {
  success = 1,
  invalid_collection = 2,
  not_primed = 3,  // SyncKey 0: a Sync must come first
  invalid_key = 4,
};

const command_info& row() { return *command_table::standard().find("GetItemEstimate"); }

std::optional<std::uint8_t> parse_filter_type(std::optional<std::string_view> text) {
  if (!text || text->empty() || text->size() > 2) return std::nullopt;
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc{} || end != text->data() + text->size() || !valid_email_filter_type(v)) return std::nullopt;
  return static_cast<std::uint8_t>(v);
}

struct collection_request {
  std::optional<std::string_view> collection_id, sync_key, klass;
  std::optional<std::uint8_t> filter_type;
};

collection_request read_collection(const wbxml::element& c) {
  collection_request out;
  out.collection_id = c.child_text("GetItemEstimate:CollectionId");
  out.sync_key = c.child_text("AirSync:SyncKey");
  // 12.1 shape.
  out.klass = c.child_text("GetItemEstimate:Class");
  out.filter_type = parse_filter_type(c.child_text("AirSync:FilterType"));
  // 14.0+ shape.
  constexpr auto options_tag = wbxml::tag_of("AirSync:Options");
  for (const auto& o : c.children()) {
    if (o.id() != options_tag) continue;
    const auto klass = o.child_text("AirSync:Class");
    if (klass && *klass != "Email") continue;
    if (klass) out.klass = klass;
    if (const auto f = parse_filter_type(o.child_text("AirSync:FilterType"))) out.filter_type = f;
  }
  return out;
}

bool clean_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id) {
    if (c <= 0x20 || c >= 0x7F) return false;
  }
  return true;
}

wbxml::element answer(estimate_status s, std::optional<std::string_view> collection_id,
                      std::optional<std::uint64_t> estimate = std::nullopt) {
  auto r = wbxml::element::named("GetItemEstimate:Response");
  r.add("GetItemEstimate:Status", std::to_string(static_cast<unsigned>(s)));
  if (collection_id && clean_id(*collection_id)) {
    auto& c = r.add("GetItemEstimate:Collection");
    c.add("GetItemEstimate:CollectionId", std::string(*collection_id));
    if (estimate) c.add("GetItemEstimate:Estimate", std::to_string(*estimate));
  }
  return r;
}

// The estimate for one collection; nullopt for a failure of the whole request (backend or state store
// unavailable: the device retries later).
net::awaitable<std::optional<wbxml::element>> estimate_one(services& svc, const request_context& ctx,
                                                           const collection_request& req) {
  if (!req.collection_id) co_return answer(estimate_status::invalid_collection, std::nullopt);
  if (req.klass && *req.klass != "Email") co_return answer(estimate_status::invalid_collection, req.collection_id);

  auto coll = co_await find_mail_collection(svc, ctx, *req.collection_id);
  if (!coll) {
    if (coll.error() == backend::mail_error::not_found) {
      co_return answer(estimate_status::invalid_collection, req.collection_id);
    }
    spdlog::info("GetItemEstimate: folder lookup failed user={} error={}", log_escape(ctx.user),
                 coll.error().message());
    co_return std::nullopt;
  }
  if (!coll->folder.selectable) co_return answer(estimate_status::invalid_collection, req.collection_id);
  if (!req.sync_key) co_return answer(estimate_status::invalid_key, req.collection_id);
  auto key = state::parse_sync_key(*req.sync_key);
  if (!key) co_return answer(estimate_status::invalid_key, req.collection_id);
  if (key->initial()) co_return answer(estimate_status::not_primed, req.collection_id);

  const state::device_ref dev{ctx.user, ctx.device_id};
  const std::string collection_id = coll->server_id;
  const state::sync_key presented = *key;
  auto load = [&svc, &dev, &collection_id, &presented] {
    return svc.state->load_sync_state(dev, collection_id, presented);
  };
  auto loaded = co_await run_blocking(*svc.blocking, load);
  if (!loaded) {
    if (loaded.error() == state::state_error::unknown_key) {
      co_return answer(estimate_status::invalid_key, req.collection_id);
    }
    spdlog::warn("GetItemEstimate: state load failed user={} error={}", log_escape(ctx.user),
                 loaded.error().message());
    co_return std::nullopt;
  }
  auto count = co_await count_mail_changes(svc, ctx, *coll, loaded->state, req.filter_type, loaded->options);
  if (!count) {
    if (count.error() == state::state_error::unknown_key) {
      co_return answer(estimate_status::invalid_key, req.collection_id);
    }
    spdlog::info("GetItemEstimate: change count failed user={} error={}", log_escape(ctx.user),
                 count.error().message());
    co_return std::nullopt;
  }
  co_return answer(estimate_status::success, req.collection_id, *count);
}

}  // namespace

net::awaitable<reply> get_item_estimate(services& svc, request_context& ctx, const wbxml::element* request) {
  const wbxml::element* collections = request ? request->child("GetItemEstimate:Collections") : nullptr;
  if (!collections || collections->children().empty() || collections->children().size() > max_collections) {
    co_return status_reply(row(), common_status::invalid_xml, ctx.version);
  }
  constexpr auto collection_tag = wbxml::tag_of("GetItemEstimate:Collection");
  for (const auto& c : collections->children()) {
    if (c.id() != collection_tag) co_return status_reply(row(), common_status::invalid_xml, ctx.version);
  }
  if (!svc.mail || !svc.state || !svc.blocking) {
    co_return status_reply(row(), common_status::server_error, ctx.version);
  }

  auto root = wbxml::element::named("GetItemEstimate:GetItemEstimate");
  for (const auto& c : collections->children()) {
    const collection_request req = read_collection(c);
    auto one = co_await estimate_one(svc, ctx, req);
    if (!one) co_return status_reply(row(), common_status::server_error_retry_later, ctx.version);
    root.add(std::move(*one));
  }
  reply r;
  r.http_status = 200;
  r.content_type = wbxml_content_type;
  r.body = wbxml::encode_to_string(root);
  r.eas_status = static_cast<unsigned>(estimate_status::success);
  co_return r;
}

}  // namespace easd::protocol
