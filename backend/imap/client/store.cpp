#include "backend/imap/client/store.hpp"

#include "backend/imap/client/arguments.hpp"
#include "backend/imap/client/error.hpp"
#include "backend/imap/client/values.hpp"
#include "eas/core/ascii.hpp"

namespace easd::backend::imap {

namespace net = boost::asio;

namespace {

// COPYUID may come in the tagged OK (COPY) or in an untagged OK before the expunges (MOVE, RFC 6851 §4.3).
result<std::optional<copy_uid>> find_copy_uid(const command_result& r) {
  const response* hit = nullptr;
  if (iequals_ascii(r.completion.code, "COPYUID")) hit = &r.completion;
  for (const auto& u : r.untagged) {
    if (u.status == status::ok && iequals_ascii(u.code, "COPYUID")) hit = &u;
  }
  if (hit == nullptr) return std::optional<copy_uid>{};
  auto c = parse_copy_uid(hit->code_args);
  if (!c) return c.error();
  return std::optional<copy_uid>(std::move(*c));
}

}  // namespace

std::optional<std::vector<std::pair<std::uint32_t, std::uint32_t>>> copy_uid::pairs(std::size_t max) const {
  auto a = source.expand(max);
  auto b = destination.expand(max);
  if (!a || !b || a->size() != b->size()) return std::nullopt;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
  out.reserve(a->size());
  for (std::size_t i = 0; i < a->size(); ++i) out.emplace_back((*a)[i], (*b)[i]);
  return out;
}

result<copy_uid> parse_copy_uid(std::string_view args) {
  auto sp1 = args.find(' ');
  if (sp1 == std::string_view::npos) return error::protocol_error;
  auto sp2 = args.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return error::protocol_error;
  copy_uid out;
  auto v = detail::code_number(args.substr(0, sp1));
  if (!v || *v == 0 || *v > UINT32_MAX) return error::protocol_error;
  out.uidvalidity = static_cast<std::uint32_t>(*v);
  auto src = sequence_set::parse(args.substr(sp1 + 1, sp2 - sp1 - 1));
  auto dst = sequence_set::parse(args.substr(sp2 + 1));
  if (!src || !dst) return error::protocol_error;
  out.source = std::move(*src);
  out.destination = std::move(*dst);
  return out;
}

net::awaitable<result<store_result>> store_flags(connection& c, sequence_set uids, flag_op op,
                                                std::vector<std::string> flags,
                                                std::optional<std::uint64_t> unchangedsince) {
  if (unchangedsince && !c.caps().has("CONDSTORE")) co_return error::command_failed;
  auto cmd = c.start_command("UID STORE");
  cmd.raw(" ");
  if (!detail::add_set(cmd, uids)) co_return error::unsendable_argument;
  if (unchangedsince) cmd.raw(" (UNCHANGEDSINCE ").raw(std::to_string(*unchangedsince)).raw(")");
  cmd.raw(op == flag_op::add ? " +FLAGS " : op == flag_op::remove ? " -FLAGS " : " FLAGS ");
  if (!detail::add_flags(cmd, flags)) co_return error::unsendable_argument;
  auto r = co_await c.execute(std::move(cmd));
  if (!r) co_return r.error();
  if (!r->ok()) co_return error::command_failed;
  store_result out;
  for (const auto& u : r->untagged) {
    if (!is_fetch(u)) continue;
    auto m = parse_fetch(u);
    if (!m) co_return m.error();
    if (m->uid && uids.contains(*m->uid)) out.updated.push_back(std::move(*m));
  }
  if (iequals_ascii(r->completion.code, "MODIFIED")) {
    auto set = sequence_set::parse(r->completion.code_args);
    if (!set) co_return set.error();
    out.modified = std::move(*set);
  }
  co_return out;
}

net::awaitable<result<void>> uid_expunge(connection& c, sequence_set uids) {
  if (!c.caps().has("UIDPLUS")) co_return error::command_failed;
  auto cmd = c.start_command("UID EXPUNGE");
  cmd.raw(" ");
  if (!detail::add_set(cmd, uids)) co_return error::unsendable_argument;
  auto r = co_await c.execute(std::move(cmd));
  if (!r) co_return r.error();
  if (!r->ok()) co_return error::command_failed;
  co_return result<void>{};
}

namespace {

// UID COPY and UID MOVE take the same arguments and answer with the same COPYUID code (RFC 4315, 6851).
net::awaitable<result<std::optional<copy_uid>>> transfer(connection& c, std::string_view verb, sequence_set uids,
                                                         std::string destination) {
  auto cmd = c.start_command(verb);
  cmd.raw(" ");
  if (!detail::add_set(cmd, uids)) co_return error::unsendable_argument;
  cmd.raw(" ");
  if (!detail::add_mailbox(cmd, destination)) co_return error::unsendable_argument;
  auto r = co_await c.execute(std::move(cmd));
  if (!r) co_return r.error();
  if (!r->ok()) co_return error::command_failed;
  co_return find_copy_uid(*r);
}

}  // namespace

net::awaitable<result<std::optional<copy_uid>>> copy_messages(connection& c, sequence_set uids,
                                                              std::string destination) {
  return transfer(c, "UID COPY", std::move(uids), std::move(destination));
}

net::awaitable<result<std::optional<copy_uid>>> move_messages(connection& c, sequence_set uids,
                                                              std::string destination) {
  if (!c.caps().has("MOVE")) {
    sequence_set to_copy = uids;  // named, not a temporary in the co_await (g++ 12)
    auto copied = co_await copy_messages(c, std::move(to_copy), std::move(destination));
    if (!copied) co_return copied.error();
    std::vector<std::string> deleted;
    deleted.emplace_back("\\Deleted");
    sequence_set to_flag = uids;
    auto s = co_await store_flags(c, std::move(to_flag), flag_op::add, std::move(deleted));
    if (!s) co_return s.error();
    if (c.caps().has("UIDPLUS")) {
      auto e = co_await uid_expunge(c, std::move(uids));
      if (!e) co_return e.error();
    }
    co_return std::move(*copied);
  }
  sequence_set to_move = std::move(uids);
  co_return co_await transfer(c, "UID MOVE", std::move(to_move), std::move(destination));
}

}  // namespace easd::backend::imap
