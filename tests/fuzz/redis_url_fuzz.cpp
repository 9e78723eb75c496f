// Parses the input as a Redis URL. Whatever is accepted must be within the documented bounds, and the
// redacted form of an accepted endpoint must parse back to the same host, port and database.
#include "eas/core/redis_url.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto e = easd::parse_redis_url(text);
  if (!e) {
    if (e.error().category() != easd::redis_url_category()) std::abort();
    return 0;
  }
  if (e->host.empty() || e->host.size() > easd::redis_host_max_size) std::abort();
  if (e->port == 0 || e->database > easd::redis_database_max) std::abort();
  if (e->user.size() > easd::redis_secret_max_size || e->password.size() > easd::redis_secret_max_size) std::abort();
  if (!e->user.empty() && e->password.empty()) std::abort();
  easd::redis_endpoint plain = *e;
  plain.user.clear();
  plain.password.clear();
  const auto again = easd::parse_redis_url(easd::redacted_redis_url(plain));
  if (!again || again->host != e->host || again->port != e->port || again->database != e->database) std::abort();
  return 0;
}
