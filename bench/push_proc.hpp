// What the push load generator reads about the servers from /proc, and the descriptor limit it raises.
// The parsers take the file's text, so hermetic tests can feed them fixed samples.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::bench {

// A "Name:   123 kB" field of /proc/PID/status (VmRSS, VmHWM) in KiB.
std::optional<std::uint64_t> status_kib(std::string_view status_text, std::string_view field);
std::optional<std::uint64_t> process_status_kib(int pid, std::string_view field);

// utime + stime of /proc/PID/stat, in clock ticks (the fields after the parenthesised command name,
// which may itself contain spaces and parentheses).
std::optional<std::uint64_t> stat_cpu_ticks(std::string_view stat_text);
// The same for a live process, in seconds.
std::optional<double> process_cpu_seconds(int pid);

// ESTABLISHED sockets in /proc/net/tcp (or tcp6) text whose local port is `port`: the server side of
// every connection to that port on this host.
std::size_t established_on_port(std::string_view proc_net_tcp, std::uint16_t port);
std::size_t established_on_port(std::uint16_t port);  // tcp + tcp6 of this host

// Entries in /proc/PID/fd (0 when unreadable).
std::size_t open_fds(int pid);

// Raises RLIMIT_NOFILE (hard too, when allowed) to at least `want`; the soft limit reached.
std::uint64_t raise_nofile(std::uint64_t want);

// The p-quantile (0..1) by nearest rank; 0 for no samples.
double percentile(std::vector<double> v, double p);

}  // namespace easd::bench
