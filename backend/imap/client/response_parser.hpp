// Incremental IMAP response parser (RFC 9051 §9 "response"; literal8 from RFC 3516, {n+} from RFC 7888).
//
// Feed it bytes as they arrive, in pieces of any size; it keeps its state between calls and never looks
// at a byte twice. It stops right after each complete response so that the caller can act on it before
// the next one is parsed (after a tagged OK to STARTTLS the bytes that follow must not be read as
// plaintext). It is a state machine with an explicit, bounded stack of open lists: no recursion.
//
// Bounds (parser_limits): bytes per line outside literals, bytes per literal, bytes per response
// (lines plus literals), list nesting depth and values per response. Exceeding one is an error. Errors are
// sticky: an IMAP byte stream cannot be resynchronised, so the connection must be dropped.
//
// Not supported yet: a literal inside a section's brackets (BODY[HEADER.FIELDS ({4}\r\nFROM)]); servers
// send atoms there. Literals are buffered in the value (up to max_literal_bytes); streaming them to a sink
// is a later extension of this class.
#pragma once

#include "backend/imap/client/response.hpp"
#include "eas/core/result.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace easd::backend::imap {

struct parser_limits {
  std::size_t max_line_bytes = 64 * 1024;
  std::size_t max_literal_bytes = 64 * 1024 * 1024;
  std::size_t max_response_bytes = 80 * 1024 * 1024;
  std::size_t max_depth = 64;  // BODYSTRUCTURE of a deeply nested multipart needs a few levels per part
  std::size_t max_values = 256 * 1024;
};

class response_parser {
public:
  explicit response_parser(parser_limits limits = {}) noexcept : limits_(limits) {}

  // Applies from the next byte on; lowering a limit below what the current response already used makes
  // the next byte fail.
  void set_limits(const parser_limits& limits) noexcept { limits_ = limits; }
  const parser_limits& limits() const noexcept { return limits_; }

  // Consumes a prefix of `in` and returns its length: all of `in`, or up to and including the LF that ends
  // a response, after which ready() is true. While ready(), feed consumes nothing until take().
  result<std::size_t> feed(std::string_view in);

  bool ready() const noexcept { return state_ == state::done; }

  // True when no byte of a next response has been consumed yet (nothing is half-parsed).
  bool idle() const noexcept { return state_ == state::line_start; }

  // The completed response; resets the parser for the next one. Precondition: ready().
  response take();

private:
  enum class state : std::uint8_t {
    line_start, tag, after_star, after_plus, status_word,
    between, atom, atom_bracket, tilde, quoted, quoted_escape,
    literal_digits, literal_plus, literal_cr, literal_lf, literal_body,
    text_start, text_code_or_text, code_name, code_args, after_code, text,
    cr, done, failed,
  };

  result<void> fail(error_code ec);
  result<void> push_value(value_kind kind);
  result<void> finish_atom();
  result<void> enter_status(std::string_view word);

  parser_limits limits_;
  state state_ = state::line_start;
  error_code error_;
  response resp_;
  std::vector<std::uint32_t> open_lists_;  // indices into resp_.data, at most limits_.max_depth
  std::string word_;                       // tagged status word being read
  std::size_t line_bytes_ = 0;
  std::size_t response_bytes_ = 0;
  std::uint64_t literal_size_ = 0;
  std::uint64_t literal_left_ = 0;
  bool literal_digits_seen_ = false;
  bool literal_binary_ = false;
};

}  // namespace easd::backend::imap
