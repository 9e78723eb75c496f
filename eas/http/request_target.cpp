#include "eas/http/request_target.hpp"

#include "eas/core/ascii.hpp"
#include "eas/core/base64.hpp"
#include "eas/http/text.hpp"

#include <array>
#include <charconv>
#include <string>

namespace easd::http {

namespace {

constexpr std::string_view eas_path = "/Microsoft-Server-ActiveSync";
constexpr std::string_view autodiscover_path = "/autodiscover/autodiscover.xml";

// [MS-ASHTTP] 2.2.1.1.1.1.2; 12 and 23 as used by grommunio/Horde (http.md 3.2).
constexpr std::array<std::string_view, 24> command_codes = {
    "Sync",       "SendMail",     "SmartForward", "SmartReply",      "GetAttachment", "",
    "",           "",             "",             "FolderSync",      "FolderCreate",  "FolderDelete",
    "FolderUpdate", "MoveItems",  "GetItemEstimate", "MeetingResponse", "Search",     "Settings",
    "Ping",       "ItemOperations", "Provision",  "ResolveRecipients", "ValidateCert", "Find",
};

// Splits off the path of an origin-form or absolute-form target; `query` gets what follows '?'.
std::string_view split_path(std::string_view target, std::string_view* query) noexcept {
  if (istarts_with_ascii(target, "http://") || istarts_with_ascii(target, "https://")) {
    const auto authority = target.find("://") + 3;
    const auto slash = target.find_first_of("/?", authority);
    target = slash == std::string_view::npos ? std::string_view{} : target.substr(slash);
  }
  const auto q = target.find('?');
  if (query) *query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  return target.substr(0, q);
}

bool path_is(std::string_view path, std::string_view expected, bool allow_trailing_slash) noexcept {
  if (allow_trailing_slash && path.size() == expected.size() + 1 && path.back() == '/') path.remove_suffix(1);
  return iequals_ascii(path, expected);
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `in` into `out`; false on a malformed escape.
bool percent_decode(std::string_view in, bool plus_is_space, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

constexpr bool is_device_id_char(char c) noexcept { return is_ascii_alnum(c) || c == '-' || c == '_'; }

bool all_device_id_chars(std::string_view s) noexcept {
  for (char c : s) {
    if (!is_device_id_char(c)) return false;
  }
  return true;
}

std::string lowercase_hex(std::string_view bytes) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += hex[c >> 4];
    out += hex[c & 0xf];
  }
  return out;
}

// Checks shared by both forms, applied after the fields are filled in.
result<void> validate(const eas_request_target& t) {
  if (t.command.empty()) return request_target_error::missing_command;
  if (t.command.size() > max_command_bytes) return request_target_error::bad_command;
  for (char c : t.command) {
    if (!is_ascii_alpha(c)) return request_target_error::bad_command;
  }
  if (t.device_id.empty() || t.device_id.size() > max_device_id_bytes || !all_device_id_chars(t.device_id)) {
    return request_target_error::bad_device_id;
  }
  if (t.device_type.empty() || t.device_type.size() > max_device_type_bytes) {
    return request_target_error::bad_device_type;
  }
  for (char c : t.device_type) {
    if (c < 0x20 || c > 0x7e) return request_target_error::bad_device_type;
  }
  if (t.user.size() > max_user_bytes || !detail::is_clean_text(t.user)) return request_target_error::bad_user;
  for (const std::string* p : {&t.attachment_name, &t.collection_id, &t.item_id, &t.long_id, &t.occurrence}) {
    if (p->size() > max_parameter_bytes || !detail::is_clean_text(*p)) return request_target_error::bad_query;
  }
  return {};
}

// ---- plain-text form ([MS-ASHTTP] 2.2.1.1.1.2) ----

enum plain_param : std::size_t {
  p_cmd, p_user, p_device_id, p_device_type, p_policy_key, p_attachment_name, p_collection_id, p_item_id,
  p_long_id, p_occurrence, p_save_in_sent, p_count
};

constexpr std::array<std::string_view, p_count> plain_names = {
    "Cmd", "User", "DeviceId", "DeviceType", "PolicyKey", "AttachmentName", "CollectionId", "ItemId",
    "LongId", "Occurrence", "SaveInSent",
};

result<eas_request_target> parse_plain(std::string_view query) {
  std::array<std::optional<std::string>, p_count> values;
  std::string key;
  std::string value;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view segment = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (segment.empty()) continue;
    const auto eq = segment.find('=');
    const std::string_view raw_value = eq == std::string_view::npos ? std::string_view{} : segment.substr(eq + 1);
    if (!percent_decode(segment.substr(0, eq), true, key) || !percent_decode(raw_value, true, value)) {
      return request_target_error::bad_query;
    }
    for (std::size_t i = 0; i < p_count; ++i) {
      if (!iequals_ascii(key, plain_names[i])) continue;
      if (values[i]) return request_target_error::duplicate_parameter;
      values[i] = value;
      break;
    }
  }

  eas_request_target t;
  auto take = [&values](plain_param p, std::string& into) {
    if (values[p]) into = std::move(*values[p]);
  };
  take(p_cmd, t.command);
  take(p_user, t.user);
  take(p_device_id, t.device_id);
  take(p_device_type, t.device_type);
  take(p_attachment_name, t.attachment_name);
  take(p_collection_id, t.collection_id);
  take(p_item_id, t.item_id);
  take(p_long_id, t.long_id);
  take(p_occurrence, t.occurrence);
  if (auto r = validate(t); !r) return r.error();

  if (values[p_policy_key] && !values[p_policy_key]->empty()) {
    const std::string& s = *values[p_policy_key];
    std::uint32_t key_value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), key_value);
    if (ec != std::errc{} || end != s.data() + s.size()) return request_target_error::bad_policy_key;
    if (key_value != 0) t.policy_key = key_value;
  }
  if (values[p_save_in_sent]) {
    const std::string& s = *values[p_save_in_sent];
    if (iequals_ascii(s, "T")) {
      t.save_in_sent = true;
    } else if (!iequals_ascii(s, "F")) {
      return request_target_error::bad_query;
    }
  }
  return t;
}

// ---- base64 form ([MS-ASHTTP] 2.2.1.1.1.1) ----

// The smallest structure is 9 bytes (version, command, locale, one DeviceId byte, no policy key, one
// DeviceType byte), i.e. 12 base64 characters.
constexpr std::size_t min_base64_query_chars = 12;
// Fixed fields plus two 255-byte strings, a key and nine parameters of at most 257 bytes each.
constexpr std::size_t max_binary_query_bytes = 1 + 1 + 2 + 256 + 5 + 256 + 9 * 257;

bool looks_like_base64(std::string_view query, std::string& decoded_text) {
  if (query.find('&') != std::string_view::npos) return false;
  if (!percent_decode(query, false, decoded_text)) return false;
  const auto first_eq = decoded_text.find('=');
  if (first_eq != std::string::npos && decoded_text.find_first_not_of('=', first_eq) != std::string::npos) {
    return false;  // a '=' with something after it is a key=value pair
  }
  return decoded_text.size() >= min_base64_query_chars && is_base64_alphabet(decoded_text);
}

class byte_reader {
public:
  explicit byte_reader(std::string_view bytes) noexcept : bytes_(bytes) {}
  bool done() const noexcept { return pos_ == bytes_.size(); }
  std::optional<std::uint8_t> u8() noexcept {
    if (pos_ >= bytes_.size()) return std::nullopt;
    return static_cast<std::uint8_t>(bytes_[pos_++]);
  }
  std::optional<std::string_view> take(std::size_t n) noexcept {
    if (bytes_.size() - pos_ < n) return std::nullopt;
    auto s = bytes_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  // A one-byte length followed by that many bytes.
  std::optional<std::string_view> counted() noexcept {
    auto n = u8();
    if (!n) return std::nullopt;
    return take(*n);
  }

private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

result<eas_request_target> parse_binary(std::string_view text) {
  // Some encoders drop the '=' padding, and stray bits in the last symbol change no decoded byte: neither is
  // worth refusing a device over. Escaped padding ("%3D") arrives as '=': looks_like_base64 percent-decoded it.
  const auto bytes =
      decode_base64(text, max_binary_query_bytes, {.allow_missing_padding = true, .allow_nonzero_pad_bits = true});
  if (!bytes) return request_target_error::bad_query;
  byte_reader in(*bytes);
  eas_request_target t;
  t.base64_form = true;

  const auto version = in.u8();
  const auto command = in.u8();
  const auto locale = in.take(2);
  if (!version || !command || !locale) return request_target_error::bad_query;
  t.version = protocol_version_from_byte(*version);
  if (!t.version) return request_target_error::bad_protocol_version;
  const auto name = command_name_from_code(*command);
  if (!name) return request_target_error::bad_command;
  t.command = std::string(*name);
  t.locale = static_cast<std::uint16_t>(static_cast<unsigned char>((*locale)[0]) |
                                        (static_cast<unsigned char>((*locale)[1]) << 8));

  const auto device_id = in.counted();
  if (!device_id) return request_target_error::bad_query;
  if (device_id->empty()) return request_target_error::bad_device_id;
  // Binary ids (GUIDs) get one text form; text ids stay as they are (Nine sends "Nine4383AF346860").
  t.device_id = all_device_id_chars(*device_id) ? std::string(*device_id) : lowercase_hex(*device_id);

  const auto policy_key = in.counted();
  if (!policy_key) return request_target_error::bad_query;
  if (policy_key->size() == 4) {
    // Little-endian, as every known decoder reads it (http.md 3.1).
    const auto* p = reinterpret_cast<const unsigned char*>(policy_key->data());
    const std::uint32_t v = p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
    if (v != 0) t.policy_key = v;
  } else if (!policy_key->empty()) {
    return request_target_error::bad_query;
  }

  const auto device_type = in.counted();
  if (!device_type) return request_target_error::bad_query;
  t.device_type = std::string(*device_type);

  // Parameters ([MS-ASHTTP] 2.2.1.1.1.1.3): {tag, length, value}. Unknown tags are skipped.
  unsigned seen = 0;
  while (!in.done()) {
    const auto tag = in.u8();
    const auto value = in.counted();
    if (!tag || !value) return request_target_error::bad_query;
    if (*tag > 8) continue;
    if (seen & (1u << *tag)) return request_target_error::duplicate_parameter;
    seen |= 1u << *tag;
    switch (*tag) {
      case 0: t.attachment_name = std::string(*value); break;
      case 1: t.collection_id = std::string(*value); break;
      case 3: t.item_id = std::string(*value); break;
      case 4: t.long_id = std::string(*value); break;
      case 6: t.occurrence = std::string(*value); break;
      case 7: {
        if (value->size() != 1) return request_target_error::bad_query;
        const auto options = static_cast<unsigned char>((*value)[0]);
        t.save_in_sent = options & 0x01;
        t.accept_multipart = options & 0x02;
        break;
      }
      case 8: t.user = std::string(*value); break;
      default: break;  // 2 CollectionName, 5 ParentId: deprecated, not in the current spec
    }
  }
  if (auto r = validate(t); !r) return r.error();
  return t;
}

}  // namespace

std::optional<std::string_view> command_name_from_code(std::uint8_t code) noexcept {
  if (code >= command_codes.size() || command_codes[code].empty()) return std::nullopt;
  return command_codes[code];
}

bool is_eas_path(std::string_view target) noexcept { return path_is(split_path(target, nullptr), eas_path, true); }

bool is_autodiscover_path(std::string_view target) noexcept {
  return path_is(split_path(target, nullptr), autodiscover_path, false);
}

result<eas_request_target> parse_request_target(std::string_view target) {
  if (target.size() > max_request_target_bytes) return request_target_error::bad_query;
  std::string_view query;
  if (!path_is(split_path(target, &query), eas_path, true)) return request_target_error::not_eas_path;
  std::string decoded;
  if (looks_like_base64(query, decoded)) return parse_binary(decoded);
  return parse_plain(query);
}

}  // namespace easd::http
