// Autodiscover (mobile schema): bounded expat parse of the request, escaping XML writer for the answer.
#include "eas/server/autodiscover.hpp"

#include "eas/core/ascii.hpp"
#include "eas/core/utf8.hpp"
#include "eas/core/xml_char.hpp"

#include <expat.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace easd::server {

namespace {

constexpr std::string_view request_ns_mobilesync =
    "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006";
constexpr std::string_view request_ns_outlook =
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006";
constexpr std::string_view response_ns_framework =
    "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
constexpr std::string_view response_ns_mobilesync =
    "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006";

constexpr std::string_view xml_content_type = "text/xml; charset=utf-8";

// Expat joins "namespace-URI <sep> local-name". A space cannot occur in a local name, and expat (>= 2.4.5)
// rejects xmlns values that contain the separator, so splitting at the last one is unambiguous.
constexpr char ns_separator = ' ';

// ---------------------------------------------------------------------------------------------------
// Output: a tiny writer. Element names are literals of this file; every piece of text or attribute value
// goes through escape_into(), which also repairs anything XML 1.0 cannot carry.

void escape_into(std::string& out, std::string_view text) {
  constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t start = i;
    const auto decoded = utf8::decode_one(text, i);
    if (!decoded) {
      // One replacement per byte of an ill-formed sequence, then resynchronise at the next byte.
      out += replacement;
      ++i;
      continue;
    }
    const char32_t cp = *decoded;
    switch (cp) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\r': out += "&#13;"; break;  // a literal CR would be normalised away by the reader
      default:
        if (is_xml_char(cp)) {
          out.append(text.substr(start, i - start));
        } else {
          out += replacement;
        }
    }
  }
}

class xml_writer {
 public:
  xml_writer() { out_ = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"; }

  // name must be a literal (it is written unescaped and kept until close()).
  void open(std::string_view name, std::string_view xmlns = {}) {
    out_ += '<';
    out_ += name;
    if (!xmlns.empty()) {
      out_ += " xmlns=\"";
      escape_into(out_, xmlns);
      out_ += '"';
    }
    out_ += '>';
    open_.push_back(name);
  }

  void close() {
    out_ += "</";
    out_ += open_.back();
    out_ += '>';
    open_.pop_back();
  }

  void leaf(std::string_view name, std::string_view text) {
    out_ += '<';
    out_ += name;
    if (text.empty()) {
      out_ += "/>";
      return;
    }
    out_ += '>';
    escape_into(out_, text);
    out_ += "</";
    out_ += name;
    out_ += '>';
  }

  std::string finish() && {
    while (!open_.empty()) close();
    out_ += '\n';
    return std::move(out_);
  }

 private:
  std::string out_;
  std::vector<std::string_view> open_;
};

autodiscover_reply make_reply(std::string body, autodiscover_outcome outcome, std::string_view reason) {
  autodiscover_reply r;
  r.http_status = 200;
  r.content_type = std::string(xml_content_type);
  r.body = std::move(body);
  r.outcome = outcome;
  r.reason = reason;
  return r;
}

// Framework-level error: Autodiscover/Response/Error in the outer namespace. The spec's own example
// ([MS-ASCMD] 4.2.3) puts this Response in the mobilesync namespace, but AutodiscoverMobileSync.xsd gives
// that Response no Error child; AutodiscoverResponse.xsd's local Response is the form the schema allows.
// Time and Id are optional and omitted: this function has no clock, and a server id helps no phone.
autodiscover_reply framework_error(unsigned code, std::string_view message, autodiscover_outcome outcome,
                                   std::string_view reason) {
  xml_writer w;
  w.open("Autodiscover", response_ns_framework);
  w.open("Response");
  w.open("Error");
  w.leaf("ErrorCode", std::to_string(code));
  w.leaf("Message", message);
  w.leaf("DebugData", {});
  return make_reply(std::move(w).finish(), outcome, reason);
}

autodiscover_reply invalid_request(std::string_view reason) {
  return framework_error(600, "Invalid Request", autodiscover_outcome::invalid_request, reason);
}

void open_mobilesync_response(xml_writer& w, const autodiscover_settings& settings) {
  w.open("Autodiscover", response_ns_framework);
  w.open("Response", response_ns_mobilesync);
  w.leaf("Culture", settings.culture);
}

// mobilesync Action/Error with Status 2 ([MS-ASCMD] 4.2.2): the request was fine, we cannot serve it.
autodiscover_reply provider_error(std::string_view address, const autodiscover_settings& settings,
                                  std::string_view reason) {
  xml_writer w;
  open_mobilesync_response(w, settings);
  if (!address.empty()) {
    w.open("User");
    w.leaf("EMailAddress", address);
    w.close();
  }
  w.open("Action");
  w.open("Error");
  w.leaf("Status", "2");
  w.leaf("Message", "The server cannot provide settings for this account");
  w.leaf("DebugData", {});
  return make_reply(std::move(w).finish(), autodiscover_outcome::provider_error, reason);
}

autodiscover_reply settings_reply(std::string_view address, std::string_view display_name,
                                  const autodiscover_settings& settings, std::string_view reason) {
  xml_writer w;
  open_mobilesync_response(w, settings);
  w.open("User");
  if (!display_name.empty()) w.leaf("DisplayName", display_name);
  w.leaf("EMailAddress", address);
  w.close();
  w.open("Action");
  w.open("Settings");
  w.open("Server");
  w.leaf("Type", "MobileSync");
  w.leaf("Url", settings.eas_url);
  w.leaf("Name", settings.eas_url);  // [MS-ASCMD] 2.2.3.114: for MobileSync, the URL again
  return make_reply(std::move(w).finish(), autodiscover_outcome::settings, reason);
}

// ---------------------------------------------------------------------------------------------------
// Input.

std::string_view trim_xml_space(std::string_view s) {
  constexpr std::string_view ws = " \t\r\n";
  const auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

bool is_atext(unsigned char c) {
  if (c >= 0x80) return true;  // SMTPUTF8 (RFC 6531); expat already guaranteed valid UTF-8
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool plausible_local_part(std::string_view local) {
  if (local.empty() || local.size() > 64) return false;
  if (local.size() >= 2 && local.front() == '"' && local.back() == '"') {
    // quoted-string (RFC 5321 4.1.2): printable ASCII, with \ escaping the next character.
    for (std::size_t i = 1; i + 1 < local.size(); ++i) {
      const auto c = static_cast<unsigned char>(local[i]);
      if (c == '\\') {
        if (++i + 1 >= local.size()) return false;
        const auto e = static_cast<unsigned char>(local[i]);
        if (e < 0x20 || e == 0x7F) return false;
      } else if (c == '"' || c < 0x20 || c == 0x7F) {
        return false;
      }
    }
    return true;
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
  for (const char ch : local) {
    if (ch != '.' && !is_atext(static_cast<unsigned char>(ch))) return false;
  }
  return true;
}

bool plausible_domain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  std::size_t label_start = 0;
  while (true) {
    const auto dot = domain.find('.', label_start);
    const auto label = domain.substr(label_start, dot == std::string_view::npos ? dot : dot - label_start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (const char ch : label) {
      const auto c = static_cast<unsigned char>(ch);
      const bool ok = c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-';
      if (!ok) return false;
    }
    if (dot == std::string_view::npos) return true;
    label_start = dot + 1;
  }
}

// Good enough to hand back to the phone as its address; not a full RFC 5321 validator.
bool plausible_address(std::string_view address) {
  if (address.size() > 254) return false;
  const auto at = address.rfind('@');
  if (at == std::string_view::npos) return false;
  return plausible_local_part(address.substr(0, at)) && plausible_domain(address.substr(at + 1));
}

enum class field { none, email, schema };

struct request_parse {
  XML_Parser parser = nullptr;
  std::size_t depth = 0;
  std::size_t elements = 0;
  std::string ns;  // namespace of the root; children must share it
  std::size_t requests = 0;
  bool in_request = false;
  field capturing = field::none;
  bool have_email = false;
  bool have_schema = false;
  std::string email;
  std::string schema;
  std::string_view failure;  // set once; the parser is stopped

  void fail(std::string_view why) {
    if (failure.empty()) failure = why;
    XML_StopParser(parser, XML_FALSE);
  }
};

void split_name(const XML_Char* name, std::string_view& uri, std::string_view& local) {
  const std::string_view full(name);
  const auto sep = full.rfind(ns_separator);
  if (sep == std::string_view::npos) {
    uri = {};
    local = full;
  } else {
    uri = full.substr(0, sep);
    local = full.substr(sep + 1);
  }
}

void XMLCALL on_start(void* user, const XML_Char* name, const XML_Char** /*attributes*/) {
  auto& p = *static_cast<request_parse*>(user);
  if (!p.failure.empty()) return;
  ++p.depth;
  if (p.depth > autodiscover_max_depth) return p.fail("depth limit");
  if (++p.elements > autodiscover_max_elements) return p.fail("element limit");
  if (p.capturing != field::none) return p.fail("element inside a text field");

  std::string_view uri, local;
  split_name(name, uri, local);
  if (p.depth == 1) {
    if (local != "Autodiscover" || !(uri.empty() || uri == request_ns_mobilesync || uri == request_ns_outlook)) {
      return p.fail("wrong root element");
    }
    p.ns = uri;
    return;
  }
  if (uri != p.ns) return;  // foreign element: ignored, but counted against the caps
  if (p.depth == 2 && local == "Request") {
    // [MS-ASCMD] 2.2.3.150.1: more than one Request is answered with ErrorCode 600.
    if (++p.requests > 1) return p.fail("more than one Request");
    p.in_request = true;
  } else if (p.depth == 3 && p.in_request && local == "EMailAddress") {
    if (p.have_email) return p.fail("more than one EMailAddress");
    p.have_email = true;
    p.capturing = field::email;
  } else if (p.depth == 3 && p.in_request && local == "AcceptableResponseSchema") {
    if (p.have_schema) return p.fail("more than one AcceptableResponseSchema");
    p.have_schema = true;
    p.capturing = field::schema;
  }
}

void XMLCALL on_end(void* user, const XML_Char* /*name*/) {
  auto& p = *static_cast<request_parse*>(user);
  if (!p.failure.empty()) return;
  if (p.depth == 3) p.capturing = field::none;
  if (p.depth == 2) p.in_request = false;
  --p.depth;
}

void XMLCALL on_text(void* user, const XML_Char* s, int len) {
  auto& p = *static_cast<request_parse*>(user);
  if (!p.failure.empty() || p.capturing == field::none || len <= 0) return;
  std::string& target = p.capturing == field::email ? p.email : p.schema;
  if (target.size() + static_cast<std::size_t>(len) > autodiscover_max_text_bytes) return p.fail("text limit");
  target.append(s, static_cast<std::size_t>(len));
}

// No DTD at all: without a DOCTYPE no entity can be declared, which rules out entity expansion and
// external entities before they start.
void XMLCALL on_doctype(void* user, const XML_Char* /*name*/, const XML_Char* /*sysid*/,
                        const XML_Char* /*pubid*/, int /*has_internal_subset*/) {
  static_cast<request_parse*>(user)->fail("DOCTYPE refused");
}

void XMLCALL on_entity_decl(void* user, const XML_Char*, int, const XML_Char*, int, const XML_Char*,
                            const XML_Char*, const XML_Char*, const XML_Char*) {
  static_cast<request_parse*>(user)->fail("entity declaration refused");
}

struct parser_free {
  void operator()(XML_Parser p) const { XML_ParserFree(p); }
};

}  // namespace

std::string validate(const autodiscover_settings& settings) {
  const std::string_view url = settings.eas_url;
  if (url.empty()) return "autodiscover: eas_url is empty";
  if (url.size() > 2048) return "autodiscover: eas_url is longer than 2048 bytes";
  if (url.substr(0, 8) != "https://" && url.substr(0, 7) != "http://") {
    return "autodiscover: eas_url must start with https:// (or http:// behind a TLS proxy)";
  }
  for (const char ch : url) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F) return "autodiscover: eas_url contains a space, control or non-ASCII byte";
  }
  if (settings.culture.empty() || settings.culture.size() > 32) return "autodiscover: culture must be 1-32 bytes";
  for (const char c : settings.culture) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
                    c == '-';
    if (!ok) return "autodiscover: culture may hold only letters, digits, ':' and '-' (e.g. en:us)";
  }
  if (settings.max_request_bytes < 512 || settings.max_request_bytes > autodiscover_max_request_bytes_limit) {
    return "autodiscover: max_request_bytes must be between 512 and 1048576";
  }
  return {};
}

autodiscover_reply answer_autodiscover(std::string_view request_body, std::string_view authenticated_user,
                                       const autodiscover_settings& settings, std::string_view display_name) {
  // Checked before the parser sees a byte; also keeps the length within expat's int.
  const std::size_t cap = std::min<std::size_t>(settings.max_request_bytes, INT_MAX);
  if (request_body.size() > cap) return invalid_request("body too large");
  if (trim_xml_space(request_body).empty()) return invalid_request("empty body");

  std::unique_ptr<XML_ParserStruct, parser_free> parser(XML_ParserCreateNS(nullptr, ns_separator));
  if (!parser) return provider_error({}, settings, "out of memory creating XML parser");

  request_parse p;
  p.parser = parser.get();
  XML_SetUserData(parser.get(), &p);
  XML_SetElementHandler(parser.get(), on_start, on_end);
  XML_SetCharacterDataHandler(parser.get(), on_text);
  XML_SetStartDoctypeDeclHandler(parser.get(), on_doctype);
  XML_SetEntityDeclHandler(parser.get(), on_entity_decl);
  // Parameter entities stay off (the default) and no external entity handler is installed.
  XML_SetParamEntityParsing(parser.get(), XML_PARAM_ENTITY_PARSING_NEVER);

  const auto status =
      XML_Parse(parser.get(), request_body.data(), static_cast<int>(request_body.size()), XML_TRUE);
  if (!p.failure.empty()) return invalid_request(p.failure);
  if (status != XML_STATUS_OK) return invalid_request(XML_ErrorString(XML_GetErrorCode(parser.get())));

  // [MS-ASCMD] 6.3: Request holds EMailAddress and AcceptableResponseSchema, both required.
  if (p.requests == 0) return invalid_request("no Request element");
  if (!p.have_email) return invalid_request("no EMailAddress");
  if (!p.have_schema) return invalid_request("no AcceptableResponseSchema");
  // [MS-ASCMD] 2.2.3.1, 2.2.3.64: anything but the mobilesync response schema (e.g. Outlook's
  // .../outlook/responseschema/2006a) has no provider here.
  if (!iequals_ascii(trim_xml_space(p.schema), response_ns_mobilesync)) {
    return framework_error(601, "The requested response schema is not supported",
                           autodiscover_outcome::unsupported_schema, "AcceptableResponseSchema not mobilesync");
  }

  const std::string_view requested = trim_xml_space(p.email);
  std::string_view address = requested;
  std::string_view reason = "ok";
  if (!plausible_address(requested)) {
    address = authenticated_user;
    reason = "EMailAddress malformed; answered with the login";
  }
  if (address.empty()) return provider_error({}, settings, "no usable address and no login");
  if (settings.eas_url.empty()) return provider_error(address, settings, "eas_url not configured");
  return settings_reply(address, display_name, settings, reason);
}

}  // namespace easd::server
