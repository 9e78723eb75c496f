#include "eas/protocol/commands/folder_hierarchy.hpp"

#include "eas/core/blocking_pool.hpp"
#include "eas/core/utf8.hpp"
#include "eas/protocol/dispatcher.hpp"
#include "eas/protocol/state/error.hpp"
#include "eas/wbxml/codec.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace easd::protocol::folders {
namespace {

namespace net = boost::asio;

constexpr std::size_t max_display_chars = 256;

bool storable(std::string_view text, std::size_t max) {
  return !text.empty() && text.size() <= max && text.find('\0') == std::string_view::npos;
}

}  // namespace

state::device_ref device_of(const request_context& ctx) { return state::device_ref{ctx.user, ctx.device_id}; }

std::string display_name(const backend::mail_folder& f) {
  if (f.role == backend::folder_role::inbox && f.parent_id.empty() && f.name.size() == 5) {
    std::string upper;
    for (char c : f.name) upper += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    if (upper == "INBOX") return "Inbox";
  }
  return f.name;
}

std::vector<state::folder> mail_hierarchy(const std::vector<mail_collection>& collections) {
  std::map<std::string, std::string, std::less<>> server_id_of;  // backend id → ServerId
  for (const auto& c : collections) {
    if (storable(display_name(c.folder), state::max_name_size)) server_id_of[c.folder.id] = c.server_id;
  }
  std::vector<state::folder> out;
  out.reserve(collections.size());
  for (const auto& c : collections) {
    auto name = display_name(c.folder);
    if (!storable(name, state::max_name_size)) continue;
    state::folder f;
    f.server_id = c.server_id;
    auto parent = c.folder.parent_id.empty() ? server_id_of.end() : server_id_of.find(c.folder.parent_id);
    f.parent_id = parent == server_id_of.end() ? std::string(root_parent) : parent->second;
    f.display_name = std::move(name);
    // \Noselect containers stay mail folders (12) so that clients nest their children under them.
    f.type = eas_folder_type(c.folder.role);
    out.push_back(std::move(f));
  }
  return parents_first(std::move(out));
}

net::awaitable<result<std::vector<state::folder>>> current_hierarchy(services& svc, const request_context& ctx) {
  // Further folder sources (calendars, address books) append their entries here.
  auto mail = co_await list_mail_collections(svc, ctx);
  if (!mail) co_return mail.error();
  co_return mail_hierarchy(*mail);
}

std::vector<state::folder> parents_first(std::vector<state::folder> folders) {
  std::set<std::string, std::less<>> present;
  for (const auto& f : folders) present.insert(f.server_id);
  std::set<std::string, std::less<>> emitted;
  std::vector<state::folder> out;
  out.reserve(folders.size());
  std::vector<bool> done(folders.size(), false);
  bool progress = true;
  while (progress && out.size() < folders.size()) {
    progress = false;
    for (std::size_t i = 0; i < folders.size(); ++i) {
      if (done[i]) continue;
      const auto& p = folders[i].parent_id;
      if (p == root_parent || !present.contains(p) || emitted.contains(p)) {
        emitted.insert(folders[i].server_id);
        out.push_back(std::move(folders[i]));
        done[i] = true;
        progress = true;
      }
    }
  }
  for (std::size_t i = 0; i < folders.size(); ++i) {  // a parent cycle (corrupt input): keep the rest
    if (!done[i]) out.push_back(std::move(folders[i]));
  }
  return out;
}

hierarchy_changes diff(const std::vector<state::folder>& before, const std::vector<state::folder>& now) {
  std::map<std::string_view, const state::folder*> old_by_id;
  for (const auto& f : before) old_by_id[f.server_id] = &f;
  std::set<std::string_view> now_ids;
  for (const auto& f : now) now_ids.insert(f.server_id);
  hierarchy_changes out;
  for (const auto& f : parents_first(now)) {
    auto it = old_by_id.find(f.server_id);
    if (it == old_by_id.end()) {
      out.adds.push_back(f);
    } else if (!(*it->second == f)) {
      out.updates.push_back(f);
    }
  }
  auto ordered = parents_first(before);
  for (auto it = ordered.rbegin(); it != ordered.rend(); ++it) {
    if (!now_ids.contains(it->server_id)) out.deletes.push_back(it->server_id);
  }
  return out;
}

std::vector<std::string> subtree(const std::vector<state::folder>& folders, std::string_view server_id) {
  std::vector<std::string> out{std::string(server_id)};
  for (std::size_t i = 0; i < out.size(); ++i) {
    for (const auto& f : folders) {
      if (f.parent_id == out[i] && std::find(out.begin(), out.end(), f.server_id) == out.end()) {
        out.push_back(f.server_id);
      }
    }
  }
  return out;
}

net::awaitable<result<std::vector<state::folder>>> load_latest_snapshot(services& svc, const state::device_ref& dev,
                                                                       const state::sync_key& key) {
  auto* store = svc.state;
  auto work = [store, &dev, &key]() -> result<std::vector<state::folder>> {
    if (key.initial()) return make_error_code(state::state_error::unknown_key);
    auto latest = store->latest_folder_key(dev);
    if (!latest) {
      return latest.error() == state::state_error::not_found ? make_error_code(state::state_error::unknown_key)
                                                              : latest.error();
    }
    if (!(*latest == key)) return make_error_code(state::state_error::unknown_key);
    return store->load_folder_state(dev, key);
  };
  co_return co_await run_blocking(*svc.blocking, std::move(work));
}

net::awaitable<result<state::sync_key>> commit_snapshot(services& svc, const state::device_ref& dev,
                                                        const state::sync_key& presented,
                                                        const std::vector<state::folder>& snapshot) {
  auto* store = svc.state;
  auto ordered = parents_first(snapshot);
  auto work = [store, &dev, &presented, &ordered]() { return store->commit_folder_state(dev, presented, ordered); };
  co_return co_await run_blocking(*svc.blocking, std::move(work));
}

bool valid_display_name(std::string_view name) {
  if (name.empty() || !utf8::is_valid(name)) return false;
  std::size_t chars = 0;
  for (unsigned char c : name) {
    if ((c & 0xc0) != 0x80) ++chars;
  }
  return chars <= max_display_chars;
}

bool wired(const services& svc) noexcept { return svc.state && svc.blocking && svc.mail; }

reply not_wired(const request_context& ctx) {
  const auto* cmd = command_table::standard().find(ctx.command);
  if (!cmd) {
    reply r;
    r.http_status = 501;
    return r;
  }
  return status_reply(*cmd, common_status::command_not_supported, ctx.version);
}

reply wbxml_reply(const wbxml::element& root, unsigned status) {
  reply r;
  r.http_status = 200;
  r.content_type = wbxml_content_type;
  r.body = wbxml::encode_to_string(root);
  r.eas_status = status;
  return r;
}

reply status_only(std::string_view root_name, unsigned status) {
  auto root = wbxml::element::named(root_name);
  const std::string ns(root_name.substr(0, root_name.find(':')));
  root.add(ns + ":Status", std::to_string(status));
  return wbxml_reply(root, status);
}

}  // namespace easd::protocol::folders
