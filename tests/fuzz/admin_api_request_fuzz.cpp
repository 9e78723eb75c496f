// The admin API's parsers over arbitrary bytes: as a request target (query) and as a JSON body. Whatever
// arrives, each returns an error or a value within the documented bounds, and the JSON writer turns the
// same bytes into a document that parses again.
#include "eas/core/utf8.hpp"
#include "eas/server/admin_json.hpp"
#include "provisioning/policy.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace easd::server::admin_json;

void require(bool ok) {
  if (!ok) std::abort();
}

bool bounded_id(std::string_view s) {
  return !s.empty() && s.size() <= limits::max_id && s.find('\0') == std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string why;

  // As a target: "/api/v1/devices?" + bytes, and the bytes alone.
  const std::string target = "/api/v1/devices?" + std::string(in);
  for (std::string_view t : {std::string_view(target), in}) {
    if (auto q = parse_query(t, &why)) {
      require(q->size() <= limits::max_parameters);
      for (const auto& p : *q) require(p.name.find('\0') == std::string::npos && p.value.find('\0') == std::string::npos);
    } else {
      require(!why.empty());
    }
    if (auto f = parse_device_filter(t, &why)) require(f->user.size() <= limits::max_id);
    if (auto k = parse_device_query(t, &why)) require(bounded_id(k->user) && bounded_id(k->device_id));
    if (auto n = parse_name_query(t, &why)) require(easd::provisioning::valid_policy_name(*n));
  }

  // As a body.
  for (bool folder : {false, true}) {
    if (auto a = parse_device_action(in, folder, &why)) {
      require(in.size() <= limits::max_body);
      require(bounded_id(a->key.user) && bounded_id(a->key.device_id));
      require(!a->folder || (folder && bounded_id(*a->folder)));
    }
  }
  if (auto a = parse_assignment(in, &why)) {
    require(bounded_id(a->user));
    require(a->policy.empty() || easd::provisioning::valid_policy_name(a->policy));
    require(!a->device || bounded_id(*a->device));
  }
  if (auto n = policy_name_of(in, &why)) require(easd::provisioning::valid_policy_name(*n));
  (void)valid_actor(in);

  // As device strings in the answer: always valid UTF-8 JSON that reads back.
  easd::provisioning::device d;
  d.key.user = std::string(in);
  d.info.model = std::string(in);
  const auto text_out = boost::json::serialize(device_json(d));
  require(easd::utf8::is_valid(text_out));
  boost::json::error_code ec;
  const auto back = boost::json::parse(text_out, ec);
  require(!ec && back.is_object());
  if (easd::utf8::is_valid(in)) require(back.at("user").as_string() == boost::json::string_view(in.data(), in.size()));
  require(easd::utf8::is_valid(error_body(in)));
  return 0;
}
