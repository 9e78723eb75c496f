#include "backend/smtp/smtp_submitter.hpp"

#include "backend/smtp/connection.hpp"
#include "backend/smtp/envelope.hpp"
#include "backend/smtp/error.hpp"
#include "backend/smtp/extensions.hpp"
#include "backend/smtp/message_data.hpp"
#include "backend/smtp/outcome.hpp"
#include "backend/smtp/tls_context.hpp"
#include "eas/core/base64.hpp"

#include <boost/asio/this_coro.hpp>

#include <openssl/crypto.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

namespace easd::backend::smtp {

namespace net = boost::asio;

namespace {

using clock = connection::clock;

// Message data goes in pieces, each with its own deadline: a 60 MB message on a slow link is not a
// hung server, a piece that makes no progress for command_timeout is.
constexpr std::size_t data_chunk_bytes = 64 * 1024;

submit_result local_refusal(submit_outcome o, std::string detail) {
  submit_result r;
  r.outcome = o;
  r.detail = std::move(detail);
  return r;
}

// Wipes a secret-bearing line once sent.
struct wiped_string {
  std::string s;
  ~wiped_string() { OPENSSL_cleanse(s.data(), s.size()); }
};

// Ends the session politely; the outcome is already decided, so failures here do not matter.
net::awaitable<void> quit(connection& conn, const options& opts) {
  if (!conn.is_open()) co_return;
  const auto grace = std::min<std::chrono::milliseconds>(opts.command_timeout, std::chrono::seconds(5));
  const auto deadline = clock::now() + grace;
  (void)co_await conn.command("QUIT\r\n", deadline);
  conn.close();
}

// AUTH PLAIN with the initial response (RFC 4954 §4), else AUTH LOGIN. An empty result is success.
net::awaitable<std::optional<submit_result>> authenticate(connection& conn, const options& opts,
                                                          const extensions& ext, const submission& s) {
  const auto deadline = clock::now() + opts.command_timeout;
  if (ext.auth_plain) {
    wiped_string line{"AUTH PLAIN " + sasl_plain_response(s.user, s.password) + "\r\n"};
    auto r = co_await conn.command(line.s, deadline);
    if (!r) co_return transport_failure(r.error());
    if (r->code == 235) co_return std::nullopt;
    if (r->intermediate()) {
      // A challenge after a complete initial response: cancel the exchange (RFC 4954 §4, "*").
      (void)co_await conn.command("*\r\n", deadline);
      co_return transport_failure(error::protocol_error);
    }
    co_return classify(stage::auth, *r);
  }
  if (ext.auth_login) {
    auto r = co_await conn.command("AUTH LOGIN\r\n", deadline);
    if (!r) co_return transport_failure(r.error());
    if (r->code != 334) co_return classify(stage::auth, *r);
    wiped_string user{encode_base64(s.user) + "\r\n"};
    r = co_await conn.command(user.s, deadline);
    if (!r) co_return transport_failure(r.error());
    if (r->code != 334) co_return classify(stage::auth, *r);
    wiped_string pass{encode_base64(s.password) + "\r\n"};
    r = co_await conn.command(pass.s, deadline);
    if (!r) co_return transport_failure(r.error());
    if (r->code == 235) co_return std::nullopt;
    co_return classify(stage::auth, *r);
  }
  co_return transport_failure(error::no_auth_mechanism);
}

// EHLO (RFC 5321 §4.1.1.1) and the extensions its reply lists; a failure is described in `failure`.
net::awaitable<result<extensions>> say_ehlo(connection& conn, const std::string& line, clock::time_point deadline,
                                            submit_result& failure) {
  auto ehlo = co_await conn.command(line, deadline);
  if (!ehlo) {
    failure = transport_failure(ehlo.error());
    co_return ehlo.error();
  }
  if (ehlo->code != 250) {
    failure = classify(stage::ehlo, *ehlo);
    co_return error::protocol_error;
  }
  co_return parse_ehlo(*ehlo);
}

// Greeting, EHLO and, for starttls, the upgrade and the second EHLO. On success the extensions of the
// EHLO that counts (the one over TLS).
net::awaitable<result<extensions>> open_session(connection& conn, const options& opts, submit_result& failure) {
  const auto deadline = clock::now() + opts.connect_timeout;
  auto greeting = co_await conn.open(deadline);
  if (!greeting) {
    failure = transport_failure(greeting.error());
    co_return greeting.error();
  }
  if (greeting->code != 220) {
    failure = classify(stage::greeting, *greeting);
    co_return error::protocol_error;
  }
  const std::string ehlo_line = "EHLO " + opts.helo_name + "\r\n";
  auto ext = co_await say_ehlo(conn, ehlo_line, deadline, failure);
  if (!ext || opts.sec != security::starttls) co_return ext;

  if (!ext->starttls) {
    failure = transport_failure(error::starttls_unavailable);
    co_return error::starttls_unavailable;
  }
  auto go = co_await conn.command("STARTTLS\r\n", deadline);
  if (!go) {
    failure = transport_failure(go.error());
    co_return go.error();
  }
  if (go->code != 220) {
    failure = transport_failure(error::starttls_unavailable);
    failure.smtp_code = go->code;
    failure.detail += ": " + go->summary();
    co_return error::starttls_unavailable;
  }
  auto tls = co_await conn.start_tls(deadline);
  if (!tls) {
    failure = transport_failure(tls.error());
    co_return tls.error();
  }
  // RFC 3207 §4.2: everything learnt before TLS is discarded; ask again.
  co_return co_await say_ehlo(conn, ehlo_line, deadline, failure);
}

// MAIL, RCPT for each recipient, DATA and the message. Any refusal before the data ends the transaction
// with RSET.
net::awaitable<submit_result> transaction(connection& conn, const options& opts, const extensions& ext,
                                          const submission& s, const encoded_message& msg, bool eight_bit) {
  auto deadline = clock::now() + opts.command_timeout;
  std::string mail = "MAIL FROM:<" + s.envelope_from + ">";
  if (ext.size) mail += " SIZE=" + std::to_string(msg.message_size);
  if (eight_bit) mail += " BODY=8BITMIME";
  mail += "\r\n";
  auto r = co_await conn.command(mail, deadline);
  if (!r) co_return transport_failure(r.error());
  if (r->code != 250) co_return classify(stage::mail, *r);

  for (const auto& rcpt : s.recipients) {
    const std::string line = "RCPT TO:<" + rcpt + ">\r\n";
    deadline = clock::now() + opts.command_timeout;
    r = co_await conn.command(line, deadline);
    if (!r) co_return transport_failure(r.error());
    if (r->code != 250 && r->code != 251) {
      submit_result refused = classify(stage::rcpt, *r);
      refused.rejected_recipient = rcpt;
      (void)co_await conn.command("RSET\r\n", deadline);
      co_return refused;
    }
  }

  deadline = clock::now() + opts.command_timeout;
  r = co_await conn.command("DATA\r\n", deadline);
  if (!r) co_return transport_failure(r.error());
  if (r->code != 354) {
    submit_result refused = classify(stage::data, *r);
    (void)co_await conn.command("RSET\r\n", deadline);
    co_return refused;
  }
  const std::string_view data(msg.data);
  for (std::size_t pos = 0; pos < data.size(); pos += data_chunk_bytes) {
    const auto piece = data.substr(pos, data_chunk_bytes);
    auto w = co_await conn.write(piece, clock::now() + opts.command_timeout);
    if (!w) co_return transport_failure(w.error());
  }
  r = co_await conn.read_reply(clock::now() + opts.command_timeout);
  if (!r) {
    // The final dot went out: the server may have taken the message. Said in the detail for the log;
    // the caller's exactly-once bookkeeping (ClientId) guards the retry.
    submit_result lost = transport_failure(r.error());
    lost.detail += " (after the end of data: delivery unknown)";
    lost.delivery_unknown = true;
    co_return lost;
  }
  co_return classify(stage::message, *r);
}

}  // namespace

result<std::unique_ptr<smtp_submitter>> smtp_submitter::create(options opts) {
  auto tls = make_tls_context(opts);
  if (!tls) return tls.error();
  return std::make_unique<smtp_submitter>(std::move(opts), std::move(*tls));
}

smtp_submitter::smtp_submitter(options opts, std::shared_ptr<net::ssl::context> tls)
    : opts_(std::move(opts)), tls_(std::move(tls)) {}

net::awaitable<submit_result> smtp_submitter::submit(const submission& s) {
  // Everything that can be refused without the server is refused before connecting.
  if (!sendable_credentials(s.user, s.password)) {
    co_return local_refusal(submit_outcome::auth_failed, error_code(error::unsendable_argument).message());
  }
  if (!sendable_address(s.envelope_from)) {
    co_return local_refusal(submit_outcome::rejected, "envelope sender cannot be sent over SMTP");
  }
  if (s.recipients.empty()) co_return local_refusal(submit_outcome::rejected, "no recipients");
  for (const auto& rcpt : s.recipients) {
    if (!sendable_address(rcpt)) {
      submit_result r = local_refusal(submit_outcome::recipient_rejected, "recipient cannot be sent over SMTP");
      r.rejected_recipient = rcpt;
      co_return r;
    }
  }

  const encoded_message msg = encode_message(s.message);
  const bool eight_bit = has_8bit(s.message);

  auto ex = co_await net::this_coro::executor;
  connection conn(ex, *tls_, opts_);
  submit_result failure;
  auto ext = co_await open_session(conn, opts_, failure);
  if (!ext) {
    co_await quit(conn, opts_);
    co_return failure;
  }
  if (!conn.tls_active() && opts_.sec != security::none) {
    co_await quit(conn, opts_);
    co_return transport_failure(error::plaintext_auth);
  }
  size_limit_.store(ext->size_limit.value_or(0), std::memory_order_relaxed);

  // RFC 1870 §6: a message known to be too big is not offered at all.
  if (ext->size_limit && msg.message_size > *ext->size_limit) {
    co_await quit(conn, opts_);
    co_return local_refusal(submit_outcome::too_large, "message of " + std::to_string(msg.message_size) +
                                                           " bytes exceeds the server's SIZE " +
                                                           std::to_string(*ext->size_limit));
  }
  if (eight_bit && !ext->eight_bit_mime) {
    co_await quit(conn, opts_);
    co_return local_refusal(submit_outcome::rejected, "8-bit message and the server does not offer 8BITMIME");
  }

  auto auth = co_await authenticate(conn, opts_, *ext, s);
  if (auth) {
    co_await quit(conn, opts_);
    co_return std::move(*auth);
  }
  submit_result out = co_await transaction(conn, opts_, *ext, s, msg, eight_bit);
  co_await quit(conn, opts_);
  co_return out;
}

}  // namespace easd::backend::smtp
