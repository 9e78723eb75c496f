#include "backend/imap/client/response_parser.hpp"

#include "backend/imap/client/error.hpp"
#include "eas/core/ascii.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace easd::backend::imap {
namespace {

bool is_ctl(unsigned char c) noexcept { return c < 0x20 || c == 0x7f; }

// RFC 9051 ATOM-CHAR: any CHAR except atom-specials "(" ")" "{" SP CTL "%" "*" DQUOTE "\" "]".
bool is_atom_char(unsigned char c) noexcept {
  if (is_ctl(c) || c >= 0x80) return false;
  return std::strchr("(){ %*\"\\]", c) == nullptr;
}

// tag = 1*<any ASTRING-CHAR except "+">; ASTRING-CHAR adds "]".
bool is_tag_char(unsigned char c) noexcept { return c != '+' && (is_atom_char(c) || c == ']'); }

status status_from_word(std::string_view w) noexcept {
  if (iequals_ascii(w, "OK")) return status::ok;
  if (iequals_ascii(w, "NO")) return status::no;
  if (iequals_ascii(w, "BAD")) return status::bad;
  if (iequals_ascii(w, "PREAUTH")) return status::preauth;
  if (iequals_ascii(w, "BYE")) return status::bye;
  return status::none;
}

}  // namespace

result<void> response_parser::fail(error_code ec) {
  state_ = state::failed;
  error_ = ec;
  return ec;
}

result<void> response_parser::push_value(value_kind kind) {
  if (resp_.data.size() >= limits_.max_values || resp_.data.size() >= UINT32_MAX) return fail(error::too_many_values);
  resp_.data.emplace_back().kind = kind;
  return {};
}

// An untagged response whose first atom is a status word is a status response: what follows is resp-text,
// which is free text and must not be tokenised.
result<void> response_parser::finish_atom() {
  value& v = resp_.data.back();
  if (resp_.kind == response_kind::untagged && resp_.data.size() == 1) {
    status s = status_from_word(v.text);
    if (s != status::none) {
      resp_.status = s;
      resp_.data.clear();
      state_ = state::text_start;
      return {};
    }
  }
  if (iequals_ascii(v.text, "NIL")) {
    v.kind = value_kind::nil;
    v.text.clear();
  }
  state_ = state::between;
  return {};
}

result<void> response_parser::enter_status(std::string_view word) {
  status s = status_from_word(word);
  // A tagged response is always OK, NO or BAD (RFC 9051 §7.1); PREAUTH and BYE are untagged only.
  if (s != status::ok && s != status::no && s != status::bad) return fail(error::protocol_error);
  resp_.status = s;
  state_ = state::text_start;
  return {};
}

result<std::size_t> response_parser::feed(std::string_view in) {
  if (state_ == state::failed) return error_;
  if (state_ == state::done) return std::size_t{0};

  std::size_t i = 0;
  while (i < in.size()) {
    if (state_ == state::literal_body) {
      // Literal bytes are opaque: copied in bulk, counted against the response but not the line.
      auto n = static_cast<std::size_t>(std::min<std::uint64_t>(literal_left_, in.size() - i));
      std::string_view chunk = in.substr(i, n);
      if (!literal_binary_ && chunk.find('\0') != std::string_view::npos) {
        return fail(error::protocol_error).error();  // NUL only in literal8 (RFC 3516)
      }
      resp_.data.back().text.append(chunk);
      response_bytes_ += n;
      literal_left_ -= n;
      i += n;
      if (literal_left_ == 0) state_ = state::between;
      continue;
    }

    const auto c = static_cast<unsigned char>(in[i]);
    if (++line_bytes_ > limits_.max_line_bytes) return fail(error::line_too_long).error();
    if (++response_bytes_ > limits_.max_response_bytes) return fail(error::response_too_large).error();

    // Each pass of this loop handles `c` in the current state; `continue` hands the same byte to the state
    // just entered, `break` moves to the next byte.
    for (;;) {
      result<void> r;
      switch (state_) {
        case state::line_start:
          if (c == '*') {
            resp_.kind = response_kind::untagged;
            state_ = state::after_star;
          } else if (c == '+') {
            resp_.kind = response_kind::continuation;
            state_ = state::after_plus;
          } else if (is_tag_char(c)) {
            resp_.kind = response_kind::tagged;
            resp_.tag += static_cast<char>(c);
            state_ = state::tag;
          } else {
            r = fail(error::protocol_error);
          }
          break;

        case state::tag:
          if (c == ' ') {
            state_ = state::status_word;
          } else if (is_tag_char(c)) {
            resp_.tag += static_cast<char>(c);
          } else {
            r = fail(error::protocol_error);
          }
          break;

        case state::after_star:
          if (c == ' ') {
            state_ = state::between;
          } else {
            r = fail(error::protocol_error);
          }
          break;

        case state::after_plus:
          // "+ text", and tolerated: a bare "+" line.
          if (c == ' ') {
            state_ = state::text;
          } else if (c == '\r') {
            state_ = state::cr;
          } else {
            state_ = state::text;
            continue;
          }
          break;

        case state::status_word:
          if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z' && word_.size() < 8) {
            word_ += static_cast<char>(c);
          } else if (c == ' ' || c == '\r') {
            r = enter_status(word_);
            if (r) continue;
          } else {
            r = fail(error::protocol_error);
          }
          break;

        case state::text_start:
          if (c == ' ') {
            state_ = state::text_code_or_text;
          } else if (c == '\r') {
            state_ = state::cr;
          } else {
            r = fail(error::protocol_error);
          }
          break;

        case state::text_code_or_text:
          if (c == '[') {
            state_ = state::code_name;
          } else {
            state_ = state::text;
            continue;
          }
          break;

        case state::code_name:
          if ((c == ' ' || c == ']') && resp_.code.empty()) {
            r = fail(error::protocol_error);
          } else if (c == ' ') {
            state_ = state::code_args;
          } else if (c == ']') {
            state_ = state::after_code;
          } else if (is_atom_char(c)) {
            resp_.code += static_cast<char>(c);
          } else {
            r = fail(error::protocol_error);
          }
          break;

        case state::code_args:
          // 1*<any TEXT-CHAR except "]">
          if (c == ']') {
            state_ = state::after_code;
          } else if (c == '\r' || c == '\n' || c == '\0') {
            r = fail(error::protocol_error);
          } else {
            resp_.code_args += static_cast<char>(c);
          }
          break;

        case state::after_code:
          if (c == ' ') {
            state_ = state::text;
          } else {
            state_ = state::text;
            continue;
          }
          break;

        case state::text:
          if (c == '\r') {
            state_ = state::cr;
          } else if (c == '\n' || c == '\0') {
            r = fail(error::protocol_error);
          } else {
            resp_.text += static_cast<char>(c);
          }
          break;

        case state::cr:
          if (c == '\n') {
            state_ = state::done;
            return i + 1;
          }
          r = fail(error::protocol_error);
          break;

        case state::between:
          if (c == ' ') {
            // separator
          } else if (c == '(') {
            if (open_lists_.size() >= limits_.max_depth) {
              r = fail(error::nesting_too_deep);
            } else if ((r = push_value(value_kind::list))) {
              open_lists_.push_back(static_cast<std::uint32_t>(resp_.data.size() - 1));
            }
          } else if (c == ')') {
            if (open_lists_.empty()) {
              r = fail(error::protocol_error);
            } else {
              resp_.data[open_lists_.back()].end = static_cast<std::uint32_t>(resp_.data.size());
              open_lists_.pop_back();
            }
          } else if (c == '"') {
            if ((r = push_value(value_kind::string))) state_ = state::quoted;
          } else if (c == '{') {
            literal_binary_ = false;
            literal_size_ = 0;
            literal_digits_seen_ = false;
            state_ = state::literal_digits;
          } else if (c == '~') {
            state_ = state::tilde;
          } else if (c == '\r') {
            if (!open_lists_.empty() || resp_.data.empty()) {
              r = fail(error::protocol_error);
            } else {
              state_ = state::cr;
            }
          } else if (is_ctl(c)) {
            r = fail(error::protocol_error);
          } else if ((r = push_value(value_kind::atom))) {
            resp_.data.back().text += static_cast<char>(c);
            state_ = state::atom;
          }
          break;

        case state::atom:
          if (c == ' ' || c == '(' || c == ')' || c == '\r' || c == '"') {
            r = finish_atom();
            if (r) continue;
          } else if (is_ctl(c)) {
            r = fail(error::protocol_error);
          } else {
            // A section spec may hold spaces and parentheses: BODY[HEADER.FIELDS (FROM TO)].
            resp_.data.back().text += static_cast<char>(c);
            if (c == '[') state_ = state::atom_bracket;
          }
          break;

        case state::atom_bracket:
          if (is_ctl(c)) {
            r = fail(error::protocol_error);
          } else {
            resp_.data.back().text += static_cast<char>(c);
            if (c == ']') state_ = state::atom;
          }
          break;

        case state::tilde:
          if (c == '{') {
            literal_binary_ = true;
            literal_size_ = 0;
            literal_digits_seen_ = false;
            state_ = state::literal_digits;
          } else if ((r = push_value(value_kind::atom))) {
            resp_.data.back().text.push_back('~');  // fresh value: text is empty
            state_ = state::atom;
            continue;
          }
          break;

        case state::quoted:
          if (c == '"') {
            state_ = state::between;
          } else if (c == '\\') {
            state_ = state::quoted_escape;
          } else if (c == '\r' || c == '\n' || c == '\0') {
            r = fail(error::protocol_error);
          } else {
            resp_.data.back().text += static_cast<char>(c);
          }
          break;

        case state::quoted_escape:
          if (c == '"' || c == '\\') {
            resp_.data.back().text += static_cast<char>(c);
            state_ = state::quoted;
          } else {
            r = fail(error::protocol_error);
          }
          break;

        case state::literal_digits:
          if (c >= '0' && c <= '9') {
            literal_size_ = literal_size_ * 10 + (c - '0');
            literal_digits_seen_ = true;
            // Checked per digit, so the size can neither overflow nor be allocated before it is refused.
            if (literal_size_ > limits_.max_literal_bytes) r = fail(error::literal_too_large);
          } else if ((c == '+' || c == '}') && literal_digits_seen_) {
            state_ = c == '+' ? state::literal_plus : state::literal_cr;
          } else {
            r = fail(error::protocol_error);
          }
          break;

        case state::literal_plus:
          if (c == '}') {
            state_ = state::literal_cr;
          } else {
            r = fail(error::protocol_error);
          }
          break;

        case state::literal_cr:
          if (c == '\r') {
            state_ = state::literal_lf;
          } else {
            r = fail(error::protocol_error);
          }
          break;

        case state::literal_lf:
          if (c != '\n') {
            r = fail(error::protocol_error);
          } else if (response_bytes_ + literal_size_ > limits_.max_response_bytes) {
            r = fail(error::response_too_large);
          } else if ((r = push_value(value_kind::string))) {
            resp_.data.back().literal = true;
            resp_.data.back().binary = literal_binary_;
            literal_left_ = literal_size_;
            line_bytes_ = 0;  // the text after a literal is a new line for the line limit
            state_ = literal_left_ > 0 ? state::literal_body : state::between;
          }
          break;

        case state::literal_body:
        case state::done:
        case state::failed:
          r = fail(error::protocol_error);  // unreachable: handled before the byte loop
          break;
      }
      if (!r) return r.error();
      break;
    }
    ++i;
  }
  return i;
}

response response_parser::take() {
  response out = std::move(resp_);
  resp_ = response{};
  open_lists_.clear();
  word_.clear();
  line_bytes_ = 0;
  response_bytes_ = 0;
  literal_size_ = literal_left_ = 0;
  state_ = state::line_start;
  return out;
}

}  // namespace easd::backend::imap
