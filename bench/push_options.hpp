// Command line of the push load generator (bench/push_load.cpp); parsing is separate so it can be tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace easd::bench {

struct load_options {
  // --- the load ---
  std::vector<unsigned> steps = {10000};  // held-Ping counts to ramp to, measuring at each
  unsigned devices_per_user = 10;
  unsigned probe_devices = 1;    // devices of the latency user "probe" (spread over the nodes like the rest)
  unsigned samples = 200;        // latency samples (IMAP APPEND → Ping answer); 0: none
  unsigned warmup_samples = 5;   // taken first and not counted
  unsigned heartbeat = 900;      // seconds
  bool empty_pings = false;
  std::string protocol_version = "14.1";
  unsigned rate = 100;           // new devices per second during a ramp
  unsigned threads = 1;          // generator io threads
  unsigned devices_per_address = 1000;
  unsigned settle_seconds = 10;  // after a step is reached, before measuring
  unsigned idle_window = 30;     // seconds of CPU measurement with all Pings held
  unsigned duration = 0;         // seconds to keep the Pings going after the measurements
  unsigned step_timeout = 300;   // seconds for a step to be reached beyond its ramp time
  // --- the servers ---
  bool plain = false;            // HTTP instead of HTTPS
  unsigned nodes = 1;            // easd processes (2: sharing one Redis)
  bool imap_tls = false;         // easd → Dovecot over TLS (imaps) instead of plain IMAP on loopback
  // Dovecot's push_notification plugin PUTs each LMTP delivery to the first node's admin listener, and
  // easd holds no IMAP connection per user ([push] imap_watch = false); latency samples are LMTP deliveries.
  bool push_plugin = false;
  std::string extra_toml;        // file appended to each easd's configuration
  std::string log_level = "warn";  // easd's [log] level (debug for a diagnosis; it costs CPU at scale)
  // Existing servers instead of starting them (all of --url/--pid/--imap-port then):
  std::vector<std::string> urls;  // http[s]://127.0.0.1:PORT
  std::vector<int> pids;          // their easd PIDs (RSS, CPU)
  std::uint16_t imap_port = 0;    // Dovecot's plain IMAP port (APPEND, connection count)
  std::string ca_file;            // the servers' CA (external TLS); empty: not verified
  std::string password = "secret";
};

// nullopt (and a message in *error) for a bad command line; *error is empty for --help.
std::optional<load_options> parse_load_options(int argc, const char* const* argv, std::string* error);
const char* load_usage();

// "http://127.0.0.1:8080" → host, port, tls; nullopt when not http(s)://IPv4:PORT.
struct parsed_url {
  std::string host;
  std::uint16_t port = 0;
  bool tls = false;
};
std::optional<parsed_url> parse_url(const std::string& url);

}  // namespace easd::bench
