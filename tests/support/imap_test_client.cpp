#include "tests/support/imap_test_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>

namespace easd::test {

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::uint64_t to_u64(std::string_view s) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p == s.data()) throw std::runtime_error("imap: not a number: " + std::string(s));
  return v;
}

// The number after "[CODE " in `text`, if present.
std::optional<std::uint64_t> code_number(std::string_view text, std::string_view code) {
  const std::string key = "[" + std::string(code) + " ";
  const auto at = text.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  auto rest = text.substr(at + key.size());
  const auto end = rest.find_first_not_of("0123456789");
  return to_u64(rest.substr(0, end));
}

// The space-separated words after "[CODE " up to "]".
std::vector<std::string> code_words(std::string_view text, std::string_view code) {
  const std::string key = "[" + std::string(code) + " ";
  const auto at = text.find(key);
  if (at == std::string_view::npos) return {};
  auto rest = text.substr(at + key.size());
  rest = rest.substr(0, rest.find(']'));
  std::vector<std::string> out;
  while (!rest.empty()) {
    const auto sp = rest.find(' ');
    out.emplace_back(rest.substr(0, sp));
    if (sp == std::string_view::npos) break;
    rest.remove_prefix(sp + 1);
  }
  return out;
}

std::string flag_list(const std::vector<std::string>& flags) {
  std::string out = "(";
  for (std::size_t i = 0; i < flags.size(); ++i) {
    if (i) out += ' ';
    out += flags[i];
  }
  return out + ")";
}

}  // namespace

std::string imap_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::vector<std::uint32_t> parse_uid_set(std::string_view set) {
  std::vector<std::uint32_t> out;
  while (!set.empty()) {
    const auto comma = set.find(',');
    const auto item = set.substr(0, comma);
    const auto colon = item.find(':');
    if (colon == std::string_view::npos) {
      out.push_back(static_cast<std::uint32_t>(to_u64(item)));
    } else {
      auto a = to_u64(item.substr(0, colon));
      auto b = to_u64(item.substr(colon + 1));
      if (a > b) std::swap(a, b);
      for (auto u = a; u <= b; ++u) out.push_back(static_cast<std::uint32_t>(u));
    }
    if (comma == std::string_view::npos) break;
    set.remove_prefix(comma + 1);
  }
  return out;
}

imap_test_client::imap_test_client(std::uint16_t port, std::string user, std::string password,
                                   std::string host, std::chrono::milliseconds timeout)
    : timeout_(timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("imap: socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    ::close(fd_);
    throw std::runtime_error("imap: bad host " + host);
  }
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const std::string err = std::strerror(errno);
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error("imap: connect " + host + ":" + std::to_string(port) + ": " + err);
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const std::string greeting = read_line();
  if (greeting.rfind("* OK", 0) != 0) throw std::runtime_error("imap: greeting: " + greeting);
  const auto r = ok("LOGIN " + imap_quote(user) + " " + imap_quote(password));
  auto words = code_words(r.text, "CAPABILITY");
  if (words.empty()) {
    for (const auto& u : ok("CAPABILITY").untagged) {
      if (u.text.rfind("CAPABILITY ", 0) == 0) {
        std::string_view rest(u.text);
        rest.remove_prefix(11);
        while (!rest.empty()) {
          const auto sp = rest.find(' ');
          words.emplace_back(rest.substr(0, sp));
          if (sp == std::string_view::npos) break;
          rest.remove_prefix(sp + 1);
        }
      }
    }
  }
  for (const auto& w : words) caps_.insert(upper(w));
  // So SELECT reports HIGHESTMODSEQ (RFC 7162 3.1.8); FETCH/STORE stay as without it.
  if (has("CONDSTORE") && has("ENABLE")) ok("ENABLE CONDSTORE");
}

imap_test_client::~imap_test_client() {
  if (fd_ >= 0) {
    try {
      command("LOGOUT");
    } catch (const std::exception&) {
      // The server may already be gone (a test stopped Dovecot).
    }
    ::close(fd_);
  }
}

bool imap_test_client::has(std::string_view cap) const { return caps_.count(upper(cap)) != 0; }

std::string imap_test_client::next_tag() {
  std::string tag = "t";  // not `"t" + std::to_string(...)`: g++ 12's false -Wrestrict at -O2 (GCC PR 105329)
  tag += std::to_string(++tag_);
  return tag;
}

void imap_test_client::send_all(std::string_view bytes) {
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  while (!bytes.empty()) {
    pollfd p{fd_, POLLOUT, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error("imap: write timeout");
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw std::runtime_error(std::string("imap: write: ") + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void imap_test_client::fill() {
  if (pos_ > 0 && pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  } else if (pos_ > (1u << 20)) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  pollfd p{fd_, POLLIN, 0};
  const int r = ::poll(&p, 1, static_cast<int>(timeout_.count()));
  if (r == 0) throw std::runtime_error("imap: read timeout");
  if (r < 0 && errno != EINTR) throw std::runtime_error(std::string("imap: poll: ") + std::strerror(errno));
  char tmp[65536];
  const auto n = ::recv(fd_, tmp, sizeof tmp, 0);
  if (n == 0) throw std::runtime_error("imap: connection closed by the server");
  if (n < 0) {
    if (errno == EINTR || errno == EAGAIN) return;
    throw std::runtime_error(std::string("imap: read: ") + std::strerror(errno));
  }
  buf_.append(tmp, static_cast<std::size_t>(n));
}

std::string imap_test_client::read_line() {
  for (;;) {
    const auto eol = buf_.find("\r\n", pos_);
    if (eol != std::string::npos) {
      std::string line = buf_.substr(pos_, eol - pos_);
      pos_ = eol + 2;
      return line;
    }
    fill();
  }
}

std::string imap_test_client::read_exact(std::size_t n) {
  while (buf_.size() - pos_ < n) fill();
  std::string out = buf_.substr(pos_, n);
  pos_ += n;
  return out;
}

imap_reply imap_test_client::read_reply(const std::string& tag) {
  imap_reply reply;
  for (;;) {
    std::string line = read_line();
    if (line.rfind(tag + " ", 0) == 0) {
      std::string_view rest(line);
      rest.remove_prefix(tag.size() + 1);
      const auto sp = rest.find(' ');
      reply.status = upper(rest.substr(0, sp));
      reply.text = sp == std::string_view::npos ? "" : std::string(rest.substr(sp + 1));
      return reply;
    }
    if (line.rfind("+", 0) == 0) continue;  // a continuation we did not need (LITERAL+ was used)
    imap_untagged u;
    // A line ending in {N} or {N+} continues after N bytes of literal.
    for (;;) {
      std::size_t n = 0;
      bool literal = false;
      if (!line.empty() && line.back() == '}') {
        const auto open = line.rfind('{');
        if (open != std::string::npos) {
          std::string_view num(line.data() + open + 1, line.size() - open - 2);
          if (!num.empty() && num.back() == '+') num.remove_suffix(1);
          n = static_cast<std::size_t>(to_u64(num));
          literal = true;
        }
      }
      u.text += line;
      if (!literal) break;
      u.literals.push_back(read_exact(n));
      line = read_line();
    }
    if (u.text.rfind("* ", 0) == 0) u.text.erase(0, 2);
    reply.untagged.push_back(std::move(u));
  }
}

imap_reply imap_test_client::command(std::string_view cmd) {
  const std::string tag = next_tag();
  std::string line = tag + " " + std::string(cmd) + "\r\n";
  send_all(line);
  return read_reply(tag);
}

imap_reply imap_test_client::ok(std::string_view cmd) {
  auto r = command(cmd);
  if (!r.ok()) {
    std::string shown(cmd.substr(0, 200));
    if (shown.rfind("LOGIN ", 0) == 0) shown = "LOGIN ...";
    throw std::runtime_error("imap: " + shown + " -> " + r.status + " " + r.text);
  }
  return r;
}

std::vector<std::string> imap_test_client::list() {
  std::vector<std::string> out;
  for (const auto& u : ok("LIST \"\" \"*\"").untagged) {
    if (u.text.rfind("LIST ", 0) != 0) continue;
    if (!u.literals.empty()) {
      out.push_back(u.literals.back());
      continue;
    }
    // LIST (\flags) "/" name  — name quoted or atom, last on the line.
    std::string_view t(u.text);
    if (!t.empty() && t.back() == '"') {
      std::string name;
      std::size_t i = t.size() - 1;
      // Walk back to the opening quote, honouring escapes.
      std::size_t open = t.rfind('"', i - 1);
      while (open != std::string_view::npos && open > 0 && t[open - 1] == '\\') open = t.rfind('"', open - 1);
      std::string_view q = t.substr(open + 1, i - open - 1);
      for (std::size_t k = 0; k < q.size(); ++k) {
        if (q[k] == '\\' && k + 1 < q.size()) ++k;
        name += q[k];
      }
      out.push_back(name);
    } else {
      out.emplace_back(t.substr(t.rfind(' ') + 1));
    }
  }
  return out;
}

void imap_test_client::create(std::string_view mailbox) { ok("CREATE " + imap_quote(mailbox)); }

void imap_test_client::rename(std::string_view from, std::string_view to) {
  ok("RENAME " + imap_quote(from) + " " + imap_quote(to));
}

void imap_test_client::remove(std::string_view mailbox) {
  if (selected_ == mailbox) unselect();
  ok("DELETE " + imap_quote(mailbox));
}

std::uint32_t imap_test_client::reset_uidvalidity(std::string_view mailbox, const std::vector<std::string>& messages) {
  const auto before = status(mailbox).uidvalidity;
  remove(mailbox);
  create(mailbox);
  if (!messages.empty()) append_many(mailbox, messages);
  const auto after = status(mailbox).uidvalidity;
  if (after == before) throw std::runtime_error("imap: UIDVALIDITY of " + std::string(mailbox) + " did not change");
  return after;
}

imap_mailbox_status imap_test_client::status(std::string_view mailbox) {
  std::string items = "UIDVALIDITY UIDNEXT MESSAGES";
  if (has("CONDSTORE")) items += " HIGHESTMODSEQ";
  const auto r = ok("STATUS " + imap_quote(mailbox) + " (" + items + ")");
  imap_mailbox_status s;
  for (const auto& u : r.untagged) {
    if (u.text.rfind("STATUS ", 0) != 0) continue;
    const auto open = u.text.rfind('(');
    std::string_view rest(u.text);
    rest.remove_prefix(open + 1);
    while (!rest.empty() && rest.front() != ')') {
      const auto sp = rest.find(' ');
      const auto key = upper(rest.substr(0, sp));
      rest.remove_prefix(sp + 1);
      const auto end = rest.find_first_of(" )");
      const auto value = to_u64(rest.substr(0, end));
      rest.remove_prefix(end);
      if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      if (key == "UIDVALIDITY") s.uidvalidity = static_cast<std::uint32_t>(value);
      if (key == "UIDNEXT") s.uidnext = static_cast<std::uint32_t>(value);
      if (key == "MESSAGES") s.exists = static_cast<std::uint32_t>(value);
      if (key == "HIGHESTMODSEQ") s.highestmodseq = value;
    }
  }
  return s;
}

imap_mailbox_status imap_test_client::select(std::string_view mailbox) {
  const auto r = ok("SELECT " + imap_quote(mailbox));
  selected_ = std::string(mailbox);
  imap_mailbox_status s;
  for (const auto& u : r.untagged) {
    if (auto v = code_number(u.text, "UIDVALIDITY")) s.uidvalidity = static_cast<std::uint32_t>(*v);
    if (auto v = code_number(u.text, "UIDNEXT")) s.uidnext = static_cast<std::uint32_t>(*v);
    if (auto v = code_number(u.text, "HIGHESTMODSEQ")) s.highestmodseq = *v;
    const auto sp = u.text.find(' ');
    if (sp != std::string::npos && u.text.substr(sp + 1) == "EXISTS") s.exists = static_cast<std::uint32_t>(to_u64(u.text.substr(0, sp)));
  }
  return s;
}

void imap_test_client::unselect() {
  if (selected_.empty()) return;
  ok(has("UNSELECT") ? "UNSELECT" : "CLOSE");
  selected_.clear();
}

std::uint32_t imap_test_client::append(std::string_view mailbox, std::string_view message,
                                       const std::vector<std::string>& flags) {
  auto uids = append_many(mailbox, {std::string(message)}, flags, 1);
  return uids.at(0);
}

std::vector<std::uint32_t> imap_test_client::append_many(std::string_view mailbox,
                                                         const std::vector<std::string>& messages,
                                                         const std::vector<std::string>& flags, std::size_t batch) {
  if (!has("LITERAL+")) throw std::runtime_error("imap: the server offers no LITERAL+");
  if (messages.size() > 1 && !has("MULTIAPPEND")) batch = 1;
  if (batch == 0) batch = 1;
  std::vector<std::uint32_t> uids;
  for (std::size_t first = 0; first < messages.size(); first += batch) {
    const std::size_t last = std::min(messages.size(), first + batch);
    const std::string tag = next_tag();
    std::string out = tag + " APPEND " + imap_quote(mailbox);
    for (std::size_t i = first; i < last; ++i) {
      out += ' ';
      if (!flags.empty()) out += flag_list(flags) + ' ';
      // Appended piecewise: `"{" + std::to_string(...)` trips g++ 12's false -Wrestrict at -O2 (GCC PR 105329).
      out += '{';
      out += std::to_string(messages[i].size());
      out += "+}\r\n";
      // Big messages go straight out instead of being copied into one buffer with the rest.
      if (messages[i].size() > (1u << 20)) {
        send_all(out);
        send_all(messages[i]);
        out.clear();
      } else {
        out += messages[i];
      }
    }
    out += "\r\n";
    send_all(out);
    const auto r = read_reply(tag);
    if (!r.ok()) throw std::runtime_error("imap: APPEND to " + std::string(mailbox) + " -> " + r.status + " " + r.text);
    const auto words = code_words(r.text, "APPENDUID");
    if (words.size() != 2) throw std::runtime_error("imap: APPEND without APPENDUID: " + r.text);
    auto got = parse_uid_set(words[1]);
    if (got.size() != last - first) throw std::runtime_error("imap: APPENDUID count mismatch: " + r.text);
    uids.insert(uids.end(), got.begin(), got.end());
  }
  return uids;
}

void imap_test_client::add_flags(std::string_view uids, std::string_view flags) {
  ok("UID STORE " + std::string(uids) + " +FLAGS.SILENT (" + std::string(flags) + ")");
}

void imap_test_client::remove_flags(std::string_view uids, std::string_view flags) {
  ok("UID STORE " + std::string(uids) + " -FLAGS.SILENT (" + std::string(flags) + ")");
}

std::map<std::uint32_t, std::uint32_t> imap_test_client::move(std::string_view uids, std::string_view destination) {
  const auto r = ok("UID MOVE " + std::string(uids) + " " + imap_quote(destination));
  std::map<std::uint32_t, std::uint32_t> out;
  auto collect = [&](std::string_view text) {
    const auto words = code_words(text, "COPYUID");
    if (words.size() != 3) return;
    const auto from = parse_uid_set(words[1]);
    const auto to = parse_uid_set(words[2]);
    for (std::size_t i = 0; i < from.size() && i < to.size(); ++i) out[from[i]] = to[i];
  };
  for (const auto& u : r.untagged) collect(u.text);
  collect(r.text);
  return out;
}

void imap_test_client::expunge(std::string_view uids) {
  add_flags(uids, "\\Deleted");
  ok("UID EXPUNGE " + std::string(uids));
}

std::vector<imap_message_state> imap_test_client::messages(bool with_subjects) {
  std::string items = "UID FLAGS";
  if (with_subjects) items += " BODY.PEEK[HEADER.FIELDS (SUBJECT)]";
  const auto r = ok("UID FETCH 1:* (" + items + ")");
  std::vector<imap_message_state> out;
  for (const auto& u : r.untagged) {
    const auto fetch = u.text.find(" FETCH (");
    if (fetch == std::string::npos) continue;
    imap_message_state m;
    const auto uid_at = u.text.find("UID ", fetch);
    if (uid_at == std::string::npos) continue;
    {
      std::string_view rest(u.text);
      rest.remove_prefix(uid_at + 4);
      m.uid = static_cast<std::uint32_t>(to_u64(rest.substr(0, rest.find_first_not_of("0123456789"))));
    }
    const auto flags_at = u.text.find("FLAGS (", fetch);
    if (flags_at != std::string::npos) {
      std::string_view rest(u.text);
      rest.remove_prefix(flags_at + 7);
      rest = rest.substr(0, rest.find(')'));
      while (!rest.empty()) {
        const auto sp = rest.find(' ');
        if (sp != 0) m.flags.emplace(rest.substr(0, sp));
        if (sp == std::string_view::npos) break;
        rest.remove_prefix(sp + 1);
      }
    }
    if (with_subjects && !u.literals.empty()) {
      std::string h = u.literals.front();
      // "Subject: value\r\n continued\r\n\r\n" unfolded.
      std::string value;
      const auto colon = h.find(':');
      if (colon != std::string::npos) {
        for (std::size_t i = colon + 1; i < h.size(); ++i) {
          if (h[i] == '\r' || h[i] == '\n') continue;
          value += h[i];
        }
      }
      const auto b = value.find_first_not_of(" \t");
      const auto e = value.find_last_not_of(" \t");
      m.subject = b == std::string::npos ? "" : value.substr(b, e - b + 1);
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::optional<std::string> imap_test_client::fetch_section(std::uint32_t uid, std::string_view section) {
  const auto r = ok("UID FETCH " + std::to_string(uid) + " (BODY.PEEK[" + std::string(section) + "])");
  for (const auto& u : r.untagged) {
    if (u.text.find(" FETCH (") != std::string::npos && !u.literals.empty()) return u.literals.front();
  }
  return std::nullopt;
}

}  // namespace easd::test
