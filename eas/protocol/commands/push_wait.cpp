#include "eas/protocol/commands/push_wait.hpp"

#include "eas/core/blocking_pool.hpp"
#include "eas/protocol/commands/mail_folders.hpp"

#include <boost/asio/this_coro.hpp>

namespace easd::protocol::push_wait {
namespace {

namespace net = boost::asio;

constexpr std::string_view mail_prefix = "mail:";

}  // namespace

std::optional<std::string_view> mail_backend_id(std::string_view identity) noexcept {
  if (!identity.starts_with(mail_prefix)) return std::nullopt;
  return identity.substr(mail_prefix.size());
}

net::awaitable<push::subscription> subscribe_newest(push::hub& hub, const request_context& ctx) {
  // Order per push/hub.hpp: the new Ping never sees its own claim as newer.
  const std::uint64_t generation = co_await hub.next_ping_generation(ctx.user, ctx.device_id);
  auto executor = co_await net::this_coro::executor;
  auto sub = hub.subscribe(ctx.user, ctx.device_id, executor, generation);
  hub.announce_ping(ctx.user, ctx.device_id, generation);
  co_return sub;
}

std::vector<std::unique_ptr<backend::mail_watch::lease>> watch_folders(services& svc, const request_context& ctx,
                                                                      const std::vector<watched_folder>& folders) {
  std::vector<std::unique_ptr<backend::mail_watch::lease>> out;
  if (!svc.watch) return out;
  std::vector<std::string> mail;
  for (const auto& f : folders) {
    if (auto id = mail_backend_id(f.identity)) mail.emplace_back(*id);
  }
  // Calendar and contact sources add their watches here.
  if (!mail.empty()) out.push_back(svc.watch->watch(account_of(ctx), std::move(mail)));
  return out;
}

std::vector<std::size_t> woken(const push::wake& w, const std::vector<watched_folder>& folders) {
  std::vector<std::size_t> out;
  const bool all = w.reason == push::wake_reason::resync || w.folders.contains(std::string());
  for (std::size_t i = 0; i < folders.size(); ++i) {
    if (all || w.folders.contains(folders[i].identity)) out.push_back(i);
  }
  return out;
}

net::awaitable<result<std::vector<std::pair<std::string, std::string>>>> folder_identities(
    services& svc, const request_context& ctx) {
  const std::string user = ctx.user;
  auto* store = svc.state;
  auto ids = co_await run_blocking(*svc.blocking, [store, &user] { return store->folder_ids(user); });
  if (!ids) co_return ids.error();
  // folder_ids pairs are (identity, server id); callers look up by server id.
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(ids->size());
  for (auto& [identity, server_id] : *ids) out.emplace_back(std::move(server_id), std::move(identity));
  co_return out;
}

}  // namespace easd::protocol::push_wait
