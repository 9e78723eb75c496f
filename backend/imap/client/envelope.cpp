#include "backend/imap/client/envelope.hpp"

#include "backend/imap/client/error.hpp"
#include "backend/imap/client/values.hpp"

namespace easd::backend::imap {
namespace {

result<std::vector<address>> parse_addresses(const std::vector<value>& v, std::size_t i, std::size_t max) {
  std::vector<address> out;
  if (i >= v.size()) return error::protocol_error;
  if (v[i].kind == value_kind::nil) return out;
  if (v[i].kind != value_kind::list) return error::protocol_error;
  auto items = detail::children(v, i);
  if (items.size() > max) return error::too_many_values;
  for (auto k : items) {
    auto parts = detail::children(v, k);
    if (parts.size() != 4) return error::protocol_error;
    address a;
    bool ok[4];
    a.name = detail::nstring(v, parts[0], ok[0]);
    a.adl = detail::nstring(v, parts[1], ok[1]);
    a.mailbox = detail::nstring(v, parts[2], ok[2]);
    a.host = detail::nstring(v, parts[3], ok[3]);
    if (!ok[0] || !ok[1] || !ok[2] || !ok[3]) return error::protocol_error;
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

result<envelope> parse_envelope(const std::vector<value>& v, std::size_t i, std::size_t max_addresses) {
  auto f = detail::children(v, i);
  if (f.size() != 10) return error::protocol_error;
  envelope e;
  bool ok = false;
  e.date = detail::nstring(v, f[0], ok);
  if (!ok) return error::protocol_error;
  e.subject = detail::nstring(v, f[1], ok);
  if (!ok) return error::protocol_error;
  std::vector<address>* lists[] = {&e.from, &e.sender, &e.reply_to, &e.to, &e.cc, &e.bcc};
  for (std::size_t k = 0; k < 6; ++k) {
    auto a = parse_addresses(v, f[2 + k], max_addresses);
    if (!a) return a.error();
    *lists[k] = std::move(*a);
  }
  e.in_reply_to = detail::nstring(v, f[8], ok);
  if (!ok) return error::protocol_error;
  e.message_id = detail::nstring(v, f[9], ok);
  if (!ok) return error::protocol_error;
  return e;
}

}  // namespace easd::backend::imap
