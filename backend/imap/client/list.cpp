#include "backend/imap/client/list.hpp"

#include "backend/imap/client/arguments.hpp"
#include "backend/imap/client/error.hpp"
#include "backend/imap/client/mutf7.hpp"
#include "backend/imap/client/values.hpp"
#include "eas/core/ascii.hpp"

#include <map>

namespace easd::backend::imap {

namespace net = boost::asio;

bool mailbox_info::has_attribute(std::string_view a) const noexcept {
  for (const auto& x : attributes) {
    if (iequals_ascii(x, a)) return true;
  }
  return false;
}

bool mailbox_info::selectable() const noexcept {
  return !has_attribute("\\Noselect") && !has_attribute("\\NonExistent");
}

std::string mailbox_info::special_use() const {
  static constexpr std::string_view roles[] = {"\\Drafts", "\\Sent", "\\Trash", "\\Junk",
                                               "\\Archive", "\\All", "\\Flagged"};
  for (auto r : roles) {
    if (has_attribute(r)) return std::string(r);
  }
  return {};
}

result<std::pair<std::string, mailbox_counts>> parse_status(const response& r) {
  if (!is_data(r, "STATUS") || r.data.size() < 3) return error::protocol_error;
  auto name = detail::astring(r.data, 1);
  if (!name) return error::protocol_error;
  const std::size_t list = next_sibling(r.data, 1);
  auto c = detail::children(r.data, list);
  if (list >= r.data.size() || r.data[list].kind != value_kind::list || c.size() % 2 != 0) {
    return error::protocol_error;
  }
  mailbox_counts m;
  for (std::size_t k = 0; k < c.size(); k += 2) {
    auto key = detail::astring(r.data, c[k]);
    if (key && iequals_ascii(*key, "MAILBOXID")) {
      // MAILBOXID (objectid), RFC 8474 §4.1
      auto inner = detail::children(r.data, c[k + 1]);
      if (inner.size() != 1) return error::protocol_error;
      auto id = detail::astring(r.data, inner[0]);
      if (!id || id->empty() || id->size() > 255) return error::protocol_error;
      for (char ch : *id) {
        if (!is_ascii_alnum(ch) && ch != '_' && ch != '-') return error::protocol_error;
      }
      m.mailboxid = std::string(*id);
      continue;
    }
    auto n = detail::number(r.data, c[k + 1]);
    if (!key || !n) return error::protocol_error;
    const bool small = *n <= UINT32_MAX;
    auto n32 = static_cast<std::uint32_t>(*n);
    if (iequals_ascii(*key, "HIGHESTMODSEQ")) {
      m.highestmodseq = *n;
    } else if (!small) {
      continue;  // e.g. SIZE (RFC 8438) can exceed 32 bits; not one of ours
    } else if (iequals_ascii(*key, "MESSAGES")) {
      m.messages = n32;
    } else if (iequals_ascii(*key, "UNSEEN")) {
      m.unseen = n32;
    } else if (iequals_ascii(*key, "UIDVALIDITY")) {
      m.uidvalidity = n32;
    } else if (iequals_ascii(*key, "UIDNEXT")) {
      m.uidnext = n32;
    }
  }
  return std::pair<std::string, mailbox_counts>(std::string(*name), m);
}

result<std::vector<mailbox_info>> parse_list(const command_result& r) {
  std::vector<mailbox_info> out;
  std::map<std::string, std::size_t> by_raw;
  for (const auto& u : r.untagged) {
    if (is_data(u, "LIST")) {
      // LIST (attrs) delimiter name [extended data]
      if (u.data.size() < 4 || u.data[1].kind != value_kind::list) return error::protocol_error;
      mailbox_info m;
      auto attrs = detail::flag_list(u.data, 1);
      if (!attrs) return error::protocol_error;
      m.attributes = std::move(*attrs);
      const std::size_t d = u.data[1].end;
      if (d >= u.data.size()) return error::protocol_error;
      if (u.data[d].kind == value_kind::string && u.data[d].text.size() == 1) {
        m.delimiter = u.data[d].text[0];
      } else if (u.data[d].kind != value_kind::nil) {
        return error::protocol_error;
      }
      auto name = detail::astring(u.data, d + 1);
      if (!name) return error::protocol_error;
      m.raw_name = std::string(*name);
      // "INBOX" is case-insensitive (RFC 9051 §5.1); report it in one spelling.
      if (iequals_ascii(m.raw_name, "INBOX")) m.raw_name = "INBOX";
      auto decoded = decode_mutf7(m.raw_name);
      m.name_decoded = decoded.has_value();
      m.name = decoded ? std::move(*decoded) : m.raw_name;
      by_raw[m.raw_name] = out.size();
      out.push_back(std::move(m));
    } else if (is_data(u, "STATUS")) {
      auto s = parse_status(u);
      if (!s) return s.error();
      auto key = iequals_ascii(s->first, "INBOX") ? std::string("INBOX") : s->first;
      auto it = by_raw.find(key);
      // LIST-STATUS sends STATUS right after the LIST of its mailbox (RFC 5819 §1).
      if (it != by_raw.end()) out[it->second].counts = s->second;
    }
  }
  return out;
}

net::awaitable<result<std::vector<mailbox_info>>> list_mailboxes(connection& c, std::size_t max_mailboxes) {
  list_request req;
  req.max_mailboxes = max_mailboxes;
  co_return co_await list_mailboxes(c, req);
}

net::awaitable<result<std::vector<mailbox_info>>> list_mailboxes(connection& c, list_request req) {
  const std::size_t max_mailboxes = req.max_mailboxes;
  auto cmd = c.start_command("LIST");
  cmd.raw(" \"\" \"*\"");
  const bool extended = c.caps().has("LIST-EXTENDED");
  if (extended) {
    // CHILDREN: without it a LIST-EXTENDED server need not say \HasChildren (RFC 5258 §4), and a parent that
    // exists only as a path (\NonExistent) would look like a leaf.
    cmd.raw(" RETURN (CHILDREN");
    if (c.caps().has("SPECIAL-USE")) cmd.raw(" SPECIAL-USE");
    const bool ids = req.mailboxid && c.caps().has("OBJECTID");
    if (c.caps().has("LIST-STATUS") && (req.counts || ids)) {
      cmd.raw(" STATUS (");
      if (req.counts) {
        cmd.raw(c.caps().has("CONDSTORE") ? "MESSAGES UIDVALIDITY UIDNEXT HIGHESTMODSEQ"
                                          : "MESSAGES UIDVALIDITY UIDNEXT");
      }
      if (ids) cmd.raw(req.counts ? " MAILBOXID" : "MAILBOXID");
      cmd.raw(")");
    }
    cmd.raw(")");
  }
  auto r = co_await c.execute(std::move(cmd));
  if (!r) co_return r.error();
  if (!r->ok()) co_return error::command_failed;
  auto l = parse_list(*r);
  if (l && l->size() > max_mailboxes) co_return error::too_many_values;
  co_return std::move(l);
}

net::awaitable<result<mailbox_counts>> status(connection& c, std::string mailbox) {
  auto cmd = c.start_command("STATUS");
  cmd.raw(" ");
  if (!detail::add_mailbox(cmd, mailbox)) co_return error::unsendable_argument;
  cmd.raw(c.caps().has("CONDSTORE") ? " (MESSAGES UNSEEN UIDVALIDITY UIDNEXT HIGHESTMODSEQ"
                                    : " (MESSAGES UNSEEN UIDVALIDITY UIDNEXT");
  cmd.raw(c.caps().has("OBJECTID") ? " MAILBOXID)" : ")");
  auto r = co_await c.execute(std::move(cmd));
  if (!r) co_return r.error();
  if (!r->ok()) co_return error::command_failed;
  for (const auto& u : r->untagged) {
    if (!is_data(u, "STATUS")) continue;
    auto s = parse_status(u);
    if (!s) co_return s.error();
    co_return s->second;
  }
  co_return error::protocol_error;
}

}  // namespace easd::backend::imap
