#include "bench/push_options.hpp"

#include <charconv>
#include <cstring>
#include <string_view>

namespace easd::bench {

namespace {

template <class T>
bool to_number(std::string_view s, T& out) {
  auto [p, e] = std::from_chars(s.data(), s.data() + s.size(), out);
  return e == std::errc{} && p == s.data() + s.size() && !s.empty();
}

bool to_list(std::string_view s, std::vector<unsigned>& out) {
  out.clear();
  while (!s.empty()) {
    const auto comma = s.find(',');
    unsigned v = 0;
    if (!to_number(s.substr(0, comma), v)) return false;
    out.push_back(v);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return !out.empty();
}

}  // namespace

const char* load_usage() {
  return "usage: push_load [--steps N,N,...] [--devices-per-user N] [--probe-devices N] [--samples N]\n"
         "                 [--warmup N] [--heartbeat S] [--empty-pings] [--protocol V] [--rate N/s]\n"
         "                 [--threads N] [--per-address N] [--settle S] [--idle-window S] [--duration S]\n"
         "                 [--step-timeout S] [--plain] [--nodes 1|2] [--imap-tls] [--push-plugin]\n"
         "                 [--extra-toml FILE]\n"
         "                 [--log-level trace|debug|info|warn]\n"
         "                 [--url URL --pid PID ... --imap-port N [--ca FILE] [--password PW]]\n";
}

std::optional<parsed_url> parse_url(const std::string& url) {
  parsed_url out;
  std::string_view rest(url);
  if (rest.starts_with("https://")) {
    out.tls = true;
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) rest = rest.substr(0, slash);
  const auto colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  out.host = std::string(rest.substr(0, colon));
  if (!to_number(rest.substr(colon + 1), out.port) || out.port == 0) return std::nullopt;
  for (char c : out.host)
    if (!(c == '.' || (c >= '0' && c <= '9'))) return std::nullopt;  // IPv4 literals only
  return out;
}

std::optional<load_options> parse_load_options(int argc, const char* const* argv, std::string* error) {
  load_options o;
  error->clear();
  auto fail = [&](std::string what) -> std::optional<load_options> {
    *error = std::move(what);
    return std::nullopt;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const bool has_value = i + 1 < argc;
    const std::string_view v = has_value ? argv[i + 1] : "";
    auto num = [&](auto& out) {
      if (!has_value || !to_number(v, out)) return false;
      ++i;
      return true;
    };
    bool ok = true;
    if (a == "--help" || a == "-h") return fail("");
    else if (a == "--empty-pings") o.empty_pings = true;
    else if (a == "--plain") o.plain = true;
    else if (a == "--imap-tls") o.imap_tls = true;
    else if (a == "--push-plugin") o.push_plugin = true;
    else if (a == "--steps") ok = has_value && to_list(v, o.steps) && ++i;
    else if (a == "--devices-per-user") ok = num(o.devices_per_user) && o.devices_per_user > 0;
    else if (a == "--probe-devices") ok = num(o.probe_devices);
    else if (a == "--samples") ok = num(o.samples);
    else if (a == "--warmup") ok = num(o.warmup_samples);
    else if (a == "--heartbeat") ok = num(o.heartbeat) && o.heartbeat > 0;
    else if (a == "--rate") ok = num(o.rate) && o.rate > 0;
    else if (a == "--threads") ok = num(o.threads) && o.threads > 0;
    else if (a == "--per-address") ok = num(o.devices_per_address) && o.devices_per_address > 0;
    else if (a == "--settle") ok = num(o.settle_seconds);
    else if (a == "--idle-window") ok = num(o.idle_window);
    else if (a == "--duration") ok = num(o.duration);
    else if (a == "--step-timeout") ok = num(o.step_timeout);
    else if (a == "--nodes") ok = num(o.nodes) && (o.nodes == 1 || o.nodes == 2);
    else if (a == "--imap-port") ok = num(o.imap_port);
    else if (a == "--pid") {
      int pid = 0;
      ok = num(pid) && pid > 0;
      if (ok) o.pids.push_back(pid);
    } else if (a == "--protocol" || a == "--extra-toml" || a == "--url" || a == "--ca" || a == "--password" ||
               a == "--log-level") {
      ok = has_value;
      if (ok) {
        std::string s(v);
        ++i;
        if (a == "--protocol") o.protocol_version = s;
        else if (a == "--extra-toml") o.extra_toml = s;
        else if (a == "--url") o.urls.push_back(s);
        else if (a == "--ca") o.ca_file = s;
        else if (a == "--log-level") o.log_level = s;
        else o.password = s;
      }
    } else {
      return fail("unknown option " + std::string(a));
    }
    if (!ok) return fail("bad or missing value for " + std::string(a));
  }
  if (!o.urls.empty()) {
    if (o.pids.size() != o.urls.size()) return fail("--url needs one --pid per URL");
    if (o.imap_port == 0) return fail("--url needs --imap-port (Dovecot's plain IMAP port)");
    for (const auto& u : o.urls)
      if (!parse_url(u)) return fail("--url " + u + ": expected http[s]://IPv4:PORT");
    if (o.push_plugin) return fail("--push-plugin configures the Dovecot it starts: not with --url");
  } else if (!o.pids.empty() || o.imap_port != 0) {
    return fail("--pid and --imap-port go with --url");
  }
  return o;
}

}  // namespace easd::bench
