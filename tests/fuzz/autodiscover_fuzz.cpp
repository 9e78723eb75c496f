// Fuzzes answer_autodiscover() twice per input: the bytes as the request body, and the bytes as the login
// and display name (which reach the reply writer unparsed). Whatever comes in, the reply must be HTTP 200
// and well-formed XML; a reply expat cannot re-read is a writer bug and aborts.
#include "eas/server/autodiscover.hpp"

#include <expat.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void require(bool ok, const char* what, std::string_view body) {
  if (ok) return;
  std::fprintf(stderr, "autodiscover fuzz: %s\n%.*s\n", what, static_cast<int>(body.size()), body.data());
  std::abort();
}

void check_reply(const easd::server::autodiscover_reply& r) {
  require(r.http_status == 200, "HTTP status is not 200", r.body);
  require(r.content_type == "text/xml; charset=utf-8", "wrong content type", r.body);
  require(r.body.size() < 64 * 1024, "reply unexpectedly large", r.body);
  require(r.body.find("<!") == std::string::npos, "reply contains a declaration or CDATA", r.body);
  XML_Parser p = XML_ParserCreateNS(nullptr, ' ');
  const bool parsed = XML_Parse(p, r.body.data(), static_cast<int>(r.body.size()), XML_TRUE) == XML_STATUS_OK;
  XML_ParserFree(p);
  require(parsed, "reply is not well-formed XML", r.body);
  if (r.outcome == easd::server::autodiscover_outcome::settings) {
    require(r.body.find("<Type>MobileSync</Type>") != std::string::npos, "settings reply without server", r.body);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  easd::server::autodiscover_settings settings;
  settings.eas_url = "https://mail.example.test/Microsoft-Server-ActiveSync";

  check_reply(easd::server::answer_autodiscover(input, "jane@example.test", settings));

  static const std::string good_request =
      "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006\">"
      "<Request><EMailAddress>not an address</EMailAddress><AcceptableResponseSchema>"
      "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006"
      "</AcceptableResponseSchema></Request></Autodiscover>";
  const auto half = input.size() / 2;
  const auto r = easd::server::answer_autodiscover(good_request, input.substr(0, half), settings, input.substr(half));
  check_reply(r);
  require(r.outcome == easd::server::autodiscover_outcome::settings || half == 0, "login not used", r.body);
  return 0;
}
