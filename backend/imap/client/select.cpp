#include "backend/imap/client/select.hpp"

#include "backend/imap/client/arguments.hpp"
#include "backend/imap/client/error.hpp"
#include "backend/imap/client/values.hpp"
#include "eas/core/ascii.hpp"

namespace easd::backend::imap {

namespace net = boost::asio;

net::awaitable<result<capabilities>> enable(connection& c, std::vector<std::string> extensions) {
  auto cmd = c.start_command("ENABLE");
  bool any = false;
  for (const auto& e : extensions) {
    if (!c.caps().has(e) || !detail::valid_flag(e) || e.front() == '\\') continue;
    cmd.raw(" ").raw(e);
    any = true;
  }
  if (!any || !c.caps().has("ENABLE")) co_return c.enabled();
  auto r = co_await c.execute(std::move(cmd));
  if (!r) co_return r.error();
  if (!r->ok()) co_return error::command_failed;
  co_return c.enabled();
}

result<mailbox_status> parse_select(const command_result& r) {
  mailbox_status s;
  for (const auto& u : r.untagged) {
    if (auto exists = detail::numbered(u, "EXISTS")) {
      s.exists = *exists;
    } else if (is_data(u, "FLAGS")) {
      auto f = detail::flag_list(u.data, 1);
      if (!f) return error::protocol_error;
      s.flags = std::move(*f);
    } else if (is_data(u, "VANISHED")) {
      // VANISHED (EARLIER) uid-set
      std::size_t i = 1;
      if (i < u.data.size() && u.data[i].kind == value_kind::list) i = u.data[i].end;
      auto set_text = detail::astring(u.data, i);
      if (!set_text) return error::protocol_error;
      auto set = sequence_set::parse(*set_text);
      if (!set) return set.error();
      for (const auto& rg : set->ranges()) s.vanished.add(rg.first, rg.last);
    } else if (is_fetch(u)) {
      auto m = parse_fetch(u);
      if (!m) return m.error();
      s.changed.push_back(std::move(*m));
    } else if (u.status == status::ok) {
      if (iequals_ascii(u.code, "UIDVALIDITY")) {
        auto n = detail::code_number(u.code_args);
        if (!n || *n == 0 || *n > UINT32_MAX) return error::protocol_error;
        s.uidvalidity = static_cast<std::uint32_t>(*n);
      } else if (iequals_ascii(u.code, "UIDNEXT")) {
        auto n = detail::code_number(u.code_args);
        if (!n || *n > UINT32_MAX) return error::protocol_error;
        s.uidnext = static_cast<std::uint32_t>(*n);
      } else if (iequals_ascii(u.code, "HIGHESTMODSEQ")) {
        auto n = detail::code_number(u.code_args);
        if (!n) return error::protocol_error;
        s.highestmodseq = *n;
      } else if (iequals_ascii(u.code, "NOMODSEQ")) {
        s.nomodseq = true;
      } else if (iequals_ascii(u.code, "PERMANENTFLAGS")) {
        s.permanentflags = detail::flag_list_text(u.code_args);
      }
    }
  }
  s.readonly = iequals_ascii(r.completion.code, "READ-ONLY");
  return s;
}

net::awaitable<result<mailbox_status>> select(connection& c, std::string mailbox, select_options opts) {
  if (opts.qresync && !c.enabled().has("QRESYNC")) co_return error::command_failed;
  auto cmd = c.start_command(opts.read_only ? "EXAMINE" : "SELECT");
  cmd.raw(" ");
  if (!detail::add_mailbox(cmd, mailbox)) co_return error::unsendable_argument;
  if (opts.qresync) {
    const auto& q = *opts.qresync;
    if (q.uidvalidity == 0) co_return error::unsendable_argument;
    cmd.raw(" (QRESYNC (").raw(std::to_string(q.uidvalidity)).raw(" ").raw(std::to_string(q.modseq));
    if (!q.known_uids.empty()) cmd.raw(" ").raw(q.known_uids.to_string());
    cmd.raw("))");
  } else if (opts.condstore) {
    cmd.raw(" (CONDSTORE)");
  }
  c.set_selected(std::nullopt);
  auto r = co_await c.execute(std::move(cmd));
  if (!r) co_return r.error();
  if (!r->ok()) co_return error::command_failed;
  c.set_selected(connection::selection{std::move(mailbox), !opts.read_only});
  co_return parse_select(*r);
}

}  // namespace easd::backend::imap
