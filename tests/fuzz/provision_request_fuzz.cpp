// Provision request trees from devices (parse_provision_request, parse_device_information): whatever the
// bytes, the parser answers or refuses, and what it accepts keeps its bounds.
#include "eas/protocol/commands/device_information.hpp"
#include "eas/protocol/commands/provision.hpp"
#include "eas/wbxml/codec.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  easd::wbxml::limits lim;
  lim.max_elements = 20'000;
  lim.max_decoded_bytes = 1u << 20;
  auto doc = easd::wbxml::decode(bytes, lim);
  if (!doc) return 0;
  if (auto req = easd::protocol::parse_provision_request(*doc)) {
    if (req->policy_type.size() > 64) std::abort();
    if (req->device_information) {
      const auto& i = *req->device_information;
      for (const auto* v : {&i.model, &i.imei, &i.friendly_name, &i.os, &i.os_language, &i.phone_number,
                            &i.user_agent, &i.mobile_operator}) {
        if (v->size() > 1024) std::abort();
      }
    }
    if (req->policy_key && req->policy_key_present == false) std::abort();
  }
  (void)easd::protocol::parse_device_information(*doc);
  return 0;
}
