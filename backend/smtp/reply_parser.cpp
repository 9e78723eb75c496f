#include "backend/smtp/reply_parser.hpp"

#include "backend/smtp/error.hpp"
#include "eas/core/ascii.hpp"

#include <utility>

namespace easd::backend::smtp {

std::string reply::summary(std::size_t max_bytes) const {
  std::string out = std::to_string(code);
  for (std::size_t i = 0; i < lines.size() && out.size() < max_bytes; ++i) {
    out += i == 0 ? " " : " / ";
    for (char c : lines[i]) {
      if (out.size() >= max_bytes) break;
      const auto u = static_cast<unsigned char>(c);
      out += (u < 0x20 || u >= 0x7f) ? '?' : c;
    }
  }
  if (out.size() > max_bytes) out.resize(max_bytes);
  return out;
}

result<std::size_t> reply_parser::feed(std::string_view bytes) {
  if (failed_) return error::malformed_reply;
  if (ready_) return std::size_t{0};
  std::size_t used = 0;
  while (used < bytes.size()) {
    const char c = bytes[used++];
    if (c == '\n') {
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
      auto r = end_line();
      if (!r) {
        failed_ = true;
        return r.error();
      }
      if (ready_) return used;
      continue;
    }
    // The line end counts against the bound: line_ (which may hold the CR) leaves room for the LF.
    if (line_.size() + 1 >= limits_.max_line_bytes) {
      failed_ = true;
      return error::line_too_long;
    }
    line_ += c;
  }
  return used;
}

result<void> reply_parser::end_line() {
  std::string line = std::move(line_);
  line_.clear();
  if (line.size() < 3 || line[0] < '2' || line[0] > '5' || !is_ascii_digit(line[1]) || !is_ascii_digit(line[2])) {
    return error::malformed_reply;
  }
  const unsigned code = static_cast<unsigned>((line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0'));
  bool last = true;
  if (line.size() > 3) {
    if (line[3] == '-') {
      last = false;
    } else if (line[3] != ' ') {
      return error::malformed_reply;
    }
  }
  if (!current_.lines.empty() && current_.code != code) return error::malformed_reply;
  if (current_.lines.size() >= limits_.max_lines) return error::too_many_lines;
  current_.code = code;
  current_.lines.push_back(line.size() > 4 ? line.substr(4) : std::string());
  if (last) ready_ = true;
  return {};
}

reply reply_parser::take() {
  reply out = std::move(current_);
  current_ = reply{};
  ready_ = false;
  return out;
}

}  // namespace easd::backend::smtp
