#include "bench/push_device.hpp"

#include "eas/wbxml/codec.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <charconv>
#include <map>
#include <mutex>
#include <random>
#include <vector>

namespace easd::bench {

namespace net = boost::asio;
using clock_type = std::chrono::steady_clock;
using wbxml::element;

namespace {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch()).count();
}

unsigned to_unsigned(std::string_view s) {
  unsigned v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// What a phone asks for: HTML, truncated; the generator's mail is tiny either way.
test::sync_options sync_opts() {
  test::sync_options o;
  o.window_size = 100;
  o.body_preferences = {test::body_preference{2, 5120, std::nullopt, std::nullopt}};
  return o;
}

}  // namespace

test::eas_client& model_client(const std::string& protocol_version) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<test::eas_client>> clients;
  std::lock_guard lock(mutex);
  auto& c = clients[protocol_version];
  if (!c) {
    test::eas_client_options o;
    o.protocol_version = protocol_version;
    c = std::make_unique<test::eas_client>(std::move(o));
  }
  return *c;
}

sim_device::sim_device(net::any_io_executor ex, device_params params, std::unique_ptr<eas_connection> connection,
                       load_counters& counters, const std::atomic<bool>& stop)
    : params_(std::move(params)),
      connection_(std::move(connection)),
      counters_(counters),
      stop_(stop),
      model_(model_client(params_.protocol_version)),
      pause_timer_(std::make_unique<net::steady_timer>(std::move(ex))) {
  authorization_ = "Basic " + test::base64_encode(params_.user + ":" + params_.password);
  query_suffix_ = "&User=" + test::url_encode(params_.user) + "&DeviceId=" + test::url_encode(params_.device_id) +
                  "&DeviceType=" + test::url_encode(params_.device_type);
}

sim_device::~sim_device() = default;

void sim_device::close() noexcept {
  pause_timer_->cancel();
  connection_->shutdown();
}

net::awaitable<test::eas_response> sim_device::send(const char* cmd, const element* request,
                                                    clock_type::duration timeout, bool& ok) {
  std::string body = request ? wbxml::encode_to_string(*request) : std::string{};
  std::string target = std::string("/Microsoft-Server-ActiveSync?Cmd=") + cmd + query_suffix_;
  const unsigned before = connection_->connects();
  ++counters_.requests;
  // The call's by-value arguments die at the end of this statement, before any suspension.
  auto op = connection_->post(std::move(target), std::move(body), authorization_, params_.protocol_version, timeout);
  http_result r = co_await std::move(op);
  counters_.connects += connection_->connects() - before;
  ok = false;
  if (r.ec) {
    ++counters_.transport_errors;
  } else if (r.response.status != 200) {
    ++counters_.http_errors;
  } else {
    ok = true;
  }
  co_return std::move(r.response);
}

net::awaitable<bool> sim_device::folder_sync() {
  element req = test::node("FolderHierarchy:FolderSync", {test::leaf("FolderHierarchy:SyncKey", model_.folder_key())});
  bool ok = false;
  test::eas_response res = co_await send("FolderSync", &req, std::chrono::seconds(120), ok);
  if (!ok) co_return false;
  const auto round = model_.apply_folder_sync(std::move(res));
  const test::device_folder* inbox = round.status == 1 ? model_.folder_of_type(2) : nullptr;
  if (!inbox) {
    ++counters_.eas_errors;
    co_return false;
  }
  if (inbox->server_id != inbox_) synced_ = false;
  inbox_ = inbox->server_id;
  co_return true;
}

// Key 0 primes the collection; then Sync with GetChanges until nothing more is available.
net::awaitable<bool> sim_device::sync_folder(const std::string& server_id) {
  if (!model_.folders().count(server_id)) co_return true;  // a folder the device does not know: FolderSync first
  test::device_folder& f = model_.folder(server_id);
  const auto opts = sync_opts();
  for (int round = 0; round < 100; ++round) {
    const bool priming = f.sync_key == "0";
    element req = model_.sync_request(f, opts, {});
    bool ok = false;
    test::eas_response res = co_await send("Sync", &req, std::chrono::seconds(120), ok);
    if (!ok) co_return false;
    const auto r = model_.apply_sync(f, std::move(res));
    if (r.empty_body) co_return true;
    if (r.status == 3) continue;  // the key was forgotten: the model starts again at 0
    if (r.status != 1) {
      ++counters_.eas_errors;
      co_return false;
    }
    if (!priming && !r.more_available) co_return true;
  }
  ++counters_.eas_errors;
  co_return false;
}

net::awaitable<bool> sim_device::ping(bool& hierarchy_stale) {
  std::optional<element> req;
  if (!params_.empty_pings || !full_ping_sent_) {
    req = test::node("Ping:Ping", {test::leaf("Ping:HeartbeatInterval", std::to_string(params_.heartbeat))});
    element& folder = req->add("Ping:Folders").add("Ping:Folder");
    folder.add("Ping:Id", inbox_);
    folder.add("Ping:Class", "Email");
  }
  const auto timeout = std::chrono::seconds(params_.heartbeat) + std::chrono::seconds(120);
  watch.in_flight_since = now_ns();
  ++counters_.pings_in_flight;
  bool ok = false;
  test::eas_response res = co_await send("Ping", req ? &*req : nullptr, timeout, ok);
  const auto at = clock_type::now();
  --counters_.pings_in_flight;
  watch.in_flight_since = 0;
  if (!ok) co_return false;
  const unsigned status = res.eas_status().value_or(0);
  ++counters_.ping_status[status < counters_.ping_status.size() ? status : 0];
  if (watch.on_answer) watch.on_answer(status, at);

  std::vector<std::string> changed;
  bool result = true;
  if (status == 1 || status == 2) {
    full_ping_sent_ = true;
    if (const element* folders = res.document->child("Ping:Folders")) {
      for (const auto& c : folders->children()) changed.push_back(c.text());
    }
    if (status == 2 && changed.empty()) changed.push_back(inbox_);
  } else if (status == 3) {
    full_ping_sent_ = false;  // the server lost the parameters: send them again
  } else if (status == 5) {
    if (auto h = res.document->child_text("Ping:HeartbeatInterval")) params_.heartbeat = to_unsigned(*h);
    full_ping_sent_ = false;
  } else if (status == 7) {
    hierarchy_stale = true;
  } else {
    ++counters_.eas_errors;
    result = false;
  }
  for (const auto& id : changed) {
    const bool synced = co_await sync_folder(id);
    if (!synced) result = false;
  }
  co_return result;
}

net::awaitable<void> sim_device::pause() {
  // Exponential up to 16× the base, with jitter, so a failing server is not hammered in lock-step.
  thread_local std::minstd_rand rng{std::random_device{}()};
  const unsigned factor = 1u << std::min(failures_, 4u);
  const auto base = std::chrono::duration_cast<std::chrono::milliseconds>(params_.backoff) * factor;
  std::uniform_int_distribution<long> jitter(0, base.count() / 2 + 1);
  pause_timer_->expires_after(base + std::chrono::milliseconds(jitter(rng)));
  co_await pause_timer_->async_wait(net::as_tuple(net::use_awaitable));
}

net::awaitable<void> sim_device::run() {
  ++counters_.started;
  bool stale = true;  // no hierarchy yet
  while (!stop_) {
    bool ok = true;
    if (stale) {
      ok = co_await folder_sync();
      stale = !ok;
    }
    if (ok && !synced_) {
      ok = co_await sync_folder(inbox_);
      if (ok && !synced_) {
        synced_ = true;
        ++counters_.synced;
      }
    }
    if (ok) ok = co_await ping(stale);
    if (ok) {
      failures_ = 0;
      continue;
    }
    if (stop_) break;
    ++failures_;
    co_await pause();
  }
}

}  // namespace easd::bench
