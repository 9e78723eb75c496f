#include "tests/support/eas_client.hpp"

#include "eas/core/ascii.hpp"
#include "eas/core/base64.hpp"

#include "eas/core/protocol_version.hpp"
#include "eas/wbxml/codec.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace easd::test {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr std::string_view eas_path = "/Microsoft-Server-ActiveSync";

using easd::iequals_ascii;
using easd::istarts_with_ascii;

// [MS-ASHTTP] 2.2.1.1.1.1.2
std::optional<std::uint8_t> command_code(std::string_view cmd) {
  static constexpr std::array<std::pair<std::string_view, std::uint8_t>, 20> table{{
      {"Sync", 0},           {"SendMail", 1},         {"SmartForward", 2},     {"SmartReply", 3},
      {"GetAttachment", 4},  {"FolderSync", 9},       {"FolderCreate", 10},    {"FolderDelete", 11},
      {"FolderUpdate", 12},  {"MoveItems", 13},       {"GetItemEstimate", 14}, {"MeetingResponse", 15},
      {"Search", 16},        {"Settings", 17},        {"Ping", 18},            {"ItemOperations", 19},
      {"Provision", 20},     {"ResolveRecipients", 21}, {"ValidateCert", 22},  {"Find", 23},
  }};
  for (const auto& [name, code] : table)
    if (name == cmd) return code;
  return std::nullopt;
}

// [MS-ASHTTP] 2.2.1.1.1.1.3
std::optional<std::uint8_t> parameter_tag(std::string_view name) {
  static constexpr std::array<std::string_view, 9> table{
      "AttachmentName", "CollectionId", "CollectionName", "ItemId", "LongId",
      "ParentId",       "Occurrence",   "Options",        "User"};
  for (std::size_t i = 0; i < table.size(); ++i)
    if (table[i] == name) return static_cast<std::uint8_t>(i);
  return std::nullopt;
}

void apply_overrides(field_list& fields, const field_list& overrides) {
  for (const auto& o : overrides) {
    const auto& [name, value] = o;
    std::erase_if(fields, [&o](const auto& f) { return iequals_ascii(f.first, o.first); });  // clang 14
    if (!value.empty()) fields.emplace_back(name, value);
  }
}

}  // namespace

bool stale_connection_error(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset ||
         ec == net::error::broken_pipe || ec == net::error::connection_aborted ||
         ec == ssl::error::stream_truncated || ec == beast::errc::not_connected;
}

bool ci_less::operator()(std::string_view a, std::string_view b) const noexcept {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return easd::ascii_lower(x) < easd::ascii_lower(y); });
}

std::string eas_response::header(std::string_view name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string{} : it->second;
}

std::optional<unsigned> eas_response::eas_status() const {
  if (!document) return std::nullopt;
  return top_level_status(*document);
}

std::string eas_response::xml() const { return document ? wbxml::to_xml(*document) : std::string{}; }

std::string eas_response::describe() const {
  std::string out = "HTTP " + std::to_string(status);
  if (auto s = eas_status()) out += " Status " + std::to_string(*s);
  if (document) return out + "\n" + xml();
  if (decode_error) out += " (WBXML body did not decode: " + decode_error.message() + ")";
  if (body.empty()) return out;
  out += " body: ";
  for (char c : body.substr(0, 300)) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7F) {
      out.push_back(c);
    } else {
      static constexpr char hex[] = "0123456789abcdef";
      out += {'\\', 'x', hex[u >> 4], hex[u & 0xF]};
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------

struct eas_client::impl {
  explicit impl(eas_client_options o) : opt(std::move(o)) {}

  eas_client_options opt;
  net::io_context ioc;
  std::unique_ptr<ssl::context> ssl_ctx;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  unsigned opened = 0;
  bool used = false;  // the current connection carried a request already
  bool write_failed = false;  // the last request was answered before it was completely written

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
  bool is_open() const { return (plain && plain->socket().is_open()) ||
                                (tls && beast::get_lowest_layer(*tls).socket().is_open()); }

  // Runs one asynchronous operation to completion on the private io_context; the tcp_stream deadline
  // set before it turns a hang into beast::error::timeout.
  template <class Start>
  error_code run(Start&& start) {
    error_code result = net::error::would_block;
    std::forward<Start>(start)([&result](error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  void arm() { lowest().expires_after(opt.timeout); }

  void close() noexcept {
    error_code ignored;
    if (tls) beast::get_lowest_layer(*tls).socket().close(ignored);
    if (plain) plain->socket().close(ignored);
    // Drain handlers of the closed sockets before destroying them.
    ioc.restart();
    ioc.poll();
    tls.reset();
    plain.reset();
    buffer.clear();
    used = false;
  }

  void connect() {
    close();
    tcp::resolver resolver(ioc);
    error_code ec;
    auto endpoints = resolver.resolve(opt.host, std::to_string(opt.port), ec);
    if (ec) throw eas_client_error(ec, "resolve " + opt.host);

    auto stream = std::make_unique<beast::tcp_stream>(ioc);
    stream->expires_after(opt.timeout);
    ec = run([&](auto handler) { stream->async_connect(endpoints, std::move(handler)); });
    if (ec) throw eas_client_error(ec, "connect " + opt.host + ":" + std::to_string(opt.port));
    stream->socket().set_option(tcp::no_delay(true));
    ++opened;

    if (!opt.tls) {
      plain = std::move(stream);
      return;
    }
    ssl_ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
    if (opt.ca_file.empty()) {
      ssl_ctx->set_verify_mode(ssl::verify_none);
    } else {
      ssl_ctx->load_verify_file(opt.ca_file);
      ssl_ctx->set_verify_mode(ssl::verify_peer);
      if (!opt.server_name.empty()) ssl_ctx->set_verify_callback(ssl::host_name_verification(opt.server_name));
    }
    tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(*stream), *ssl_ctx);
    if (!opt.server_name.empty()) SSL_set_tlsext_host_name(tls->native_handle(), opt.server_name.c_str());
    arm();
    ec = run([&](auto handler) { tls->async_handshake(ssl::stream_base::client, std::move(handler)); });
    if (ec) {
      close();
      throw eas_client_error(ec, "TLS handshake");
    }
  }

  // Writes the request, then reads the response. A server may answer early and close while the request
  // is still being written (431 for a huge header, 413 for a huge body): after a failed write the
  // response may still be waiting in the receive buffer, so it is read anyway, as browsers and curl do.
  using response_parser = http::response_parser<http::string_body>;

  void fresh_parser(std::optional<response_parser>& parser) const {
    parser.emplace();
    parser->body_limit(opt.max_response_body);
    parser->header_limit(1u << 20);
  }

  template <class Stream>
  error_code exchange(Stream& s, const http::request<http::string_body>* req, std::string_view bytes,
                      std::optional<response_parser>& parser) {
    arm();
    write_failed = false;
    error_code write_ec = req ? run([&](auto h) { http::async_write(s, *req, std::move(h)); })
                              : run([&](auto h) { net::async_write(s, net::buffer(bytes.data(), bytes.size()),
                                                                   std::move(h)); });
    if (write_ec && write_ec != net::error::broken_pipe && write_ec != net::error::connection_reset)
      return write_ec;
    arm();
    error_code read_ec;
    for (;;) {
      fresh_parser(parser);
      read_ec = run([&](auto h) { http::async_read(s, buffer, *parser, std::move(h)); });
      // Interim answers (100 Continue) precede the real one (RFC 9110 §15.2); skip them like a phone does.
      const unsigned status = read_ec ? 0 : parser->get().result_int();
      if (status < 100 || status >= 200 || status == 101) break;
    }
    write_failed = static_cast<bool>(write_ec);
    if (read_ec && write_ec) return write_ec;
    return read_ec;
  }

  eas_response perform(const http::request<http::string_body>* req, std::string_view bytes) {
    for (int attempt = 0;; ++attempt) {
      if (!is_open()) connect();
      const bool reused = used;
      used = true;
      std::optional<response_parser> parser;
      auto start = std::chrono::steady_clock::now();
      error_code ec = tls ? exchange(*tls, req, bytes, parser) : exchange(*plain, req, bytes, parser);
      auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
      if (ec) {
        const bool nothing_read = !parser || !parser->got_some();
        close();
        // A keep-alive connection the server closed meanwhile: open a new one and send again.
        if (reused && nothing_read && attempt == 0 && stale_connection_error(ec)) continue;
        throw eas_client_error(ec, "HTTP exchange");
      }
      auto res = parser->release();
      eas_response out;
      out.status = res.result_int();
      out.reason = std::string(res.reason());
      for (const auto& f : res) {
        std::string name(f.name_string());
        std::string value(f.value());
        auto [it, inserted] = out.headers.emplace(name, value);
        if (!inserted) it->second += ", " + value;
      }
      out.body = std::move(res.body());
      out.elapsed = elapsed;
      const std::string type = out.header("Content-Type");
      if (!out.body.empty() && istarts_with_ascii(type, "application/vnd.ms-sync") &&
          !istarts_with_ascii(type, "application/vnd.ms-sync.multipart")) {
        auto doc = wbxml::decode(std::string_view(out.body));
        if (doc) out.document = std::move(*doc);
        else out.decode_error = doc.error();
      }
      if (!res.keep_alive() || write_failed) close();
      return out;
    }
  }

  eas_response send(std::string method, std::string target, std::string body, const field_list& fields) {
    http::request<http::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(http::field::host, opt.host + ":" + std::to_string(opt.port));
    for (const auto& [name, value] : fields) req.insert(name, value);
    const bool has_body = !body.empty() || method == "POST" || method == "PUT";
    req.body() = std::move(body);
    if (has_body) req.prepare_payload();
    return perform(&req, {});
  }

  field_list auth_fields(std::string_view content_type, bool has_body) const {
    field_list f;
    f.emplace_back("User-Agent", opt.user_agent);
    f.emplace_back("Authorization", basic());
    if (has_body && !content_type.empty()) f.emplace_back("Content-Type", std::string(content_type));
    return f;
  }

  std::string basic() const { return "Basic " + base64_encode(opt.user + ":" + opt.password); }

  std::string plain_query(std::string_view cmd, const field_list& params) const {
    std::string q = "Cmd=" + url_encode(cmd) + "&User=" + url_encode(opt.user) + "&DeviceId=" +
                    url_encode(opt.device_id) + "&DeviceType=" + url_encode(opt.device_type);
    for (const auto& [name, value] : params) q += "&" + url_encode(name) + "=" + url_encode(value);
    return q;
  }

  std::string base64_query(std::string_view cmd, const field_list& params) const {
    auto version = parse_protocol_version(opt.protocol_version);
    if (!version) throw std::invalid_argument("protocol version " + opt.protocol_version);
    auto code = command_code(cmd);
    if (!code) throw std::invalid_argument("no base64 command code for " + std::string(cmd));
    if (opt.device_id.empty() || opt.device_id.size() > 255 || opt.device_type.size() > 255)
      throw std::invalid_argument("device id/type length");
    std::string raw;
    raw.push_back(static_cast<char>(static_cast<std::uint8_t>(*version)));
    raw.push_back(static_cast<char>(*code));
    raw += std::string("\x09\x04", 2);  // LCID 0x0409 en-US, little-endian
    raw.push_back(static_cast<char>(opt.device_id.size()));
    raw += opt.device_id;
    if (opt.policy_key) {
      std::uint32_t key = 0;
      const auto& s = *opt.policy_key;
      auto [p, e] = std::from_chars(s.data(), s.data() + s.size(), key);
      if (e != std::errc{} || p != s.data() + s.size()) throw std::invalid_argument("policy key " + s);
      raw.push_back(4);
      for (int i = 0; i < 4; ++i) raw.push_back(static_cast<char>((key >> (8 * i)) & 0xFF));
    } else {
      raw.push_back(0);
    }
    raw.push_back(static_cast<char>(opt.device_type.size()));
    raw += opt.device_type;
    for (const auto& [name, value] : params) {
      auto tag = parameter_tag(name);
      if (!tag || value.size() > 255) throw std::invalid_argument("base64 query parameter " + name);
      raw.push_back(static_cast<char>(*tag));
      raw.push_back(static_cast<char>(value.size()));
      raw += value;
    }
    return url_encode(base64_encode(raw));
  }
};

eas_client::eas_client(eas_client_options options) : impl_(std::make_unique<impl>(std::move(options))) {}
eas_client::~eas_client() {
  if (impl_) impl_->close();
}
eas_client::eas_client(eas_client&&) noexcept = default;
eas_client& eas_client::operator=(eas_client&&) noexcept = default;

eas_client_options& eas_client::config() noexcept { return impl_->opt; }

eas_response eas_client::command(std::string_view cmd, const wbxml::element* request, const field_list& params,
                                 const field_list& headers) {
  return command_bytes(cmd, request ? wbxml::encode_to_string(*request) : std::string{}, params, headers);
}

eas_response eas_client::command_bytes(std::string_view cmd, std::string body, const field_list& params,
                                       const field_list& headers, std::string_view content_type) {
  auto& o = impl_->opt;
  field_list fields = impl_->auth_fields(content_type, !body.empty());
  fields.emplace_back("MS-ASProtocolVersion", o.protocol_version);
  if (o.policy_key) fields.emplace_back("X-MS-PolicyKey", *o.policy_key);
  apply_overrides(fields, headers);
  return impl_->send("POST", std::string(eas_path) + "?" + impl_->plain_query(cmd, params), std::move(body),
                     fields);
}

eas_response eas_client::command_base64(std::string_view cmd, const wbxml::element* request,
                                        const field_list& params, const field_list& headers) {
  return command_base64_bytes(cmd, request ? wbxml::encode_to_string(*request) : std::string{}, params,
                              headers);
}

eas_response eas_client::command_base64_bytes(std::string_view cmd, std::string body, const field_list& params,
                                              const field_list& headers) {
  field_list fields = impl_->auth_fields("application/vnd.ms-sync.wbxml", !body.empty());
  apply_overrides(fields, headers);
  return impl_->send("POST", std::string(eas_path) + "?" + impl_->base64_query(cmd, params), std::move(body),
                     fields);
}

eas_response eas_client::options(const field_list& headers) {
  field_list fields = impl_->auth_fields({}, false);
  apply_overrides(fields, headers);
  return impl_->send("OPTIONS", std::string(eas_path), {}, fields);
}

eas_response eas_client::get(std::string_view target) {
  field_list fields{{"User-Agent", impl_->opt.user_agent}};
  return impl_->send("GET", std::string(target), {}, fields);
}

eas_response eas_client::autodiscover(std::string_view email, std::string_view path) {
  // [MS-ASCMD] 2.2.1.1: the mobilesync request schema.
  std::string body =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
      "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006\">"
      "<Request><EMailAddress>" + std::string(email) + "</EMailAddress>"
      "<AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006"
      "</AcceptableResponseSchema></Request></Autodiscover>";
  return autodiscover_body(std::move(body), path);
}

eas_response eas_client::autodiscover_body(std::string body, std::string_view path, const field_list& headers) {
  field_list fields = impl_->auth_fields("text/xml", true);
  apply_overrides(fields, headers);
  return impl_->send("POST", std::string(path), std::move(body), fields);
}

eas_response eas_client::post(std::string target, std::string body, const field_list& headers,
                              std::string_view content_type) {
  field_list fields = impl_->auth_fields(content_type, !body.empty());
  apply_overrides(fields, headers);
  return impl_->send("POST", std::move(target), std::move(body), fields);
}

eas_response eas_client::raw(std::string method, std::string target, std::string body, const field_list& headers) {
  return impl_->send(std::move(method), std::move(target), std::move(body), headers);
}

eas_response eas_client::raw_bytes(std::string_view bytes) { return impl_->perform(nullptr, bytes); }

std::string eas_client::authorization() const { return impl_->basic(); }

std::string eas_client::base64_query(std::string_view cmd, const field_list& params) const {
  return impl_->base64_query(cmd, params);
}

void eas_client::connect() { impl_->connect(); }
void eas_client::close() noexcept { impl_->close(); }
bool eas_client::connected() const noexcept { return impl_->is_open(); }
unsigned eas_client::connections_opened() const noexcept { return impl_->opened; }

std::string eas_client::peer_certificate_sha256() const {
  if (!impl_->tls) return {};
  X509* cert = SSL_get1_peer_certificate(impl_->tls->native_handle());
  if (!cert) return {};
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const bool ok = X509_digest(cert, EVP_sha256(), md, &len) == 1;
  X509_free(cert);
  if (!ok) return {};
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 0xF]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------

wbxml::element node(std::string_view qualified_name, std::initializer_list<wbxml::element> children) {
  auto e = wbxml::element::named(qualified_name);
  for (const auto& c : children) e.add(c);
  return e;
}

wbxml::element leaf(std::string_view qualified_name, std::string text) {
  return wbxml::element::named(qualified_name, std::move(text));
}

std::optional<unsigned> top_level_status(const wbxml::element& root) {
  for (const auto& c : root.children()) {
    if (c.id().page != root.id().page) continue;
    const std::string name = c.qualified_name();
    if (name.size() < 7 || name.compare(name.size() - 7, 7, ":Status") != 0) continue;
    unsigned v = 0;
    const auto& t = c.text();
    auto [p, e] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (e != std::errc{} || p != t.data() + t.size()) return std::nullopt;
    return v;
  }
  return std::nullopt;
}

std::string base64_encode(std::string_view bytes) { return easd::encode_base64(bytes); }

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 0xF]);
  }
  return out;
}

std::string url_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(ch);
    } else {
      out += {'%', hex[c >> 4], hex[c & 0xF]};
    }
  }
  return out;
}

}  // namespace easd::test
