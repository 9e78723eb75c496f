// The servers under load for bench/push_load: started here through tests/support (Dovecot with
// --many-connections, one or two easd nodes, Redis for two) or given on the command line.
#pragma once

#include "bench/push_http.hpp"
#include "bench/push_options.hpp"
#include "tests/support/services.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace easd::bench {

class load_servers {
public:
  // Starts or adopts the servers; throws std::runtime_error when they do not come up.
  explicit load_servers(const load_options& o);
  ~load_servers();

  std::vector<server_target> targets;  // one per easd node
  std::vector<int> pids;               // easd PIDs, in the same order
  std::uint16_t imap_port = 0;         // Dovecot's plain IMAP port
  std::uint16_t lmtp_port = 0;         // Dovecot's LMTP port (0 with external servers)
  bool push_plugin = false;            // Dovecot PUTs deliveries to the first node; no IMAP watch
  std::string password;                // every user's (Dovecot's static passdb)
  std::vector<std::string> ca_files;   // trust for TLS targets (none = unverified)
  std::string description;             // what was started, for the report

private:
  std::unique_ptr<test::run_dir> run_, run_b_;
  std::unique_ptr<test::dovecot_service> dovecot_;
  std::unique_ptr<test::redis_service> redis_;
  std::vector<std::unique_ptr<test::easd_service>> easd_;
};

}  // namespace easd::bench
