#include "backend/fake/fake_mail_store.hpp"

#include "eas/core/ascii.hpp"
#include "eas/core/transfer_encoding.hpp"

#include <algorithm>
#include <cctype>

namespace easd::backend {

namespace {

constexpr char delimiter = '/';


bool is_inbox(std::string_view path) { return iequals_ascii(path, "INBOX"); }

bool same_path(std::string_view a, std::string_view b) { return a == b || (is_inbox(a) && is_inbox(b)); }

std::string parent_path(std::string_view path) {
  auto slash = path.rfind(delimiter);
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

std::string leaf(std::string_view path) {
  auto slash = path.rfind(delimiter);
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

bool under(std::string_view path, std::string_view ancestor) {
  return path.size() > ancestor.size() && path.substr(0, ancestor.size()) == ancestor &&
         path[ancestor.size()] == delimiter;
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  return std::none_of(name.begin(), name.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return c == delimiter || u < 0x20 || u == 0x7f;
  });
}

const mime_part* find_part(const mime_part& p, std::string_view section) {
  if (p.section == section) return &p;
  for (const auto& c : p.children) {
    if (const auto* found = find_part(c, section)) return found;
  }
  return nullptr;
}




void apply(message_flags& f, const message_flags& add, const message_flags& remove) {
  auto set = [](bool& v, bool a, bool r) {
    if (a) v = true;
    if (r) v = false;
  };
  set(f.seen, add.seen, remove.seen);
  set(f.flagged, add.flagged, remove.flagged);
  set(f.answered, add.answered, remove.answered);
  set(f.forwarded, add.forwarded, remove.forwarded);
  set(f.deleted, add.deleted, remove.deleted);
  set(f.draft, add.draft, remove.draft);
  for (const auto& k : add.keywords) {
    if (std::find(f.keywords.begin(), f.keywords.end(), k) == f.keywords.end()) f.keywords.push_back(k);
  }
  for (const auto& k : remove.keywords) std::erase(f.keywords, k);
}

// Minimal RFC 5322 header reading for append(): unfolded "name: value" lines up to the blank line.
std::vector<std::pair<std::string, std::string>> read_header(std::string_view raw, std::size_t& body_at) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t pos = 0;
  body_at = raw.size();
  while (pos < raw.size()) {
    auto eol = raw.find('\n', pos);
    if (eol == std::string_view::npos) eol = raw.size();
    auto line = raw.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = eol + 1;
    if (line.empty()) {
      body_at = std::min(pos, raw.size());
      break;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !out.empty()) {
      out.back().second += " " + std::string(line.substr(1));
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    out.emplace_back(std::move(name), std::string(value));
  }
  return out;
}

std::vector<mail_address> address_list(std::string_view text) {
  std::vector<mail_address> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    auto one = text.substr(pos, comma - pos);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    if (!one.empty()) out.push_back(fake_message::address(one));
    pos = comma + 1;
  }
  return out;
}

}  // namespace

// --- store

fake_mail_store::fake_mail_store() { make_folder("INBOX", folder_role::inbox, true); }

std::optional<error_code> fake_mail_store::enter(std::string_view method) {
  ++calls_[std::string(method)];
  if (failure_ && (failure_->first.empty() || failure_->first == method)) {
    auto ec = failure_->second;
    failure_.reset();
    return ec;
  }
  return std::nullopt;
}

fake_mail_store::folder* fake_mail_store::find(std::string_view id) {
  for (auto& f : folders_) {
    if (public_id(f) == id) return &f;
  }
  return nullptr;
}

const fake_mail_store::folder* fake_mail_store::find(std::string_view id) const {
  return const_cast<fake_mail_store*>(this)->find(id);
}

fake_mail_store::folder* fake_mail_store::find_path(std::string_view path) {
  for (auto& f : folders_) {
    if (same_path(f.path, path)) return &f;
  }
  return nullptr;
}

std::string fake_mail_store::public_id(const folder& f) const { return names_as_ids_ ? f.path : f.key; }

mail_folder fake_mail_store::describe(const folder& f) const {
  mail_folder out;
  out.id = public_id(f);
  auto parent = parent_path(f.path);
  if (!parent.empty()) {
    for (const auto& p : folders_) {
      if (p.path == parent) out.parent_id = public_id(p);
    }
  }
  out.name = leaf(f.path);
  out.path = f.path;
  out.role = f.role;
  out.selectable = f.selectable;
  return out;
}

fake_mail_store::folder& fake_mail_store::make_folder(std::string path, folder_role role, bool selectable) {
  folder f;
  f.key = "F" + std::to_string(next_key_++);
  f.path = std::move(path);
  f.role = role;
  f.selectable = selectable;
  f.uidvalidity = next_uidvalidity_++;
  folders_.push_back(std::move(f));
  return folders_.back();
}

std::uint32_t fake_mail_store::deliver(folder& f, fake_message m) {
  auto uid = f.uidnext++;
  stored_message s{std::move(m), ++f.modseq};
  f.messages.emplace(uid, std::move(s));
  return uid;
}

void fake_mail_store::remove_message(folder& f, std::uint32_t uid) {
  if (f.messages.erase(uid) != 0) f.expunged[uid] = ++f.modseq;
}

void fake_mail_store::rename_tree(folder& f, const std::string& new_path) {
  const std::string old = f.path;
  for (auto& d : folders_) {
    if (under(d.path, old)) d.path = new_path + d.path.substr(old.size());
  }
  f.path = new_path;
}

void fake_mail_store::delete_tree(const folder& f) {
  const std::string path = f.path;
  std::erase_if(folders_, [&](const folder& d) { return d.path == path || under(d.path, path); });
}

message_summary fake_mail_store::summarise(std::uint32_t uid, const stored_message& s) const {
  message_summary out;
  out.uid = uid;
  out.flags = s.m.flags;
  out.modseq = condstore_ ? s.modseq : 0;
  out.internal_date = s.m.internal_date;
  out.size = s.m.raw.size();
  out.subject = s.m.subject;
  out.date = s.m.date;
  out.from = s.m.from;
  out.sender = s.m.sender;
  out.reply_to = s.m.reply_to;
  out.to = s.m.to;
  out.cc = s.m.cc;
  out.bcc = s.m.bcc;
  out.message_id = s.m.message_id;
  out.in_reply_to = s.m.in_reply_to;
  out.headers = s.m.headers;
  out.body = s.m.body;
  return out;
}

// --- helpers

std::string fake_mail_store::add_folder(std::string_view path, folder_role role, bool selectable) {
  std::lock_guard lock(mutex_);
  auto parent = parent_path(path);
  std::string prefix;
  std::size_t pos = 0;
  while (!parent.empty() && pos <= parent.size()) {
    auto slash = parent.find(delimiter, pos);
    if (slash == std::string::npos) slash = parent.size();
    prefix = parent.substr(0, slash);
    if (!find_path(prefix)) make_folder(prefix, folder_role::none, true);
    pos = slash + 1;
  }
  if (auto* f = find_path(path)) {
    if (role != folder_role::none) f->role = role;
    return public_id(*f);
  }
  return public_id(make_folder(std::string(path), role, selectable));
}

void fake_mail_store::set_role(std::string_view folder_id, folder_role role) {
  std::lock_guard lock(mutex_);
  if (auto* f = find(folder_id)) f->role = role;
}

void fake_mail_store::protect_folder(std::string_view folder_id) {
  std::lock_guard lock(mutex_);
  if (auto* f = find(folder_id)) f->protect = true;
}

bool fake_mail_store::rename_folder_external(std::string_view folder_id, std::string_view new_path) {
  std::lock_guard lock(mutex_);
  auto* f = find(folder_id);
  if (!f || find_path(new_path)) return false;
  rename_tree(*f, std::string(new_path));
  return true;
}

bool fake_mail_store::delete_folder_external(std::string_view folder_id) {
  std::lock_guard lock(mutex_);
  const auto* f = find(folder_id);
  if (!f) return false;
  delete_tree(*f);
  return true;
}

std::string fake_mail_store::folder_id(std::string_view path) const {
  std::lock_guard lock(mutex_);
  auto* f = const_cast<fake_mail_store*>(this)->find_path(path);
  return f ? public_id(*f) : std::string();
}

std::uint32_t fake_mail_store::add_message(std::string_view folder_id, fake_message message) {
  std::lock_guard lock(mutex_);
  auto* f = find(folder_id);
  return f ? deliver(*f, std::move(message)) : 0;
}

bool fake_mail_store::set_flags_external(std::string_view folder_id, std::uint32_t uid, message_flags flags) {
  std::lock_guard lock(mutex_);
  auto* f = find(folder_id);
  if (!f) return false;
  auto it = f->messages.find(uid);
  if (it == f->messages.end()) return false;
  it->second.m.flags = std::move(flags);
  it->second.modseq = ++f->modseq;
  return true;
}

void fake_mail_store::expunge_external(std::string_view folder_id, const uid_set& uids) {
  std::lock_guard lock(mutex_);
  auto* f = find(folder_id);
  if (!f) return;
  std::vector<std::uint32_t> gone;
  for (const auto& [uid, s] : f->messages) {
    if (uids.contains(uid)) gone.push_back(uid);
  }
  for (auto uid : gone) remove_message(*f, uid);
}

void fake_mail_store::reset_uidvalidity(std::string_view folder_id) {
  std::lock_guard lock(mutex_);
  auto* f = find(folder_id);
  if (!f) return;
  f->uidvalidity = next_uidvalidity_++;
  std::map<std::uint32_t, stored_message> renumbered;
  std::uint32_t uid = 1;
  for (auto& [old, s] : f->messages) renumbered.emplace(uid++, std::move(s));
  f->messages = std::move(renumbered);
  f->uidnext = uid;
  f->expunged.clear();
  ++f->modseq;
}

std::optional<message_flags> fake_mail_store::flags(std::string_view folder_id, std::uint32_t uid) const {
  std::lock_guard lock(mutex_);
  const auto* f = find(folder_id);
  if (!f) return std::nullopt;
  auto it = f->messages.find(uid);
  if (it == f->messages.end()) return std::nullopt;
  return it->second.m.flags;
}

std::optional<std::string> fake_mail_store::raw(std::string_view folder_id, std::uint32_t uid) const {
  std::lock_guard lock(mutex_);
  const auto* f = find(folder_id);
  if (!f) return std::nullopt;
  auto it = f->messages.find(uid);
  if (it == f->messages.end()) return std::nullopt;
  return it->second.m.raw;
}

uid_set fake_mail_store::uids(std::string_view folder_id) const {
  std::lock_guard lock(mutex_);
  uid_set out;
  if (const auto* f = find(folder_id)) {
    for (const auto& [uid, s] : f->messages) out.add(uid);
  }
  return out;
}

std::optional<mailbox_status> fake_mail_store::status_now(std::string_view folder_id) const {
  std::lock_guard lock(mutex_);
  const auto* f = find(folder_id);
  if (!f) return std::nullopt;
  return mailbox_status{f->uidvalidity, f->uidnext, static_cast<std::uint32_t>(f->messages.size()),
                        condstore_ ? f->modseq : 0};
}

void fake_mail_store::set_condstore(bool on) {
  std::lock_guard lock(mutex_);
  condstore_ = on;
}

void fake_mail_store::use_names_as_ids(bool on) {
  std::lock_guard lock(mutex_);
  names_as_ids_ = on;
}

void fake_mail_store::fail_next(error_code ec, std::string_view method) {
  std::lock_guard lock(mutex_);
  failure_.emplace(std::string(method), ec);
}

int fake_mail_store::calls(std::string_view method) const {
  std::lock_guard lock(mutex_);
  auto it = calls_.find(method);
  return it == calls_.end() ? 0 : it->second;
}

void fake_mail_store::reset_calls() {
  std::lock_guard lock(mutex_);
  calls_.clear();
}

// --- mail_store

boost::asio::awaitable<result<std::vector<mail_folder>>> fake_mail_store::list_folders(const account&) {
  std::lock_guard lock(mutex_);
  if (auto ec = enter("list_folders")) co_return *ec;
  std::vector<mail_folder> out;
  for (const auto& f : folders_) out.push_back(describe(f));
  co_return out;
}

boost::asio::awaitable<result<mail_folder>> fake_mail_store::create_folder(const account&, std::string parent_id,
                                                                           std::string name) {
  std::lock_guard lock(mutex_);
  if (auto ec = enter("create_folder")) co_return *ec;
  if (!valid_name(name)) co_return make_error_code(mail_error::invalid_name);
  std::string path = name;
  if (!parent_id.empty()) {
    const auto* parent = find(parent_id);
    if (!parent) co_return make_error_code(mail_error::parent_not_found);
    path = parent->path + delimiter + name;
  }
  if (find_path(path)) co_return make_error_code(mail_error::folder_exists);
  const auto& f = make_folder(std::move(path), folder_role::none, true);
  co_return describe(f);
}

boost::asio::awaitable<result<mail_folder>> fake_mail_store::rename_folder(const account&, std::string folder_id,
                                                                           std::string new_parent_id,
                                                                           std::string new_name) {
  std::lock_guard lock(mutex_);
  if (auto ec = enter("rename_folder")) co_return *ec;
  auto* f = find(folder_id);
  if (!f) co_return make_error_code(mail_error::not_found);
  if (is_inbox(f->path) || f->protect) co_return make_error_code(mail_error::special_folder);
  if (!valid_name(new_name)) co_return make_error_code(mail_error::invalid_name);
  std::string path = new_name;
  if (!new_parent_id.empty()) {
    const auto* parent = find(new_parent_id);
    if (!parent) co_return make_error_code(mail_error::parent_not_found);
    // A folder cannot move below itself (IMAP servers answer NO).
    if (parent == f || under(parent->path, f->path)) co_return make_error_code(mail_error::refused);
    path = parent->path + delimiter + new_name;
  }
  if (path != f->path) {
    if (find_path(path)) co_return make_error_code(mail_error::folder_exists);
    rename_tree(*f, path);
  }
  co_return describe(*f);
}

boost::asio::awaitable<result<void>> fake_mail_store::delete_folder(const account&, std::string folder_id) {
  std::lock_guard lock(mutex_);
  if (auto ec = enter("delete_folder")) co_return *ec;
  const auto* f = find(folder_id);
  if (!f) co_return make_error_code(mail_error::not_found);
  if (is_inbox(f->path) || f->protect) co_return make_error_code(mail_error::special_folder);
  delete_tree(*f);
  co_return result<void>{};
}

boost::asio::awaitable<result<mailbox_status>> fake_mail_store::status(const account&, std::string folder_id) {
  std::lock_guard lock(mutex_);
  if (auto ec = enter("status")) co_return *ec;
  const auto* f = find(folder_id);
  if (!f || !f->selectable) co_return make_error_code(mail_error::not_found);
  co_return mailbox_status{f->uidvalidity, f->uidnext, static_cast<std::uint32_t>(f->messages.size()),
                           condstore_ ? f->modseq : 0};
}

boost::asio::awaitable<result<mailbox_delta>> fake_mail_store::changes(const account&, std::string folder_id,
                                                                       std::uint32_t uidvalidity,
                                                                       std::uint64_t since_modseq, uid_set known) {
  std::lock_guard lock(mutex_);
  if (auto ec = enter("changes")) co_return *ec;
  const auto* f = find(folder_id);
  if (!f || !f->selectable) co_return make_error_code(mail_error::not_found);
  mailbox_delta d;
  d.status = {f->uidvalidity, f->uidnext, static_cast<std::uint32_t>(f->messages.size()), condstore_ ? f->modseq : 0};
  if (uidvalidity != f->uidvalidity) {
    d.uidvalidity_changed = true;
    co_return d;
  }
  const bool fast = condstore_ && since_modseq != 0;
  for (const auto& [uid, s] : f->messages) {
    if (!fast || s.modseq > since_modseq) d.changed.push_back({uid, s.m.flags, condstore_ ? s.modseq : 0});
  }
  for (const auto& r : known.ranges()) {
    for (std::uint64_t uid = r.first; uid <= r.last; ++uid) {
      auto u = static_cast<std::uint32_t>(uid);
      if (f->messages.contains(u)) continue;
      if (fast) {
        // QRESYNC VANISHED (EARLIER) reports expunges after the modseq only (RFC 7162 §3.2.5.1).
        auto it = f->expunged.find(u);
        if (it == f->expunged.end() || it->second <= since_modseq) continue;
      }
      d.vanished.add(u);
    }
  }
  co_return d;
}

boost::asio::awaitable<result<uid_set>> fake_mail_store::search(const account&, std::string folder_id,
                                                                search_criteria criteria) {
  std::lock_guard lock(mutex_);
  if (auto ec = enter("search")) co_return *ec;
  const auto* f = find(folder_id);
  if (!f || !f->selectable) co_return make_error_code(mail_error::not_found);
  uid_set out;
  for (const auto& [uid, s] : f->messages) {
    if (criteria.since && s.m.internal_date < *criteria.since) continue;
    if (criteria.uids && !criteria.uids->contains(uid)) continue;
    if (!criteria.include_deleted && s.m.flags.deleted) continue;
    out.add(uid);
  }
  co_return out;
}

boost::asio::awaitable<result<std::vector<message_summary>>> fake_mail_store::summaries(const account&,
                                                                                       std::string folder_id,
                                                                                       uid_set uids) {
  std::lock_guard lock(mutex_);
  if (auto ec = enter("summaries")) co_return *ec;
  const auto* f = find(folder_id);
  if (!f || !f->selectable) co_return make_error_code(mail_error::not_found);
  std::vector<message_summary> out;
  for (const auto& [uid, s] : f->messages) {
    if (uids.contains(uid)) out.push_back(summarise(uid, s));
  }
  co_return out;
}

boost::asio::awaitable<result<part_bytes>> fake_mail_store::fetch_part(const account&, std::string folder_id,
                                                                       std::uint32_t uid, std::string section,
                                                                       bool decoded, std::uint64_t offset,
                                                                       std::uint64_t max_bytes) {
  std::lock_guard lock(mutex_);
  if (auto ec = enter("fetch_part")) co_return *ec;
  const auto* f = find(folder_id);
  if (!f || !f->selectable) co_return make_error_code(mail_error::not_found);
  auto it = f->messages.find(uid);
  if (it == f->messages.end()) co_return make_error_code(mail_error::not_found);
  const auto& m = it->second.m;
  std::string content;
  if (section.empty()) {
    content = m.raw;
  } else if (section == "HEADER") {
    auto end = m.raw.find("\r\n\r\n");
    content = end == std::string::npos ? m.raw : m.raw.substr(0, end + 4);
  } else {
    auto p = m.parts.find(section);
    if (p == m.parts.end()) co_return make_error_code(mail_error::not_found);
    const auto* part = find_part(m.body, section);
    content = decoded && part ? mime::decode_transfer(p->second, part->encoding) : p->second;
  }
  part_bytes out;
  out.total = content.size();
  if (offset < content.size()) out.bytes = content.substr(offset, max_bytes);
  co_return out;
}

boost::asio::awaitable<result<void>> fake_mail_store::set_flags(const account&, std::string folder_id, uid_set uids,
                                                                message_flags add, message_flags remove) {
  std::lock_guard lock(mutex_);
  if (auto ec = enter("set_flags")) co_return *ec;
  auto* f = find(folder_id);
  if (!f || !f->selectable) co_return make_error_code(mail_error::not_found);
  for (auto& [uid, s] : f->messages) {
    if (!uids.contains(uid)) continue;
    auto before = s.m.flags;
    apply(s.m.flags, add, remove);
    // RFC 7162 §3.1.3: the modseq moves only when the flags really change.
    if (!(before == s.m.flags)) s.modseq = ++f->modseq;
  }
  co_return result<void>{};
}

boost::asio::awaitable<result<std::vector<std::pair<std::uint32_t, std::uint32_t>>>> fake_mail_store::move(
    const account&, std::string folder_id, uid_set uids, std::string to_folder_id) {
  std::lock_guard lock(mutex_);
  if (auto ec = enter("move")) co_return *ec;
  auto* from = find(folder_id);
  auto* to = find(to_folder_id);
  if (!from || !to || !from->selectable || !to->selectable) co_return make_error_code(mail_error::not_found);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
  std::vector<std::pair<std::uint32_t, fake_message>> taken;
  for (auto& [uid, s] : from->messages) {
    if (uids.contains(uid)) taken.emplace_back(uid, s.m);
  }
  for (auto& [uid, m] : taken) remove_message(*from, uid);
  for (auto& [uid, m] : taken) out.emplace_back(uid, deliver(*to, std::move(m)));
  co_return out;
}

boost::asio::awaitable<result<void>> fake_mail_store::expunge(const account&, std::string folder_id, uid_set uids) {
  std::lock_guard lock(mutex_);
  if (auto ec = enter("expunge")) co_return *ec;
  auto* f = find(folder_id);
  if (!f || !f->selectable) co_return make_error_code(mail_error::not_found);
  std::vector<std::uint32_t> gone;
  for (const auto& [uid, s] : f->messages) {
    if (uids.contains(uid)) gone.push_back(uid);
  }
  for (auto uid : gone) remove_message(*f, uid);
  co_return result<void>{};
}

boost::asio::awaitable<result<std::uint32_t>> fake_mail_store::append(const account&, std::string folder_id,
                                                                      std::string message, message_flags flags) {
  std::lock_guard lock(mutex_);
  if (auto ec = enter("append")) co_return *ec;
  auto* f = find(folder_id);
  if (!f || !f->selectable) co_return make_error_code(mail_error::not_found);
  fake_message m;
  m.flags = std::move(flags);
  std::size_t body_at = 0;
  for (auto& [name, value] : read_header(message, body_at)) {
    if (name == "subject") m.subject = value;
    else if (name == "from") m.from = address_list(value);
    else if (name == "to") m.to = address_list(value);
    else if (name == "cc") m.cc = address_list(value);
    else if (name == "message-id") m.message_id = value;
    else if (name == "in-reply-to") m.in_reply_to = value;
    else m.headers.emplace_back(std::move(name), std::move(value));
  }
  auto body = message.substr(body_at);
  m.body = fake_message::leaf("1", "text", "plain", "8bit", body.size());
  m.parts["1"] = std::move(body);
  m.raw = std::move(message);
  co_return deliver(*f, std::move(m));
}

}  // namespace easd::backend
