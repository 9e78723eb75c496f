#include "eas/protocol/compose/outgoing.hpp"

#include "eas/core/ascii.hpp"
#include "eas/core/mail_date.hpp"
#include "eas/core/mime_header.hpp"
#include "eas/protocol/compose/address_list.hpp"
#include "eas/protocol/compose/error.hpp"
#include "eas/protocol/compose/mime_writer.hpp"

#include <algorithm>
#include <unordered_set>

namespace easd::compose {
namespace {

// RFC 5322 3.6: at most one of each. Two From or Sender fields would let the phone pass our check with
// one and show the recipient the other; two Dates or Message-IDs confuse threading and deduplication.
constexpr std::string_view singletons[] = {"From", "Sender", "Date", "Message-ID", "Subject"};

bool is_bcc(std::string_view name) noexcept { return iequals_ascii(name, "Bcc") || iequals_ascii(name, "Resent-Bcc"); }

bool is_users(const std::vector<std::string>& users, std::string_view addr) {
  return std::any_of(users.begin(), users.end(), [&](const std::string& u) { return iequals_ascii(u, addr); });
}

// local@domain with the domain folded: local parts are case-sensitive (RFC 5321 2.4), domains are not.
std::string recipient_key(std::string_view addr) {
  const std::size_t at = addr.rfind('@');
  return std::string(addr.substr(0, at + 1)) + to_lower_ascii(addr.substr(at + 1));
}

}  // namespace

std::string_view outgoing_field::value() const noexcept {
  const std::size_t colon = raw.find(':');
  return std::string_view(raw).substr(colon == std::string::npos ? raw.size() : colon + 1);
}

const outgoing_field* outgoing_message::field(std::string_view name) const noexcept {
  for (const auto& f : fields) {
    if (iequals_ascii(f.name, name)) return &f;
  }
  return nullptr;
}

part_headers outgoing_message::mime_headers() const {
  const auto get = [&](std::string_view name) {
    const outgoing_field* f = field(name);
    return f ? mime::unfold(f->value()) : std::string();
  };
  return {get("Content-Type"), get("Content-Transfer-Encoding"), get("Content-Disposition"), get("Content-ID")};
}

result<outgoing_message> parse_outgoing(std::string_view mime, const outgoing_limits& limits) {
  if (mime.size() > limits.max_message) return compose_error::too_large;
  auto split = split_header(mime, limits.header);
  if (!split) return split.error();
  for (const std::string_view name : singletons) {
    if (count_fields(split->fields, name) > 1) return compose_error::malformed;
  }
  outgoing_message msg;
  msg.fields.reserve(split->fields.size());
  const address_limits addr_limits{limits.header.max_field, limits.max_recipients + 1, 16};
  std::size_t recipients = 0;
  for (const header_field& f : split->fields) {
    msg.fields.push_back({std::string(f.name), std::string(f.raw)});
    std::vector<backend::mail_address>* list = nullptr;
    if (iequals_ascii(f.name, "From"))
      list = &msg.from;
    else if (iequals_ascii(f.name, "Sender"))
      list = &msg.sender;
    else if (iequals_ascii(f.name, "Reply-To"))
      list = &msg.reply_to;
    else if (iequals_ascii(f.name, "To"))
      list = &msg.to;
    else if (iequals_ascii(f.name, "Cc"))
      list = &msg.cc;
    else if (iequals_ascii(f.name, "Bcc"))
      list = &msg.bcc;
    if (list) {
      auto parsed = parse_address_list(f.value, addr_limits);
      if (!parsed) return parsed.error();
      const bool is_recipient = list == &msg.to || list == &msg.cc || list == &msg.bcc;
      if (is_recipient && (recipients += parsed->size()) > limits.max_recipients) {
        return compose_error::too_many_recipients;
      }
      list->insert(list->end(), std::make_move_iterator(parsed->begin()), std::make_move_iterator(parsed->end()));
    } else if (iequals_ascii(f.name, "Subject")) {
      msg.subject = mime::decode_header(f.value, limits.header.max_field);
    } else if (iequals_ascii(f.name, "Date")) {
      msg.has_date = true;
      msg.date = mail_date::parse_rfc5322(field_value(f));
    } else if (iequals_ascii(f.name, "Message-ID")) {
      msg.message_id = field_value(f);
    } else if (iequals_ascii(f.name, "In-Reply-To")) {
      msg.in_reply_to = field_value(f);
    } else if (iequals_ascii(f.name, "References")) {
      msg.references = field_value(f);
    }
  }
  if (msg.from.size() > 1 && msg.sender.empty()) return compose_error::malformed;  // RFC 5322 3.6.2
  msg.body = std::string(split->body);
  return msg;
}

std::string serialize(const outgoing_message& msg) {
  std::size_t size = msg.body.size() + msg.body.size() / 32 + 2;
  for (const auto& f : msg.fields) size += f.raw.size() + 2;
  std::string out;
  out.reserve(size);
  for (const auto& f : msg.fields) {
    append_crlf(out, f.raw);
    out += "\r\n";
  }
  out += "\r\n";
  append_crlf(out, msg.body);
  return out;
}

result<prepared_submission> prepare_for_submission(outgoing_message& msg, const submission_options& options) {
  if (options.user_addresses.empty()) return compose_error::from_not_allowed;
  const std::string& primary = options.user_addresses.front();
  prepared_submission out;
  const bool from_ok = !msg.from.empty() && std::all_of(msg.from.begin(), msg.from.end(), [&](const auto& a) {
    return is_users(options.user_addresses, a.address);
  });
  const bool sender_ok = std::all_of(msg.sender.begin(), msg.sender.end(),
                                     [&](const auto& a) { return is_users(options.user_addresses, a.address); });
  // A message without From (some clients leave it to the server, [MS-ASCMD] 2.2.1.17) gets the user's
  // primary address whatever the policy: it names nobody else.
  const bool from_missing = msg.from.empty();
  if (from_ok && sender_ok) {
    out.envelope_from = msg.sender.empty() ? msg.from.front().address : msg.sender.front().address;
  } else if (options.from == from_policy::reject && !(from_missing && sender_ok)) {
    return compose_error::from_not_allowed;
  } else {
    // Rewrite: one From, the user's primary address under the phone's display name; no foreign Sender.
    const std::string name = msg.from.empty() ? std::string() : msg.from.front().name;
    std::string field = "From: " + format_mailbox({name, primary});
    std::erase_if(msg.fields, [](const outgoing_field& f) { return iequals_ascii(f.name, "Sender"); });
    const auto it = std::find_if(msg.fields.begin(), msg.fields.end(),
                                 [](const outgoing_field& f) { return iequals_ascii(f.name, "From"); });
    if (it != msg.fields.end())
      it->raw = std::move(field);
    else
      msg.fields.insert(msg.fields.begin(), {"From", std::move(field)});
    msg.from = {{name, primary}};
    msg.sender.clear();
    out.envelope_from = primary;
  }

  std::unordered_set<std::string> seen;
  for (const auto* list : {&msg.to, &msg.cc, &msg.bcc}) {
    for (const auto& a : *list) {
      if (seen.insert(recipient_key(a.address)).second) out.recipients.push_back(a.address);
    }
  }
  if (out.recipients.empty()) return compose_error::no_recipients;
  if (out.recipients.size() > options.max_recipients) return compose_error::too_many_recipients;

  std::erase_if(msg.fields, [](const outgoing_field& f) { return is_bcc(f.name); });
  if (!msg.has_date) {
    msg.fields.push_back({"Date", "Date: " + mail_date::format_rfc5322(options.now)});
    msg.has_date = true;
    msg.date = options.now;
  }
  if (msg.message_id.empty()) {
    // Without a configured host the sender's domain names the generator (RFC 5322 3.6.4: "id-right").
    const std::string_view host = options.message_id_host.empty()
                                      ? std::string_view(out.envelope_from).substr(out.envelope_from.rfind('@') + 1)
                                      : std::string_view(options.message_id_host);
    msg.message_id = "<" + random_hex(16) + "@" + std::string(host) + ">";
    msg.fields.push_back({"Message-ID", "Message-ID: " + msg.message_id});
  }
  out.message_id = msg.message_id;
  std::size_t size = msg.body.size();
  for (const auto& f : msg.fields) size += f.raw.size() + 2;
  if (size > options.max_message) return compose_error::too_large;
  out.message = serialize(msg);
  if (out.message.size() > options.max_message) return compose_error::too_large;
  return out;
}

}  // namespace easd::compose
