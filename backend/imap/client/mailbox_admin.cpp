#include "backend/imap/client/mailbox_admin.hpp"

#include "backend/imap/client/arguments.hpp"
#include "backend/imap/client/error.hpp"

namespace easd::backend::imap {

namespace net = boost::asio;

namespace {

net::awaitable<result<void>> simple(connection& c, command_builder cmd) {
  auto r = co_await c.execute(std::move(cmd));
  if (!r) co_return r.error();
  if (!r->ok()) co_return error::command_failed;
  co_return result<void>{};
}

}  // namespace

net::awaitable<result<void>> create_mailbox(connection& c, std::string name) {
  auto cmd = c.start_command("CREATE");
  cmd.raw(" ");
  if (!detail::add_mailbox(cmd, name)) co_return error::unsendable_argument;
  co_return co_await simple(c, std::move(cmd));
}

net::awaitable<result<void>> rename_mailbox(connection& c, std::string from, std::string to) {
  auto cmd = c.start_command("RENAME");
  cmd.raw(" ");
  if (!detail::add_mailbox(cmd, from)) co_return error::unsendable_argument;
  cmd.raw(" ");
  if (!detail::add_mailbox(cmd, to)) co_return error::unsendable_argument;
  co_return co_await simple(c, std::move(cmd));
}

net::awaitable<result<void>> delete_mailbox(connection& c, std::string name) {
  auto cmd = c.start_command("DELETE");
  cmd.raw(" ");
  if (!detail::add_mailbox(cmd, name)) co_return error::unsendable_argument;
  co_return co_await simple(c, std::move(cmd));
}

net::awaitable<result<void>> unselect(connection& c) {
  auto cmd = c.start_command(c.caps().has("UNSELECT") ? "UNSELECT" : "EXAMINE");
  if (!c.caps().has("UNSELECT")) cmd.raw(" \"\"");  // the empty name is never a mailbox
  c.set_selected(std::nullopt);
  auto r = co_await c.execute(std::move(cmd));
  if (!r) co_return r.error();
  co_return result<void>{};
}

net::awaitable<result<command_result>> noop(connection& c) {
  auto cmd = c.start_command("NOOP");
  co_return co_await c.execute(std::move(cmd));
}

}  // namespace easd::backend::imap
