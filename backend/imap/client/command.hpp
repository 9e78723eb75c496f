// Builds the bytes of one IMAP command with every string argument encoded safely (RFC 9051 §4.3):
// a quoted string when every byte allows it, else a literal. A synchronising literal splits the command
// into chunks: the client sends chunk k+1 only after the server's "+" continuation (RFC 9051 §7.5).
// This is the one place where caller-supplied text (a user name, a password, an ID value) becomes IMAP.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace easd::backend::imap {

// How strings that cannot be quoted are sent, from the server's capabilities (RFC 7888).
enum class literal_mode {
  synchronizing,      // {n} and wait for "+"
  non_synchronizing,  // LITERAL+: {n+} for any size
  small_non_sync,     // LITERAL-: {n+} up to 4096 bytes, larger ones synchronising
};

class command_builder {
public:
  // Starts "TAG NAME"; `tag` and `name` are the client's own atoms.
  command_builder(std::string_view tag, std::string_view name, literal_mode mode);

  // Appends protocol text as is (spaces, parentheses, keywords): never caller-supplied data.
  command_builder& raw(std::string_view text);

  // Appends `s` as a string. Returns false, appending nothing, when `s` holds NUL (which no IMAP string
  // may carry outside literal8).
  [[nodiscard]] bool string(std::string_view s);

  // Appends `s` as a literal whatever its bytes (APPEND's message must be one, RFC 9051 §6.3.12). Returns
  // false, appending nothing, when `s` holds NUL.
  [[nodiscard]] bool literal(std::string_view s);

  // The command's tag, as given to the constructor.
  const std::string& tag() const noexcept { return tag_; }

  // The command's chunks, the last one ending in CRLF.
  std::vector<std::string> finish() &&;

  // True when `s` can travel as a quoted string: 7-bit, no NUL, CR or LF.
  static bool quotable(std::string_view s) noexcept;

private:
  void append_literal(std::string_view s);

  std::vector<std::string> chunks_;
  std::string tag_;
  literal_mode mode_;
};

}  // namespace easd::backend::imap
