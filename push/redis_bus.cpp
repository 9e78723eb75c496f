#include "push/redis_bus.hpp"

#include "eas/core/log_escape.hpp"
#include "push/keys.hpp"
#include "push/redis_link.hpp"

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <mutex>
#include <random>
#include <unordered_map>

namespace easd::push {

namespace net = boost::asio;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr std::size_t node_id_size = 16;
constexpr std::size_t subscribe_batch = 256;  // channels per SUBSCRIBE after a reconnect
constexpr auto reject_log_interval = std::chrono::seconds(10);
constexpr std::int64_t max_ttl_seconds = 10LL * 365 * 86400;

std::string random_node_id() {
  std::random_device rd;
  std::uniform_int_distribution<int> nibble(0, 15);
  std::string id;
  for (std::size_t i = 0; i < node_id_size; ++i) id += "0123456789abcdef"[nibble(rd)];
  return id;
}

std::string ttl_text(std::chrono::seconds ttl) {
  return std::to_string(std::clamp<std::int64_t>(ttl.count(), 1, max_ttl_seconds));
}

std::string_view reply_string(const redisReply* r) {
  return r && r->str ? std::string_view(r->str, r->len) : std::string_view{};
}

bool is_string(const redisReply* r) { return r && r->type == REDIS_REPLY_STRING; }

std::optional<std::uint64_t> parse_counter(std::string_view s) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

namespace detail {

// Everything the bus does happens on `strand` (apart from the atomics); every handler that can outlive
// the redis_bus object holds a shared_ptr to this, so nothing is called back after it is gone.
struct redis_bus_state : std::enable_shared_from_this<redis_bus_state> {
  enum class role { pubsub, command };

  struct slot {
    explicit slot(const redis_strand& s, role r) : kind(r), retry(s) {}
    role kind;
    std::shared_ptr<redis_link> link;
    net::steady_timer retry;
    std::chrono::milliseconds delay{0};
    bool down_logged = false;  // "lost"/"unreachable" was logged; the next success logs "restored"
    const char* name() const { return kind == role::pubsub ? "pubsub" : "command"; }
    bool ready() const { return link && link->ready(); }
  };

  // A user channel: what the hub wants and what Redis has. One SUBSCRIBE or UNSUBSCRIBE in flight at a
  // time per channel: hiredis 0.14 drops a channel's callback when an UNSUBSCRIBE reply arrives after a
  // newer SUBSCRIBE was sent, which would silently lose that user's messages.
  struct channel {
    std::string user;
    bool wanted = false;
    bool subscribed = false;
    bool pending = false;
  };

  struct local_value {
    std::string value;
    clock_type::time_point expires;
  };

  redis_bus_state(net::any_io_executor ex, redis_bus_options o)
      : strand(net::make_strand(ex)),
        opts(std::move(o)),
        node_id(random_node_id()),
        sub(strand, role::pubsub),
        cmd(strand, role::command),
        health(strand) {
    sub.delay = cmd.delay = opts.backoff_min;
  }

  redis_strand strand;
  redis_bus_options opts;
  const std::string node_id;
  bus_sinks sinks;
  // Held around every sink call and while stop() sets `stopped`: once stop() returns, no sink runs, so
  // the hub may go away.
  std::mutex sinks_mutex;
  std::atomic<bool> stopped{false};
  bool started = false;

  slot sub, cmd;
  net::steady_timer health;
  bool health_waiting = false;

  std::unordered_map<std::string, channel> channels;
  std::size_t pending_subscribes = 0;
  bool resync_due = false;

  std::unordered_map<std::string, local_value> local;

  clock_type::time_point last_reject_log{};
  std::uint64_t rejects_unlogged = 0;
  std::mt19937 jitter{std::random_device{}()};

  std::atomic<std::uint64_t> published{0}, received{0}, own{0}, rejected{0}, fallbacks{0}, connects{0},
      command_connects{0};

  // --- connections ---------------------------------------------------------------------------------

  slot& slot_of(role r) { return r == role::pubsub ? sub : cmd; }

  void connect(role r) {
    auto& s = slot_of(r);
    if (stopped || s.link) return;
    redis_link::handlers h;
    const std::weak_ptr<redis_bus_state> weak = weak_from_this();
    h.on_ready = [weak, r](bool ok, std::string why) {
      if (const auto self = weak.lock()) self->link_ready(r, ok, why);
    };
    h.on_lost = [weak, r] {
      if (const auto self = weak.lock()) self->link_lost(r, "connection closed");
    };
    if (r == role::pubsub) {
      h.on_pubsub = [weak](redisReply* reply) {
        if (const auto self = weak.lock()) self->pubsub_reply(reply);
      };
    }
    // Resolving and connecting share the deadline with AUTH, SELECT and the first PING.
    s.link = redis_link::create(strand, opts.endpoint, 2 * opts.command_timeout, std::move(h));
    s.link->start();
  }

  void link_ready(role r, bool ok, const std::string& why) {
    auto& s = slot_of(r);
    if (stopped) return;
    if (!ok) {
      s.link.reset();
      if (!s.down_logged) {
        s.down_logged = true;
        spdlog::warn(
            "redis_bus event=unreachable connection={} server={} reason={}; pushes stay on this node "
            "until it is back",
            s.name(), redacted_redis_url(opts.endpoint), log_escape(why));
      }
      schedule_retry(s);
      return;
    }
    s.delay = opts.backoff_min;
    if (s.down_logged) {
      s.down_logged = false;
      spdlog::info("redis_bus event=restored connection={} server={}", s.name(), redacted_redis_url(opts.endpoint));
    } else {
      spdlog::info("redis_bus event=connected connection={} server={}", s.name(), redacted_redis_url(opts.endpoint));
    }
    if (r == role::pubsub) {
      ++connects;
      resubscribe_all();
    } else {
      ++command_connects;
      health_waiting = false;
    }
  }

  void link_lost(role r, const char* why) {
    auto& s = slot_of(r);
    if (stopped) return;
    if (s.link) s.link->close();
    s.link.reset();
    if (!s.down_logged) {
      s.down_logged = true;
      spdlog::warn("redis_bus event=lost connection={} server={} reason={}; pushes stay on this node until it is back",
                   s.name(), redacted_redis_url(opts.endpoint), why);
    }
    if (r == role::pubsub) {
      // Redis forgot our subscriptions with the connection; what is still wanted is subscribed again.
      pending_subscribes = 0;
      resync_due = false;
      for (auto it = channels.begin(); it != channels.end();) {
        it->second.subscribed = it->second.pending = false;
        it = it->second.wanted ? std::next(it) : channels.erase(it);
      }
    } else {
      health_waiting = false;
    }
    s.delay = opts.backoff_min;
    schedule_retry(s);
  }

  void schedule_retry(slot& s) {
    // Jitter: half the delay fixed, half random, so nodes that lost Redis together do not return in step.
    const auto base = s.delay.count();
    std::uniform_int_distribution<long long> spread(0, std::max<long long>(base / 2, 1));
    s.retry.expires_after(std::chrono::milliseconds(base - base / 2 + spread(jitter)));
    s.delay = std::min(s.delay * 2, opts.backoff_max);
    const auto r = s.kind;
    s.retry.async_wait([weak = weak_from_this(), r](boost::system::error_code ec) {
      const auto self = weak.lock();
      if (!ec && self) self->connect(r);
    });
  }

  void arm_health() {
    health.expires_after(opts.health_interval);
    health.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
      const auto self = weak.lock();
      if (ec || !self || self->stopped) return;
      self->health_check();
      self->arm_health();
    });
  }

  // A Redis that stops answering without closing the socket (paused, partitioned) is found here: the PING
  // of the previous round is still unanswered. Both connections go to the same server, so both restart.
  void health_check() {
    if (!cmd.ready()) return;
    if (health_waiting) {
      link_lost(role::command, "no answer to PING");
      if (sub.link) link_lost(role::pubsub, "no answer to PING on the command connection");
      return;
    }
    health_waiting = true;
    cmd.link->command({"PING"}, [weak = weak_from_this()](redisReply* reply) {
      if (const auto self = weak.lock(); self && reply) self->health_waiting = false;
    });
  }

  // --- subscriptions -------------------------------------------------------------------------------

  void set_interest(const std::string& user, bool on) {
    if (stopped) return;
    auto name = keys::user_channel(user);
    auto it = channels.find(name);
    if (it == channels.end()) {
      if (!on) return;
      it = channels.emplace(std::move(name), channel{user}).first;
    }
    it->second.wanted = on;
    advance(it);
  }

  // Moves one channel one step towards what is wanted; erases it when nothing is wanted or pending.
  void advance(std::unordered_map<std::string, channel>::iterator it) {
    auto& c = it->second;
    if (c.pending) return;
    if (c.wanted == c.subscribed) {
      if (!c.wanted) channels.erase(it);
      return;
    }
    if (!sub.ready()) {
      if (!c.wanted && !c.subscribed) channels.erase(it);
      return;  // the reconnect subscribes what is wanted then
    }
    const std::vector<std::string> one{it->first};
    if (sub.link->pubsub(c.wanted ? "SUBSCRIBE" : "UNSUBSCRIBE", one)) {
      c.pending = true;
      if (c.wanted) ++pending_subscribes;
    }
  }

  void resubscribe_all() {
    pending_subscribes = 0;
    std::vector<std::string> batch;
    const auto flush = [&] {
      if (batch.empty()) return;
      if (sub.link->pubsub("SUBSCRIBE", batch)) {
        for (const auto& name : batch) {
          channels[name].pending = true;
          ++pending_subscribes;
        }
      }
      batch.clear();
    };
    for (auto& [name, c] : channels) {
      c.subscribed = c.pending = false;
      if (!c.wanted) continue;
      batch.push_back(name);
      if (batch.size() == subscribe_batch) flush();
    }
    flush();
    for (auto it = channels.begin(); it != channels.end();) it = it->second.wanted ? std::next(it) : channels.erase(it);
    // Every waiter re-checks once all its channels are subscribed again: a change published after that
    // reaches us, one published before is found by the re-check.
    resync_due = true;
    maybe_resync();
  }

  void maybe_resync() {
    if (!resync_due || pending_subscribes > 0) return;
    resync_due = false;
    const std::lock_guard lock(sinks_mutex);
    if (!stopped && sinks.resync) sinks.resync();
  }

  void deliver(const message& m) {
    const std::lock_guard lock(sinks_mutex);
    if (!stopped && sinks.deliver) sinks.deliver(m);
  }

  void pubsub_reply(redisReply* r) {
    if (stopped || r->type != REDIS_REPLY_ARRAY || r->elements < 3) return;
    const auto kind = reply_string(r->element[0]);
    if (!is_string(r->element[1])) return;
    const std::string name(reply_string(r->element[1]));
    if (kind == "message") {
      if (is_string(r->element[2])) heard(name, reply_string(r->element[2]));
      return;
    }
    const bool subscribed = kind == "subscribe";
    if (!subscribed && kind != "unsubscribe") return;
    auto it = channels.find(name);
    if (it == channels.end()) {
      if (!subscribed) return;
      // Not ours (a stale reply): give it back, or its messages would keep arriving.
      it = channels.emplace(name, channel{}).first;
    }
    // A user's channel newly subscribed: what other nodes published between the hub's interest() and
    // this confirmation was missed, so that user's waiters re-check (a full resync covers reconnects).
    const bool recheck_user = subscribed && it->second.pending && it->second.wanted && !resync_due &&
                              !it->second.user.empty();
    const std::string user = recheck_user ? it->second.user : std::string();
    if (it->second.pending) {
      it->second.pending = false;
      if (subscribed && pending_subscribes > 0) --pending_subscribes;
    }
    it->second.subscribed = subscribed;
    advance(it);
    maybe_resync();
    if (recheck_user) {
      const std::lock_guard lock(sinks_mutex);
      if (!stopped && sinks.resync_user) sinks.resync_user(user);
    }
  }

  void heard(const std::string& channel_name, std::string_view payload) {
    if (payload.size() < node_id_size) {
      reject("short payload");
      return;
    }
    if (payload.substr(0, node_id_size) == node_id) {
      ++own;  // delivered locally when published
      return;
    }
    auto m = decode(payload.substr(node_id_size));
    if (!m) {
      reject("undecodable message");
      return;
    }
    // A message naming another user than its channel's: never let one user's channel wake another.
    if (keys::user_channel(m->user) != channel_name) {
      reject("message for another user's channel");
      return;
    }
    ++received;
    deliver(*m);
  }

  void reject(const char* why) {
    ++rejected;
    ++rejects_unlogged;
    const auto now = clock_type::now();
    if (now - last_reject_log < reject_log_interval) return;
    spdlog::warn("redis_bus event=rejected reason={} count={} (messages dropped since the last report)", why,
                 rejects_unlogged);
    last_reject_log = now;
    rejects_unlogged = 0;
  }

  // --- the node-local fallback store ---------------------------------------------------------------

  void local_put(const std::string& key, std::string value, std::chrono::seconds ttl) {
    ++fallbacks;
    const auto now = clock_type::now();
    if (local.size() >= opts.local_capacity && !local.count(key)) {
      std::erase_if(local, [&](const auto& e) { return e.second.expires <= now; });
      if (local.size() >= opts.local_capacity) local.erase(local.begin());
    }
    local[key] = {std::move(value),
                  now + std::chrono::seconds(std::clamp<std::int64_t>(ttl.count(), 1, max_ttl_seconds))};
  }

  std::optional<std::string> local_get(const std::string& key) {
    const auto it = local.find(key);
    if (it == local.end()) return std::nullopt;
    if (it->second.expires <= clock_type::now()) {
      local.erase(it);
      return std::nullopt;
    }
    return it->second.value;
  }

  std::uint64_t local_counter(const std::string& key) {
    const auto v = local_get(key);
    return v ? parse_counter(*v).value_or(0) : 0;
  }

  std::uint64_t local_increment(const std::string& key, std::chrono::seconds ttl) {
    const auto next = local_counter(key) + 1;
    local_put(key, std::to_string(next), ttl);
    return next;
  }

  bool can_send() const { return !stopped && cmd.ready() && cmd.link->in_flight() < opts.max_in_flight; }

  // --- operations, on the strand -------------------------------------------------------------------

  void do_publish(const message& m) {
    if (stopped) return;
    deliver(m);
    if (!can_send()) return;
    const auto name = keys::user_channel(m.user);
    const auto wire = node_id + encode(m);
    if (cmd.link->command({"PUBLISH", name, wire}, nullptr)) ++published;
  }

  void do_put(const std::string& key, const std::string& value, std::chrono::seconds ttl,
              std::function<void(bool)> done) {
    if (!can_send()) {
      local_put(key, value, ttl);
      done(false);
      return;
    }
    const auto seconds = ttl_text(ttl);
    const bool sent = cmd.link->command(
        {"SET", key, value, "EX", seconds}, [weak = weak_from_this(), key, value, ttl, done](redisReply* reply) {
          const auto self = weak.lock();
          if (!self) return done(false);
          if (reply && reply->type == REDIS_REPLY_STATUS) {
            self->local.erase(key);  // Redis has the newer value; a fallback copy would only shadow it later
            return done(true);
          }
          self->local_put(key, value, ttl);
          done(false);
        });
    if (!sent) {
      local_put(key, value, ttl);
      done(false);
    }
  }

  void do_get(const std::string& key, std::function<void(std::optional<std::string>)> done) {
    if (!can_send()) {
      ++fallbacks;
      done(local_get(key));
      return;
    }
    const bool sent = cmd.link->command({"GET", key}, [weak = weak_from_this(), key, done](redisReply* reply) {
      const auto self = weak.lock();
      if (!self) return done(std::nullopt);
      if (is_string(reply)) return done(std::string(reply_string(reply)));
      // Nil: perhaps it was written here while Redis was away. An error or no reply: the fallback.
      if (!reply || reply->type != REDIS_REPLY_NIL) ++self->fallbacks;
      done(self->local_get(key));
    });
    if (!sent) {
      ++fallbacks;
      done(local_get(key));
    }
  }

  void do_increment(const std::string& key, std::chrono::seconds ttl, std::function<void(std::uint64_t)> done) {
    if (!can_send()) {
      done(local_increment(key, ttl));
      return;
    }
    const auto seconds = ttl_text(ttl);
    const bool sent =
        cmd.link->command({"INCR", key}, [weak = weak_from_this(), key, ttl, seconds, done](redisReply* reply) {
          const auto self = weak.lock();
          if (!self) return done(0);
          if (!reply || reply->type != REDIS_REPLY_INTEGER || reply->integer < 1) {
            return done(self->local_increment(key, ttl));
          }
          auto value = static_cast<std::uint64_t>(reply->integer);
          // Counted here while Redis was away: never hand out a smaller number than before, and lift Redis
          // to it, so "the newest Ping wins" keeps its order across the outage.
          if (const auto before = self->local_counter(key); before >= value) {
            const auto lift = std::to_string(before + 1 - value);
            if (self->can_send()) self->cmd.link->command({"INCRBY", key, lift}, nullptr);
            value = before + 1;
          }
          self->local.erase(key);
          if (self->can_send()) self->cmd.link->command({"EXPIRE", key, seconds}, nullptr);
          done(value);
        });
    if (!sent) done(local_increment(key, ttl));
  }

  void do_stop() {
    sub.retry.cancel();
    cmd.retry.cancel();
    health.cancel();
    // Pending replies complete now, with their fallbacks; nothing calls back afterwards.
    if (sub.link) sub.link->close();
    if (cmd.link) cmd.link->close();
    // Dropped a turn later: stop() may run inside a link's own callback (a sink that stops the hub).
    net::post(strand, [links = std::make_pair(std::move(sub.link), std::move(cmd.link))] {});
    channels.clear();
    // The sinks stay: stop() may run inside one of them. `stopped` keeps them from being called.
  }
};

namespace {

// One put/get/increment: the first of the reply (done) and the deadline (fallback) completes the awaitable,
// on the awaiting coroutine's executor.
template <class T, class Handler>
struct pending_op {
  pending_op(Handler h, const redis_strand& s) : handler(std::move(h)), timer(s) {}

  void complete(T value) {
    if (finished) return;
    finished = true;
    timer.cancel();
    const auto ex = net::get_associated_executor(handler, timer.get_executor());
    net::post(ex, [h = std::move(handler), v = std::move(value)]() mutable { std::move(h)(std::move(v)); });
  }

  Handler handler;
  net::steady_timer timer;
  bool finished = false;
};

template <class T, class Start, class Fallback>
net::awaitable<T> run_on_bus(std::shared_ptr<redis_bus_state> st, Start start, Fallback fallback) {
  auto initiation = [](auto handler, std::shared_ptr<redis_bus_state> state, Start begin, Fallback late) {
    using op_type = pending_op<T, decltype(handler)>;
    auto op = std::make_shared<op_type>(std::move(handler), state->strand);
    net::dispatch(state->strand, [state, op, begin = std::move(begin), late = std::move(late)]() mutable {
      op->timer.expires_after(state->opts.command_timeout);
      op->timer.async_wait([state, op, late](boost::system::error_code ec) {
        if (ec || op->finished) return;
        op->complete(late(*state));
      });
      begin(*state, std::function<void(T)>([op](T v) { op->complete(std::move(v)); }));
    });
  };
  auto pending = net::async_initiate<const net::use_awaitable_t<>&, void(T)>(
      std::move(initiation), net::use_awaitable, std::move(st), std::move(start), std::move(fallback));
  co_return co_await std::move(pending);
}

net::awaitable<void> discard(net::awaitable<bool> op) { co_await std::move(op); }

}  // namespace
}  // namespace detail

redis_bus::redis_bus(net::any_io_executor ex, redis_bus_options opts)
    : state_(std::make_shared<detail::redis_bus_state>(std::move(ex), std::move(opts))) {}

redis_bus::~redis_bus() { stop(); }

void redis_bus::start(bus_sinks sinks) {
  net::dispatch(state_->strand, [st = state_, sinks = std::move(sinks)]() mutable {
    if (st->started || st->stopped) return;
    st->started = true;
    st->sinks = std::move(sinks);
    st->connect(detail::redis_bus_state::role::pubsub);
    st->connect(detail::redis_bus_state::role::command);
    st->arm_health();
  });
}

void redis_bus::stop() {
  auto& st = *state_;
  if (st.strand.running_in_this_thread()) {
    // Inside a sink (which holds sinks_mutex) or another handler of ours: already serialized.
    if (!st.stopped.exchange(true)) st.do_stop();
    return;
  }
  {
    const std::lock_guard lock(st.sinks_mutex);  // waits for a sink call in progress on the strand
    if (st.stopped.exchange(true)) return;
  }
  net::post(st.strand, [s = state_] { s->do_stop(); });
}

// post, not dispatch: a sink that publishes must not re-enter the bus.
void redis_bus::publish(const message& m) {
  net::post(state_->strand, [st = state_, m] { st->do_publish(m); });
}

void redis_bus::interest(std::string_view user, bool on) {
  net::post(state_->strand, [st = state_, u = std::string(user), on] { st->set_interest(u, on); });
}

// Not coroutines: a member coroutine would keep `this` in its frame, and the bus may be gone before it
// resumes. run_on_bus holds the shared state instead.
net::awaitable<void> redis_bus::put(std::string key, std::string value, std::chrono::seconds ttl) {
  using state = detail::redis_bus_state;
  auto start = [key, value, ttl](state& s, std::function<void(bool)> done) {
    s.do_put(key, value, ttl, std::move(done));
  };
  auto fallback = [key, value, ttl](state& s) {
    s.local_put(key, value, ttl);
    return false;
  };
  return detail::discard(detail::run_on_bus<bool>(state_, std::move(start), std::move(fallback)));
}

net::awaitable<std::optional<std::string>> redis_bus::get(std::string key) {
  using state = detail::redis_bus_state;
  auto start = [key](state& s, std::function<void(std::optional<std::string>)> done) {
    s.do_get(key, std::move(done));
  };
  auto fallback = [key](state& s) {
    ++s.fallbacks;
    return s.local_get(key);
  };
  return detail::run_on_bus<std::optional<std::string>>(state_, std::move(start), std::move(fallback));
}

net::awaitable<std::uint64_t> redis_bus::increment(std::string key, std::chrono::seconds ttl) {
  using state = detail::redis_bus_state;
  auto start = [key, ttl](state& s, std::function<void(std::uint64_t)> done) {
    s.do_increment(key, ttl, std::move(done));
  };
  auto fallback = [key, ttl](state& s) { return s.local_increment(key, ttl); };
  return detail::run_on_bus<std::uint64_t>(state_, std::move(start), std::move(fallback));
}

redis_bus_counters redis_bus::counters() const {
  const auto& s = *state_;
  return {s.published.load(), s.received.load(),        s.own.load(), s.rejected.load(), s.fallbacks.load(),
          s.connects.load(),  s.command_connects.load()};
}

}  // namespace easd::push
