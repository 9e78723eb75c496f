#include "backend/imap/imap_convert.hpp"

#include "backend/imap/client/arguments.hpp"
#include "eas/core/ascii.hpp"
#include "eas/core/mail_date.hpp"
#include "eas/core/mime_header.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>

namespace easd::backend::imap_store {

namespace {

constexpr std::size_t max_header_fields = 64;
constexpr std::size_t max_header_value = 16 * 1024;
constexpr std::size_t max_param_segments = 64;

std::string lower(std::string_view s) { return to_lower_ascii(s); }

const imap::body_param* find_param(const std::vector<imap::body_param>& ps, std::string_view name) {
  for (const auto& p : ps) {
    if (iequals_ascii(p.name, name)) return &p;
  }
  return nullptr;
}

std::string percent_encode(std::string_view s) { return easd::percent_encode(s, ".-_"); }

// A parameter as mail carries it: plain ("name", often with RFC 2047 words although RFC 2047 §5 forbids
// them there), RFC 2231 extended ("name*"), or RFC 2231 continuations ("name*0", "name*1*", ...), which
// some servers pass through unmerged.
std::string param_text(const std::vector<imap::body_param>& ps, std::string_view base) {
  const std::string star = std::string(base) + "*";
  if (const auto* p = find_param(ps, star)) return mime::decode_rfc2231(p->value);
  std::map<std::size_t, std::pair<bool, std::string_view>> segments;  // index → (encoded, value)
  for (const auto& p : ps) {
    if (p.name.size() <= star.size() || !istarts_with_ascii(p.name, star)) continue;
    std::string_view rest = std::string_view(p.name).substr(star.size());
    const bool encoded = rest.ends_with('*');
    if (encoded) rest.remove_suffix(1);
    if (rest.empty() || rest.size() > 3 || !std::all_of(rest.begin(), rest.end(), is_ascii_digit)) continue;
    const auto index = static_cast<std::size_t>(std::stoul(std::string(rest)));
    if (index >= max_param_segments) continue;
    segments[index] = {encoded, p.value};
  }
  if (!segments.empty()) {
    bool any_encoded = false;
    for (const auto& [i, seg] : segments) any_encoded = any_encoded || seg.first;
    std::string joined;
    if (!any_encoded) {
      for (const auto& [i, seg] : segments) joined += seg.second;
      return mime::decode_header(joined);
    }
    // The charset'language' prefix is on segment 0 when it is encoded (RFC 2231 §4.1).
    bool first = true;
    for (const auto& [i, seg] : segments) {
      if (first && !seg.first) joined += "''";
      joined += seg.first ? std::string(seg.second) : percent_encode(seg.second);
      first = false;
    }
    return mime::decode_rfc2231(joined);
  }
  if (const auto* p = find_param(ps, base)) return mime::decode_header(p->value);
  return {};
}

std::string strip_angles(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = s.substr(1, s.size() - 2);
  return std::string(s);
}

}  // namespace

message_flags to_flags(const std::vector<std::string>& imap_flags) {
  message_flags f;
  for (const auto& x : imap_flags) {
    if (iequals_ascii(x, "\\Seen")) {
      f.seen = true;
    } else if (iequals_ascii(x, "\\Flagged")) {
      f.flagged = true;
    } else if (iequals_ascii(x, "\\Answered")) {
      f.answered = true;
    } else if (iequals_ascii(x, "\\Deleted")) {
      f.deleted = true;
    } else if (iequals_ascii(x, "\\Draft")) {
      f.draft = true;
    } else if (iequals_ascii(x, "$Forwarded")) {
      f.forwarded = true;
    } else if (!x.empty() && x.front() != '\\') {
      f.keywords.push_back(x);
    }
  }
  return f;
}

std::vector<std::string> to_imap_flags(const message_flags& f) {
  std::vector<std::string> out;
  if (f.seen) out.emplace_back("\\Seen");
  if (f.flagged) out.emplace_back("\\Flagged");
  if (f.answered) out.emplace_back("\\Answered");
  if (f.deleted) out.emplace_back("\\Deleted");
  if (f.draft) out.emplace_back("\\Draft");
  if (f.forwarded) out.emplace_back("$Forwarded");
  for (const auto& k : f.keywords) {
    if (!k.empty() && k.front() != '\\' && imap::detail::valid_flag(k)) out.push_back(k);
  }
  return out;
}

imap::sequence_set to_sequence_set(const uid_set& s) {
  imap::sequence_set out;
  for (const auto& r : s.ranges()) out.add(r.first, r.last);
  return out;
}

uid_set to_uid_set(const imap::sequence_set& s) {
  uid_set out;
  for (const auto& r : s.ranges()) out.add_range(r.first, r.last);
  return out;
}

std::vector<mail_address> to_addresses(const std::vector<imap::address>& in) {
  std::vector<mail_address> out;
  for (const auto& a : in) {
    if (!a.mailbox && !a.host) continue;  // end of a group (RFC 9051 §7.5.2)
    mail_address m;
    if (a.mailbox && !a.host) {
      m.name = mime::decode_header(*a.mailbox);  // start of a group: the group's name
      out.push_back(std::move(m));
      continue;
    }
    if (a.name) m.name = mime::decode_header(*a.name);
    m.address = a.mailbox.value_or("");
    if (a.host && !a.host->empty()) m.address += "@" + *a.host;
    out.push_back(std::move(m));
  }
  return out;
}

mime_part to_mime_part(const imap::body_part& p) {
  mime_part m;
  m.section = p.part;
  m.type = lower(p.type);
  m.subtype = lower(p.subtype);
  if (const auto* cs = p.param("charset")) m.charset = lower(*cs);
  m.encoding = lower(p.encoding);
  if (p.disposition) m.disposition = lower(*p.disposition);
  m.filename = param_text(p.disposition_params, "filename");
  if (m.filename.empty()) m.filename = param_text(p.params, "name");
  if (p.id) m.content_id = strip_angles(*p.id);
  if (p.location) m.content_location = *p.location;
  m.size = p.size;
  m.children.reserve(p.children.size());
  for (const auto& c : p.children) m.children.push_back(to_mime_part(c));
  return m;
}

std::vector<std::pair<std::string, std::string>> parse_header_fields(std::string_view block) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string name, value;
  auto flush = [&] {
    if (!name.empty() && out.size() < max_header_fields) {
      if (value.size() > max_header_value) value.resize(max_header_value);
      out.emplace_back(lower(name), mime::decode_header(mime::unfold(value)));
    }
    name.clear();
    value.clear();
  };
  std::size_t pos = 0;
  while (pos < block.size()) {
    auto end = block.find('\n', pos);
    if (end == std::string_view::npos) end = block.size();
    std::string_view ln = block.substr(pos, end - pos);
    pos = end + 1;
    if (!ln.empty() && ln.back() == '\r') ln.remove_suffix(1);
    if (ln.empty()) {
      flush();
      continue;
    }
    if (ln.front() == ' ' || ln.front() == '\t') {
      if (!name.empty() && value.size() < max_header_value) {
        value += "\r\n";
        value += ln;
      }
      continue;
    }
    flush();
    auto colon = ln.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    name = std::string(ln.substr(0, colon));
    value = std::string(ln.substr(colon + 1));
  }
  flush();
  return out;
}

message_summary to_summary(const imap::message_data& m) {
  message_summary s;
  s.uid = m.uid.value_or(0);
  if (m.flags) s.flags = to_flags(*m.flags);
  s.modseq = m.modseq.value_or(0);
  if (m.internal_date) s.internal_date = mail_date::parse_internal_date(*m.internal_date).value_or(0);
  s.size = m.size.value_or(0);
  if (m.env) {
    const auto& e = *m.env;
    if (e.subject) s.subject = mime::decode_header(*e.subject);
    if (e.date) s.date = mail_date::parse_rfc5322(*e.date);
    s.from = to_addresses(e.from);
    s.sender = to_addresses(e.sender);
    s.reply_to = to_addresses(e.reply_to);
    s.to = to_addresses(e.to);
    s.cc = to_addresses(e.cc);
    s.bcc = to_addresses(e.bcc);
    s.message_id = e.message_id.value_or("");
    s.in_reply_to = e.in_reply_to.value_or("");
  }
  for (const auto& sec : m.sections) {
    if (istarts_with_ascii(sec.name, "BODY[HEADER.FIELDS") && !sec.nil) {
      s.headers = parse_header_fields(sec.bytes);
      break;
    }
  }
  if (m.body) s.body = to_mime_part(*m.body);
  return s;
}

// --- folders

std::string folder_id(const imap::mailbox_info& m) {
  if (m.counts && m.counts->mailboxid) return "M:" + *m.counts->mailboxid;
  return "N:" + m.name;
}

folder_role role_by_name(std::string_view name) {
  struct entry {
    std::string_view name;
    folder_role role;
  };
  // Lower-case (ASCII folding is all we apply: non-ASCII letters are listed in both cases).
  static constexpr entry names[] = {
      {"drafts", folder_role::drafts},           {"draft", folder_role::drafts},
      {"entwürfe", folder_role::drafts},          {"brouillons", folder_role::drafts},
      {"borradores", folder_role::drafts},        {"bozze", folder_role::drafts},
      {"concepten", folder_role::drafts},         {"sent", folder_role::sent},
      {"sent items", folder_role::sent},          {"sent messages", folder_role::sent},
      {"sent mail", folder_role::sent},           {"gesendet", folder_role::sent},
      {"gesendete objekte", folder_role::sent},   {"gesendete elemente", folder_role::sent},
      {"envoyés", folder_role::sent},             {"éléments envoyés", folder_role::sent},
      {"Éléments envoyés", folder_role::sent},    {"messages envoyés", folder_role::sent},
      {"enviados", folder_role::sent},            {"posta inviata", folder_role::sent},
      {"verzonden items", folder_role::sent},     {"trash", folder_role::trash},
      {"deleted items", folder_role::trash},      {"deleted messages", folder_role::trash},
      {"deleted", folder_role::trash},            {"bin", folder_role::trash},
      {"papierkorb", folder_role::trash},         {"gelöschte objekte", folder_role::trash},
      {"gelöschte elemente", folder_role::trash}, {"corbeille", folder_role::trash},
      {"éléments supprimés", folder_role::trash}, {"Éléments supprimés", folder_role::trash},
      {"papelera", folder_role::trash},           {"cestino", folder_role::trash},
      {"junk", folder_role::junk},                {"spam", folder_role::junk},
      {"junk e-mail", folder_role::junk},         {"junk email", folder_role::junk},
      {"junk-e-mail", folder_role::junk},         {"bulk mail", folder_role::junk},
      {"courrier indésirable", folder_role::junk}, {"archive", folder_role::archive},
      {"archives", folder_role::archive},         {"archiv", folder_role::archive},
      {"outbox", folder_role::outbox},            {"postausgang", folder_role::outbox},
      {"boîte d'envoi", folder_role::outbox},
  };
  const std::string l = lower(name);
  for (const auto& e : names) {
    if (l == e.name) return e.role;
  }
  return folder_role::none;
}

namespace {

folder_role role_by_special_use(const imap::mailbox_info& m) {
  const auto su = m.special_use();
  if (su == "\\Drafts") return folder_role::drafts;
  if (su == "\\Sent") return folder_role::sent;
  if (su == "\\Trash") return folder_role::trash;
  if (su == "\\Junk") return folder_role::junk;
  if (su == "\\Archive") return folder_role::archive;
  return folder_role::none;
}

struct split_path {
  std::string parent;  // "" at the top
  std::string name;
};

split_path split(const std::string& path, std::optional<char> delim) {
  if (!delim) return {"", path};
  auto at = path.rfind(*delim);
  if (at == std::string::npos || at == 0 || at + 1 == path.size()) return {"", path};
  return {path.substr(0, at), path.substr(at + 1)};
}

}  // namespace

std::vector<mail_folder> folder_tree(const std::vector<imap::mailbox_info>& list) {
  std::vector<mail_folder> out;
  std::unordered_map<std::string, std::size_t> by_path;
  std::vector<std::optional<char>> delims;
  std::vector<folder_role> special;
  std::vector<std::string> parents;

  // A folder for `path` and, first, any parents the server did not list.
  std::function<std::size_t(const std::string&, const imap::mailbox_info*, std::optional<char>)> add =
      [&](const std::string& path, const imap::mailbox_info* info, std::optional<char> delim) -> std::size_t {
    if (auto it = by_path.find(path); it != by_path.end()) return it->second;
    auto [parent, name] = split(path, delim);
    if (!parent.empty() && !by_path.contains(parent)) {
      // Depth is bounded by the name's length (mutf7_max_bytes).
      add(parent, nullptr, delim);
    }
    mail_folder f;
    f.path = path;
    f.name = name;
    if (info) {
      f.id = folder_id(*info);
      f.selectable = info->selectable();
    } else {
      f.id = "N:" + path;
      f.selectable = false;
    }
    by_path.emplace(path, out.size());
    out.push_back(std::move(f));
    delims.push_back(delim);
    special.push_back(info ? role_by_special_use(*info) : folder_role::none);
    parents.push_back(parent);
    return out.size() - 1;
  };
  for (const auto& m : list) {
    if (m.name.empty()) continue;
    // A \NonExistent entry after its children were listed only fills in what add() guessed.
    if (auto it = by_path.find(m.name); it != by_path.end()) {
      auto& f = out[it->second];
      if (f.id == "N:" + m.name) f.id = folder_id(m);
      f.selectable = m.selectable();
      special[it->second] = role_by_special_use(m);
      continue;
    }
    add(m.name, &m, m.delimiter);
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!parents[i].empty()) out[i].parent_id = out[by_path[parents[i]]].id;
  }

  // Roles: INBOX, then SPECIAL-USE, then names of top-level folders (or INBOX's children, for servers
  // whose personal namespace is "INBOX."); each role once.
  bool taken[8] = {};
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (iequals_ascii(out[i].path, "INBOX")) {
      out[i].role = folder_role::inbox;
      taken[static_cast<int>(folder_role::inbox)] = true;
    }
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto r = special[i];
    if (r == folder_role::none || out[i].role != folder_role::none || taken[static_cast<int>(r)]) continue;
    out[i].role = r;
    taken[static_cast<int>(r)] = true;
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i].role != folder_role::none || !out[i].selectable) continue;
    if (!parents[i].empty() && !iequals_ascii(parents[i], "INBOX")) continue;
    const auto r = role_by_name(out[i].name);
    if (r == folder_role::none || r == folder_role::inbox || taken[static_cast<int>(r)]) continue;
    out[i].role = r;
    taken[static_cast<int>(r)] = true;
  }
  return out;
}

}  // namespace easd::backend::imap_store
