#include "tests/support/mail_corpus.hpp"

#include "eas/core/base64.hpp"

#include <iconv.h>

#include <cerrno>
#include <map>
#include <random>
#include <stdexcept>

namespace easd::test {

namespace {

constexpr const char* crlf = "\r\n";

// Base64 wrapped at 76 columns (RFC 2045 6.8).
std::string base64_lines(std::string_view bytes) {
  const std::string flat = encode_base64(bytes);
  std::string out;
  out.reserve(flat.size() + flat.size() / 76 * 2 + 2);
  for (std::size_t i = 0; i < flat.size(); i += 76) {
    out.append(flat, i, 76);
    out += crlf;
  }
  return out;
}

// Quoted-printable of raw bytes (RFC 2045 6.7), soft line breaks at 76.
std::string quoted_printable(std::string_view bytes) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  std::size_t col = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c == '\n') {
      out += crlf;
      col = 0;
      continue;
    }
    if (c == '\r') continue;
    std::string piece;
    if ((c >= 33 && c <= 126 && c != '=') || (c == ' ' && i + 1 < bytes.size() && bytes[i + 1] != '\n')) {
      piece = static_cast<char>(c);
    } else {
      piece = {'=', hex[c >> 4], hex[c & 15]};
    }
    if (col + piece.size() > 75) {
      out += "=\r\n";
      col = 0;
    }
    out += piece;
    col += piece.size();
  }
  return out;
}

std::string headers(std::string_view from, std::string_view subject_wire, std::string_view date, std::string_view id) {
  std::string h;
  h += "From: " + std::string(from) + crlf;
  h += "To: \"Alice Example\" <alice@example.test>" + std::string(crlf);
  h += "Subject: " + std::string(subject_wire) + crlf;
  h += "Date: " + std::string(date) + crlf;
  h += "Message-ID: <" + std::string(id) + "@corpus.example.test>" + crlf;
  h += "MIME-Version: 1.0" + std::string(crlf);
  return h;
}

const char* const default_from = "\"Bob Example\" <bob@example.test>";
const char* const default_date = "Tue, 12 Mar 2024 09:30:00 +0000";

}  // namespace

std::string from_utf8(std::string_view text, const char* charset) {
  iconv_t cd = ::iconv_open(charset, "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error(std::string("iconv_open ") + charset);
  std::string in(text);
  std::string out(in.size() * 4 + 16, '\0');
  char* ip = in.data();
  std::size_t il = in.size();
  char* op = out.data();
  std::size_t ol = out.size();
  const auto r = ::iconv(cd, &ip, &il, &op, &ol);
  ::iconv_close(cd);
  if (r == static_cast<std::size_t>(-1)) throw std::runtime_error(std::string("iconv to ") + charset + " failed");
  out.resize(out.size() - ol);
  return out;
}

std::string encoded_word(std::string_view utf8, const char* charset, char encoding) {
  const std::string bytes = from_utf8(utf8, charset);
  std::string payload;
  if (encoding == 'B') {
    payload = encode_base64(bytes);
  } else {
    static constexpr char hex[] = "0123456789ABCDEF";
    for (unsigned char c : bytes) {
      if (c == ' ') {
        payload += '_';
      } else if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
        payload += static_cast<char>(c);
      } else {
        payload += {'=', hex[c >> 4], hex[c & 15]};
      }
    }
  }
  return "=?" + std::string(charset) + "?" + encoding + "?" + payload + "?=";
}

std::string random_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng() & 0xFF);
  return out;
}

std::vector<corpus_message> standard_corpus() {
  std::vector<corpus_message> out;

  {
    corpus_message m;
    m.key = "plain";
    m.subject = "Corpus plain text";
    m.body_marker = "The quarterly numbers are attached below";
    m.mime = headers(default_from, m.subject, default_date, "plain") +
             "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
             "Hello Alice,\r\n\r\nThe quarterly numbers are attached below.\r\n\r\nBob\r\n";
    out.push_back(std::move(m));
  }
  {
    corpus_message m;
    m.key = "html";
    m.subject = "Corpus HTML only";
    m.body_marker = "Budget review";
    m.html_marker = "<b>Budget review</b>";
    m.mime = headers(default_from, m.subject, default_date, "html") +
             "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
             "<html><body><p><b>Budget review</b> on Monday.</p><p>Regards</p></body></html>\r\n";
    out.push_back(std::move(m));
  }
  {
    corpus_message m;
    m.key = "alternative";
    m.subject = "Corpus multipart alternative";
    m.body_marker = "plain alternative of the invitation";
    m.html_marker = "<i>html alternative</i>";
    m.mime = headers(default_from, m.subject, default_date, "alt") +
             "Content-Type: multipart/alternative; boundary=\"alt-b\"\r\n\r\n"
             "--alt-b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
             "This is the plain alternative of the invitation.\r\n"
             "--alt-b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
             "<html><body><p>This is the <i>html alternative</i> of the invitation.</p></body></html>\r\n"
             "--alt-b--\r\n";
    out.push_back(std::move(m));
  }
  {
    corpus_message m;
    m.key = "attachments";
    m.subject = "Corpus with attachments";
    m.body_marker = "two files attached";
    expected_attachment pdf{"report.pdf", "application/pdf", "%PDF-1.4\n" + random_bytes(48'000, 7) + "\n%%EOF\n", "", false};
    expected_attachment bin{"data.bin", "application/octet-stream", random_bytes(3'001, 11), "", false};
    m.mime = headers(default_from, m.subject, default_date, "att") +
             "Content-Type: multipart/mixed; boundary=\"mix-b\"\r\n\r\n"
             "--mix-b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThere are two files attached.\r\n"
             "--mix-b\r\nContent-Type: application/pdf; name=\"report.pdf\"\r\n"
             "Content-Disposition: attachment; filename=\"report.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
             base64_lines(pdf.bytes) +
             "--mix-b\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\n"
             "Content-Disposition: attachment; filename=\"data.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
             base64_lines(bin.bytes) + "--mix-b--\r\n";
    m.attachments = {pdf, bin};
    out.push_back(std::move(m));
  }
  {
    corpus_message m;
    m.key = "inline-image";
    m.subject = "Corpus inline image";
    m.body_marker = "logo";
    m.html_marker = "cid:logo-1@corpus";
    // A PNG signature and IHDR chunk followed by filler: byte identity is what matters.
    std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0", 29);
    png += random_bytes(2'000, 13);
    expected_attachment img{"logo.png", "image/png", png, "logo-1@corpus", true};
    m.mime = headers(default_from, m.subject, default_date, "inline") +
             "Content-Type: multipart/related; boundary=\"rel-b\"; type=\"text/html\"\r\n\r\n"
             "--rel-b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
             "<html><body><p>Our logo:</p><img src=\"cid:logo-1@corpus\" alt=\"logo\"></body></html>\r\n"
             "--rel-b\r\nContent-Type: image/png; name=\"logo.png\"\r\nContent-ID: <logo-1@corpus>\r\n"
             "Content-Disposition: inline; filename=\"logo.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
             base64_lines(img.bytes) + "--rel-b--\r\n";
    m.attachments = {img};
    out.push_back(std::move(m));
  }
  {
    corpus_message m;
    m.key = "latin1-qp";
    m.subject = "Grüße aus München";
    m.body_marker = "Schöne Grüße, die Bürogemeinschaft";
    m.mime = headers(default_from, encoded_word(m.subject, "ISO-8859-1", 'Q'), default_date, "latin1") +
             "Content-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
             quoted_printable(from_utf8("Hallo,\nSchöne Grüße, die Bürogemeinschaft\n", "ISO-8859-1"));
    out.push_back(std::move(m));
  }
  {
    corpus_message m;
    m.key = "koi8r-base64";
    m.subject = "Привет из Москвы";
    m.body_marker = "Съешь же ещё этих мягких французских булок";
    m.mime = headers(default_from, encoded_word(m.subject, "KOI8-R", 'B'), default_date, "koi8") +
             "Content-Type: text/plain; charset=KOI8-R\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
             base64_lines(from_utf8("Съешь же ещё этих мягких французских булок, да выпей чаю.\n", "KOI8-R"));
    out.push_back(std::move(m));
  }
  {
    corpus_message m;
    m.key = "shift-jis";
    m.subject = "会議の議事録";
    m.body_marker = "こんにちは、世界";
    m.mime = headers(default_from, encoded_word(m.subject, "SHIFT_JIS", 'B'), default_date, "sjis") +
             "Content-Type: text/plain; charset=Shift_JIS\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
             from_utf8("こんにちは、世界。議事録を送ります。\r\n", "SHIFT_JIS");
    out.push_back(std::move(m));
  }
  {
    corpus_message m;
    m.key = "rfc2047-mixed";
    // Two adjacent encoded words in different charsets: the whitespace between them disappears
    // (RFC 2047 6.2), plain text around them stays.
    m.subject = "Re: Äpfel und Café";
    m.body_marker = "encoded words";
    m.mime = headers("=?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg@example.test>",
                     "Re: " + encoded_word("Äpfel und ", "UTF-8", 'B') + " " + encoded_word("Café", "ISO-8859-1", 'Q'),
                     default_date, "2047") +
             "Content-Type: text/plain; charset=utf-8\r\n\r\nSubject and sender are encoded words.\r\n";
    out.push_back(std::move(m));
  }
  {
    corpus_message m;
    m.key = "smime-signed";
    m.subject = "Corpus signed message";
    m.body_marker = "signed body";
    m.mime = headers(default_from, m.subject, default_date, "smime") +
             "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; "
             "boundary=\"sig-b\"\r\n\r\n"
             "--sig-b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThis is the signed body.\r\n"
             "--sig-b\r\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n"
             "Content-Disposition: attachment; filename=\"smime.p7s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
             base64_lines(random_bytes(600, 17)) + "--sig-b--\r\n";
    out.push_back(std::move(m));
  }
  return out;
}

corpus_message large_message(std::size_t bytes) {
  corpus_message m;
  m.key = "large";
  m.subject = "Corpus large message";
  m.body_marker = "The large file follows";
  // 3 raw bytes become 4 base64 characters plus CRLF every 76.
  const std::size_t raw = bytes / 4 * 3 * 76 / 78;
  expected_attachment big{"large.bin", "application/octet-stream", random_bytes(raw, 23), "", false};
  m.mime = headers(default_from, m.subject, default_date, "large") +
           "Content-Type: multipart/mixed; boundary=\"big-b\"\r\n\r\n"
           "--big-b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe large file follows.\r\n"
           "--big-b\r\nContent-Type: application/octet-stream; name=\"large.bin\"\r\n"
           "Content-Disposition: attachment; filename=\"large.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
           base64_lines(big.bytes) + "--big-b--\r\n";
  m.attachments = {std::move(big)};
  return m;
}

std::string expected_subject(std::string_view wire_subject) {
  // Built once from the corpus itself: each message's Subject line exactly as written into its MIME (the
  // corpus never folds it) → the UTF-8 the corpus records as the displayed subject.
  static const std::map<std::string, std::string, std::less<>> by_wire = [] {
    std::map<std::string, std::string, std::less<>> m;
    for (const auto& c : standard_corpus()) {
      const std::string_view mime = c.mime;
      const auto at = mime.find("\r\nSubject: ");
      if (at == std::string_view::npos) continue;
      const auto begin = at + 11;
      const auto end = mime.find(crlf, begin);
      m.emplace(std::string(mime.substr(begin, end - begin)), c.subject);
    }
    return m;
  }();
  const auto it = by_wire.find(wire_subject);
  return it == by_wire.end() ? std::string(wire_subject) : it->second;
}

std::string small_subject(std::string_view prefix, std::size_t n) {
  return "small " + std::string(prefix) + " " + std::to_string(n);
}

std::string small_message(std::string_view prefix, std::size_t n) {
  // Spread over a year of dates so FilterType windows have something to cut.
  static const char* const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  const std::string date = std::string(days[n % 7]) + ", " + std::to_string(1 + n % 28) + " Feb 2024 " +
                           std::to_string(10 + n % 12) + ":" + std::to_string(10 + n % 50) + ":00 +0000";
  const std::string id = std::string(prefix) + "-" + std::to_string(n);
  return headers(default_from, small_subject(prefix, n), date, id) +
         "Content-Type: text/plain; charset=utf-8\r\n\r\n"
         "Message number " + std::to_string(n) + " of the " + std::string(prefix) +
         " set. Please review the notes from the meeting and send the updated schedule to the team "
         "before the deadline; the client expects the draft by Friday.\r\n";
}

std::vector<std::string> small_messages(std::string_view prefix, std::size_t count) {
  std::vector<std::string> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) out.push_back(small_message(prefix, i));
  return out;
}

}  // namespace easd::test
