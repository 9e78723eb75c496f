// mail_sync_bench: the real easd binary against a real Dovecot on loopback, driven by the test client's
// device model (tests/support/eas_device.hpp) — the numbers of issue 3's "Done when":
//
//   * initial sync of a 1,000- and a 10,000-message INBOX with WindowSize 100 and 512: wall time,
//     messages/s, requests, response bytes, easd's peak RSS (VmHWM of /proc/PID/status; easd is restarted
//     before each run so the peak belongs to that run);
//   * a no-change incremental Sync: latency p50/p99 and IMAP commands per request (easd reaches Dovecot
//     through imap_counting_proxy, plain IMAP, which counts tagged completions);
//   * FolderSync (no change) latency p50/p99 and IMAP commands.
//
// Not a Google Benchmark: every measurement needs services started around it. Mailboxes are written as
// Maildir files (mail_seed.hpp write_maildir) and indexed by Dovecot before timing starts. Usage:
//   mail_sync_bench [--sizes 1000,10000] [--windows 100,512] [--iterations 200] [--no-condstore]
// Prints a Markdown table for bench/RESULTS.md. Needs root (Dovecot), like the integration tests.
#include "tests/support/eas_device.hpp"
#include "tests/support/imap_counting_proxy.hpp"
#include "tests/support/mail_seed.hpp"
#include "tests/support/services.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace easd::test;
using clock_type = std::chrono::steady_clock;

std::vector<unsigned> parse_list(const char* s) {
  std::vector<unsigned> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(static_cast<unsigned>(std::stoul(item)));
  return out;
}

// VmHWM (peak resident set) of a process in KiB, 0 when unreadable.
unsigned long peak_rss_kib(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoul(line.substr(6));
  }
  return 0;
}

double ms(clock_type::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

struct bench_env {
  std::unique_ptr<run_dir> run;
  std::unique_ptr<dovecot_service> dovecot;
  std::unique_ptr<imap_counting_proxy> proxy;
  std::unique_ptr<easd_service> easd;

  explicit bench_env(bool condstore) {
    run = std::make_unique<run_dir>("bench-mail");
    dovecot_options d;
    d.condstore = condstore;
    dovecot = std::make_unique<dovecot_service>(run->path(), d);
    proxy = std::make_unique<imap_counting_proxy>(dovecot->imap_port());
    easd_service::options o;
    o.plain = false;
    o.imap_port = proxy->port();
    o.imap_security = "none";
    o.log_level = "warn";  // a debug line per request would be measured too
    o.extra_toml = "[auth]\nfailure_floor_ms = 300\nmax_failures_per_address = 100000\nmax_failures_per_user = 100000\n";
    easd = std::make_unique<easd_service>(run->path(), easd_binary(), std::move(o));
  }
  eas_client client(const std::string& user, const std::string& device) {
    eas_client_options o;
    o.port = easd->port();
    o.tls = true;
    o.ca_file = easd->cert_file().string();
    o.user = user;
    o.password = "secret";
    o.device_id = device;
    o.protocol_version = "14.1";
    o.timeout = std::chrono::seconds(300);
    return eas_client(std::move(o));
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<unsigned> sizes = {1000, 10000}, windows = {100, 512};
  unsigned iterations = 200;
  bool condstore = true;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--sizes") && i + 1 < argc) sizes = parse_list(argv[++i]);
    else if (!std::strcmp(argv[i], "--windows") && i + 1 < argc) windows = parse_list(argv[++i]);
    else if (!std::strcmp(argv[i], "--iterations") && i + 1 < argc) iterations = static_cast<unsigned>(std::stoul(argv[++i]));
    else if (!std::strcmp(argv[i], "--no-condstore")) condstore = false;
    else {
      std::fprintf(stderr, "usage: %s [--sizes N,N] [--windows N,N] [--iterations N] [--no-condstore]\n", argv[0]);
      return 2;
    }
  }
  try {
    bench_env env(condstore);
    std::printf("mail_sync_bench: Dovecot %s CONDSTORE, easd %s\n\n", condstore ? "with" : "without",
                easd_binary().c_str());
    std::printf("| INBOX | WindowSize | wall | messages/s | requests | response bytes | easd peak RSS | IMAP cmds |\n");
    std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (unsigned size : sizes) {
      const std::string user = "bench" + std::to_string(size);
      write_maildir(env.run->path(), user, "INBOX", small_messages("bench", size));
      {
        imap_test_client imap(env.dovecot->imap_port(), user, "secret");
        if (imap.select("INBOX").exists != size) throw std::runtime_error("seeding failed");
      }
      for (unsigned window : windows) {
        env.easd->stop();
        env.easd->start();  // a fresh process: its VmHWM is this run's
        auto client = env.client(user, "b" + std::to_string(size) + "w" + std::to_string(window));
        eas_device device(client);
        if (device.folder_sync().status != 1) throw std::runtime_error("FolderSync failed");
        const auto* inbox = device.folder_of_type(2);
        if (!inbox) throw std::runtime_error("no Inbox");
        sync_options o;
        o.window_size = window;
        o.body_preferences = {body_preference{2, 5120, std::nullopt, 255}};
        const auto cmds_before = env.proxy->commands();
        const auto start = clock_type::now();
        const auto t = device.sync_all(inbox->server_id, o);
        const double wall = ms(clock_type::now() - start);
        if (t.adds != size || !device.anomalies.empty()) {
          std::fprintf(stderr, "initial sync incomplete: %u of %u adds, status %u, %zu anomalies\n", t.adds, size,
                       t.last_status, device.anomalies.size());
        }
        std::printf("| %u | %u | %.0f ms | %.0f | %u | %llu | %.1f MiB | %llu |\n", size, window, wall,
                    size / (wall / 1000.0), t.requests, static_cast<unsigned long long>(t.bytes),
                    peak_rss_kib(env.easd->pid()) / 1024.0,
                    static_cast<unsigned long long>(env.proxy->commands() - cmds_before));
        std::fflush(stdout);

        if (window != windows.back()) continue;
        // The no-change Sync and FolderSync, on the synced device.
        std::vector<double> sync_ms, folder_ms;
        const auto sync_cmds = env.proxy->commands();
        for (unsigned i = 0; i < iterations; ++i) {
          const auto s = clock_type::now();
          auto r = device.sync(inbox->server_id, o);
          sync_ms.push_back(ms(clock_type::now() - s));
          if (r.adds + r.changes + r.deletes != 0) std::fprintf(stderr, "no-change Sync brought changes\n");
        }
        const double sync_per = double(env.proxy->commands() - sync_cmds) / iterations;
        const auto fs_cmds = env.proxy->commands();
        for (unsigned i = 0; i < iterations; ++i) {
          const auto s = clock_type::now();
          device.folder_sync();
          folder_ms.push_back(ms(clock_type::now() - s));
        }
        const double fs_per = double(env.proxy->commands() - fs_cmds) / iterations;
        std::printf("\n  %u messages: no-change Sync p50 %.2f ms, p99 %.2f ms, %.2f IMAP commands/request;"
                    " FolderSync p50 %.2f ms, p99 %.2f ms, %.2f IMAP commands/request\n\n",
                    size, percentile(sync_ms, 0.5), percentile(sync_ms, 0.99), sync_per, percentile(folder_ms, 0.5),
                    percentile(folder_ms, 0.99), fs_per);
      }
    }
    auto names = env.proxy->by_name();
    std::printf("IMAP commands by name over the whole run:");
    for (const auto& [n, c] : names) std::printf(" %s=%llu", n.c_str(), static_cast<unsigned long long>(c));
    std::printf("\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mail_sync_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
