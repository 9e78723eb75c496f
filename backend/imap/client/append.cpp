#include "backend/imap/client/append.hpp"

#include "backend/imap/client/arguments.hpp"
#include "backend/imap/client/error.hpp"
#include "backend/imap/client/values.hpp"
#include "eas/core/ascii.hpp"

namespace easd::backend::imap {

namespace net = boost::asio;

net::awaitable<result<std::optional<append_uid>>> append(connection& c, std::string mailbox, std::string message,
                                                         append_options opts) {
  if (message.empty()) co_return error::unsendable_argument;
  auto cmd = c.start_command("APPEND");
  cmd.raw(" ");
  if (!detail::add_mailbox(cmd, mailbox)) co_return error::unsendable_argument;
  if (!opts.flags.empty()) {
    cmd.raw(" ");
    if (!detail::add_flags(cmd, opts.flags)) co_return error::unsendable_argument;
  }
  if (opts.internal_date) cmd.raw(" \"").raw(detail::internal_date(*opts.internal_date)).raw("\"");
  cmd.raw(" ");
  if (!cmd.literal(message)) co_return error::unsendable_argument;
  auto r = co_await c.execute(std::move(cmd));
  if (!r) co_return r.error();
  if (!r->ok()) co_return error::command_failed;
  if (!iequals_ascii(r->completion.code, "APPENDUID")) co_return std::optional<append_uid>{};
  std::string_view args(r->completion.code_args);
  auto sp = args.find(' ');
  if (sp == std::string_view::npos) co_return error::protocol_error;
  auto v = detail::code_number(args.substr(0, sp));
  auto u = detail::code_number(args.substr(sp + 1));
  if (!v || !u || *v == 0 || *u == 0 || *v > UINT32_MAX || *u > UINT32_MAX) co_return error::protocol_error;
  co_return std::optional<append_uid>(append_uid{static_cast<std::uint32_t>(*v), static_cast<std::uint32_t>(*u)});
}

}  // namespace easd::backend::imap
