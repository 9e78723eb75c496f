// Ping's outside bytes: the request document, the saved parameters (back from the push bus's store, so
// just as hostile) and the response. See ping.hpp.
#include "eas/protocol/commands/ping.hpp"

#include "eas/wbxml/code_pages.hpp"
#include "eas/wbxml/codec.hpp"

#include <charconv>
#include <limits>
#include <set>

namespace easd::protocol::ping_detail {
namespace {

constexpr std::string_view blob_magic = "easd-ping 1";
// A saved blob holds at most max_parsed_folders lines of ≤ ~80 bytes.
constexpr std::size_t max_blob = 512 * 1024;

constexpr std::pair<folder_class, std::string_view> class_names[] = {
    {folder_class::email, "Email"}, {folder_class::calendar, "Calendar"}, {folder_class::contacts, "Contacts"},
    {folder_class::tasks, "Tasks"}, {folder_class::notes, "Notes"},       {folder_class::sms, "SMS"},
};

// A ServerId as easd hands them out is short printable ASCII; anything else cannot name a folder.
bool valid_folder_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > max_folder_id) return false;
  for (const char c : id) {
    if (c <= 0x20 || c >= 0x7F) return false;
  }
  return true;
}

// Decimal digits only (leading zeros allowed); values beyond uint32 saturate, so that an absurd interval
// is "out of range" (Status 5), not a syntax error.
std::optional<std::uint32_t> parse_seconds(std::string_view text) noexcept {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::uint64_t v = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
    if (v > std::numeric_limits<std::uint32_t>::max()) v = std::numeric_limits<std::uint32_t>::max();
  }
  return static_cast<std::uint32_t>(v);
}

// The blob's numbers are written by us: canonical decimal (no leading zero, no saturation), so that a
// blob that parses is exactly the one serialize_parameters writes.
bool canonical(std::string_view text) noexcept {
  if (text.empty() || text.size() > 10 || (text.size() > 1 && text.front() == '0')) return false;
  std::uint64_t v = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  return v <= std::numeric_limits<std::uint32_t>::max();
}

// Appends a folder unless its id is already listed.
void add_unique(std::vector<ping_folder>& out, std::set<std::string, std::less<>>& seen, ping_folder f) {
  if (!seen.insert(f.id).second) return;
  out.push_back(std::move(f));
}

}  // namespace

std::optional<folder_class> parse_folder_class(std::string_view text) noexcept {
  for (const auto& [c, name] : class_names) {
    if (name == text) return c;
  }
  return std::nullopt;
}

std::string_view to_string(folder_class c) noexcept {
  for (const auto& [k, name] : class_names) {
    if (k == c) return name;
  }
  return "Email";
}

std::variant<ping_parameters, ping_status> parse_ping_request(const wbxml::element& root) {
  constexpr auto heartbeat_tag = wbxml::tag_of("Ping:HeartbeatInterval");
  constexpr auto folders_tag = wbxml::tag_of("Ping:Folders");
  constexpr auto folder_tag = wbxml::tag_of("Ping:Folder");
  constexpr auto id_tag = wbxml::tag_of("Ping:Id");
  constexpr auto class_tag = wbxml::tag_of("Ping:Class");

  ping_parameters out;
  for (const auto& child : root.children()) {
    if (child.id() == heartbeat_tag) {
      if (out.heartbeat || !child.children().empty()) return ping_status::syntax_error;
      auto v = parse_seconds(child.text());
      if (!v) return ping_status::syntax_error;
      out.heartbeat = *v;
    } else if (child.id() == folders_tag) {
      if (out.folders || child.children().empty()) return ping_status::syntax_error;
      if (child.children().size() > max_parsed_folders) return ping_status::too_many_folders;
      std::vector<ping_folder> folders;
      std::set<std::string, std::less<>> seen;
      for (const auto& f : child.children()) {
        if (f.id() != folder_tag) return ping_status::syntax_error;
        std::optional<std::string_view> id;
        std::optional<folder_class> klass;
        for (const auto& part : f.children()) {
          if (part.id() == id_tag && !id && part.children().empty()) {
            id = part.text();
          } else if (part.id() == class_tag && !klass && part.children().empty()) {
            klass = parse_folder_class(part.text());
            if (!klass) return ping_status::syntax_error;
          } else {
            return ping_status::syntax_error;
          }
        }
        if (!id || !valid_folder_id(*id)) return ping_status::syntax_error;
        // Class is required by the schema, but it names what the id already tells; a client that leaves it
        // out loses nothing (the folder's source decides how it is watched).
        add_unique(folders, seen, ping_folder{std::string(*id), klass.value_or(folder_class::email)});
      }
      out.folders = std::move(folders);
    } else {
      return ping_status::syntax_error;
    }
  }
  return out;
}

std::string serialize_parameters(const ping_parameters& p) {
  std::string out(blob_magic);
  out += '\n';
  if (p.heartbeat) {
    out += "hb ";
    out += std::to_string(*p.heartbeat);
    out += '\n';
  }
  if (p.folders) {
    out += "folders ";
    out += std::to_string(p.folders->size());
    out += '\n';
    for (const auto& f : *p.folders) {
      out += "f ";
      out += to_string(f.klass);
      out += ' ';
      out += f.id;
      out += '\n';
    }
  }
  return out;
}

std::optional<ping_parameters> parse_parameters(std::string_view blob) {
  if (blob.size() > max_blob) return std::nullopt;
  std::vector<std::string_view> lines;
  while (!blob.empty()) {
    const auto nl = blob.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;  // every line ends with \n
    lines.push_back(blob.substr(0, nl));
    blob.remove_prefix(nl + 1);
  }
  if (lines.empty() || lines.front() != blob_magic) return std::nullopt;

  ping_parameters out;
  std::size_t i = 1;
  if (i < lines.size() && lines[i].starts_with("hb ")) {
    const auto text = lines[i].substr(3);
    auto v = canonical(text) ? parse_seconds(text) : std::nullopt;
    if (!v) return std::nullopt;
    out.heartbeat = *v;
    ++i;
  }
  if (i < lines.size() && lines[i].starts_with("folders ")) {
    const auto count_text = lines[i].substr(8);
    if (!canonical(count_text)) return std::nullopt;
    std::size_t count = 0;
    const auto [end, ec] = std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
    if (ec != std::errc{} || end != count_text.data() + count_text.size() || count == 0 ||
        count > max_parsed_folders || lines.size() - i - 1 != count) {
      return std::nullopt;
    }
    ++i;
    std::vector<ping_folder> folders;
    std::set<std::string, std::less<>> seen;
    for (; i < lines.size(); ++i) {
      auto line = lines[i];
      if (!line.starts_with("f ")) return std::nullopt;
      line.remove_prefix(2);
      const auto space = line.find(' ');
      if (space == std::string_view::npos) return std::nullopt;
      const auto klass = parse_folder_class(line.substr(0, space));
      const auto id = line.substr(space + 1);
      if (!klass || !valid_folder_id(id) || seen.contains(id)) return std::nullopt;
      add_unique(folders, seen, ping_folder{std::string(id), *klass});
    }
    out.folders = std::move(folders);
  }
  if (i != lines.size()) return std::nullopt;
  return out;
}

reply ping_reply(ping_status s, const std::vector<std::string>& changed, std::optional<std::uint32_t> max_folders,
                 std::optional<std::uint32_t> heartbeat) {
  auto root = wbxml::element::named("Ping:Ping");
  root.add("Ping:Status", std::to_string(static_cast<unsigned>(s)));
  if (!changed.empty()) {
    auto& folders = root.add("Ping:Folders");
    for (const auto& id : changed) folders.add("Ping:Folder", id);
  }
  if (max_folders) root.add("Ping:MaxFolders", std::to_string(*max_folders));
  if (heartbeat) root.add("Ping:HeartbeatInterval", std::to_string(*heartbeat));
  reply r;
  r.content_type = wbxml_content_type;
  r.body = wbxml::encode_to_string(root);
  r.eas_status = static_cast<unsigned>(s);
  return r;
}

}  // namespace easd::protocol::ping_detail
