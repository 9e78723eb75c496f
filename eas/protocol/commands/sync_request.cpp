// Parsing and validation of a Sync request ([MS-ASCMD] 2.2.1.21 request tree; commands.md §5.1), and the
// cached request an empty or Partial Sync reuses. The request is hostile: every number is range-checked,
// every id bounded; anything malformed is Status 4 for the whole request.
#include "eas/protocol/commands/sync_request.hpp"

#include "eas/wbxml/code_pages.hpp"

#include <charconv>
#include <set>

namespace easd::protocol::sync_detail {
namespace {

using wbxml::tag_of;
constexpr auto t_collections = tag_of("AirSync:Collections");
constexpr auto t_collection = tag_of("AirSync:Collection");
constexpr auto t_sync_key = tag_of("AirSync:SyncKey");
constexpr auto t_collection_id = tag_of("AirSync:CollectionId");
constexpr auto t_deletes_as_moves = tag_of("AirSync:DeletesAsMoves");
constexpr auto t_get_changes = tag_of("AirSync:GetChanges");
constexpr auto t_window_size = tag_of("AirSync:WindowSize");
constexpr auto t_options = tag_of("AirSync:Options");
constexpr auto t_commands = tag_of("AirSync:Commands");
constexpr auto t_class = tag_of("AirSync:Class");
constexpr auto t_filter_type = tag_of("AirSync:FilterType");
constexpr auto t_conflict = tag_of("AirSync:Conflict");
constexpr auto t_add = tag_of("AirSync:Add");
constexpr auto t_change = tag_of("AirSync:Change");
constexpr auto t_delete = tag_of("AirSync:Delete");
constexpr auto t_fetch = tag_of("AirSync:Fetch");
constexpr auto t_server_id = tag_of("AirSync:ServerId");
constexpr auto t_client_id = tag_of("AirSync:ClientId");
constexpr auto t_application_data = tag_of("AirSync:ApplicationData");
constexpr auto t_wait = tag_of("AirSync:Wait");
constexpr auto t_heartbeat = tag_of("AirSync:HeartbeatInterval");
constexpr auto t_partial = tag_of("AirSync:Partial");
constexpr auto t_send = tag_of("Email2:Send");  // [MS-ASEMAIL] 2.2.2.69: a child of Add / Change

constexpr std::size_t max_key_size = 64;   // [MS-ASCMD] 2.2.3.181.4
constexpr std::size_t max_id_size = 64;    // CollectionId, ServerId, ClientId

std::optional<std::uint32_t> number(std::string_view s) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  std::uint32_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// The canonical decimal serialize_cached_request writes (no leading zeros): the blob must round-trip.
std::optional<std::uint32_t> canonical_number(std::string_view s) {
  if (s.size() > 1 && s.front() == '0') return std::nullopt;
  return number(s);
}

// Booleans are "0" / "1"; an empty tag means 1 for GetChanges and DeletesAsMoves (clients send <GetChanges/>).
std::optional<bool> boolean(const wbxml::element& e) {
  if (e.text().empty()) return true;
  if (e.text() == "0") return false;
  if (e.text() == "1") return true;
  return std::nullopt;
}

// WindowSize: 0 or above 512 means 512 (commands.md §5.4).
std::optional<std::uint32_t> window(const wbxml::element& e) {
  const auto n = number(e.text());
  if (!n) return std::nullopt;
  return (*n == 0 || *n > max_window) ? max_window : *n;
}

bool valid_id(std::string_view s) {
  if (s.empty() || s.size() > max_id_size) return false;
  for (const unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

// The Options element for email (its Class absent or Email), or a failure.
bool parse_options(const wbxml::element& o, collection_request& c) {
  if (const auto* cls = o.child(t_class); cls && cls->text() != "Email") return true;  // SMS etc.: not ours
  c.options = &o;
  if (const auto* f = o.child(t_filter_type)) {
    const auto n = number(f->text());
    if (!n || !valid_email_filter_type(*n)) return false;  // 6–8 are not email windows: Status 4
    c.filter_type = static_cast<std::uint8_t>(*n);
  }
  if (const auto* f = o.child(t_conflict)) {
    const auto n = number(f->text());
    if (!n || *n > 1) return false;
    c.conflict_server_wins = *n == 1;
  }
  return true;
}

bool parse_commands(const wbxml::element& cmds, collection_request& c, std::size_t& count) {
  for (const auto& e : cmds.children()) {
    if (++count > max_commands) return false;
    client_command cmd;
    if (e.id() == t_add) {
      cmd.k = client_command::kind::add;
      const auto* id = e.child(t_client_id);
      if (!id || !valid_id(id->text())) return false;
      cmd.client_id = id->text();
      cmd.application_data = e.child(t_application_data);
      cmd.send = e.child(t_send) != nullptr;
    } else if (e.id() == t_change || e.id() == t_delete || e.id() == t_fetch) {
      cmd.k = e.id() == t_change   ? client_command::kind::change
              : e.id() == t_delete ? client_command::kind::remove
                                   : client_command::kind::fetch;
      const auto* id = e.child(t_server_id);
      if (!id || !valid_id(id->text())) return false;
      cmd.server_id = id->text();
      cmd.application_data = e.child(t_application_data);
      cmd.send = e.id() == t_change && e.child(t_send) != nullptr;
    } else {
      return false;
    }
    c.commands.push_back(std::move(cmd));
  }
  return true;
}

std::optional<collection_request> parse_collection(const wbxml::element& e, std::size_t& command_count) {
  collection_request c;
  bool has_key = false, has_id = false;
  for (const auto& child : e.children()) {
    const auto id = child.id();
    if (id == t_sync_key) {
      if (child.text().empty() || child.text().size() > max_key_size) return std::nullopt;
      c.sync_key = child.text();
      has_key = true;
    } else if (id == t_collection_id) {
      if (!valid_id(child.text())) return std::nullopt;
      c.collection_id = child.text();
      has_id = true;
    } else if (id == t_deletes_as_moves) {
      const auto b = boolean(child);
      if (!b) return std::nullopt;
      c.deletes_as_moves = *b;
    } else if (id == t_get_changes) {
      const auto b = boolean(child);
      if (!b) return std::nullopt;
      c.get_changes = *b;
    } else if (id == t_window_size) {
      c.window = window(child);
      if (!c.window) return std::nullopt;
    } else if (id == t_options) {
      if (!parse_options(child, c)) return std::nullopt;
    } else if (id == t_commands) {
      if (!parse_commands(child, c, command_count)) return std::nullopt;
    }
    // Class (12.1 sends Email), Supported, ConversationMode: nothing to do for an email folder.
  }
  if (!has_key || !has_id) return std::nullopt;
  return c;
}

}  // namespace

std::variant<sync_request, parse_failure> parse_sync_request(const wbxml::element& root, protocol_version v) {
  sync_request r;
  const parse_failure protocol{sync_status::protocol_error, std::nullopt};
  std::size_t command_count = 0;
  std::set<std::string> seen;
  for (const auto& child : root.children()) {
    const auto id = child.id();
    if (id == t_collections) {
      for (const auto& e : child.children()) {
        if (e.id() != t_collection) return protocol;
        if (r.collections.size() >= max_collections) {
          return parse_failure{sync_status::too_many_collections, static_cast<std::uint32_t>(max_collections)};
        }
        auto c = parse_collection(e, command_count);
        if (!c || !seen.insert(c->collection_id).second) return protocol;
        r.collections.push_back(std::move(*c));
      }
    } else if (id == t_wait) {
      const auto n = number(child.text());
      if (!n) return protocol;
      r.wait = *n;
    } else if (id == t_heartbeat) {
      const auto n = number(child.text());
      if (!n || v < protocol_version::v14_0) return protocol;
      r.heartbeat = *n;
    } else if (id == t_window_size) {
      r.window = window(child);
      if (!r.window) return protocol;
    } else if (id == t_partial) {
      r.partial = true;
    } else {
      return protocol;
    }
  }
  // [MS-ASCMD] 2.2.3.197 Wait (1–59 minutes), 2.2.3.88 HeartbeatInterval (60–3540 s): not both; out of
  // range → Status 14 with the nearest allowed value in Limit.
  if (r.wait && r.heartbeat) return protocol;
  if (r.wait && (*r.wait < 1 || *r.wait > 59)) return parse_failure{sync_status::invalid_wait, *r.wait < 1 ? 1u : 59u};
  if (r.heartbeat && (*r.heartbeat < 60 || *r.heartbeat > 3540)) {
    return parse_failure{sync_status::invalid_wait, *r.heartbeat < 60 ? 60u : 3540u};
  }
  return r;
}

// "1 <global window, 0 = none>", or, when the request asked to wait, "2 <global window> <Wait minutes, 0 =
// none> <HeartbeatInterval seconds, 0 = none>" (an empty Sync repeats the wait too, [MS-ASCMD] 2.2.1.21);
// then per collection "\n<dam> <get_changes 0/1/2=absent> <window, 0 = none> <collection id>" (the id
// last: it is the only field that is not a number; no control bytes in it). Format 1 is what easd wrote
// before it kept the wait; both are read.
std::string serialize_cached_request(const sync_request& r) {
  std::string out;
  if (r.wait || r.heartbeat) {
    out = "2 " + std::to_string(r.window.value_or(0)) + ' ' + std::to_string(r.wait.value_or(0)) + ' ' +
          std::to_string(r.heartbeat.value_or(0));
  } else {
    out = "1 " + std::to_string(r.window.value_or(0));
  }
  for (const auto& c : r.collections) {
    out += '\n';
    out += c.deletes_as_moves ? '1' : '0';
    out += ' ';
    out += c.get_changes ? (*c.get_changes ? '1' : '0') : '2';
    out += ' ';
    out += std::to_string(c.window.value_or(0));
    out += ' ';
    out += c.collection_id;
  }
  return out;
}

std::optional<sync_request> parse_cached_request(std::string_view blob) {
  if (blob.size() > 256 * 1024 || !(blob.starts_with("1 ") || blob.starts_with("2 "))) return std::nullopt;
  const bool with_wait = blob.front() == '2';
  blob.remove_prefix(2);
  const auto line_end = [](std::string_view s) { return std::min(s.find('\n'), s.size()); };
  sync_request r;
  {
    const auto end = line_end(blob);
    std::string_view head = blob.substr(0, end);
    blob.remove_prefix(end);
    std::optional<std::uint32_t> wait, heartbeat;
    if (with_wait) {
      const auto last = head.rfind(' ');
      if (last == std::string_view::npos) return std::nullopt;
      heartbeat = canonical_number(head.substr(last + 1));
      head = head.substr(0, last);
      const auto middle = head.rfind(' ');
      if (middle == std::string_view::npos) return std::nullopt;
      wait = canonical_number(head.substr(middle + 1));
      head = head.substr(0, middle);
      // Exactly one of them, within the bounds the request parser enforces.
      if (!wait || !heartbeat || (*wait == 0) == (*heartbeat == 0)) return std::nullopt;
      if (*wait != 0 && (*wait < 1 || *wait > 59)) return std::nullopt;
      if (*heartbeat != 0 && (*heartbeat < 60 || *heartbeat > 3540)) return std::nullopt;
      if (*wait != 0) r.wait = *wait;
      if (*heartbeat != 0) r.heartbeat = *heartbeat;
    }
    const auto n = canonical_number(head);
    if (!n || *n > max_window) return std::nullopt;
    if (*n != 0) r.window = *n;
  }
  std::set<std::string, std::less<>> seen;
  while (!blob.empty()) {
    blob.remove_prefix(1);  // '\n'
    const auto end = line_end(blob);
    const auto line = blob.substr(0, end);
    blob.remove_prefix(end);
    if (line.size() < 7 || line[1] != ' ' || line[3] != ' ') return std::nullopt;
    collection_request c;
    if (line[0] != '0' && line[0] != '1') return std::nullopt;
    c.deletes_as_moves = line[0] == '1';
    if (line[2] == '0' || line[2] == '1') {
      c.get_changes = line[2] == '1';
    } else if (line[2] != '2') {
      return std::nullopt;
    }
    const auto rest = line.substr(4);
    const auto space = rest.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    const auto n = canonical_number(rest.substr(0, space));
    if (!n || *n > max_window) return std::nullopt;
    if (*n != 0) c.window = *n;
    c.collection_id = std::string(rest.substr(space + 1));
    if (!valid_id(c.collection_id) || !seen.insert(c.collection_id).second) return std::nullopt;
    c.from_cache = true;
    if (r.collections.size() >= max_collections) return std::nullopt;
    r.collections.push_back(std::move(c));
  }
  return r;
}

}  // namespace easd::protocol::sync_detail
