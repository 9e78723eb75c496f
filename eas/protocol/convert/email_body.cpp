// airsyncbase:Body and BodyPart ([MS-ASAIRS] 2.2.2.9, 2.2.2.10): the body in the type the device prefers,
// read from the backend part by part and only as far as the truncation needs (a 20 MB message costs a
// 20 MB read only when a device asks for all of it).
#include "eas/protocol/convert/email_detail.hpp"

#include "eas/core/charset.hpp"
#include "eas/core/html_text.hpp"

#include <algorithm>

namespace easd::protocol::convert::detail {
namespace {

namespace net = boost::asio;
using backend::mime_part;

// Bytes read beyond the truncation so that a character cut by the read is not the one we keep.
constexpr std::uint64_t charset_slack = 64;
// HTML carries markup: a text of N bytes needs several times N bytes of HTML.
constexpr std::uint64_t html_ratio = 4;
constexpr std::uint64_t html_slack = 16u << 10;

std::string section_of(const mime_part& p) { return p.section.empty() ? "1" : p.section; }

bool wide_charset(std::string_view cs) {
  return cs.starts_with("utf-16") || cs.starts_with("utf-32") || cs.starts_with("ucs");
}

std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > UINT64_MAX / a) return UINT64_MAX;
  return a * b;
}

// Source bytes to read for `want` bytes of UTF-8 text: ASCII-compatible charsets never shrink when
// converted to UTF-8, so `want` plus a little; UTF-16/32 can shrink to a quarter.
std::uint64_t source_limit(const mime_part& p, std::uint64_t want) {
  const auto base = wide_charset(p.charset) ? saturating_mul(want, 4) : want;
  return std::min<std::uint64_t>(base + charset_slack, max_text_body_bytes * 4);
}

struct text_piece {
  std::string text;            // UTF-8
  bool complete = false;       // the whole part was read
  std::uint64_t estimated = 0; // UTF-8 size of the whole part (exact when complete)
};

void drop_trailing_replacement(std::string& s) {
  // A multibyte character cut by the read decodes as U+FFFD at the end; it is not in the mail.
  while (s.size() >= 3 && s.compare(s.size() - 3, 3, "\xEF\xBF\xBD") == 0) s.resize(s.size() - 3);
}

net::awaitable<result<text_piece>> fetch_text(const email_context& ctx, const backend::message_summary& msg,
                                              const mime_part& p, std::uint64_t limit) {
  const auto section = section_of(p);
  const auto uid = msg.uid;
  auto r = co_await ctx.store->fetch_part(*ctx.account, ctx.folder_id, uid, section, true, 0, limit);
  if (!r) co_return r.error();
  const auto got = static_cast<std::uint64_t>(r->bytes.size());
  text_piece out;
  if (r->total) {
    out.complete = got >= *r->total;
  } else {
    out.complete = got < limit || decoded_size_estimate(p) <= got;
  }
  const auto total = r->total ? *r->total : std::max(decoded_size_estimate(p), got);
  out.text = charset::to_utf8(r->bytes, p.charset, max_text_body_bytes + charset_slack);
  if (!out.complete) drop_trailing_replacement(out.text);
  out.text = text_value(out.text);
  out.estimated = out.complete || got == 0 ? out.text.size()
                                           : saturating_mul(out.text.size(), total) / got;
  if (!out.complete && got == 0) out.estimated = total;
  co_return out;
}

// Type 1: the text/plain part, else text derived from the HTML part ([MS-ASAIRS] 2.2.2.9).
net::awaitable<result<text_piece>> plain_text(const email_context& ctx, const backend::message_summary& msg,
                                              const message_layout& layout, std::uint64_t want) {
  if (layout.plain != nullptr) {
    const auto limit = source_limit(*layout.plain, want);
    co_return co_await fetch_text(ctx, msg, *layout.plain, limit);
  }
  if (layout.html != nullptr) {
    const auto limit = std::min(saturating_mul(source_limit(*layout.html, want), html_ratio) + html_slack,
                                max_text_body_bytes * 4);
    auto html = co_await fetch_text(ctx, msg, *layout.html, limit);
    if (!html) co_return html.error();
    text_piece out;
    out.text = mime::html_to_text(html->text, max_text_body_bytes);
    out.complete = html->complete;
    out.estimated = out.complete || html->text.empty()
                        ? out.text.size()
                        : saturating_mul(out.text.size(), html->estimated) / html->text.size();
    co_return out;
  }
  co_return text_piece{{}, true, 0};
}

// Type 2: the text/html part, else the plain text shown as HTML (what Exchange does for plain mail).
net::awaitable<result<text_piece>> html_text(const email_context& ctx, const backend::message_summary& msg,
                                             const message_layout& layout, std::uint64_t want) {
  if (layout.html != nullptr) {
    const auto limit = source_limit(*layout.html, want);
    co_return co_await fetch_text(ctx, msg, *layout.html, limit);
  }
  if (layout.plain != nullptr) {
    const auto limit = source_limit(*layout.plain, want);
    auto plain = co_await fetch_text(ctx, msg, *layout.plain, limit);
    if (!plain) co_return plain.error();
    text_piece out;
    out.text = plain_to_html(plain->text);
    out.complete = plain->complete;
    out.estimated = out.complete || plain->text.empty()
                        ? out.text.size()
                        : saturating_mul(out.text.size(), plain->estimated) / plain->text.size();
    co_return out;
  }
  co_return text_piece{{}, true, 0};
}

std::uint64_t truncation_of(const body_preference& pref, std::uint64_t cap) {
  return pref.truncation_size ? std::min<std::uint64_t>(*pref.truncation_size, cap) : cap;
}

struct body_fields {
  std::uint8_t type = 1;
  std::uint64_t estimated = 0;
  bool truncated = false;
  std::optional<std::string> data;  // nullopt: AllOrNone withheld it
  bool opaque_data = false;         // raw MIME: bytes as stored
  std::optional<std::string> preview;
};

// Cuts a text piece to the preference's size ([MS-ASAIRS] 2.2.2.20 TruncationSize, 2.2.2.4 AllOrNone).
body_fields cut(std::uint8_t type, text_piece piece, const body_preference& pref) {
  body_fields f;
  f.type = type;
  const auto limit = truncation_of(pref, max_text_body_bytes);
  f.truncated = !piece.complete || piece.text.size() > limit;
  if (piece.text.size() > limit) piece.text.resize(utf8_cut(piece.text, static_cast<std::size_t>(limit)));
  f.estimated = std::max<std::uint64_t>(piece.estimated, piece.text.size());
  if (!(f.truncated && pref.all_or_none)) f.data = std::move(piece.text);
  return f;
}

wbxml::element render(const char* container, const body_fields& f, bool with_status) {
  auto el = wbxml::element::named(container);
  if (with_status) el.add("AirSyncBase:Status", "1");
  el.add("AirSyncBase:Type", std::to_string(f.type));
  el.add("AirSyncBase:EstimatedDataSize", std::to_string(std::min<std::uint64_t>(f.estimated, UINT32_MAX)));
  if (f.truncated) el.add("AirSyncBase:Truncated", "1");
  if (f.data) {
    auto& data = el.add("AirSyncBase:Data");
    if (f.opaque_data) {
      data.set_opaque(*f.data);
    } else {
      data.set_text(*f.data);
    }
  }
  if (f.preview) el.add("AirSyncBase:Preview", *f.preview);
  return el;
}

std::size_t utf8_length(std::string_view s) noexcept {
  std::size_t n = 0;
  for (const unsigned char c : s) n += (c & 0xC0u) != 0x80u ? 1 : 0;
  return n;
}

bool wants_preview(const body_preference& pref, protocol_version v) {
  return v >= protocol_version::v14_0 && pref.preview && *pref.preview > 0;
}

// [MS-ASAIRS] 2.2.2.35 Preview: plain text of the message, at most N characters (4 bytes each at most).
net::awaitable<result<std::string>> preview_of(const email_context& ctx, const backend::message_summary& msg,
                                               const message_layout& layout, std::uint32_t chars) {
  const auto want = static_cast<std::uint64_t>(chars) * 4 + 256;
  auto text = co_await plain_text(ctx, msg, layout, want);
  if (!text) co_return text.error();
  co_return mime::preview_text(text->text, chars);
}

net::awaitable<result<body_fields>> mime_body(const email_context& ctx, const backend::message_summary& msg,
                                              const body_preference& pref) {
  body_fields f;
  f.type = 4;
  f.opaque_data = true;
  const auto limit = truncation_of(pref, max_mime_bytes);
  // AllOrNone with a message known to be larger: nothing to read.
  if (pref.all_or_none && msg.size > limit) {
    f.truncated = true;
    f.estimated = msg.size;
    co_return f;
  }
  const auto uid = msg.uid;
  const std::string whole;
  auto r = co_await ctx.store->fetch_part(*ctx.account, ctx.folder_id, uid, whole, false, 0, limit);
  if (!r) co_return r.error();
  const auto got = static_cast<std::uint64_t>(r->bytes.size());
  const auto total = std::max(r->total ? *r->total : msg.size, got);
  f.truncated = got < total || got > limit;
  if (got > limit) r->bytes.resize(static_cast<std::size_t>(limit));
  f.estimated = total;
  if (!(f.truncated && pref.all_or_none)) f.data = std::move(r->bytes);
  co_return f;
}

}  // namespace

std::string plain_to_html(std::string_view text) {
  std::string out = "<html><body><pre>";
  out.reserve(text.size() + text.size() / 8 + 40);
  mime::append_html_escaped(out, text);
  out += "</pre></body></html>";
  return out;
}

body_choice choose_body(const email_options& opts, std::string_view cls) {
  const bool smime = is_smime_class(cls);
  // [MS-ASCMD] 2.2.3.110: MIMESupport 2 = MIME for every message, 1 = for S/MIME messages only.
  if (opts.mime_support == 2 || (opts.mime_support == 1 && smime)) {
    body_choice c;
    c.type = 4;
    c.pref.type = 4;
    for (const auto& p : opts.body) {
      if (p.type == 4) c.pref = p;
    }
    if (!c.pref.truncation_size && opts.mime_truncation) c.pref.truncation_size = opts.mime_truncation;
    return c;
  }
  for (const auto& p : opts.body) {
    if (p.type == 1 || p.type == 2 || (p.type == 4 && !(opts.mime_support == 1 && !smime))) return {p.type, p};
  }
  // Nothing we can produce was asked for (RTF only) or nothing at all: plain text, as the first
  // preference would have truncated it.
  body_choice c;
  if (!opts.body.empty()) c.pref = opts.body.front();
  c.pref.type = 1;
  c.type = 1;
  return c;
}

net::awaitable<result<wbxml::element>> body_element(const email_context& ctx, const backend::message_summary& msg,
                                                   const message_layout& layout, const body_choice& choice,
                                                   protocol_version v) {
  body_fields f;
  std::string full_text_for_preview;
  bool have_preview_source = false;
  // An HTML body already read: its text usually holds the Preview too, which saves a second round trip per
  // message to the IMAP server (iOS asks for HTML + Preview 255 on every item).
  std::string html_for_preview;
  bool html_complete = false;
  if (choice.type == 4) {
    auto m = co_await mime_body(ctx, msg, choice.pref);
    if (!m) co_return m.error();
    f = std::move(*m);
  } else {
    const auto want = truncation_of(choice.pref, max_text_body_bytes);
    result<text_piece> piece = text_piece{};
    if (choice.type == 2) {
      piece = co_await html_text(ctx, msg, layout, want);
    } else {
      piece = co_await plain_text(ctx, msg, layout, want);
    }
    if (!piece) co_return piece.error();
    if (choice.type == 1 && wants_preview(choice.pref, v)) {
      full_text_for_preview = piece->text;
      have_preview_source = true;
    }
    // Only where that body is the message's one text: a multipart/alternative's own plain part is the
    // sender's text version and makes the better Preview.
    if (choice.type == 2 && wants_preview(choice.pref, v) && (layout.plain == nullptr || layout.html == nullptr)) {
      html_for_preview = piece->text;
      html_complete = piece->complete;
    }
    f = cut(choice.type, std::move(*piece), choice.pref);
  }
  if (wants_preview(choice.pref, v)) {
    const auto chars = *choice.pref.preview;
    if (have_preview_source) {
      // Not needed when the device gets the whole plain text anyway ([MS-ASAIRS] 2.2.2.35).
      if (f.truncated || !f.data) f.preview = mime::preview_text(full_text_for_preview, chars);
    } else {
      std::string derived = mime::preview_text(mime::html_to_text(html_for_preview, max_text_body_bytes), chars);
      if (!html_for_preview.empty() && (html_complete || utf8_length(derived) >= chars)) {
        f.preview = std::move(derived);
      } else {
        auto p = co_await preview_of(ctx, msg, layout, chars);
        if (!p) co_return p.error();
        f.preview = std::move(*p);
      }
    }
  }
  co_return render("AirSyncBase:Body", f, false);
}

net::awaitable<result<std::optional<wbxml::element>>> body_part_element(const email_context& ctx,
                                                                       const backend::message_summary& msg,
                                                                       const message_layout& layout,
                                                                       const email_options& opts) {
  if (opts.version < protocol_version::v14_1) co_return std::nullopt;
  const body_preference* pref = nullptr;
  for (const auto& p : opts.body_part) {
    if (p.type == 2) pref = &p;  // [MS-ASAIRS] 2.2.2.11: only HTML
  }
  if (pref == nullptr) co_return std::nullopt;
  const auto want = truncation_of(*pref, max_text_body_bytes);
  auto piece = co_await html_text(ctx, msg, layout, want);
  if (!piece) co_return piece.error();
  auto f = cut(2, std::move(*piece), *pref);
  if (wants_preview(*pref, opts.version)) {
    auto p = co_await preview_of(ctx, msg, layout, *pref->preview);
    if (!p) co_return p.error();
    f.preview = std::move(*p);
  }
  co_return std::optional<wbxml::element>(render("AirSyncBase:BodyPart", f, true));
}

}  // namespace easd::protocol::convert::detail
