// One client connection to an IMAP server: connect (TCP, implicit TLS or STARTTLS), greeting,
// CAPABILITY, ID (RFC 2971), authentication (AUTHENTICATE PLAIN with SASL-IR, RFC 4959 / 4616; LOGIN as
// fallback), LOGOUT, and a generic command runner (execute) on which the typed commands build: select.hpp,
// list.hpp, fetch.hpp, search.hpp, store.hpp, append.hpp, mailbox_admin.hpp; connection_pool.hpp pools
// them per user. IDLE (RFC 2177) and unsolicited responses (NOTIFY events, RFC 5465) for change watchers
// (idle.cpp). Later: FETCH with literals streamed to a sink.
//
// Contract:
// - One operation at a time, awaited from one coroutine; not thread-safe. If the io_context runs on
//   several threads, await from a coroutine that runs on a strand. Completions resume on the awaiting
//   coroutine's executor; the socket is created on the executor given to connect().
// - Every operation has a deadline (options::connect_timeout / command_timeout); when it passes, the
//   pending read or write is cancelled and the operation returns error::timeout.
// - Errors are values (error.hpp). After any error other than auth_failed, command_failed,
//   login_disabled or unsendable_argument the connection is unusable; every later call fails at once.
// - Cancelling the awaiting coroutine cancels the pending I/O; the connection is then unusable (except
//   for wait_readable(), which consumes nothing).
// - The ssl::context passed to connect() must outlive the connection.
#pragma once

#include "backend/imap/client/capabilities.hpp"
#include "backend/imap/client/command.hpp"
#include "backend/imap/client/command_result.hpp"
#include "backend/imap/client/options.hpp"
#include "backend/imap/client/response_parser.hpp"
#include "eas/core/result.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace easd::backend::imap {

class connection {
  struct private_tag {};

public:
  // Connects, secures the channel as opts.sec says and reads the greeting and the capabilities. A BYE
  // greeting is error::unavailable; a PREAUTH greeting where STARTTLS was required is error::tls_failed
  // (the upgrade can no longer happen, RFC 9051 §11.1).
  static boost::asio::awaitable<result<std::unique_ptr<connection>>> connect(
      boost::asio::any_io_executor ex, boost::asio::ssl::context& tls, options opts);

  connection(private_tag, boost::asio::any_io_executor ex, boost::asio::ssl::context& tls, options opts);
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  // The server's current capabilities. After STARTTLS only those announced over TLS; after login those
  // of the server's [CAPABILITY] code if it sent one, else those of before login.
  const capabilities& caps() const noexcept { return caps_; }
  bool authenticated() const noexcept { return authenticated_; }
  // False once an error made the connection unusable, or after close()/logout().
  bool is_open() const noexcept { return !broken_; }
  bool tls_active() const noexcept { return tls_; }

  // Sends ID with the given field/value pairs (strings quoted or sent as literals); does nothing when the
  // server does not offer ID. NO/BAD: error::command_failed.
  boost::asio::awaitable<result<void>> id(std::vector<std::pair<std::string, std::string>> fields);

  // AUTHENTICATE PLAIN when the server offers AUTH=PLAIN (initial response with SASL-IR, else after the
  // continuation), otherwise LOGIN with quoted strings or literals ({n+} with LITERAL+/LITERAL-, else
  // synchronising). Never LOGIN under LOGINDISABLED (error::login_disabled, nothing sent). A user or
  // password holding NUL, CR or LF, or an empty user, is error::unsendable_argument and nothing is sent.
  // NO or BAD is error::auth_failed, except NO [UNAVAILABLE] / [SERVERBUG], which are error::unavailable.
  // On a PREAUTH connection there is nothing to verify: error::protocol_error.
  boost::asio::awaitable<result<void>> login(std::string user, std::string password);

  // The generic command runner. start_command() begins "TAG NAME" with the next tag and the literal mode
  // the server's capabilities allow; execute() sends it (waiting for "+" before each synchronising
  // literal), collects every untagged response until the tagged completion and returns both, all within
  // options::command_timeout. NO and BAD are values in the result (command_result::ok()); errors are
  // transport, protocol and bound failures (options::max_untagged_responses / max_result_bytes:
  // error::response_too_large), after which the connection is unusable. An untagged BYE before the
  // completion is error::unavailable. One command at a time: no pipelining.
  command_builder start_command(std::string_view name);
  boost::asio::awaitable<result<command_result>> execute(command_builder cmd);

  // Unsolicited responses, for watchers (NOTIFY events arrive with no command running, RFC 5465; IDLE
  // updates while IDLE runs, RFC 2177). wait_readable() waits until a response can be read without
  // waiting (bytes buffered, or the socket readable): readiness::readable, or readiness::waited when
  // `until` passed or the wait was cancelled. It consumes nothing, so it is the one operation that may be
  // cancelled (awaitable || a wake-up timer) and leave the connection usable. read_unsolicited() then reads
  // one untagged response within options::command_timeout (bounded like every response); anything tagged
  // or a continuation is error::protocol_error. A BYE is returned like any other response: the caller ends
  // the session.
  enum class readiness : std::uint8_t { readable, waited };
  boost::asio::awaitable<result<readiness>> wait_readable(std::chrono::steady_clock::time_point until);
  boost::asio::awaitable<result<response>> read_unsolicited();

  // IDLE (RFC 2177). idle_begin() sends IDLE and returns once the server's "+" came; untagged responses
  // before it are appended to `updates` (at most options::max_untagged_responses). A NO/BAD instead is
  // error::command_failed (connection usable, code in last_completion()). While idling, use only
  // wait_readable()/read_unsolicited(), then idle_done(): DONE, and every untagged response up to the
  // tagged completion (bounded like execute()).
  boost::asio::awaitable<result<void>> idle_begin(std::vector<response>& updates);
  boost::asio::awaitable<result<command_result>> idle_done();

  // The tagged completion of the last command run through execute() (status none when start_command() was
  // called since, or nothing ran): the typed commands turn NO into error::command_failed, and callers that
  // must tell NO [NONEXISTENT] from NO [ALREADYEXISTS] (RFC 5530) read the code here.
  const response& last_completion() const noexcept { return last_completion_; }

  // Extensions the server confirmed with "* ENABLED" (RFC 5161), e.g. CONDSTORE, QRESYNC.
  const capabilities& enabled() const noexcept { return enabled_; }

  // The mailbox the last successful SELECT/EXAMINE opened (UTF-8 name), kept by select() and unselect(), so
  // callers can skip re-opening it: on a 10,000-message mailbox every EXAMINE costs the server milliseconds,
  // and reading one message after another must not pay that per message. Cleared by any failed
  // SELECT/EXAMINE (RFC 9051 §6.3.2: a failed attempt leaves no mailbox selected).
  struct selection {
    std::string mailbox;
    bool writable = false;
  };
  const std::optional<selection>& selected() const noexcept { return selected_; }
  void set_selected(std::optional<selection> s) { selected_ = std::move(s); }
  const options& settings() const noexcept { return opts_; }

  // LOGOUT, then closes the socket. The server's BYE and close are the expected end.
  boost::asio::awaitable<result<void>> logout();

  // Closes the socket at once; the connection is unusable afterwards.
  void close() noexcept;

private:
  using clock = std::chrono::steady_clock;

  boost::asio::awaitable<result<void>> open();
  boost::asio::awaitable<result<void>> tls_handshake(clock::time_point deadline);
  boost::asio::awaitable<result<void>> starttls(clock::time_point deadline);
  boost::asio::awaitable<result<void>> refresh_capabilities(clock::time_point deadline);
  boost::asio::awaitable<result<std::size_t>> read_some(clock::time_point deadline);
  boost::asio::awaitable<result<void>> write(std::string_view bytes, clock::time_point deadline);
  boost::asio::awaitable<result<response>> read_response(clock::time_point deadline);
  // Sends the chunks of one command, waiting for a continuation between chunks, and returns the
  // command's tagged response (which may come early, when the server refuses a literal).
  // With `untagged`, untagged responses are appended there (bounded); without, they are dropped.
  boost::asio::awaitable<result<response>> run(std::string tag, std::vector<std::string> chunks,
                                               clock::time_point deadline,
                                               std::vector<response>* untagged = nullptr);

  // Rough size of a collected response, for options::max_result_bytes.
  static std::size_t footprint(const response& r) noexcept;
  void release_read_buffer() noexcept;  // frees rbuf_ when nothing is buffered in it
  result<void> usable() const;
  error_code lost(error_code ec);
  std::string next_tag();
  literal_mode literals() const noexcept;

  options opts_;
  std::string idle_tag_;  // the running IDLE's tag, empty when none runs
  // The TLS layer exists only once TLS starts: an ssl::stream carries ~68 KiB of fixed buffers (a BIO
  // pair and its record buffers) whether used or not, which a plain connection must not pay
  // (bench/RESULTS.md, held Pings). Before it, and on plain connections, the socket is socket_; after it,
  // the socket lives inside tls_stream_.
  boost::asio::ip::tcp::socket& socket() noexcept { return tls_stream_ ? tls_stream_->next_layer() : socket_; }
  boost::asio::ip::tcp::socket socket_;
  boost::asio::ssl::context& tls_context_;
  std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> tls_stream_;
  response_parser parser_;
  capabilities caps_;
  capabilities enabled_;
  response last_completion_;
  std::vector<char> rbuf_;
  std::size_t rbegin_ = 0;
  std::size_t rend_ = 0;
  std::uint32_t tag_counter_ = 0;
  bool tls_ = false;
  bool authenticated_ = false;
  bool bye_ = false;
  bool broken_ = false;
  std::optional<selection> selected_;
};

}  // namespace easd::backend::imap
