#include "eas/protocol/convert/original.hpp"

#include "eas/core/charset.hpp"
#include "eas/protocol/convert/email_detail.hpp"

namespace easd::protocol::convert {
namespace {

namespace net = boost::asio;
using backend::mail_error;

std::string section_of(const backend::mime_part& p) { return p.section.empty() ? "1" : p.section; }

// A text body decoded to UTF-8, at most `max` bytes of it (cut on a character boundary).
net::awaitable<result<std::string>> read_text(backend::mail_store& store, const backend::account& acct,
                                             const std::string& folder_id, std::uint32_t uid,
                                             const backend::mime_part& p, std::size_t max) {
  const std::string section = section_of(p);
  // Four source bytes per character is the widest charset (UTF-32); ASCII-compatible ones need one.
  const std::uint64_t source_limit = static_cast<std::uint64_t>(max) * 4 + 64;
  auto r = co_await store.fetch_part(acct, folder_id, uid, section, true, 0, source_limit);
  if (!r) co_return r.error();
  std::string text = charset::to_utf8(r->bytes, p.charset, max + 64);
  text.resize(detail::utf8_cut(text, max));
  co_return detail::text_value(text);
}

}  // namespace

net::awaitable<result<compose::original_message>> load_original(backend::mail_store& store,
                                                                 const backend::account& acct, std::string folder_id,
                                                                 std::uint32_t uid, bool with_attachments,
                                                                 original_limits limits) {
  uid_set one;
  one.add(uid);
  auto found = co_await store.summaries(acct, folder_id, std::move(one));
  if (!found) co_return found.error();
  if (found->empty() || found->front().uid != uid || found->front().flags.deleted) {
    co_return make_error_code(mail_error::not_found);
  }
  const backend::message_summary& msg = found->front();
  const detail::message_layout layout = detail::analyse_layout(msg);

  compose::original_message out;
  out.from = msg.from;
  out.to = msg.to;
  out.cc = msg.cc;
  out.date = msg.date;
  out.subject = msg.subject;
  out.message_id = msg.message_id;
  if (const std::string* refs = msg.header("references")) out.references = *refs;
  if (layout.plain != nullptr) {
    auto text = co_await read_text(store, acct, folder_id, uid, *layout.plain, limits.max_text);
    if (!text) co_return text.error();
    out.text_plain = std::move(*text);
  }
  if (layout.html != nullptr) {
    auto text = co_await read_text(store, acct, folder_id, uid, *layout.html, limits.max_text);
    if (!text) co_return text.error();
    out.text_html = std::move(*text);
  }
  if (!with_attachments) co_return out;

  if (layout.attachments.size() > limits.max_attachments) co_return make_error_code(mail_error::too_large);
  std::size_t total = 0;
  for (const auto& a : layout.attachments) {
    const backend::mime_part& p = *a.part;
    // The encoded size bounds the decoded one, so a message that cannot fit is refused before any fetch.
    if (p.size > limits.max_total - std::min<std::size_t>(total, limits.max_total)) {
      co_return make_error_code(mail_error::too_large);
    }
    const std::string section = section_of(p);
    const std::uint64_t cap = limits.max_total - total + 1;
    auto bytes = co_await store.fetch_part(acct, folder_id, uid, section, true, 0, cap);
    if (!bytes) co_return bytes.error();
    total += bytes->bytes.size();
    if (total > limits.max_total) co_return make_error_code(mail_error::too_large);
    compose::attachment att;
    att.filename = a.display_name;
    att.content_type = p.type.empty() ? std::string() : p.type + "/" + p.subtype;
    att.content_id = p.content_id;
    att.is_inline = a.is_inline;
    att.bytes = std::move(bytes->bytes);
    out.attachments.push_back(std::move(att));
  }
  co_return out;
}

}  // namespace easd::protocol::convert
