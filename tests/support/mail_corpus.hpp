// Test mail: the corpus the mail integration tests seed into Dovecot, each message with what a correct
// server must show of it (decoded subject, a text the decoded body contains, attachments byte for byte).
//
// Pure functions, deterministic (fixed seeds), CRLF line ends. The charsets are produced with iconv from
// UTF-8 expectations, so expectation and wire bytes cannot drift apart.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace easd::test {

struct expected_attachment {
  std::string file_name;     // Content-Disposition filename (decoded)
  std::string content_type;  // "application/pdf"
  std::string bytes;         // decoded content, what an attachment fetch must return byte for byte
  std::string content_id;    // without angle brackets; "" when none
  bool is_inline = false;
};

struct corpus_message {
  std::string key;          // short unique name: "plain", "html", "latin1-qp", ...
  std::string mime;         // the raw message
  std::string subject;      // the Subject a client must display (UTF-8)
  std::string body_marker;  // UTF-8 text the plain body (type 1) must contain
  std::string html_marker;  // text the HTML body (type 2) must contain ("" when the message has no HTML)
  std::vector<expected_attachment> attachments;
};

// Plain, HTML only, multipart/alternative, mixed with attachments, related with an inline image
// (Content-ID), ISO-8859-1 quoted-printable, KOI8-R base64, Shift_JIS, RFC 2047 subjects (Q and B, mixed
// charsets), an S/MIME-signed message class. Every subject is unique.
std::vector<corpus_message> standard_corpus();

// The Subject a client must display for a Subject header value as it is on the wire (unfolded), for the
// messages of standard_corpus(): its recorded UTF-8 expectation. Any other value (plain ASCII subjects such
// as small_subject()'s) is returned unchanged. Lets a server-side view (raw IMAP headers) be compared with
// a device's decoded one without decoding MIME in the tests.
std::string expected_subject(std::string_view wire_subject);

// One text/plain message of about `bytes` bytes (base64-encoded attachment of pseudo-random bytes, so the
// body is incompressible and the part is big): the "20 MB message".
corpus_message large_message(std::size_t bytes = 20u << 20);

// A small plain message, subject "small <prefix> <n>", ~600 bytes; distinct per (prefix, n).
std::string small_message(std::string_view prefix, std::size_t n);
std::string small_subject(std::string_view prefix, std::size_t n);

// `count` small messages (small_message(prefix, 0 .. count-1)).
std::vector<std::string> small_messages(std::string_view prefix, std::size_t count);

// Converts UTF-8 text to `charset` with iconv; throws std::runtime_error when it cannot.
std::string from_utf8(std::string_view text, const char* charset);
// RFC 2047 encoded-word of `utf8` in `charset` with encoding 'B' or 'Q'.
std::string encoded_word(std::string_view utf8, const char* charset, char encoding);

// Deterministic pseudo-random bytes.
std::string random_bytes(std::size_t n, std::uint32_t seed);

}  // namespace easd::test
