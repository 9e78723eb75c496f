// The SMTP reply parser (RFC 5321 §4.2): hostile bytes in, bounded replies out.
//
//   reply      = *( code "-" [ text ] CRLF ) code [ SP text ] CRLF
//   code       = %x32-35 DIGIT DIGIT         ; 2xx..5xx (§4.2.1: the first digit is 2, 3, 4 or 5)
//
// Every line of one reply must carry the same code (§4.2.1). Lines end in CRLF; a bare LF is accepted
// as well (some servers and proxies send it), the CR before it is dropped. Anything else is
// error::malformed_reply. Bounds: options::max_line_bytes per line (CRLF included) and max_lines per
// reply — RFC 5321 §4.5.3.1.5 asks for 512 octets, we allow more but never an unbounded amount. After an
// error the parser stays failed.
#pragma once

#include "eas/core/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace easd::backend::smtp {

struct reply {
  unsigned code = 0;               // 200..599
  std::vector<std::string> lines;  // each line's text after "NNN-" / "NNN " (possibly empty)

  bool positive() const noexcept { return code >= 200 && code < 300; }
  bool intermediate() const noexcept { return code >= 300 && code < 400; }
  bool transient() const noexcept { return code >= 400 && code < 500; }
  bool permanent() const noexcept { return code >= 500 && code < 600; }
  // "NNN text / text ..." for logs: at most max_bytes, control and non-ASCII bytes replaced by '?'.
  std::string summary(std::size_t max_bytes = 256) const;
};

struct reply_limits {
  std::size_t max_line_bytes = 4096;
  std::size_t max_lines = 100;
};

class reply_parser {
public:
  explicit reply_parser(reply_limits limits = {}) : limits_(limits) {}

  // Consumes bytes up to and including the end of one reply (then ready() is true and the rest of
  // `bytes` is left for the next call), or all of `bytes` when the reply is not complete yet.
  result<std::size_t> feed(std::string_view bytes);
  bool ready() const noexcept { return ready_; }
  // The complete reply; the parser then waits for the next one. Only when ready().
  reply take();
  // True when no part of a reply is buffered (between replies).
  bool idle() const noexcept { return !ready_ && line_.empty() && current_.lines.empty() && !failed_; }

private:
  result<void> end_line();

  reply_limits limits_;
  std::string line_;  // the current line without its line end
  reply current_;
  bool ready_ = false;
  bool failed_ = false;
};

}  // namespace easd::backend::smtp
