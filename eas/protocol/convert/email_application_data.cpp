// The ApplicationData of one message ([MS-ASEMAIL] 2.2.2): properties in Exchange's order (≈ token
// order; the schemas accept any order at this level), then the body the options ask for.
#include "eas/protocol/convert/email_detail.hpp"

#include "eas/core/charset.hpp"
#include "eas/core/mail_date.hpp"

#include <exception>

namespace easd::protocol::convert {
namespace {

namespace net = boost::asio;
using namespace detail;

constexpr std::size_t max_subject_bytes = 32u << 10;

std::string bounded(std::string_view s, std::size_t max) {
  auto t = text_value(s);
  if (t.size() > max) t.resize(utf8_cut(t, max));
  return t;
}

// The METHOD of a text/calendar part, read from its first few KiB (it is a VCALENDAR property, before
// the first VEVENT).
net::awaitable<result<std::string>> calendar_method_of(const email_context& ctx, const backend::message_summary& msg,
                                                       const backend::mime_part& part) {
  const auto section = part.section.empty() ? std::string("1") : part.section;
  const auto uid = msg.uid;
  auto r = co_await ctx.store->fetch_part(*ctx.account, ctx.folder_id, uid, section, true, 0, calendar_probe_bytes);
  if (!r) co_return r.error();
  co_return calendar_method(r->bytes);
}

net::awaitable<result<wbxml::element>> build(const email_context& ctx, const backend::message_summary& msg,
                                             const email_options& opts) {
  const auto v = opts.version;
  const auto layout = analyse_layout(msg);
  std::string method;
  if (layout.calendar != nullptr) {
    auto m = co_await calendar_method_of(ctx, msg, *layout.calendar);
    if (!m) co_return m.error();
    method = std::move(*m);
  }
  const auto cls = message_class(layout, method);

  auto data = wbxml::element::named("AirSync:ApplicationData");
  if (auto to = address_list(msg.to, ", "); !to.empty()) data.add("Email:To", std::move(to));
  if (auto cc = address_list(msg.cc, ", "); !cc.empty()) data.add("Email:Cc", std::move(cc));
  if (auto from = address_list(msg.from, ", "); !from.empty()) data.add("Email:From", std::move(from));
  data.add("Email:Subject", bounded(msg.subject, max_subject_bytes));
  // [MS-ASEMAIL] 2.2.2.66: several Reply-To addresses are separated by semicolons.
  if (auto reply_to = address_list(msg.reply_to, "; "); !reply_to.empty())
    data.add("Email:ReplyTo", std::move(reply_to));
  // iOS shows the sync time when DateReceived is missing (content.md §2.1): fall back to the Date header.
  const auto received = msg.internal_date != 0 ? msg.internal_date : msg.date.value_or(0);
  data.add("Email:DateReceived", mail_date::format_eas(received));
  if (auto display_to = display_list(msg.to); !display_to.empty()) data.add("Email:DisplayTo", std::move(display_to));
  const auto* thread_topic = msg.header("thread-topic");
  auto topic = thread_topic != nullptr && !thread_topic->empty() ? *thread_topic : strip_subject_prefixes(msg.subject);
  data.add("Email:ThreadTopic", bounded(topic, max_subject_bytes));
  data.add("Email:Importance", std::to_string(importance_of(msg)));
  data.add("Email:Read", msg.flags.seen ? "1" : "0");

  if (auto attachments = attachments_element(ctx, msg, layout)) data.add(std::move(*attachments));

  const auto choice = choose_body(opts, cls);
  auto body = co_await body_element(ctx, msg, layout, choice, v);
  if (!body) co_return body.error();
  data.add(std::move(*body));

  data.add("Email:MessageClass", cls);
  // [MS-ASEMAIL] 2.2.2.41: the code page of the body as sent by the originator.
  const auto* native = layout.html != nullptr ? layout.html : layout.plain;
  data.add("Email:InternetCPID", std::to_string(charset::windows_code_page(native ? native->charset : "")));
  if (v >= protocol_version::v12_0) data.add(flag_element(msg.flags.flagged));
  data.add("Email:ContentClass",
           is_meeting_class(cls) ? "urn:content-classes:calendarmessage" : "urn:content-classes:message");
  // [MS-ASAIRS] 2.2.2.32: the stored format, so the device can ask for it later.
  data.add("AirSyncBase:NativeBodyType", layout.html != nullptr ? "2" : "1");

  if (v >= protocol_version::v14_0) {
    data.add("Email2:ConversationId").set_opaque(conversation_id(msg));
    data.add("Email2:ConversationIndex").set_opaque(conversation_index(msg));
    if (const int verb = last_verb_of(msg.flags); verb != 0)
      data.add("Email2:LastVerbExecuted", std::to_string(verb));
    // "On behalf of": a Sender different from From ([MS-ASEMAIL] 2.2.2.72).
    if (!msg.sender.empty() && !msg.from.empty() && msg.sender.front().address != msg.from.front().address) {
      if (auto sender = address_list(msg.sender, ", "); !sender.empty()) data.add("Email2:Sender", std::move(sender));
    }
    if (auto cats = categories_of(msg.flags.keywords); !cats.empty()) data.add(categories_element(cats));
  }

  auto body_part = co_await body_part_element(ctx, msg, layout, opts);
  if (!body_part) co_return body_part.error();
  if (*body_part) data.add(std::move(**body_part));

  if (v >= protocol_version::v16_0) {
    // [MS-ASEMAIL] 2.2.2.43 IsDraft, 2.2.2.3 Bcc (16.0+, drafts).
    const bool draft = msg.flags.draft || ctx.role == backend::folder_role::drafts;
    if (draft) {
      if (auto bcc = address_list(msg.bcc, ", ", 1024); !bcc.empty()) data.add("Email2:Bcc", std::move(bcc));
    }
    data.add("Email2:IsDraft", draft ? "1" : "0");
  }
  co_return data;
}

}  // namespace

net::awaitable<result<wbxml::element>> email_application_data(const email_context& ctx,
                                                             const backend::message_summary& msg,
                                                             const email_options& opts) {
  if (ctx.store == nullptr || ctx.account == nullptr) co_return make_error_code(boost::system::errc::invalid_argument);
  // A message must never take the folder down with it: anything unexpected is this message's error.
  try {
    co_return co_await build(ctx, msg, opts);
  } catch (const std::exception&) {
    co_return make_error_code(boost::system::errc::bad_message);
  }
}

}  // namespace easd::protocol::convert
