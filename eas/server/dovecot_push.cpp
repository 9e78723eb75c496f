#include "eas/server/dovecot_push.hpp"

#include "eas/core/ascii.hpp"
#include "eas/http/text.hpp"

// Boost.JSON's sources are compiled once, in eas/core/boost_json.cpp.
#include <boost/json/basic_parser_impl.hpp>

#include <array>
#include <optional>

namespace easd::server {

namespace json = boost::json;

namespace {

class dovecot_push_category_impl : public boost::system::error_category {
public:
  const char* name() const noexcept override { return "easd.dovecot_push"; }
  std::string message(int ev) const override {
    switch (static_cast<dovecot_push_error>(ev)) {
      case dovecot_push_error::too_large: return "body too large";
      case dovecot_push_error::malformed: return "not a JSON document";
      case dovecot_push_error::not_an_object: return "not a JSON object";
      case dovecot_push_error::too_complex: return "nested too deeply or too many members";
      case dovecot_push_error::duplicate_field: return "user, folder or event given twice";
      case dovecot_push_error::missing_user: return "no user";
      case dovecot_push_error::bad_user: return "bad user";
      case dovecot_push_error::bad_folder: return "bad folder";
      case dovecot_push_error::bad_event: return "bad event";
    }
    return "unknown dovecot push error";
  }
};

using limits = dovecot_push_limits;

// The members read; every other member is skipped.
enum class field { none, user, folder, event };

// SAX handler: keeps only the three top-level strings it needs, so memory stays bounded by their
// limits whatever the document holds. Any callback returning false stops the parse with `problem` set.
struct handler {
  static constexpr std::size_t max_object_size = limits::max_members;
  static constexpr std::size_t max_array_size = limits::max_body;
  static constexpr std::size_t max_key_size = limits::max_body;
  static constexpr std::size_t max_string_size = limits::max_body;

  std::size_t depth = 0;
  bool top_is_object = false;
  std::string key;                      // the current top-level key (bounded: only names we know fit)
  bool key_too_long = false;
  field current = field::none;          // set between a top-level key and its value
  std::string* target = nullptr;        // the string being collected, when `current` is a string field
  std::size_t target_limit = 0;
  std::array<bool, 4> seen{};
  std::optional<dovecot_push_error> problem;
  dovecot_notification out;

  bool fail(dovecot_push_error e) {
    if (!problem) problem = e;
    return false;
  }
  static dovecot_push_error bad_value_of(field f) {
    switch (f) {
      case field::user: return dovecot_push_error::bad_user;
      case field::folder: return dovecot_push_error::bad_folder;
      case field::event: return dovecot_push_error::bad_event;
      case field::none: break;
    }
    return dovecot_push_error::malformed;
  }
  // A value other than a string arrives (or a container opens): wrong type for the fields we read.
  bool non_string_value() {
    const auto f = current;
    current = field::none;
    return f == field::none ? true : fail(bad_value_of(f));
  }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }

  bool open_container(bool is_object) {
    if (depth == 0) {
      if (!is_object) return fail(dovecot_push_error::not_an_object);
      top_is_object = true;
      ++depth;
      return true;
    }
    if (!non_string_value()) return false;
    if (++depth > limits::max_depth) return fail(dovecot_push_error::too_complex);
    return true;
  }
  bool on_array_begin(json::error_code&) { return open_container(false); }
  bool on_array_end(std::size_t, json::error_code&) {
    --depth;
    return true;
  }
  bool on_object_begin(json::error_code&) { return open_container(true); }
  bool on_object_end(std::size_t n, json::error_code&) {
    --depth;
    return n <= limits::max_members || fail(dovecot_push_error::too_complex);
  }

  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    if (depth != 1) return true;
    if (key.size() + s.size() > 16) {
      key_too_long = true;
    } else {
      key.append(s.data(), s.size());
    }
    return true;
  }
  bool on_key(json::string_view s, std::size_t n, json::error_code& ec) {
    if (depth != 1) return true;
    on_key_part(s, n, ec);
    current = field::none;
    if (!key_too_long) {
      if (key == "user") current = field::user;
      if (key == "folder") current = field::folder;
      if (key == "event") current = field::event;
    }
    key.clear();
    key_too_long = false;
    if (current == field::none) return true;
    auto& was_seen = seen[static_cast<std::size_t>(current)];
    if (was_seen) return fail(dovecot_push_error::duplicate_field);
    was_seen = true;
    target = current == field::user ? &out.user : current == field::folder ? &out.folder : &out.event;
    target_limit = current == field::user     ? limits::max_user_bytes
                   : current == field::folder ? limits::max_folder_bytes
                                              : limits::max_event_bytes;
    return true;
  }

  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    if (current == field::none) return true;
    if (target->size() + s.size() > target_limit) return fail(bad_value_of(current));
    target->append(s.data(), s.size());
    return true;
  }
  bool on_string(json::string_view s, std::size_t n, json::error_code& ec) {
    if (current == field::none) return true;
    if (!on_string_part(s, n, ec)) return false;
    current = field::none;
    return true;
  }

  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, json::error_code&) { return non_string_value(); }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code&) { return non_string_value(); }
  bool on_double(double, json::string_view, json::error_code&) { return non_string_value(); }
  bool on_bool(bool, json::error_code&) { return non_string_value(); }
  bool on_null(json::error_code&) { return non_string_value(); }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }
};

bool clean_name(std::string_view s) { return http::detail::is_clean_text(s); }

}  // namespace

const boost::system::error_category& dovecot_push_category() noexcept {
  static const dovecot_push_category_impl instance;
  return instance;
}

result<dovecot_notification> parse_dovecot_push(std::string_view body) {
  if (body.size() > limits::max_body) return dovecot_push_error::too_large;
  json::parse_options options;
  options.max_depth = limits::max_depth + 1;  // the handler reports depth itself; this is a backstop
  // Subjects and snippets are copied from mail as Dovecot found it; a stray byte there must not cost the
  // notification. The fields we keep are checked for UTF-8 below.
  options.allow_invalid_utf8 = true;
  json::basic_parser<handler> parser(options);
  json::error_code ec;
  const auto used = parser.write_some(false, body.data(), body.size(), ec);
  auto& h = parser.handler();
  if (h.problem) return *h.problem;
  if (ec || used != body.size()) return dovecot_push_error::malformed;
  if (!h.top_is_object) return dovecot_push_error::not_an_object;

  auto& n = h.out;
  if (!h.seen[static_cast<std::size_t>(field::user)]) return dovecot_push_error::missing_user;
  if (n.user.empty() || !clean_name(n.user)) return dovecot_push_error::bad_user;
  if (!clean_name(n.folder)) return dovecot_push_error::bad_folder;
  if (!clean_name(n.event)) return dovecot_push_error::bad_event;
  if (iequals_ascii(n.folder, "INBOX")) n.folder = "INBOX";
  return std::move(n);
}

push::message to_push_message(const dovecot_notification& n) {
  push::message m;
  m.user = n.user;
  if (istarts_with_ascii(n.event, "Mailbox")) {
    m.kind = push::message_kind::hierarchy;
    return m;
  }
  m.kind = push::message_kind::content;
  if (!n.folder.empty()) m.folder = "mail:N:" + n.folder;
  return m;
}

}  // namespace easd::server
