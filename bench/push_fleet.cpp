#include "bench/push_fleet.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>

#include <openssl/ssl.h>

#include <stdexcept>
#include <thread>

namespace easd::bench {

namespace net = boost::asio;

struct fleet::shard {
  net::io_context ioc{1};
  net::executor_work_guard<net::io_context::executor_type> guard{ioc.get_executor()};
  // Appended by the main thread before stop(), read on the shard's thread only in stop().
  std::vector<std::unique_ptr<sim_device>> devices;
  std::thread thread;
};

net::ip::address_v4 source_address(std::size_t n, unsigned per_address) {
  const auto block = static_cast<std::uint32_t>(n / (per_address ? per_address : 1));
  return net::ip::address_v4(0x7F000002u + block);  // 127.0.0.2, …; 127.255.255.255 is far away
}

fleet::fleet(fleet_options options) : options_(std::move(options)) {
  if (options_.servers.empty()) throw std::invalid_argument("fleet: no servers");
  tls_ = std::make_unique<net::ssl::context>(net::ssl::context::tls_client);
  if (options_.ca_files.empty()) {
    tls_->set_verify_mode(net::ssl::verify_none);
  } else {
    for (const auto& f : options_.ca_files) tls_->load_verify_file(f);
    tls_->set_verify_mode(net::ssl::verify_peer);
  }
  // The generator's own memory: idle connections give their TLS read/write buffers back.
  SSL_CTX_set_mode(tls_->native_handle(), SSL_MODE_RELEASE_BUFFERS);
  const unsigned n = options_.threads ? options_.threads : 1;
  for (unsigned i = 0; i < n; ++i) {
    auto s = std::make_unique<shard>();
    s->thread = std::thread([ioc = &s->ioc] { ioc->run(); });
    shards_.push_back(std::move(s));
  }
}

fleet::~fleet() { stop(); }

sim_device& fleet::add(device_params params, std::size_t server_index,
                       std::function<void(unsigned, std::chrono::steady_clock::time_point)> watch_answer) {
  if (stopped_) throw std::logic_error("fleet: add after stop");
  shard& s = *shards_[added_ % shards_.size()];
  const auto& target = options_.servers.at(server_index % options_.servers.size());
  auto ex = s.ioc.get_executor();
  auto conn = std::make_unique<eas_connection>(ex, target, tls_.get(),
                                               source_address(added_, options_.devices_per_address));
  auto dev = std::make_unique<sim_device>(ex, std::move(params), std::move(conn), counters, stop_);
  dev->watch.on_answer = std::move(watch_answer);
  sim_device& ref = *dev;
  s.devices.push_back(std::move(dev));
  ++added_;
  net::co_spawn(s.ioc, ref.run(), net::detached);
  return ref;
}

std::size_t fleet::source_addresses() const noexcept {
  const unsigned per = options_.devices_per_address ? options_.devices_per_address : 1;
  return (added_ + per - 1) / per;
}

void fleet::stop() {
  if (stopped_) return;
  stopped_ = true;
  stop_ = true;
  for (auto& s : shards_) {
    net::post(s->ioc, [sh = s.get()] {
      for (auto& d : sh->devices) d->close();
    });
    s->guard.reset();  // run() returns once every device coroutine has finished
  }
  for (auto& s : shards_) s->thread.join();
  // Devices (and their sockets) go before the io_contexts they were registered with.
  for (auto& s : shards_) s->devices.clear();
  shards_.clear();
}

}  // namespace easd::bench
