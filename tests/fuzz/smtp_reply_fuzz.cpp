// Fuzzes the SMTP reply parser. Input: one mode byte, then server bytes.
// Checks, beyond "no crash, no leak, no UB": parsing in fragments gives exactly what parsing the whole
// buffer gives; every reply respects the limits (lines, line length, code 200..599); every reply's
// summary is bounded and printable; parse_ehlo accepts whatever the parser produced. Mode bit 0x80:
// small limits, so that every cap is reached. Mode bit 0x40: the input is also a message body, and
// encode_message must give data that ends in CRLF.CRLF with no bare CR or LF and no unstuffed "." line.
#include "backend/smtp/extensions.hpp"
#include "backend/smtp/message_data.hpp"
#include "backend/smtp/reply_parser.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace smtp = easd::backend::smtp;

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

struct outcome {
  std::vector<std::string> replies;
  int error = 0;
};

std::string describe(const smtp::reply& r) {
  std::string s = std::to_string(r.code);
  for (const auto& l : r.lines) s += '\x1e' + l;
  return s;
}

outcome parse(std::string_view in, std::size_t piece, const smtp::reply_limits& limits) {
  smtp::reply_parser p(limits);
  outcome out;
  std::size_t pos = 0;
  while (pos < in.size()) {
    std::size_t n = piece == 0 ? in.size() - pos : std::min(piece, in.size() - pos);
    std::string_view chunk = in.substr(pos, n);
    while (!chunk.empty()) {
      auto r = p.feed(chunk);
      if (!r) {
        out.error = r.error().value();
        return out;
      }
      check(*r <= chunk.size());
      chunk.remove_prefix(*r);
      if (p.ready()) {
        auto reply = p.take();
        check(reply.code >= 200 && reply.code <= 599);
        check(!reply.lines.empty() && reply.lines.size() <= limits.max_lines);
        for (const auto& l : reply.lines) check(l.size() + 2 <= limits.max_line_bytes);
        auto summary = reply.summary(64);
        check(summary.size() <= 64);
        for (char c : summary) check(static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f);
        (void)smtp::parse_ehlo(reply);
        out.replies.push_back(describe(reply));
      } else {
        check(chunk.empty());
      }
    }
    pos += n;
  }
  return out;
}

void check_encoding(std::string_view body) {
  auto m = smtp::encode_message(body);
  const std::string& d = m.data;
  check(d.size() >= 3 && d.compare(d.size() - 3, 3, ".\r\n") == 0);
  check(d.size() == 3 || (d.size() >= 5 && d.compare(d.size() - 5, 5, "\r\n.\r\n") == 0));
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (d[i] == '\r') check(i + 1 < d.size() && d[i + 1] == '\n');
    if (d[i] == '\n') {
      check(i > 0 && d[i - 1] == '\r');
      // Only the terminator may be a lone "."; every other line starting with '.' was stuffed.
      const std::string_view line(d.data() + line_start, i - 1 - line_start);
      if (i + 1 != d.size() && !line.empty() && line[0] == '.') check(line.size() >= 2 && line[1] == '.');
      line_start = i + 1;
    }
  }
  check(m.message_size <= d.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  smtp::reply_limits limits;
  if (mode & 0x80) {
    limits.max_line_bytes = 32;
    limits.max_lines = 4;
  }
  const std::size_t piece = (mode & 0x0f) + 1;
  auto whole = parse(in, 0, limits);
  auto frag = parse(in, piece, limits);
  check(whole.replies == frag.replies && whole.error == frag.error);
  if (mode & 0x40) check_encoding(in);
  return 0;
}
