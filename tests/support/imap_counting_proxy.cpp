#include "tests/support/imap_counting_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string_view>

namespace easd::test {

namespace {

// Splits one direction of an IMAP stream into lines, skipping literal payloads ({N} / {N+} at a line end).
class line_scanner {
public:
  explicit line_scanner(std::function<void(std::string_view)> on_line) : on_line_(std::move(on_line)) {}
  void feed(const char* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      if (skip_ > 0) {
        const std::size_t take = std::min<std::size_t>(skip_, n - i);
        skip_ -= take;
        i += take - 1;
        continue;
      }
      const char c = p[i];
      if (c == '\n') {
        if (!line_.empty() && line_.back() == '\r') line_.pop_back();
        on_line_(line_);
        skip_ = literal_size(line_);
        line_.clear();
      } else if (line_.size() < 8192) {
        line_ += c;
      }
    }
  }

private:
  static std::size_t literal_size(std::string_view line) {
    if (line.empty() || line.back() != '}') return 0;
    const auto open = line.rfind('{');
    if (open == std::string_view::npos) return 0;
    std::size_t n = 0;
    for (std::size_t i = open + 1; i + 1 < line.size(); ++i) {
      if (line[i] == '+' || line[i] == '-') break;
      if (line[i] < '0' || line[i] > '9') return 0;
      n = n * 10 + static_cast<std::size_t>(line[i] - '0');
    }
    return n;
  }
  std::function<void(std::string_view)> on_line_;
  std::string line_;
  std::size_t skip_ = 0;
};

std::string upper_word(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ' ') break;
    out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  }
  return out;
}

}  // namespace

imap_counting_proxy::imap_counting_proxy(std::uint16_t upstream_port) : upstream_(upstream_port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("proxy: socket");
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error(std::string("proxy: bind/listen: ") + std::strerror(errno));
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

imap_counting_proxy::~imap_counting_proxy() {
  stop_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  {
    std::lock_guard lock(mu_);
    for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
  }
  if (acceptor_.joinable()) acceptor_.join();
  for (auto& t : workers_) {
    if (t.joinable()) t.join();
  }
  ::close(listen_fd_);
}

std::map<std::string, std::uint64_t> imap_counting_proxy::by_name() const {
  std::lock_guard lock(mu_);
  return names_;
}

void imap_counting_proxy::accept_loop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    const int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;
    ++connections_;
    std::lock_guard lock(mu_);
    fds_.push_back(c);
    workers_.emplace_back([this, c] { relay(c); });
  }
}

void imap_counting_proxy::relay(int client) {
  const int up = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(upstream_);
  if (up < 0 || ::connect(up, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (up >= 0) ::close(up);
    ::close(client);
    return;
  }
  {
    std::lock_guard lock(mu_);
    fds_.push_back(up);
  }
  line_scanner from_server([this](std::string_view line) {
    if (line.empty() || line[0] == '*' || line[0] == '+') return;
    const auto sp = line.find(' ');
    if (sp == std::string_view::npos) return;
    const auto status = upper_word(line.substr(sp + 1));
    if (status == "OK" || status == "NO" || status == "BAD") ++commands_;
  });
  line_scanner from_client([this](std::string_view line) {
    const auto sp = line.find(' ');
    if (sp == std::string_view::npos || line.empty()) return;
    std::string name = upper_word(line.substr(sp + 1));
    if (name == "UID") name += " " + upper_word(line.substr(line.find(' ', sp + 1) + 1));
    if (name.empty() || name.size() > 24) return;
    std::lock_guard lock(mu_);
    ++names_[name];
  });
  pollfd fds[2] = {{client, POLLIN, 0}, {up, POLLIN, 0}};
  char buf[65536];
  while (!stop_) {
    if (::poll(fds, 2, 200) <= 0) continue;
    bool done = false;
    for (int i = 0; i < 2 && !done; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const auto n = ::recv(fds[i].fd, buf, sizeof buf, 0);
      if (n <= 0) {
        done = true;
        break;
      }
      const int to = i == 0 ? up : client;
      std::size_t off = 0;
      while (off < static_cast<std::size_t>(n)) {
        const auto w = ::send(to, buf + off, static_cast<std::size_t>(n) - off, MSG_NOSIGNAL);
        if (w <= 0) {
          done = true;
          break;
        }
        off += static_cast<std::size_t>(w);
      }
      if (i == 0) from_client.feed(buf, static_cast<std::size_t>(n));
      else from_server.feed(buf, static_cast<std::size_t>(n));
    }
    if (done) break;
  }
  ::shutdown(client, SHUT_RDWR);
  ::shutdown(up, SHUT_RDWR);
  std::lock_guard lock(mu_);
  std::erase(fds_, client);
  std::erase(fds_, up);
  ::close(client);
  ::close(up);
}

}  // namespace easd::test
