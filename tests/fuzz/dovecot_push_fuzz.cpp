// Bodies for PUT /push/dovecot: whatever arrives, the parser returns an error of its category or a
// notification within the documented bounds whose push message survives the bus's wire form.
#include "eas/http/client_address.hpp"
#include "eas/server/admin_access.hpp"
#include "eas/server/dovecot_push.hpp"
#include "eas/core/utf8.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

using namespace easd::server;

void require(bool ok) {
  if (!ok) std::abort();
}

bool has_c0(std::string_view s) {
  for (char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  const auto r = parse_dovecot_push(in);
  if (!r) {
    require(r.error().category() == dovecot_push_category());
  } else {
    require(in.size() <= dovecot_push_limits::max_body);
    require(!r->user.empty() && r->user.size() <= dovecot_push_limits::max_user_bytes);
    require(r->folder.size() <= dovecot_push_limits::max_folder_bytes);
    require(r->event.size() <= dovecot_push_limits::max_event_bytes);
    require(easd::utf8::is_valid(r->user) && easd::utf8::is_valid(r->folder) && easd::utf8::is_valid(r->event));
    require(!has_c0(r->user) && !has_c0(r->folder) && !has_c0(r->event));
    const auto m = to_push_message(*r);
    require(m.user == r->user);
    require(m.folder.empty() || m.folder == "mail:N:" + r->folder);
    const auto back = easd::push::decode(easd::push::encode(m));
    require(back && back->user == m.user && back->folder == m.folder && back->kind == m.kind);
  }

  // The same bytes as an Authorization header against a policy with a secret.
  static const admin_policy policy = [] {
    admin_policy p;
    (void)p.allow.add("127.0.0.1");
    p.secret = "fuzz-secret-0123456789";
    return p;
  }();
  const auto loopback = boost::asio::ip::make_address("127.0.0.1");
  const auto access = check_admin_access(policy, loopback, in);
  require(access != admin_access::forbidden);
  require(check_admin_access(policy, boost::asio::ip::make_address("10.0.0.1"), in) == admin_access::forbidden);
  return 0;
}
