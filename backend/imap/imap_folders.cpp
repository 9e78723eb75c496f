// Folders: LIST into the folder tree and the per-user id cache, CREATE / RENAME / DELETE with their NO
// answers mapped to mail_error, and the id → mailbox name resolution every other call starts with.
#include "backend/imap/client/list.hpp"
#include "backend/imap/client/mailbox_admin.hpp"
#include "backend/imap/client/select.hpp"
#include "backend/imap/imap_convert.hpp"
#include "backend/imap/imap_store_detail.hpp"
#include "eas/core/ascii.hpp"
#include "eas/core/utf8.hpp"

#include <algorithm>

namespace easd::backend::imap_store {

namespace net = boost::asio;

namespace {

constexpr std::size_t max_name_bytes = 255;

bool is_inbox(std::string_view path) { return iequals_ascii(path, "INBOX"); }

// Empty, too long, not UTF-8, holding the delimiter, a control character or a LIST wildcard (which would
// make LIST patterns ambiguous): invalid_name.
bool valid_name(std::string_view name, std::optional<char> delim) {
  if (name.empty() || name.size() > max_name_bytes || !utf8::is_valid(name)) return false;
  for (char ch : name) {
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7f || ch == '*' || ch == '%') return false;
    if (delim && ch == *delim) return false;
  }
  // Leading or trailing spaces are legal IMAP but break on some servers and confuse users.
  return name.front() != ' ' && name.back() != ' ';
}

const mail_folder* by_path(const std::vector<mail_folder>& folders, std::string_view path) {
  for (const auto& f : folders) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

net::awaitable<result<void>> ensure_loaded(session& s) {
  if (s.cache().loaded) co_return result<void>{};
  auto r = co_await refresh_folders(s);
  if (!r) co_return r.error();
  co_return result<void>{};
}

// The mailbox name of the parent a folder goes under: "" for the top, else the existing folder's path.
net::awaitable<result<std::string>> parent_path(session& s, const std::string& parent_id) {
  if (parent_id.empty()) co_return std::string();
  auto p = co_await resolve(s, parent_id);
  if (!p) co_return p.error() == mail_error::not_found ? error_code(mail_error::parent_not_found) : p.error();
  if (by_path(s.cache().folders, *p)) co_return std::move(*p);
  auto fresh = co_await refresh_folders(s);
  if (!fresh) co_return fresh.error();
  if (!by_path(*fresh, *p)) co_return error_code(mail_error::parent_not_found);
  co_return std::move(*p);
}

result<std::string> join(const std::string& parent, const std::string& name, std::optional<char> delim) {
  if (parent.empty()) return name;
  if (!delim) return error_code(mail_error::refused);  // a flat name space has no subfolders
  return parent + *delim + name;
}

net::awaitable<result<mail_folder>> folder_at(session& s, const std::string& path) {
  auto fresh = co_await refresh_folders(s);
  if (!fresh) co_return fresh.error();
  if (const auto* f = by_path(*fresh, path)) co_return *f;
  co_return error_code(mail_error::not_found);  // gone again already (another client)
}

}  // namespace

bool is_mail_error(const error_code& ec) noexcept { return ec.category() == mail_category(); }

error_code refusal(const imap::connection& c, mail_error fallback) {
  const auto& code = c.last_completion().code;  // RFC 5530 response codes
  if (iequals_ascii(code, "NONEXISTENT") || iequals_ascii(code, "TRYCREATE")) return mail_error::not_found;
  if (iequals_ascii(code, "EXPUNGEISSUED")) return mail_error::not_found;  // another client expunged it
  if (iequals_ascii(code, "ALREADYEXISTS")) return mail_error::folder_exists;
  if (iequals_ascii(code, "TOOBIG")) return mail_error::too_large;  // RFC 4469 / 7889
  return fallback;
}

error_code mapped(const imap::connection& c, const error_code& ec, mail_error fallback) {
  if (ec == imap::error::command_failed) return refusal(c, fallback);
  return ec;
}

net::awaitable<result<std::vector<mail_folder>>> refresh_folders(session& s) {
  imap::list_request req;
  req.counts = false;
  req.mailboxid = true;
  auto l = co_await imap::list_mailboxes(s.c, req);
  if (!l) co_return mapped(s.c, l.error());
  auto tree = folder_tree(*l);
  auto& cache = s.cache();  // looked up after the await: caches may be dropped meanwhile
  cache.loaded = true;
  cache.delimiter.reset();
  for (const auto& m : *l) {
    if (m.delimiter) {
      cache.delimiter = m.delimiter;
      break;
    }
  }
  cache.path_of.clear();
  for (const auto& f : tree) cache.path_of[f.id] = f.path;
  cache.folders = tree;
  co_return tree;
}

net::awaitable<result<std::string>> resolve(session& s, const std::string& folder_id) {
  if (folder_id.size() > 2 && folder_id.starts_with("N:")) co_return folder_id.substr(2);
  if (folder_id.size() <= 2 || !folder_id.starts_with("M:")) co_return error_code(mail_error::not_found);
  {
    auto& cache = s.cache();
    if (auto it = cache.path_of.find(folder_id); it != cache.path_of.end()) co_return it->second;
  }
  auto fresh = co_await refresh_folders(s);
  if (!fresh) co_return fresh.error();
  auto& cache = s.cache();
  if (auto it = cache.path_of.find(folder_id); it != cache.path_of.end()) co_return it->second;
  co_return error_code(mail_error::not_found);
}

net::awaitable<result<void>> open_mailbox(session& s, const std::string& path, bool write) {
  // Already open in a mode that allows this use: the server keeps the selected view current itself.
  if (const auto& sel = s.c.selected(); sel && sel->mailbox == path && (sel->writable || !write)) {
    co_return result<void>{};
  }
  imap::select_options so;
  so.read_only = !write;
  std::string name = path;
  auto r = co_await imap::select(s.c, std::move(name), std::move(so));
  if (!r) co_return mapped(s.c, r.error(), mail_error::not_found);
  co_return result<void>{};
}

net::awaitable<result<std::vector<mail_folder>>> list_folders(session& s) { co_return co_await refresh_folders(s); }

net::awaitable<result<mail_folder>> create_folder(session& s, const std::string& parent_id, const std::string& name) {
  auto loaded = co_await ensure_loaded(s);
  if (!loaded) co_return loaded.error();
  if (!valid_name(name, s.cache().delimiter)) co_return error_code(mail_error::invalid_name);
  auto parent = co_await parent_path(s, parent_id);
  if (!parent) co_return parent.error();
  auto path = join(*parent, name, s.cache().delimiter);
  if (!path) co_return path.error();
  std::string target = *path;
  auto r = co_await imap::create_mailbox(s.c, std::move(target));
  if (!r) {
    auto ec = mapped(s.c, r.error());
    co_return ec == mail_error::not_found ? error_code(mail_error::parent_not_found) : ec;
  }
  co_return co_await folder_at(s, *path);
}

net::awaitable<result<mail_folder>> rename_folder(session& s, const std::string& folder_id,
                                                  const std::string& new_parent_id, const std::string& new_name) {
  auto old_path = co_await resolve(s, folder_id);
  if (!old_path) co_return old_path.error();
  if (is_inbox(*old_path)) co_return error_code(mail_error::special_folder);
  auto loaded = co_await ensure_loaded(s);
  if (!loaded) co_return loaded.error();
  if (!valid_name(new_name, s.cache().delimiter)) co_return error_code(mail_error::invalid_name);
  auto parent = co_await parent_path(s, new_parent_id);
  if (!parent) co_return parent.error();
  auto path = join(*parent, new_name, s.cache().delimiter);
  if (!path) co_return path.error();
  if (*path != *old_path) {
    auto left = co_await imap::unselect(s.c);
    if (!left) co_return left.error();
    std::string from = *old_path;
    std::string to = *path;
    auto r = co_await imap::rename_mailbox(s.c, std::move(from), std::move(to));
    if (!r) co_return mapped(s.c, r.error());
  }
  co_return co_await folder_at(s, *path);
}

net::awaitable<result<void>> delete_folder(session& s, const std::string& folder_id) {
  auto path = co_await resolve(s, folder_id);
  if (!path) co_return path.error();
  if (is_inbox(*path)) co_return error_code(mail_error::special_folder);
  auto list = co_await refresh_folders(s);
  if (!list) co_return list.error();
  const auto* self = by_path(*list, *path);
  if (!self) co_return error_code(mail_error::not_found);
  const bool placeholder = !self->selectable;
  // Subfolders first, deepest first: servers refuse to delete a mailbox with children (RFC 9051 §6.3.5
  // lets them keep it as \Noselect instead, which would leave the device's folder behind).
  std::vector<std::string> doomed;
  if (auto delim = s.cache().delimiter) {
    const std::string prefix = *path + *delim;
    for (const auto& f : *list) {
      if (f.path.starts_with(prefix)) doomed.push_back(f.path);
    }
    std::sort(doomed.begin(), doomed.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  }
  doomed.push_back(*path);
  auto left = co_await imap::unselect(s.c);
  if (!left) co_return left.error();
  s.cache().loaded = false;  // whatever happens next, list again before trusting the cache
  for (std::size_t i = 0; i < doomed.size(); ++i) {
    std::string name = doomed[i];
    auto r = co_await imap::delete_mailbox(s.c, std::move(name));
    if (r) continue;
    auto ec = mapped(s.c, r.error());
    // Containers that exist only as a path (\NonExistent) vanish with their last child.
    if (ec == mail_error::not_found && (i + 1 < doomed.size() || placeholder)) continue;
    co_return ec;
  }
  co_return result<void>{};
}

}  // namespace easd::backend::imap_store
