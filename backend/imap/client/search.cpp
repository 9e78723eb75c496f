#include "backend/imap/client/search.hpp"

#include "backend/imap/client/arguments.hpp"
#include "backend/imap/client/error.hpp"
#include "backend/imap/client/values.hpp"
#include "eas/core/ascii.hpp"

namespace easd::backend::imap {

namespace net = boost::asio;

result<sequence_set> parse_search(const command_result& r, std::string_view tag, std::size_t max_results) {
  sequence_set out;
  std::size_t found = 0;
  for (const auto& u : r.untagged) {
    if (is_data(u, "ESEARCH")) {
      // ESEARCH [(TAG "t")] [UID] *(name value)
      std::size_t i = 1;
      if (i < u.data.size() && u.data[i].kind == value_kind::list) {
        auto c = detail::children(u.data, i);
        if (c.size() != 2) return error::protocol_error;
        auto t = detail::astring(u.data, c[1]);
        if (!t) return error::protocol_error;
        if (*t != tag) continue;  // another command's answer
        i = u.data[i].end;
      }
      while (i < u.data.size()) {
        auto name = detail::astring(u.data, i);
        if (!name) return error::protocol_error;
        if (iequals_ascii(*name, "UID")) {
          ++i;
          continue;
        }
        const std::size_t val = i + 1;
        if (val >= u.data.size()) return error::protocol_error;
        if (iequals_ascii(*name, "ALL")) {
          auto text = detail::astring(u.data, val);
          if (!text) return error::protocol_error;
          auto set = sequence_set::parse(*text);
          if (!set) return set.error();
          for (const auto& rg : set->ranges()) out.add(rg.first, rg.last);
        }
        i = next_sibling(u.data, val);
      }
    } else if (is_data(u, "SEARCH")) {
      for (std::size_t i = 1; i < u.data.size(); i = next_sibling(u.data, i)) {
        if (u.data[i].kind == value_kind::list) continue;  // (MODSEQ n) of CONDSTORE
        auto n = detail::number32(u.data, i);
        if (!n || *n == 0) return error::protocol_error;
        if (++found > max_results) return error::too_many_values;
        out.add(*n);
      }
    }
  }
  return out;
}

net::awaitable<result<sequence_set>> uid_search(connection& c, search_query q) {
  auto cmd = c.start_command("UID SEARCH");
  const bool esearch = c.caps().has("ESEARCH");
  if (esearch) cmd.raw(" RETURN (ALL)");
  bool any = false;
  if (q.since) {
    if (!q.since->ok()) co_return error::unsendable_argument;
    cmd.raw(" SINCE ").raw(detail::search_date(*q.since));
    any = true;
  }
  if (q.uids) {
    cmd.raw(" UID ");
    if (!detail::add_set(cmd, *q.uids)) co_return error::unsendable_argument;
    any = true;
  }
  if (q.undeleted) {
    cmd.raw(" UNDELETED");
    any = true;
  }
  if (!any) cmd.raw(" ALL");
  std::string tag = cmd.tag();
  auto r = co_await c.execute(std::move(cmd));
  if (!r) co_return r.error();
  if (!r->ok()) co_return error::command_failed;
  co_return parse_search(*r, tag);
}

}  // namespace easd::backend::imap
