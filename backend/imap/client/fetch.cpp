#include "backend/imap/client/fetch.hpp"

#include "backend/imap/client/arguments.hpp"
#include "backend/imap/client/error.hpp"
#include "backend/imap/client/values.hpp"
#include "eas/core/ascii.hpp"

namespace easd::backend::imap {

namespace net = boost::asio;

namespace {

bool valid_section(std::string_view s) noexcept {
  if (s.size() > 512) return false;
  for (char c : s) {
    if (!is_ascii_alnum(c) && c != '.' && c != ' ' && c != '(' && c != ')' && c != '-') return false;
  }
  return true;
}

bool numeric_section(std::string_view s) noexcept {
  for (char c : s) {
    if (!is_ascii_digit(c) && c != '.') return false;
  }
  return true;
}

}  // namespace

result<flag_changes> parse_flag_changes(const command_result& r) {
  flag_changes out;
  for (const auto& u : r.untagged) {
    if (is_fetch(u)) {
      auto m = parse_fetch(u);
      if (!m) return m.error();
      if (m->uid) out.messages.push_back(std::move(*m));
    } else if (is_data(u, "VANISHED")) {
      std::size_t i = 1;
      if (i < u.data.size() && u.data[i].kind == value_kind::list) i = u.data[i].end;
      auto text = detail::astring(u.data, i);
      if (!text) return error::protocol_error;
      auto set = sequence_set::parse(*text);
      if (!set) return set.error();
      for (const auto& rg : set->ranges()) out.vanished.add(rg.first, rg.last);
    }
  }
  return out;
}

net::awaitable<result<flag_changes>> fetch_changes(connection& c, sequence_set uids, std::uint64_t modseq) {
  if (!c.caps().has("CONDSTORE")) co_return error::command_failed;
  auto cmd = c.start_command("UID FETCH");
  cmd.raw(" ");
  if (!detail::add_set(cmd, uids)) co_return error::unsendable_argument;
  cmd.raw(" (UID FLAGS MODSEQ) (CHANGEDSINCE ").raw(std::to_string(modseq));
  if (c.enabled().has("QRESYNC")) cmd.raw(" VANISHED");
  cmd.raw(")");
  auto r = co_await c.execute(std::move(cmd));
  if (!r) co_return r.error();
  if (!r->ok()) co_return error::command_failed;
  co_return parse_flag_changes(*r);
}

net::awaitable<result<flag_changes>> fetch_flags(connection& c, sequence_set uids, bool modseq) {
  if (modseq && !c.caps().has("CONDSTORE")) co_return error::command_failed;
  auto cmd = c.start_command("UID FETCH");
  cmd.raw(" ");
  if (!detail::add_set(cmd, uids)) co_return error::unsendable_argument;
  cmd.raw(modseq ? " (UID FLAGS MODSEQ)" : " (UID FLAGS)");
  auto r = co_await c.execute(std::move(cmd));
  if (!r) co_return r.error();
  if (!r->ok()) co_return error::command_failed;
  co_return parse_flag_changes(*r);
}

net::awaitable<result<std::vector<message_data>>> fetch_summaries(connection& c, sequence_set uids) {
  auto cmd = c.start_command("UID FETCH");
  cmd.raw(" ");
  if (!detail::add_set(cmd, uids)) co_return error::unsendable_argument;
  cmd.raw(" (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)");
  auto r = co_await c.execute(std::move(cmd));
  if (!r) co_return r.error();
  if (!r->ok()) co_return error::command_failed;
  std::vector<message_data> out;
  for (const auto& u : r->untagged) {
    if (!is_fetch(u)) continue;
    auto m = parse_fetch(u);
    if (!m) co_return m.error();
    // Only responses to this command carry an ENVELOPE; flag-only updates for others are dropped.
    if (m->uid && uids.contains(*m->uid) && m->env) out.push_back(std::move(*m));
  }
  co_return out;
}

net::awaitable<result<std::vector<message_data>>> fetch_summaries(connection& c, sequence_set uids,
                                                                  summary_request req) {
  if (req.modseq && !c.caps().has("CONDSTORE")) co_return error::command_failed;
  for (const auto& f : req.header_fields) {
    if (f.empty() || f.size() > 64) co_return error::unsendable_argument;
    for (char ch : f) {
      if (!is_ascii_alnum(ch) && ch != '-') co_return error::unsendable_argument;
    }
  }
  auto cmd = c.start_command("UID FETCH");
  cmd.raw(" ");
  if (!detail::add_set(cmd, uids)) co_return error::unsendable_argument;
  cmd.raw(req.modseq ? " (UID FLAGS MODSEQ" : " (UID FLAGS");
  cmd.raw(" INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE");
  if (!req.header_fields.empty()) {
    cmd.raw(" BODY.PEEK[HEADER.FIELDS (");
    for (std::size_t i = 0; i < req.header_fields.size(); ++i) {
      if (i) cmd.raw(" ");
      cmd.raw(req.header_fields[i]);
    }
    cmd.raw(")]");
  }
  cmd.raw(")");
  auto r = co_await c.execute(std::move(cmd));
  if (!r) co_return r.error();
  if (!r->ok()) co_return error::command_failed;
  std::vector<message_data> out;
  for (const auto& u : r->untagged) {
    if (!is_fetch(u)) continue;
    auto m = parse_fetch(u);
    if (!m) co_return m.error();
    if (m->uid && uids.contains(*m->uid) && m->env) out.push_back(std::move(*m));
  }
  co_return out;
}

net::awaitable<result<std::optional<body_part>>> fetch_body_structure(connection& c, std::uint32_t uid) {
  if (uid == 0) co_return error::unsendable_argument;
  auto cmd = c.start_command("UID FETCH");
  cmd.raw(" ").raw(std::to_string(uid)).raw(" (UID BODYSTRUCTURE)");
  auto r = co_await c.execute(std::move(cmd));
  if (!r) co_return r.error();
  if (!r->ok()) co_return error::command_failed;
  for (const auto& u : r->untagged) {
    if (!is_fetch(u)) continue;
    auto m = parse_fetch(u);
    if (!m) co_return m.error();
    if (m->uid == uid && m->body) co_return std::optional<body_part>(std::move(*m->body));
  }
  co_return std::optional<body_part>{};
}

namespace {

struct section_hit {
  std::uint32_t uid = 0;
  bool found = false;  // the FETCH carried the section
  bool nil = false;    // … as NIL (no such part)
  section_data data;
};

// UID FETCH uids ([UID size] BINARY.PEEK|BODY.PEEK[section]<partial>): one hit per FETCH response for a UID
// of the set (unsolicited FETCHes of the same UID give hits without the section).
net::awaitable<result<std::vector<section_hit>>> run_section_fetch(connection& c, const sequence_set& uids,
                                                                   const section_request& req, bool sized) {
  if (!valid_section(req.section)) co_return error::unsendable_argument;
  if (req.binary && (!c.caps().has("BINARY") || !numeric_section(req.section))) co_return error::unsendable_argument;
  auto cmd = c.start_command("UID FETCH");
  cmd.raw(" ");
  if (!detail::add_set(cmd, uids)) co_return error::unsendable_argument;
  cmd.raw(sized ? " (UID" : " (");
  if (sized) {
    if (req.binary) {
      cmd.raw(" BINARY.SIZE[").raw(req.section).raw("]");
    } else if (req.section.empty()) {
      cmd.raw(" RFC822.SIZE");
    }
    cmd.raw(" ");
  }
  cmd.raw(req.binary ? "BINARY.PEEK[" : "BODY.PEEK[").raw(req.section).raw("]");
  if (req.partial) {
    cmd.raw("<").raw(std::to_string(req.partial->first)).raw(".").raw(std::to_string(req.partial->second)).raw(">");
  }
  cmd.raw(")");
  auto r = co_await c.execute(std::move(cmd));
  if (!r) co_return r.error();
  if (!r->ok()) co_return error::command_failed;
  const std::string want = (req.binary ? "BINARY[" : "BODY[") + req.section + "]";
  std::vector<section_hit> out;
  for (auto& u : r->untagged) {
    if (!is_fetch(u)) continue;
    auto m = parse_fetch(u);
    if (!m) co_return m.error();
    if (!m->uid || !uids.contains(*m->uid)) continue;
    section_hit hit;
    hit.uid = *m->uid;
    if (sized) hit.data.size = req.binary ? m->binary_size : req.section.empty() ? m->size : std::nullopt;
    for (auto& sec : m->sections) {
      if (!iequals_ascii(sec.name, want)) continue;
      hit.found = true;
      hit.nil = sec.nil;
      hit.data.bytes = std::move(sec.bytes);
      break;
    }
    out.push_back(std::move(hit));
  }
  co_return out;
}

}  // namespace

net::awaitable<result<section_data>> fetch_section_sized(connection& c, std::uint32_t uid, section_request req) {
  if (uid == 0) co_return error::unsendable_argument;
  sequence_set one;
  one.add(uid);
  auto hits = co_await run_section_fetch(c, one, req, true);
  if (!hits) co_return hits.error();
  for (auto& h : *hits) {
    if (h.found) {
      if (h.nil) co_return error::command_failed;
      co_return std::move(h.data);
    }
    // A partial fetch beyond the end may come back as an empty string or not at all.
    if (req.partial && h.data.size) co_return std::move(h.data);
  }
  co_return error::command_failed;
}

net::awaitable<result<std::vector<std::pair<std::uint32_t, section_data>>>> fetch_sections_sized(
    connection& c, sequence_set uids, section_request req) {
  auto hits = co_await run_section_fetch(c, uids, req, true);
  if (!hits) co_return hits.error();
  std::vector<std::pair<std::uint32_t, section_data>> out;
  for (auto& h : *hits) {
    if (h.found && !h.nil) out.emplace_back(h.uid, std::move(h.data));
  }
  co_return out;
}

net::awaitable<result<std::string>> fetch_section(connection& c, std::uint32_t uid, section_request req) {
  if (uid == 0) co_return error::unsendable_argument;
  sequence_set one;
  one.add(uid);
  auto hits = co_await run_section_fetch(c, one, req, false);
  if (!hits) co_return hits.error();
  for (auto& h : *hits) {
    if (!h.found) continue;
    if (h.nil) co_return error::command_failed;
    co_return std::move(h.data.bytes);
  }
  co_return error::command_failed;
}

}  // namespace easd::backend::imap
