// Authorization header values, raw and as "Basic " + base64(input), checked against the documented
// bounds; accepted credentials must round-trip and survive the credential cache.
#include "eas/core/base64.hpp"
#include "eas/http/basic_auth.hpp"
#include "eas/http/credential_cache.hpp"
#include "eas/http/text.hpp"

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace easd::http;

void require(bool ok) {
  if (!ok) std::abort();
}

void check(const easd::result<basic_credentials>& r) {
  if (!r) {
    require(r.error().category() == basic_auth_category());
    return;
  }
  require(!r->user.empty() && r->user.size() <= max_auth_user_bytes && detail::is_clean_text(r->user));
  require(r->user.find(':') == std::string::npos);
  require(!r->password.empty() && r->password.size() <= max_auth_password_bytes);
  require(r->password.find_first_of(std::string_view("\0\r\n", 3)) == std::string::npos);
  require(query_user_matches(r->user, r->user));
  require(query_user_matches("", r->user));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 2 * max_authorization_bytes) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  check(parse_basic_authorization(in));

  const auto wrapped = parse_basic_authorization("Basic " + easd::encode_base64(in));
  check(wrapped);
  if (wrapped) {
    require(wrapped->user + ":" + wrapped->password == in);

    static credential_cache cache({std::chrono::seconds(60), 64});
    const auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
    cache.remember(wrapped->user, wrapped->password, now);
    require(cache.check(wrapped->user, wrapped->password, now));
    require(!cache.check(wrapped->user, wrapped->password + "x", now));
    require(cache.size() <= 64);
  }

  // Split the input in two and compare as (query user, authenticated user).
  const auto half = in.size() / 2;
  (void)query_user_matches(in.substr(0, half), in.substr(half));
  return 0;
}
