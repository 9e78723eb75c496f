// Feeds one input to every eas/http parser of request-line and header text, three ways for the target:
// as the whole target, as the query of the EAS path, and base64-encoded as a binary query (so the
// fuzzer explores the [MS-ASHTTP] 2.2.1.1.1.1 structure directly). Checks the documented output bounds.
#include "eas/core/ascii.hpp"
#include "eas/core/base64.hpp"
#include "eas/http/client_address.hpp"
#include "eas/http/eas_headers.hpp"
#include "eas/http/request_target.hpp"
#include "eas/http/text.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace easd::http;

void require(bool ok) {
  if (!ok) std::abort();
}

bool device_id_ok(std::string_view s) {
  if (s.empty() || s.size() > max_device_id_bytes) return false;
  for (char c : s) {
    if (!easd::is_ascii_alnum(c) && c != '-' && c != '_') return false;
  }
  return true;
}

void check(const easd::result<eas_request_target>& r) {
  if (!r) {
    require(r.error().category() == request_target_category());
    require(!r.error().message().empty());
    return;
  }
  require(!r->command.empty() && r->command.size() <= max_command_bytes);
  for (char c : r->command) require(easd::is_ascii_alpha(c));
  require(device_id_ok(r->device_id));
  require(!r->device_type.empty() && r->device_type.size() <= max_device_type_bytes);
  for (char c : r->device_type) require(c >= 0x20 && c <= 0x7e);
  require(r->user.size() <= max_user_bytes && detail::is_clean_text(r->user));
  for (const std::string* p : {&r->attachment_name, &r->collection_id, &r->item_id, &r->long_id, &r->occurrence}) {
    require(p->size() <= max_parameter_bytes && detail::is_clean_text(*p));
  }
  require(!r->policy_key || *r->policy_key != 0);
  require(r->base64_form == r->version.has_value());
  require(r->base64_form || (r->locale == 0 && !r->accept_multipart));

  // Whatever the headers say, the combination is a value or a header error, never a crash.
  const eas_header_values h{r->user.empty() ? std::optional<std::string_view>{} : std::string_view(r->user),
                            std::string_view(r->device_type), std::string_view(r->command)};
  auto p = effective_parameters(*r, h);
  if (!p) require(p.error().category() == header_category());
}

const trusted_proxies& proxies() {
  static const trusted_proxies p = [] {
    const std::vector<std::string> entries{"10.0.0.0/8", "fd00::/8", "127.0.0.1", "::ffff:192.168.0.0/112"};
    auto r = trusted_proxies::parse(entries);
    if (!r) std::abort();
    return *r;
  }();
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 2 * max_request_target_bytes) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  check(parse_request_target(in));
  check(parse_request_target("/Microsoft-Server-ActiveSync?" + std::string(in)));
  const std::string encoded = easd::encode_base64(in);
  const auto binary = parse_request_target("/Microsoft-Server-ActiveSync?" + encoded);
  check(binary);
  // 12 or more base64 characters without '=' inside are always taken as the binary form.
  if (binary) require(binary->base64_form || encoded.size() < 12);
  (void)is_eas_path(in);
  (void)is_autodiscover_path(in);

  const auto decoded = easd::decode_base64(encoded, encoded.size());
  require(decoded && *decoded == in);

  if (auto v = parse_protocol_version_header(in)) require(easd::parse_protocol_version(easd::to_string(*v)) == *v);
  if (auto k = parse_policy_key_header(in); k && *k) require(**k != 0);
  (void)parse_accept_multipart_header(in);

  // X-Forwarded-For from a trusted proxy: the answer is the peer or an address from the header that is
  // not a trusted proxy (or the leftmost, if all are).
  const auto peer = boost::asio::ip::make_address("10.0.0.1");
  const auto client = client_address(peer, in, proxies());
  (void)client;
  require(client_address(boost::asio::ip::make_address("203.0.113.1"), in, proxies()) ==
          boost::asio::ip::make_address("203.0.113.1"));
  (void)parse_forwarded_entry(in);
  trusted_proxies scratch;
  if (scratch.add(in)) (void)scratch.contains(peer);
  return 0;
}
