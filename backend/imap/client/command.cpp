#include "backend/imap/client/command.hpp"

namespace easd::backend::imap {

command_builder::command_builder(std::string_view tag, std::string_view name, literal_mode mode) : tag_(tag), mode_(mode) {
  auto& first = chunks_.emplace_back();
  first.append(tag).append(" ").append(name);
}

command_builder& command_builder::raw(std::string_view text) {
  chunks_.back().append(text);
  return *this;
}

bool command_builder::quotable(std::string_view s) noexcept {
  for (unsigned char c : s) {
    if (c == '\0' || c == '\r' || c == '\n' || c >= 0x80) return false;
  }
  return true;
}

bool command_builder::string(std::string_view s) {
  if (s.find('\0') != std::string_view::npos) return false;
  if (quotable(s)) {
    auto& out = chunks_.back();
    out += '"';
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
    return true;
  }
  // 8-bit text (RFC 9051 allows UTF-8 in quoted strings only after ENABLE UTF8=ACCEPT), CR or LF: a literal.
  append_literal(s);
  return true;
}

bool command_builder::literal(std::string_view s) {
  if (s.find('\0') != std::string_view::npos) return false;
  append_literal(s);
  return true;
}

void command_builder::append_literal(std::string_view s) {
  const bool non_sync = mode_ == literal_mode::non_synchronizing ||
                        (mode_ == literal_mode::small_non_sync && s.size() <= 4096);
  auto& out = chunks_.back();
  out += '{';
  out += std::to_string(s.size());
  out += non_sync ? "+}\r\n" : "}\r\n";
  if (non_sync) {
    out.append(s);
  } else {
    chunks_.emplace_back(s);
  }
}

std::vector<std::string> command_builder::finish() && {
  chunks_.back().append("\r\n");
  return std::move(chunks_);
}

}  // namespace easd::backend::imap
