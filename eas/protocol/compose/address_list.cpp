#include "eas/protocol/compose/address_list.hpp"

#include "eas/core/ascii.hpp"
#include "eas/core/mime_header.hpp"
#include "eas/core/utf8.hpp"
#include "eas/protocol/compose/error.hpp"
#include "eas/protocol/compose/mime_writer.hpp"

#include <algorithm>
#include <string_view>

namespace easd::compose {
namespace {

constexpr std::size_t max_name = 1024;  // decoded display name bytes

bool is_atext(char c) noexcept {
  const auto b = static_cast<unsigned char>(c);
  if (b >= 0x80) return true;  // RFC 6532 3.2: UTF-8 in atoms; validity is checked on the whole value
  if (is_ascii_alnum(c)) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool is_dtext(char c) noexcept {
  const auto b = static_cast<unsigned char>(c);
  return (b >= 33 && b <= 90) || (b >= 94 && b <= 126);
}

bool is_dot_atom(std::string_view s) noexcept {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.') {
      if (s[i + 1] == '.') return false;
    } else if (!is_atext(s[i])) {
      return false;
    }
  }
  return true;
}

enum class kind { atom, quoted, literal, special, end };

struct token {
  kind k = kind::end;
  std::string text;  // atom / unescaped quoted content / literal with brackets; the char for special
  bool space_before = false;
  std::string comment;  // the last comment skipped before this token (the name of "addr (Name)")
  bool is(char c) const noexcept { return k == kind::special && text.size() == 1 && text[0] == c; }
};

// Tokens of RFC 5322 3.2 with CFWS skipped. The last comment skipped is kept, for "addr (Name)".
class lexer {
public:
  lexer(std::string_view s, std::size_t max_depth) : s_(s), max_depth_(max_depth) {}

  const token& peek() {
    if (!has_) {
      cur_ = lex();
      has_ = true;
    }
    return cur_;
  }
  token take() {
    peek();
    has_ = false;
    return std::move(cur_);
  }
  bool bad() const noexcept { return bad_; }

private:
  token fail() {
    bad_ = true;
    return {};
  }

  // Skips a comment at s_[pos_] == '('; nested up to max_depth_ (RFC 5322 3.2.2).
  bool skip_comment(std::string& comment) {
    std::size_t depth = 0;
    std::string text;
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '(') {
        if (++depth > max_depth_) return false;
        if (depth == 1) continue;
      } else if (c == ')') {
        if (--depth == 0) {
          comment = std::move(text);
          return true;
        }
      } else if (c == '\\') {
        if (pos_ >= s_.size()) return false;
        text += s_[pos_++];
        continue;
      } else if (c == '\r' || c == '\n') {
        continue;
      }
      text += c;
    }
    return false;
  }

  token lex() {
    bool space = false;
    std::string comment;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++pos_;
        space = true;
      } else if (c == '(') {
        if (!skip_comment(comment)) return fail();
        space = true;
      } else {
        break;
      }
    }
    token t;
    t.space_before = space;
    t.comment = std::move(comment);
    if (pos_ >= s_.size()) return t;
    const char c = s_[pos_];
    if (is_atext(c)) {
      const std::size_t begin = pos_;
      while (pos_ < s_.size() && is_atext(s_[pos_])) ++pos_;
      t.k = kind::atom;
      t.text = s_.substr(begin, pos_ - begin);
      return t;
    }
    if (c == '"') {
      ++pos_;
      t.k = kind::quoted;
      while (pos_ < s_.size() && s_[pos_] != '"') {
        char q = s_[pos_++];
        if (q == '\\') {
          if (pos_ >= s_.size()) return fail();
          q = s_[pos_++];
        }
        if (q == '\r' || q == '\n') continue;  // folding inside the quoted string
        if (static_cast<unsigned char>(q) < 0x20 && q != '\t') return fail();
        t.text += q;
      }
      if (pos_ >= s_.size()) return fail();
      ++pos_;
      return t;
    }
    if (c == '[') {
      const std::size_t begin = pos_++;
      while (pos_ < s_.size() && is_dtext(s_[pos_])) ++pos_;
      if (pos_ >= s_.size() || s_[pos_] != ']') return fail();
      ++pos_;
      t.k = kind::literal;
      t.text = s_.substr(begin, pos_ - begin);
      return t;
    }
    if (std::string_view("<>:;@,.").find(c) != std::string_view::npos) {
      ++pos_;
      t.k = kind::special;
      t.text = std::string(1, c);
      return t;
    }
    return fail();  // ')', ']', '\\' outside a quoted string, controls, DEL
  }

  std::string_view s_;
  std::size_t max_depth_;
  std::size_t pos_ = 0;
  token cur_;
  bool has_ = false;
  bool bad_ = false;
};

class parser {
public:
  parser(std::string_view s, const address_limits& limits) : lex_(s, limits.max_comment_depth), limits_(limits) {}

  result<std::vector<backend::mail_address>> run() {
    while (true) {
      const token& t = lex_.peek();
      if (t.k == kind::end) break;
      if (t.is(',')) {  // obs-addr-list: empty elements
        lex_.take();
        continue;
      }
      if (auto e = address(false); e) return e;
      const token& sep = lex_.peek();
      if (sep.k == kind::end) break;
      if (!sep.is(',')) return compose_error::bad_address;
      lex_.take();
    }
    if (lex_.bad()) return compose_error::bad_address;
    return std::move(out_);
  }

private:
  // Atoms, quoted strings and dots (obs-phrase, and a local part's words).
  std::vector<token> phrase() {
    std::vector<token> words;
    while (true) {
      const token& t = lex_.peek();
      if (t.k != kind::atom && t.k != kind::quoted && !t.is('.')) break;
      words.push_back(lex_.take());
    }
    return words;
  }

  static std::string display_name(const std::vector<token>& words) {
    std::string raw;
    for (const auto& w : words) {
      if (!raw.empty() && w.space_before) raw += ' ';
      raw += w.text;
    }
    return mime::decode_header(raw, max_name);
  }

  // word *("." word) as one local part: unquoted when the words make a dot-atom.
  static std::optional<std::string> local_part(const std::vector<token>& words) {
    if (words.empty() || words.size() % 2 == 0) return std::nullopt;
    std::string joined;
    bool quoted = false;
    for (std::size_t i = 0; i < words.size(); ++i) {
      const bool word = (i % 2 == 0);
      if (word == words[i].is('.')) return std::nullopt;
      quoted = quoted || words[i].k == kind::quoted;
      joined += words[i].text;
    }
    if (!quoted || is_dot_atom(joined)) return joined;
    return quoted_string(joined);
  }

  std::optional<std::string> domain() {
    const token& first = lex_.peek();
    if (first.k == kind::literal) return lex_.take().text;
    std::string d;
    while (true) {
      if (lex_.peek().k != kind::atom) return std::nullopt;
      d += lex_.take().text;
      if (!lex_.peek().is('.')) break;
      lex_.take();
      d += '.';
    }
    return d;
  }

  error_code add(std::string local, const std::string& dom, std::string name) {
    std::string addr = std::move(local) + "@" + dom;
    if (!is_valid_addr_spec(addr)) return compose_error::bad_address;
    if (out_.size() >= limits_.max_addresses) return compose_error::too_many_recipients;
    out_.push_back({std::move(name), std::move(addr)});
    return {};
  }

  error_code angle(std::string name) {
    if (lex_.peek().is('@')) {  // obs-route "@a,@b:" (RFC 5322 4.4): skipped
      while (!lex_.peek().is(':')) {
        if (lex_.peek().k == kind::end) return compose_error::bad_address;
        lex_.take();
      }
      lex_.take();
    }
    const auto local = local_part(phrase());
    if (!local || !lex_.take().is('@')) return compose_error::bad_address;
    const auto dom = domain();
    if (!dom) return compose_error::bad_address;
    if (!lex_.take().is('>')) return compose_error::bad_address;
    // "<a@b> (Name)": the comment after the address
    if (name.empty()) name = mime::decode_header(lex_.peek().comment, max_name);
    return add(*local, *dom, std::move(name));
  }

  error_code address(bool in_group) {
    std::vector<token> words = phrase();
    if (lex_.bad()) return compose_error::bad_address;
    const token& t = lex_.peek();
    if (t.is('<')) {
      lex_.take();
      return angle(display_name(words));
    }
    if (t.is(':') && !in_group && !words.empty()) {  // group (RFC 5322 3.4); its name is not an address
      lex_.take();
      while (true) {
        const token& g = lex_.peek();
        if (g.is(';')) {
          lex_.take();
          return {};
        }
        if (g.k == kind::end) return lex_.bad() ? compose_error::bad_address : error_code{};  // missing ';'
        if (g.is(',')) {
          lex_.take();
          continue;
        }
        if (auto e = address(true); e) return e;
      }
    }
    if (t.is('@')) {
      lex_.take();
      const auto local = local_part(words);
      if (!local) return compose_error::bad_address;
      const auto dom = domain();
      if (!dom) return compose_error::bad_address;
      return add(*local, *dom, mime::decode_header(lex_.peek().comment, max_name));
    }
    return compose_error::bad_address;
  }

  lexer lex_;
  const address_limits& limits_;
  std::vector<backend::mail_address> out_;
};

bool valid_label(std::string_view l) noexcept {
  if (l.empty() || l.size() > 63 || l.front() == '-' || l.back() == '-') return false;
  return std::all_of(l.begin(), l.end(),
                     [](char c) { return is_ascii_alnum(c) || c == '-' || static_cast<unsigned char>(c) >= 0x80; });
}

bool valid_quoted_local(std::string_view q) noexcept {
  if (q.size() < 2 || q.back() != '"') return false;
  for (std::size_t i = 1; i + 1 < q.size(); ++i) {
    const auto b = static_cast<unsigned char>(q[i]);
    if (q[i] == '\\') {
      if (++i + 1 >= q.size()) return false;
    } else if (q[i] == '"' || b < 0x20 || b == 0x7F) {
      return false;
    }
  }
  return true;
}

}  // namespace

result<std::vector<backend::mail_address>> parse_address_list(std::string_view value, const address_limits& limits) {
  if (value.size() > limits.max_input) return compose_error::too_large;
  if (!utf8::is_valid(value)) return compose_error::bad_address;
  return parser(value, limits).run();
}

bool is_valid_addr_spec(std::string_view addr) noexcept {
  const std::size_t at = addr.rfind('@');
  if (addr.size() > 254 || at == std::string_view::npos || !utf8::is_valid(addr)) return false;
  const std::string_view local = addr.substr(0, at);
  const std::string_view dom = addr.substr(at + 1);
  if (local.empty() || local.size() > 64) return false;
  if (local.front() == '"' ? !valid_quoted_local(local) : !is_dot_atom(local)) return false;
  if (dom.size() >= 2 && dom.front() == '[') {
    return dom.back() == ']' && std::all_of(dom.begin() + 1, dom.end() - 1, is_dtext);
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = dom.find('.', start);
    if (!valid_label(dom.substr(start, dot == std::string_view::npos ? dot : dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

std::string format_mailbox(const backend::mail_address& a) {
  if (a.name.empty()) return a.address;
  return phrase_text(a.name) + " <" + a.address + ">";
}

std::string format_mailboxes(const std::vector<backend::mail_address>& list) {
  std::string out;
  std::size_t line = 0;
  for (const auto& a : list) {
    std::string one = format_mailbox(a);
    if (!out.empty()) {
      // RFC 5322 2.1.1: lines should stay within 78 characters; fold between mailboxes.
      if (line + one.size() + 2 > 76) {
        out += ",\r\n ";
        line = 1;
      } else {
        out += ", ";
        line += 2;
      }
    }
    const std::size_t last_break = one.rfind('\n');
    line = last_break == std::string::npos ? line + one.size() : one.size() - last_break - 1;
    out += one;
  }
  return out;
}

}  // namespace easd::compose
