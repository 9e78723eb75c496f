// The message builders of fake_mail_store.hpp: small, well-formed messages with their structure, raw bytes
// and stored parts, so tests need not write MIME by hand.
#include "backend/fake/fake_mail_store.hpp"

#include "eas/core/base64.hpp"

#include <atomic>

namespace easd::backend {

namespace {

std::string format_address(const mail_address& a) {
  return a.name.empty() ? a.address : "\"" + a.name + "\" <" + a.address + ">";
}

std::string encode_qp(std::string_view in) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : in) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\r' || c == '\n' || (u >= 0x20 && u < 0x7f && c != '=')) {
      out += c;
    } else {
      out += '=';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

std::string wrap76(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 76) {
    out.append(in.substr(i, 76));
    out += "\r\n";
  }
  return out;
}

std::atomic<std::uint32_t> message_counter{0};  // Message-IDs of built messages

// Header block + blank line for the helpers.
std::string header_block(const fake_message& m, std::string_view content_type, std::string_view cte) {
  std::string h;
  h += "From: " + format_address(m.from.front()) + "\r\n";
  h += "To: " + format_address(m.to.front()) + "\r\n";
  h += "Subject: " + m.subject + "\r\n";
  h += "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n";
  h += "Message-ID: " + m.message_id + "\r\n";
  h += "MIME-Version: 1.0\r\n";
  h += "Content-Type: " + std::string(content_type) + "\r\n";
  if (!cte.empty()) h += "Content-Transfer-Encoding: " + std::string(cte) + "\r\n";
  h += "\r\n";
  return h;
}

fake_message base(std::string_view subject, std::string_view from) {
  fake_message m;
  m.subject = std::string(subject);
  m.date = m.internal_date;
  m.from.push_back(fake_message::address(from));
  m.to.push_back({"", "user@example.com"});
  m.message_id = "<fake" + std::to_string(++message_counter) + "@example.com>";
  return m;
}


}  // namespace

mime_part fake_message::leaf(std::string section, std::string type, std::string subtype,
                              std::string encoding, std::uint64_t size) {
  mime_part p;
  p.section = std::move(section);
  p.type = std::move(type);
  p.subtype = std::move(subtype);
  p.charset = p.type == "text" ? "utf-8" : "";
  p.encoding = std::move(encoding);
  p.size = size;
  return p;
}

mail_address fake_message::address(std::string_view text) {
  auto lt = text.find('<');
  auto gt = text.rfind('>');
  if (lt == std::string_view::npos || gt == std::string_view::npos || gt < lt) return {"", std::string(text)};
  auto name = text.substr(0, lt);
  while (!name.empty() && (name.back() == ' ' || name.back() == '"')) name.remove_suffix(1);
  while (!name.empty() && (name.front() == ' ' || name.front() == '"')) name.remove_prefix(1);
  return {std::string(name), std::string(text.substr(lt + 1, gt - lt - 1))};
}

fake_message fake_message::plain(std::string_view subject, std::string_view from, std::string_view body) {
  auto m = base(subject, from);
  m.body = fake_message::leaf("1", "text", "plain", "8bit", body.size());
  m.headers.emplace_back("content-type", "text/plain; charset=utf-8");
  m.raw = header_block(m, "text/plain; charset=utf-8", "8bit") + std::string(body);
  m.parts["1"] = std::string(body);
  return m;
}

fake_message fake_message::html(std::string_view subject, std::string_view from, std::string_view html_body) {
  auto m = base(subject, from);
  auto stored = encode_qp(html_body);
  m.body = fake_message::leaf("1", "text", "html", "quoted-printable", stored.size());
  m.headers.emplace_back("content-type", "text/html; charset=utf-8");
  m.raw = header_block(m, "text/html; charset=utf-8", "quoted-printable") + stored;
  m.parts["1"] = stored;
  return m;
}

fake_message fake_message::with_attachment(std::string_view subject, std::string_view from, std::string_view body,
                                           std::string_view filename, std::string_view content_type,
                                           std::string_view data) {
  auto m = base(subject, from);
  const std::string boundary = "=_fake_boundary";
  auto encoded = wrap76(encode_base64(data));
  auto slash = content_type.find('/');
  std::string type(content_type.substr(0, slash));
  std::string subtype(slash == std::string_view::npos ? "octet-stream" : content_type.substr(slash + 1));

  m.body.section = "";
  m.body.type = "multipart";
  m.body.subtype = "mixed";
  m.body.children.push_back(fake_message::leaf("1", "text", "plain", "8bit", body.size()));
  auto att = fake_message::leaf("2", type, subtype, "base64", encoded.size());
  att.disposition = "attachment";
  att.filename = std::string(filename);
  m.body.children.push_back(std::move(att));
  std::string ct = "multipart/mixed; boundary=\"" + boundary + "\"";
  m.headers.emplace_back("content-type", ct);

  std::string raw = header_block(m, ct, "");
  raw += "--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
  raw += std::string(body) + "\r\n";
  raw += "--" + boundary + "\r\nContent-Type: " + std::string(content_type) + "; name=\"" + std::string(filename) +
         "\"\r\nContent-Disposition: attachment; filename=\"" + std::string(filename) +
         "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  raw += encoded;
  raw += "--" + boundary + "--\r\n";
  m.raw = std::move(raw);
  m.parts["1"] = std::string(body);
  m.parts["2"] = std::move(encoded);
  return m;
}

}  // namespace easd::backend
