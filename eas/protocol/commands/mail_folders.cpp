#include "eas/protocol/commands/mail_folders.hpp"

#include "eas/core/blocking_pool.hpp"
#include "eas/protocol/commands/folder_hierarchy.hpp"
#include "eas/protocol/state/error.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <charconv>
#include <limits>
#include <map>

namespace easd::protocol {
namespace {

namespace net = boost::asio;
using backend::folder_role;

// Our own ServerIds are decimal counters ("1", "2", …) from folder_server_id: anything else is forged.
constexpr std::size_t max_collection_id_digits = 10;
constexpr std::size_t max_item_server_id = 64;  // [MS-ASCMD] 2.2.3.166.8
constexpr std::size_t max_file_reference = 256;
constexpr std::size_t max_section_levels = 32;

// Strict decimal: 1 … max, no sign, no leading zero, at most `digits` digits.
std::optional<std::uint64_t> parse_positive(std::string_view text, std::size_t digits, std::uint64_t max) {
  if (text.empty() || text.size() > digits || text.front() == '0') return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > max) return std::nullopt;
  return value;
}

bool valid_collection_id(std::string_view id) {
  return parse_positive(id, max_collection_id_digits, std::numeric_limits<std::uint32_t>::max()).has_value();
}

std::optional<std::uint32_t> parse_uid(std::string_view text) {
  auto v = parse_positive(text, 10, std::numeric_limits<std::uint32_t>::max());
  if (!v) return std::nullopt;
  return static_cast<std::uint32_t>(*v);
}

// A mailbox server may flag several folders with one role (two \Sent mailboxes): EAS allows exactly one
// folder per default type ([MS-ASCMD] 2.2.3.186.3), so the first keeps the role and the others become
// plain mail folders.
void demote_duplicate_roles(std::vector<backend::mail_folder>& folders) {
  std::array<bool, 8> seen{};
  for (auto& f : folders) {
    if (eas_folder_type(f.role) == 12) continue;
    auto& used = seen[static_cast<std::size_t>(f.role)];
    if (used) f.role = folder_role::none;
    used = true;
  }
}

// The ServerId of each folder ("" where the backend identity is too long to store). One read of the
// user's ids; allocation only for folders seen for the first time.
result<std::vector<std::string>> assign_ids(state::state_store& store, const std::string& user,
                                            const std::vector<backend::mail_folder>& folders) {
  auto known = store.folder_ids(user);
  if (!known) return known.error();
  std::map<std::string, std::string, std::less<>> by_identity(known->begin(), known->end());
  std::vector<std::string> out;
  out.reserve(folders.size());
  for (const auto& f : folders) {
    const auto identity = mail_folder_identity(f.id);
    if (auto it = by_identity.find(identity); it != by_identity.end()) {
      out.push_back(it->second);
      continue;
    }
    auto id = store.folder_server_id(user, identity);
    if (!id) {
      if (id.error() != state::state_error::invalid_argument) return id.error();
      spdlog::warn("mail folder skipped: backend identity not storable (size {})", f.id.size());
      out.emplace_back();
      continue;
    }
    out.push_back(std::move(*id));
  }
  return out;
}

}  // namespace

std::string mail_folder_identity(std::string_view backend_folder_id) {
  std::string out = "mail:";
  out += backend_folder_id;
  return out;
}

backend::account account_of(const request_context& ctx) {
  return backend::account{ctx.user, ctx.password, ctx.client_address};
}

std::uint16_t eas_folder_type(folder_role role) noexcept {
  switch (role) {
    case folder_role::inbox: return 2;
    case folder_role::drafts: return 3;
    case folder_role::trash: return 4;
    case folder_role::sent: return 5;
    case folder_role::outbox: return 6;
    case folder_role::junk:
    case folder_role::archive:
    case folder_role::none: return 12;
  }
  return 12;
}

net::awaitable<result<std::vector<mail_collection>>> list_mail_collections(services& svc,
                                                                          const request_context& ctx) {
  const auto acct = account_of(ctx);
  auto listed = co_await svc.mail->list_folders(acct);
  if (!listed) co_return listed.error();
  std::vector<backend::mail_folder> folders = std::move(*listed);
  demote_duplicate_roles(folders);

  const std::string user = ctx.user;
  auto* store = svc.state;
  auto work = [store, &user, &folders]() { return assign_ids(*store, user, folders); };
  auto ids = co_await run_blocking(*svc.blocking, std::move(work));
  if (!ids) co_return ids.error();

  std::vector<mail_collection> out;
  out.reserve(folders.size());
  for (std::size_t i = 0; i < folders.size(); ++i) {
    if ((*ids)[i].empty()) continue;
    out.push_back({std::move((*ids)[i]), std::move(folders[i])});
  }
  co_return out;
}

net::awaitable<result<mail_collection>> find_mail_collection(services& svc, const request_context& ctx,
                                                             std::string_view collection_id) {
  if (!valid_collection_id(collection_id)) co_return make_error_code(backend::mail_error::not_found);
  const std::string wanted(collection_id);
  auto all = co_await list_mail_collections(svc, ctx);
  if (!all) co_return all.error();
  for (auto& c : *all) {
    if (c.server_id == wanted) co_return std::move(c);
  }
  co_return make_error_code(backend::mail_error::not_found);
}

net::awaitable<result<mail_collection>> find_role_collection(services& svc, const request_context& ctx,
                                                             folder_role role) {
  auto all = co_await list_mail_collections(svc, ctx);
  if (!all) co_return all.error();
  for (auto& c : *all) {
    if (c.folder.role == role && role != folder_role::none) co_return std::move(c);
  }
  co_return make_error_code(backend::mail_error::not_found);
}

std::string item_server_id(std::string_view collection_id, std::uint32_t uid) {
  std::string out(collection_id);
  out += ':';
  out += std::to_string(uid);
  return out;
}

std::optional<item_ref> parse_item_server_id(std::string_view server_id) {
  if (server_id.size() > max_item_server_id) return std::nullopt;
  const auto colon = server_id.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto collection = server_id.substr(0, colon);
  if (!valid_collection_id(collection)) return std::nullopt;
  auto uid = parse_uid(server_id.substr(colon + 1));  // a second ':' fails the digit check
  if (!uid) return std::nullopt;
  return item_ref{std::string(collection), *uid};
}

std::string file_reference(std::string_view collection_id, std::uint32_t uid, std::string_view section) {
  std::string out = item_server_id(collection_id, uid);
  out += ':';
  out += section;
  return out;
}

std::optional<file_ref> parse_file_reference(std::string_view reference) {
  if (reference.size() > max_file_reference) return std::nullopt;
  const auto first = reference.find(':');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = reference.find(':', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  auto item = parse_item_server_id(reference.substr(0, second));
  if (!item) return std::nullopt;
  // RFC 9051 §6.4.5 part numbers: non-zero decimal components joined by dots.
  const auto section = reference.substr(second + 1);
  std::size_t levels = 0;
  std::size_t pos = 0;
  while (true) {
    auto dot = section.find('.', pos);
    auto part = section.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
    if (!parse_positive(part, 10, std::numeric_limits<std::uint32_t>::max())) return std::nullopt;
    if (++levels > max_section_levels) return std::nullopt;
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  return file_ref{std::move(item->collection_id), item->uid, std::string(section)};
}

}  // namespace easd::protocol
