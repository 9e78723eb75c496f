#include "eas/protocol/commands/item_operations_attachment.hpp"

#include "eas/core/log_escape.hpp"
#include "eas/protocol/commands/mail_folders.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <utility>

namespace easd::protocol {
namespace {

namespace net = boost::asio;

bool parse_offset(std::string_view text, std::uint64_t& out) noexcept {
  if (text.empty() || text.size() > 19) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

// The part with this section, depth-first. Multipart containers have no content of their own.
const backend::mime_part* find_part_in(const backend::mime_part& root, std::string_view section) {
  if (root.section == section && root.type != "multipart") return &root;
  for (const auto& child : root.children) {
    if (const auto* p = find_part_in(child, section)) return p;
  }
  return nullptr;
}
const backend::mime_part* find_part(const backend::mime_part& root, std::string_view section) {
  // A single-part message's body is section "1" (RFC 9051 6.4.5), though the tree's root has none.
  if (section == "1" && root.section.empty() && root.type != "multipart") return &root;
  return find_part_in(root, section);
}

bool token_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '!' || c == '#' ||
         c == '$' || c == '&' || c == '^' || c == '_' || c == '.' || c == '+' || c == '-';
}
bool is_token(std::string_view s) noexcept {
  return !s.empty() && s.size() <= 127 && std::all_of(s.begin(), s.end(), token_char);
}

// The part's media type as it goes into an HTTP header or asb:ContentType: only RFC 2045 tokens, so a
// crafted BODYSTRUCTURE cannot inject header text.
std::string content_type_of(const backend::mime_part& part) {
  if (is_token(part.type) && is_token(part.subtype)) return part.type + "/" + part.subtype;
  return "application/octet-stream";
}

attachment_fetch failed(attachment_status s) {
  attachment_fetch out;
  out.status = s;
  return out;
}

attachment_status status_of(const error_code& ec) {
  if (ec == backend::mail_error::not_found) return attachment_status::not_found;
  if (ec == backend::mail_error::too_large) return attachment_status::too_large;
  return attachment_status::backend_error;
}

}  // namespace

std::optional<byte_range> parse_byte_range(std::string_view text) noexcept {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  byte_range r;
  if (!parse_offset(text.substr(0, dash), r.first) || !parse_offset(text.substr(dash + 1), r.last)) {
    return std::nullopt;
  }
  if (r.first > r.last) return std::nullopt;
  return r;
}

net::awaitable<attachment_fetch> fetch_attachment(services& svc, const request_context& ctx,
                                                  std::string_view file_reference, std::optional<byte_range> range,
                                                  std::uint64_t cap) {
  const auto ref = parse_file_reference(file_reference);
  if (!ref || !svc.mail) co_return failed(attachment_status::not_found);

  auto coll = co_await find_mail_collection(svc, ctx, ref->collection_id);
  if (!coll) co_return failed(status_of(coll.error()));

  const auto acct = account_of(ctx);
  uid_set one;
  one.add(ref->uid);
  auto summaries = co_await svc.mail->summaries(acct, coll->folder.id, std::move(one));
  if (!summaries) co_return failed(status_of(summaries.error()));
  if (summaries->empty() || summaries->front().uid != ref->uid) co_return failed(attachment_status::not_found);
  const backend::mime_part* part = find_part(summaries->front().body, ref->section);
  if (!part) co_return failed(attachment_status::not_found);

  attachment_fetch out;
  out.content_type = content_type_of(*part);
  // Without a range the whole attachment must fit under the cap: ask for one byte more to tell.
  const std::uint64_t offset = range ? range->first : 0;
  const std::uint64_t want = range ? std::min<std::uint64_t>(range->last - range->first + 1, cap) : cap + 1;
  auto bytes = co_await svc.mail->fetch_part(acct, coll->folder.id, ref->uid, ref->section, true, offset, want);
  if (!bytes) {
    spdlog::debug("attachment fetch failed user={} error={}", log_escape(ctx.user), bytes.error().message());
    co_return failed(status_of(bytes.error()));
  }
  if (!range && bytes->bytes.size() > cap) co_return failed(attachment_status::too_large);
  if (bytes->bytes.size() > want) bytes->bytes.resize(want);  // a store that ignored max_bytes

  out.total = bytes->total;
  if (range) {
    if (out.total && offset >= *out.total && offset > 0) co_return failed(attachment_status::bad_range);
    if (bytes->bytes.empty() && offset > 0) co_return failed(attachment_status::bad_range);
    // A short read tells where the attachment ends when the store did not say.
    if (!out.total && bytes->bytes.size() < want) out.total = offset + bytes->bytes.size();
    if (!bytes->bytes.empty()) out.range = byte_range{offset, offset + bytes->bytes.size() - 1};
  } else if (!out.total) {
    out.total = bytes->bytes.size();
  }
  out.bytes = std::move(bytes->bytes);
  out.status = attachment_status::ok;
  co_return out;
}

}  // namespace easd::protocol
