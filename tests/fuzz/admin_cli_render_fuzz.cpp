// Answers of the admin API as the CLI renders them: whatever the bytes, terminal_escape and every table
// leave no control character (C0 but the line feeds, DEL, C1) or bidi override raw in the output, and
// pretty_json of parsed JSON parses back to the same value.
#include "eas/server/admin_cli_client.hpp"
#include "eas/server/admin_cli_render.hpp"

#include <boost/json/parse.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

using namespace easd::server::admin_cli;

void require(bool ok) {
  if (!ok) std::abort();
}

bool safe(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    if ((u < 0x20 && u != '\n') || u == 0x7f) return false;
    if (u == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9f) return false;  // C1
    if (s.substr(i, 2) == "\xe2\x80" && i + 2 < s.size()) {
      const auto n = static_cast<unsigned char>(s[i + 2]);
      if (n >= 0xaa && n <= 0xae) return false;  // U+202A..U+202E
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto escaped = terminal_escape(in);
  require(safe(escaped) && escaped.find('\n') == std::string::npos);

  std::string why;
  (void)parse_admin_url(in, &why);

  boost::json::error_code ec;
  const auto v = boost::json::parse(in, ec);
  if (ec) return 0;
  for (const auto& text : {render_device_list(v), render_device(v), render_policy_list(v), render_policy(v),
                           render_device_action("wipe", v), render_policy_action("assign", v)}) {
    require(safe(text));
  }
  const auto pretty = pretty_json(v);
  require(safe(pretty));
  require(boost::json::parse(pretty) == v);
  return 0;
}
