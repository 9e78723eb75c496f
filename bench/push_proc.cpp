#include "bench/push_proc.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace easd::bench {

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::optional<std::uint64_t> number(std::string_view s, int base = 10) {
  std::uint64_t v = 0;
  auto [p, e] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (e != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Whitespace-separated fields of one line.
std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

template <class F>
void for_each_line(std::string_view text, F&& f) {
  while (!text.empty()) {
    const auto nl = text.find('\n');
    f(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

}  // namespace

std::optional<std::uint64_t> status_kib(std::string_view status_text, std::string_view field) {
  std::optional<std::uint64_t> out;
  for_each_line(status_text, [&](std::string_view line) {
    if (out || line.size() <= field.size() || line.substr(0, field.size()) != field || line[field.size()] != ':')
      return;
    const auto f = fields(line.substr(field.size() + 1));
    if (f.size() == 2 && f[1] == "kB") out = number(f[0]);
  });
  return out;
}

std::optional<std::uint64_t> process_status_kib(int pid, std::string_view field) {
  return status_kib(slurp("/proc/" + std::to_string(pid) + "/status"), field);
}

std::optional<std::uint64_t> stat_cpu_ticks(std::string_view stat_text) {
  const auto close = stat_text.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  // After "pid (comm)": state is field 3, utime field 14, stime field 15.
  const auto f = fields(stat_text.substr(close + 1));
  if (f.size() < 13) return std::nullopt;
  auto utime = number(f[11]), stime = number(f[12]);
  if (!utime || !stime) return std::nullopt;
  return *utime + *stime;
}

std::optional<double> process_cpu_seconds(int pid) {
  const auto ticks = stat_cpu_ticks(slurp("/proc/" + std::to_string(pid) + "/stat"));
  if (!ticks) return std::nullopt;
  return static_cast<double>(*ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::size_t established_on_port(std::string_view proc_net_tcp, std::uint16_t port) {
  std::size_t n = 0;
  for_each_line(proc_net_tcp, [&](std::string_view line) {
    // "  sl  local_address rem_address   st ...": local "0100007F:1F90", state 01 = ESTABLISHED.
    const auto f = fields(line);
    if (f.size() < 4 || f[3] != "01") return;
    const auto colon = f[1].rfind(':');
    if (colon == std::string_view::npos) return;
    if (number(f[1].substr(colon + 1), 16) == std::uint64_t{port}) ++n;
  });
  return n;
}

std::size_t established_on_port(std::uint16_t port) {
  return established_on_port(slurp("/proc/net/tcp"), port) + established_on_port(slurp("/proc/net/tcp6"), port);
}

std::size_t open_fds(int pid) {
  std::error_code ec;
  std::size_t n = 0;
  for (std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end; !ec && it != end;
       it.increment(ec))
    ++n;
  return n;
}

std::uint64_t raise_nofile(std::uint64_t want) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
  if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < want) {
    rlimit higher{want, want};
    if (::setrlimit(RLIMIT_NOFILE, &higher) == 0) return want;  // root (CAP_SYS_RESOURCE), up to fs.nr_open
  }
  const rlim_t soft = lim.rlim_max == RLIM_INFINITY ? want : std::min<rlim_t>(want, lim.rlim_max);
  if (soft > lim.rlim_cur) {
    lim.rlim_cur = soft;
    if (::setrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
  }
  ::getrlimit(RLIMIT_NOFILE, &lim);
  return lim.rlim_cur;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(rank, v.size() - 1)];
}

}  // namespace easd::bench
