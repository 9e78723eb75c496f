// A synchronous EAS client that talks to easd the way a phone does, for integration tests and bench/.
//
// One keep-alive connection (plain TCP or TLS), opened on first use and reopened when the server closed
// it. Every operation (connect, handshake, write, read) runs under the `timeout` deadline; a transport
// failure or timeout throws eas_client_error. HTTP error statuses are not failures: they come back in
// eas_response. Not thread-safe; use one client per thread.
#pragma once

#include "eas/wbxml/element.hpp"

#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace easd::test {

// Case-insensitive ordering for HTTP header names.
// The errors a kept-alive connection gives when the server closed it meanwhile: a request that read
// nothing back may be sent once more on a fresh connection (eas_client, bench/push_http).
bool stale_connection_error(const boost::system::error_code& ec);

struct ci_less {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept;
};
using header_map = std::map<std::string, std::string, ci_less>;
// Ordered (name, value) pairs: query parameters or extra request headers.
using field_list = std::vector<std::pair<std::string, std::string>>;

struct eas_client_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  bool tls = true;
  std::string ca_file;            // PEM to trust; empty = no certificate verification at all
  std::string server_name;        // SNI and host name check when non-empty
  std::string user, password;
  std::string device_id = "easdtest0001";
  std::string device_type = "TestClient";
  std::string protocol_version = "14.1";
  std::string user_agent = "easd-test/1";
  std::optional<std::string> policy_key;  // X-MS-PolicyKey (plain query) / policy key field (base64 query)
  std::chrono::milliseconds timeout{30000};
  std::size_t max_response_body = 256u << 20;
};

struct eas_response {
  unsigned status = 0;
  std::string reason;
  header_map headers;     // repeated headers are joined with ", "
  std::string body;
  // Decoded when Content-Type is WBXML (application/vnd.ms-sync[.wbxml]) and the body is non-empty.
  std::optional<wbxml::element> document;
  boost::system::error_code decode_error;  // set when such a body did not decode
  std::chrono::milliseconds elapsed{0};    // from the first byte written to the last byte read

  // Value of a header, "" when absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const { return headers.find(name) != headers.end(); }
  // The top-level Status of the decoded document (e.g. <Sync><Status>137</Status></Sync>), if any.
  std::optional<unsigned> eas_status() const;
  // XML rendering of the document for failure messages ("" without one).
  std::string xml() const;
  // "HTTP 200 Status 137" plus the XML (or the first bytes of a non-WBXML body), for failure messages.
  std::string describe() const;
};

// Thrown for transport failures: connect/handshake/write/read errors and timeouts.
class eas_client_error : public std::runtime_error {
public:
  eas_client_error(boost::system::error_code ec, const std::string& what)
      : std::runtime_error(what + ": " + ec.message()), code_(ec) {}
  boost::system::error_code code() const noexcept { return code_; }

private:
  boost::system::error_code code_;
};

class eas_client {
public:
  explicit eas_client(eas_client_options options);
  ~eas_client();
  eas_client(const eas_client&) = delete;
  eas_client& operator=(const eas_client&) = delete;
  eas_client(eas_client&&) noexcept;
  eas_client& operator=(eas_client&&) noexcept;

  // The settings in use; changes apply to the next request (TLS settings to the next connection).
  eas_client_options& config() noexcept;

  // POST /Microsoft-Server-ActiveSync?Cmd=..&User=..&DeviceId=..&DeviceType=..[&extra] with the EAS
  // headers ([MS-ASHTTP] 2.2.1.1.1.2, 2.2.1.1.2). `request` nullptr sends an empty body. An extra header
  // replaces the default of the same name; an extra header with an empty value removes it.
  eas_response command(std::string_view cmd, const wbxml::element* request, const field_list& params = {},
                       const field_list& headers = {});
  // Same, with an arbitrary body (hostile inputs, SendMail MIME for 12.1).
  eas_response command_bytes(std::string_view cmd, std::string body, const field_list& params = {},
                             const field_list& headers = {},
                             std::string_view content_type = "application/vnd.ms-sync.wbxml");
  // The base64 binary query form ([MS-ASHTTP] 2.2.1.1.1.1): version, command code, locale 0x0409,
  // DeviceId, policy key (little-endian, if set), DeviceType, then `params` as {tag, length, value}
  // (names: AttachmentName CollectionId CollectionName ItemId LongId ParentId Occurrence Options User).
  // No MS-ASProtocolVersion / X-MS-PolicyKey headers. Throws std::invalid_argument for an unknown
  // command or parameter name.
  eas_response command_base64(std::string_view cmd, const wbxml::element* request,
                              const field_list& params = {}, const field_list& headers = {});
  eas_response command_base64_bytes(std::string_view cmd, std::string body, const field_list& params = {},
                                    const field_list& headers = {});

  // OPTIONS /Microsoft-Server-ActiveSync with Basic auth ([MS-ASHTTP] 2.2.3).
  eas_response options(const field_list& headers = {});
  // GET `target` (no credentials).
  eas_response get(std::string_view target = "/Microsoft-Server-ActiveSync");
  // POST a mobilesync Autodiscover request for `email` ([MS-ASCMD] 2.2.1.1) with Basic auth.
  eas_response autodiscover(std::string_view email,
                            std::string_view path = "/autodiscover/autodiscover.xml");
  // POST `xml` as text/xml with Basic auth to `path`.
  eas_response autodiscover_body(std::string body, std::string_view path = "/autodiscover/autodiscover.xml",
                                 const field_list& headers = {});
  // POST `target` with Host, Authorization, User-Agent and (with a body) Content-Type, but no EAS
  // version/policy headers: for hand-made query strings. Extra headers as for command().
  eas_response post(std::string target, std::string body, const field_list& headers = {},
                    std::string_view content_type = "application/vnd.ms-sync.wbxml");
  // Anything at all: only Host (and Content-Length when there is a body) are added.
  eas_response raw(std::string method, std::string target, std::string body = {},
                   const field_list& headers = {});
  // Writes `bytes` verbatim on the connection and reads one response.
  eas_response raw_bytes(std::string_view bytes);

  // "Basic base64(user:password)" of the configured credentials.
  std::string authorization() const;
  // The query string command_base64 would send (already URL-encoded).
  std::string base64_query(std::string_view cmd, const field_list& params = {}) const;

  // Connects now (normally implicit). Throws eas_client_error.
  void connect();
  void close() noexcept;
  bool connected() const noexcept;
  // How many connections this client has opened so far (a keep-alive test checks it did not grow).
  unsigned connections_opened() const noexcept;
  // SHA-256 of the server certificate of the current TLS connection, lowercase hex ("" for plain/none).
  std::string peer_certificate_sha256() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// --- building and reading WBXML trees in tests -----------------------------------------------------

// node("AirSync:Sync", {leaf("AirSync:SyncKey", "0"), node("AirSync:Collections", {...})})
wbxml::element node(std::string_view qualified_name, std::initializer_list<wbxml::element> children = {});
wbxml::element leaf(std::string_view qualified_name, std::string text);
// The Status child of `root` in root's own code page, parsed as a number.
std::optional<unsigned> top_level_status(const wbxml::element& root);

// Base64 (standard alphabet, padded) and SHA-256 hex helpers shared by tests.
std::string base64_encode(std::string_view bytes);
std::string sha256_hex(std::string_view bytes);
// Percent-encodes everything except unreserved characters (RFC 3986 2.3).
std::string url_encode(std::string_view s);

}  // namespace easd::test
