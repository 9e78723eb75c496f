// A loopback TCP relay between easd and Dovecot's plain IMAP port that counts the IMAP commands easd
// issues: every tagged completion ("TAG OK|NO|BAD ...") the server sends back is one command. Literals in
// server responses are skipped by their {N} counts, so message bodies cannot be mistaken for completions.
//
// For tests and bench/ that must show a no-change Sync costs O(1) IMAP commands, not O(folder): point easd
// at port() with imap_security "none" (easd_options.imap_port). Runs its own threads; counters are atomic,
// so the test thread may read them at any time. Not for TLS (it would see only ciphertext).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace easd::test {

class imap_counting_proxy {
public:
  // Listens on 127.0.0.1 (a free port) and relays each connection to 127.0.0.1:upstream_port.
  explicit imap_counting_proxy(std::uint16_t upstream_port);
  ~imap_counting_proxy();
  imap_counting_proxy(const imap_counting_proxy&) = delete;
  imap_counting_proxy& operator=(const imap_counting_proxy&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  // Tagged completions seen so far (all connections), and connections accepted.
  std::uint64_t commands() const noexcept { return commands_.load(); }
  std::uint64_t connections() const noexcept { return connections_.load(); }
  // Commands by name (first word after the tag of what the client sent), for failure messages.
  std::map<std::string, std::uint64_t> by_name() const;

private:
  void accept_loop();
  void relay(int client);

  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::uint16_t upstream_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> commands_{0};
  std::atomic<std::uint64_t> connections_{0};
  mutable std::mutex mu_;
  std::map<std::string, std::uint64_t> names_;
  std::vector<int> fds_;
  std::thread acceptor_;
  std::vector<std::thread> workers_;
};

}  // namespace easd::test
