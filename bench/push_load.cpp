// push_load: the push load generator of issue 4 — many simulated phones holding Pings against the real
// easd, and the numbers of the "Done when" (bench/RESULTS.md "Push"):
//
//   * held Pings: ramp to each --steps count (devices over users, --devices-per-user each, every device
//     with its own DeviceId and loopback source address block), then measure easd's RSS above the
//     baseline taken before the first device connected (VmRSS of /proc/PID/status, divided by the Pings
//     held), easd's CPU over --idle-window seconds with every Ping held (utime + stime of /proc/PID/stat),
//     its open descriptors, and the IMAP connections to Dovecot (ESTABLISHED sockets on Dovecot's port in
//     /proc/net/tcp — the appender's one included);
//   * push latency: a separate IMAP client APPENDs to the INBOX of the user "probe" (with --push-plugin:
//     an LMTP delivery, which Dovecot's push_notification plugin PUTs to easd); the sample is the time from
//     the APPEND's tagged OK (the LMTP 250) to each probe device's Ping answer (Status 2) arriving.
//
// A device: FolderSync, Sync of the Inbox (key 0, then the key it got), then Ping (Inbox, HeartbeatInterval
// --heartbeat) in a loop; after a Status 2 it syncs the Inbox and pings again. By default the servers are
// started here (Dovecot via tests/support, one or two easd nodes — two share a Redis — easd reaching
// Dovecot over plain IMAP on loopback); --url/--pid/--imap-port aim it at running ones instead.
// Prints Markdown. Needs root (Dovecot, and raising RLIMIT_NOFILE past the hard limit).
#include "bench/push_fleet.hpp"
#include "bench/push_options.hpp"
#include "bench/push_proc.hpp"
#include "bench/push_servers.hpp"
#include "tests/support/imap_test_client.hpp"
#include "tests/support/lmtp_client.hpp"

#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace easd::bench;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

double ms(clock_type::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

void sleep_for(clock_type::duration d) { std::this_thread::sleep_for(d); }

struct node_sample {
  std::uint64_t rss_kib = 0;
  double cpu_seconds = 0;
  std::size_t fds = 0;
};

std::vector<node_sample> sample_nodes(const load_servers& s) {
  std::vector<node_sample> out;
  for (int pid : s.pids) {
    node_sample n;
    n.rss_kib = process_status_kib(pid, "VmRSS").value_or(0);
    n.cpu_seconds = process_cpu_seconds(pid).value_or(0);
    n.fds = open_fds(pid);
    out.push_back(n);
  }
  return out;
}

std::string user_of(unsigned device, unsigned per_user) { return "load" + std::to_string(device / per_user); }

class run {
public:
  run(const load_options& o, load_servers& servers, fleet& f) : o_(o), servers_(servers), fleet_(f) {}

  void start_probes() {
    for (unsigned k = 0; k < o_.probe_devices; ++k) {
      device_params p = params("probe", "PROBE" + std::to_string(k));
      const std::size_t node = k % servers_.targets.size();
      auto& d = fleet_.add(std::move(p), node, [this, k](unsigned status, clock_type::time_point at) {
        std::lock_guard lock(mutex_);
        answers_.push_back({k, status, at});
      });
      probes_.push_back(&d);
      probe_node_.push_back(node);
    }
  }

  // Adds load devices until `target` exist, at --rate per second.
  void ramp_to(unsigned target) {
    const auto start = clock_type::now();
    const unsigned from = load_devices_;
    while (load_devices_ < target) {
      const auto due = start + std::chrono::microseconds(1'000'000ull * (load_devices_ - from) / o_.rate);
      if (clock_type::now() < due) sleep_for(due - clock_type::now());
      const unsigned i = load_devices_++;
      char id[24];
      std::snprintf(id, sizeof id, "LG%08u", i);
      fleet_.add(params(user_of(i, o_.devices_per_user), id), i % servers_.targets.size());
    }
  }

  // Waits until `count` Pings are in flight (or the timeout); the number reached.
  unsigned wait_for_pings(unsigned count, clock_type::duration timeout) {
    const auto until = clock_type::now() + timeout;
    auto last_print = clock_type::now();
    for (;;) {
      const unsigned held = fleet_.counters.pings_in_flight;
      if (held >= count || clock_type::now() >= until) return held;
      if (clock_type::now() - last_print > 10s) {
        progress("waiting for " + std::to_string(count) + " Pings");
        last_print = clock_type::now();
      }
      sleep_for(200ms);
    }
  }

  void progress(const std::string& what) {
    auto& c = fleet_.counters;
    std::fprintf(stderr,
                 "  [%s] devices %zu, synced %u, Pings held %u, requests %lu, connects %lu, errors: transport %lu"
                 " HTTP %lu EAS %lu\n",
                 what.c_str(), fleet_.size(), c.synced.load(), c.pings_in_flight.load(), c.requests.load(),
                 c.connects.load(), c.transport_errors.load(), c.http_errors.load(), c.eas_errors.load());
  }

  void measure_held(const std::vector<node_sample>& baseline, unsigned step) {
    const unsigned wanted = step + o_.probe_devices;
    const auto ramp_time = std::chrono::seconds(step / o_.rate + 1);
    const unsigned reached = wait_for_pings(wanted, ramp_time + std::chrono::seconds(o_.step_timeout));
    if (reached < wanted) progress("step not reached");
    sleep_for(std::chrono::seconds(o_.settle_seconds));
    const auto answers_before = total_answers();
    const auto before = sample_nodes(servers_);
    sleep_for(std::chrono::seconds(o_.idle_window));
    const auto after = sample_nodes(servers_);
    const unsigned held = fleet_.counters.pings_in_flight;
    const auto answered = total_answers() - answers_before;
    const std::size_t imap = established_on_port(servers_.imap_port);
    std::uint64_t rss = 0, rss_base = 0;
    double cpu = 0;
    std::size_t fds = 0;
    for (std::size_t n = 0; n < after.size(); ++n) {
      rss += after[n].rss_kib;
      rss_base += baseline[n].rss_kib;
      cpu += after[n].cpu_seconds - before[n].cpu_seconds;
      fds += after[n].fds;
    }
    const double above = static_cast<double>(rss) - static_cast<double>(rss_base);
    const double window = o_.idle_window ? o_.idle_window : 1;
    std::printf("| %u | %u | %.1f MiB | %.1f MiB | %.2f KiB | %.2f%% (%.2f s in %u s) | %lu | %zu | %zu | %lu/%lu/%lu |\n",
                step, held, rss / 1024.0, above / 1024.0, held ? above / held : 0.0, 100.0 * cpu / window, cpu,
                o_.idle_window, answered, fds, imap, fleet_.counters.transport_errors.load(),
                fleet_.counters.http_errors.load(), fleet_.counters.eas_errors.load());
    std::fflush(stdout);
    largest_ = std::max(largest_, held);
  }

  // One new message per sample in the probe user's INBOX — an IMAP APPEND, or with the push plugin an
  // LMTP delivery (the plugin ignores APPEND); each probe device's Status 2 answer is a sample.
  void measure_latency() {
    if (!o_.samples || probes_.empty()) return;
    easd::test::imap_test_client imap(servers_.imap_port, "probe", servers_.password);
    // The OX driver notifies only users with this server metadata (README "Push").
    if (servers_.push_plugin) imap.ok("SETMETADATA \"\" (/private/vendor/vendor.dovecot/http-notify \"user=probe\")");
    std::map<std::size_t, std::vector<double>> by_node, from_sent;
    unsigned lost = 0;
    const unsigned held = fleet_.counters.pings_in_flight;
    for (unsigned i = 0; i < o_.warmup_samples + o_.samples; ++i) {
      if (!probes_held(i == 0 ? 2s : 300ms, 60s)) {
        ++lost;
        continue;
      }
      {
        std::lock_guard lock(mutex_);
        answers_.clear();
      }
      clock_type::time_point sent, ok;
      if (servers_.push_plugin) {
        const auto d = easd::test::lmtp_deliver(servers_.lmtp_port, "probe", "probe" + std::to_string(i));
        sent = d.data_sent;
        ok = d.accepted;
      } else {
        const std::string msg = "From: bench@example.test\r\nTo: probe@example.test\r\nSubject: probe " +
                                std::to_string(i) + "\r\nMessage-ID: <probe" + std::to_string(i) +
                                "@example.test>\r\n\r\nlatency probe\r\n";
        sent = clock_type::now();
        imap.append("INBOX", msg);
        ok = clock_type::now();
      }
      const auto answers = wait_answers(probes_.size(), 10s);
      if (answers.size() < probes_.size()) ++lost;
      if ((i + 1) % 20 == 0) {
        std::fprintf(stderr, "  [latency] %u of %u messages, %u without every answer within 10 s\n", i + 1,
                     o_.warmup_samples + o_.samples, lost);
      }
      if (i < o_.warmup_samples) continue;
      for (const auto& a : answers) {
        by_node[probe_node_[a.device]].push_back(ms(a.at - ok));
        from_sent[probe_node_[a.device]].push_back(ms(a.at - sent));
      }
    }
    for (const auto& [node, v] : by_node) {
      const auto& s = from_sent[node];
      std::printf("| %u | node %zu | %zu | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms |\n",
                  held, node, v.size(), percentile(v, 0.5), percentile(v, 0.99),
                  percentile(v, 1.0), percentile(s, 0.5), percentile(s, 0.99));
    }
    if (lost) std::printf("\n  %u sample(s) without every probe answer within 10 s (or no Ping held to start)\n", lost);
    std::fflush(stdout);
  }

  void hold_for(unsigned seconds) {
    const auto until = clock_type::now() + std::chrono::seconds(seconds);
    while (clock_type::now() < until) {
      sleep_for(std::min<clock_type::duration>(30s, until - clock_type::now()));
      progress("holding");
    }
  }

  unsigned largest() const noexcept { return largest_; }

private:
  struct answer {
    unsigned device;
    unsigned status;
    clock_type::time_point at;
  };

  device_params params(std::string user, std::string device_id) const {
    device_params p;
    p.user = std::move(user);
    p.password = servers_.password;
    p.device_id = std::move(device_id);
    p.protocol_version = o_.protocol_version;
    p.heartbeat = o_.heartbeat;
    p.empty_pings = o_.empty_pings;
    return p;
  }

  unsigned long total_answers() const {
    unsigned long n = 0;
    for (const auto& s : fleet_.counters.ping_status) n += s;
    return n;
  }

  // Every probe device has had a Ping in flight for at least `held_for`.
  bool probes_held(clock_type::duration held_for, clock_type::duration timeout) {
    const auto until = clock_type::now() + timeout;
    while (clock_type::now() < until) {
      const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch()).count();
      bool all = true;
      for (const auto* d : probes_) {
        const auto since = d->watch.in_flight_since.load();
        if (since == 0 || now_ns - since < std::chrono::duration_cast<std::chrono::nanoseconds>(held_for).count()) {
          all = false;
          break;
        }
      }
      if (all) return true;
      sleep_for(5ms);
    }
    return false;
  }

  // The Status 2 answers of distinct probe devices, up to `count`, within `timeout`.
  std::vector<answer> wait_answers(std::size_t count, clock_type::duration timeout) {
    const auto until = clock_type::now() + timeout;
    for (;;) {
      std::vector<answer> out;
      {
        std::lock_guard lock(mutex_);
        std::vector<bool> seen(probes_.size());
        for (const auto& a : answers_) {
          if (a.status != 2 || seen[a.device]) continue;
          seen[a.device] = true;
          out.push_back(a);
        }
      }
      if (out.size() >= count || clock_type::now() >= until) return out;
      sleep_for(1ms);
    }
  }

  const load_options& o_;
  load_servers& servers_;
  fleet& fleet_;
  unsigned load_devices_ = 0;
  unsigned largest_ = 0;
  std::vector<sim_device*> probes_;
  std::vector<std::size_t> probe_node_;
  std::mutex mutex_;
  std::vector<answer> answers_;
};

}  // namespace

int main(int argc, char** argv) {
  std::string error;
  auto parsed = parse_load_options(argc, argv, &error);
  if (!parsed) {
    std::fprintf(stderr, "%s%s%s", error.c_str(), error.empty() ? "" : "\n", load_usage());
    return error.empty() ? 0 : 2;
  }
  const load_options o = *parsed;
  unsigned max_step = 0;
  for (unsigned s : o.steps) max_step = std::max(max_step, s);
  // Client sockets here, server sockets in easd and Dovecot (started from here, so they inherit it).
  const std::uint64_t want_fds = 3ull * (max_step + o.probe_devices) + 20000;
  const std::uint64_t got_fds = raise_nofile(want_fds);
  if (got_fds < want_fds) std::fprintf(stderr, "push_load: RLIMIT_NOFILE is %llu, wanted %llu\n",
                                       static_cast<unsigned long long>(got_fds), static_cast<unsigned long long>(want_fds));
  try {
    load_servers servers(o);
    sleep_for(2s);  // let the fresh processes finish starting before the baseline
    const auto baseline = sample_nodes(servers);
    std::uint64_t base_rss = 0;
    for (const auto& b : baseline) base_rss += b.rss_kib;
    std::printf("push_load: %s; %u device(s) per user, heartbeat %u s, protocol %s%s, %u generator thread(s),"
                " %u devices per source address; easd baseline RSS %.1f MiB; RLIMIT_NOFILE %llu\n\n",
                servers.description.c_str(), o.devices_per_user, o.heartbeat, o.protocol_version.c_str(),
                o.empty_pings ? ", empty Pings after the first" : "", o.threads, o.devices_per_address,
                base_rss / 1024.0, static_cast<unsigned long long>(got_fds));
    std::fflush(stdout);

    fleet_options fo;
    fo.servers = servers.targets;
    fo.ca_files = servers.ca_files;
    fo.threads = o.threads;
    fo.devices_per_address = o.devices_per_address;
    fleet f(fo);
    run r(o, servers, f);
    r.start_probes();

    std::printf("| load devices | Pings held | easd RSS | above baseline | per held Ping | easd CPU idle |"
                " answers in window | easd fds | IMAP conns | errors T/H/E |\n");
    std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (unsigned step : o.steps) {
      r.ramp_to(step);
      r.measure_held(baseline, step);
    }
    std::printf("\nLargest number of Pings held at once: %u (source addresses used: %zu)\n\n", r.largest(),
                f.source_addresses());
    std::fflush(stdout);
    // "Done": the APPEND's tagged OK, or the LMTP 250; "sent": the APPEND command, or the DATA's final dot.
    std::printf("| Pings held | node | samples | p50 from done | p99 from done | max | p50 from sent | p99 from sent |\n");
    std::printf("|---:|---|---:|---:|---:|---:|---:|---:|\n");
    r.measure_latency();
    r.hold_for(o.duration);
    std::printf("\nIMAP connections to Dovecot at the end: %zu\n", established_on_port(servers.imap_port));
    r.progress("done");
    auto& c = f.counters;
    std::printf("Ping answers by Status:");
    for (std::size_t s = 0; s < c.ping_status.size(); ++s)
      if (c.ping_status[s]) std::printf(" %zu=%lu", s, c.ping_status[s].load());
    std::printf(" (0 = no status)\n");
    f.stop();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "push_load: %s\n", e.what());
    return 1;
  }
  return 0;
}
