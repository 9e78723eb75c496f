#include "backend/imap/client/connection.hpp"

#include "backend/imap/client/error.hpp"
#include "tests/backend/imap/fake_imap_server.hpp"
#include "tests/backend/imap/run_coroutine.hpp"
#include "tests/backend/imap/test_tls.hpp"

#include <boost/asio/this_coro.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

namespace imap = easd::backend::imap;
namespace net = boost::asio;
using namespace easd::test;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

struct plan {
  bool id = false;
  std::vector<std::pair<std::string, std::string>> id_fields{};
  bool login = true;
  std::string user = "user1";
  std::string password = "secret";
  bool logout = false;
};

struct outcome {
  easd::error_code connect, id, login, logout;
  bool tls = false;
  bool authenticated = false;
  imap::capabilities caps;
};

net::awaitable<outcome> client(imap::options o, net::ssl::context* tls, plan p) {
  outcome out;
  auto c = co_await imap::connection::connect(co_await net::this_coro::executor, *tls, o);
  if (!c) {
    out.connect = c.error();
    co_return out;
  }
  auto& conn = **c;
  out.tls = conn.tls_active();
  if (p.id) {
    auto r = co_await conn.id(p.id_fields);
    if (!r) out.id = r.error();
  }
  if (p.login) {
    auto r = co_await conn.login(p.user, p.password);
    if (!r) out.login = r.error();
  }
  out.authenticated = conn.authenticated();
  out.caps = conn.caps();
  if (p.logout) {
    auto r = co_await conn.logout();
    if (!r) out.logout = r.error();
  }
  co_return out;
}

const std::string kGreetingSaslIr = "* OK [CAPABILITY IMAP4rev1 SASL-IR ID AUTH=PLAIN] ready\r\n";
const std::string kPlainUser1 = "AHVzZXIxAHNlY3JldA==";  // base64("\0user1\0secret")

class ImapConnection : public ::testing::Test {
protected:
  imap::options options(imap::security sec = imap::security::none) {
    imap::options o;
    o.host = "127.0.0.1";
    o.sec = sec;
    o.connect_timeout = 5s;
    o.command_timeout = 5s;
    return o;
  }

  outcome run(std::vector<script_step> script, plan p = {}, imap::options o = {}, bool implicit_tls = false) {
    if (o.host.empty()) o = options();
    server_ = std::make_unique<fake_imap_server>(ctx_, std::move(script), implicit_tls);
    o.port = server_->port();
    // The server ends by itself once the client closes; it only needs stopping if nobody connected.
    return run_coroutine(ctx_, client(o, client_tls_.get(), std::move(p)), [this] {
      if (!server_->accepted()) server_->stop();
    });
  }

  const std::vector<std::string>& lines() const { return server_->lines(); }

  net::io_context ctx_;
  std::unique_ptr<net::ssl::context> client_tls_ = std::make_unique<net::ssl::context>(make_trusting_client_context());
  std::unique_ptr<fake_imap_server> server_;
};

}  // namespace

TEST_F(ImapConnection, AuthenticatePlainWithInitialResponse) {
  auto r = run({send(kGreetingSaslIr), command(), send("$TAG OK [CAPABILITY IMAP4rev1 IDLE] Logged in\r\n"), command(),
                send("* BYE Logging out\r\n$TAG OK Logout completed.\r\n"), drain()},
               plan{.logout = true});
  EXPECT_FALSE(r.connect);
  EXPECT_FALSE(r.login) << r.login.message();
  EXPECT_FALSE(r.logout) << r.logout.message();
  EXPECT_TRUE(r.authenticated);
  EXPECT_TRUE(r.caps.has("IDLE"));  // replaced by the login's [CAPABILITY]
  ASSERT_EQ(lines().size(), 2u);
  EXPECT_EQ(lines()[0], "e1 AUTHENTICATE PLAIN " + kPlainUser1);
  EXPECT_EQ(lines()[1], "e2 LOGOUT");
}

TEST_F(ImapConnection, AuthenticatePlainAfterContinuation) {
  auto r = run({send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n"), command(), send("+ \r\n"), line(),
                send("$TAG OK done\r\n"), drain()});
  EXPECT_FALSE(r.login) << r.login.message();
  ASSERT_EQ(lines().size(), 2u);
  EXPECT_EQ(lines()[0], "e1 AUTHENTICATE PLAIN");
  EXPECT_EQ(lines()[1], kPlainUser1);
}

TEST_F(ImapConnection, AsksForCapabilitiesWhenTheGreetingHasNone) {
  auto r = run({send("* OK ready\r\n"), command(), send("* CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR\r\n$TAG OK\r\n"),
                command(), send("$TAG OK\r\n"), drain()});
  EXPECT_FALSE(r.login) << r.login.message();
  ASSERT_EQ(lines().size(), 2u);
  EXPECT_EQ(lines()[0], "e1 CAPABILITY");
  EXPECT_EQ(lines()[1], "e2 AUTHENTICATE PLAIN " + kPlainUser1);
}

TEST_F(ImapConnection, LoginFallbackQuotesSpecials) {
  auto r = run({send("* OK [CAPABILITY IMAP4rev1] ready\r\n"), command(), send("$TAG OK\r\n"), drain()},
               plan{.user = R"(a"b\c)", .password = R"(p w")"});
  EXPECT_FALSE(r.login) << r.login.message();
  ASSERT_EQ(lines().size(), 1u);
  EXPECT_EQ(lines()[0], R"(e1 LOGIN "a\"b\\c" "p w\"")");
}

TEST_F(ImapConnection, LoginFallbackSynchronisingLiteralsFor8Bit) {
  auto r = run({send("* OK [CAPABILITY IMAP4rev1] ready\r\n"), command(), send("+ go ahead\r\n"), line(),
                send("+ go ahead\r\n"), line(), send("$TAG OK\r\n"), drain()},
               plan{.user = "jürgen", .password = "pässwörd"});
  EXPECT_FALSE(r.login) << r.login.message();
  ASSERT_EQ(lines().size(), 3u);
  EXPECT_EQ(lines()[0], "e1 LOGIN {7}");
  EXPECT_EQ(lines()[1], "jürgen {10}");
  EXPECT_EQ(lines()[2], "pässwörd");
}

TEST_F(ImapConnection, LoginFallbackNonSynchronisingLiteralWithLiteralPlus) {
  auto r = run({send("* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n"), command(), line(), send("$TAG OK\r\n"), drain()},
               plan{.user = "jürgen"});
  EXPECT_FALSE(r.login) << r.login.message();
  ASSERT_EQ(lines().size(), 2u);
  EXPECT_EQ(lines()[0], "e1 LOGIN {7+}");
  EXPECT_EQ(lines()[1], "jürgen \"secret\"");
}

TEST_F(ImapConnection, RefusedLiteralIsNotSent) {
  auto r = run({send("* OK [CAPABILITY IMAP4rev1] ready\r\n"), command(), send("$TAG NO [LIMIT] not now\r\n"), drain()},
               plan{.user = "jürgen"});
  EXPECT_EQ(r.login, imap::error::auth_failed);
  EXPECT_EQ(server_->received(), "e1 LOGIN {7}\r\n");
}

TEST_F(ImapConnection, LoginDisabledSendsNothing) {
  auto r = run({send("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n"), drain()});
  EXPECT_EQ(r.login, imap::error::login_disabled);
  EXPECT_EQ(server_->received(), "");
}

TEST_F(ImapConnection, GreetingThatNeverArrivesTimesOut) {
  auto o = options();
  o.connect_timeout = 200ms;
  auto start = std::chrono::steady_clock::now();
  auto r = run({drain()}, {}, o);
  EXPECT_EQ(r.connect, imap::error::timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);  // generous: the deadline is 200 ms
}

TEST_F(ImapConnection, ByeGreetingIsUnavailable) {
  auto r = run({send("* BYE Too many connections\r\n"), close()});
  EXPECT_EQ(r.connect, imap::error::unavailable);
}

TEST_F(ImapConnection, GarbageGreetingIsAProtocolError) {
  auto r = run({send("HTTP/1.1 400 Bad Request\r\n"), drain()});
  EXPECT_EQ(r.connect, imap::error::protocol_error);
  auto o = options();
  o.max_line_bytes = 1024;
  auto big = run({send("* OK " + std::string(4000, 'x') + "\r\n"), drain()}, {}, o);
  EXPECT_EQ(big.connect, imap::error::line_too_long);
}

TEST_F(ImapConnection, PreauthLiteralsAreBoundedByTheLineLimit) {
  auto o = options();
  o.max_line_bytes = 1024;
  auto r = run({send(kGreetingSaslIr), command(), send("* 1 FETCH (BODY[] {5000}\r\n"), drain()}, {}, o);
  EXPECT_EQ(r.login, imap::error::literal_too_large);
}

TEST_F(ImapConnection, LoginRefusals) {
  auto failed = run({send(kGreetingSaslIr), command(), send("$TAG NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"),
                     drain()});
  EXPECT_EQ(failed.login, imap::error::auth_failed);
  EXPECT_FALSE(failed.authenticated);

  auto bad = run({send(kGreetingSaslIr), command(), send("$TAG BAD Invalid\r\n"), drain()});
  EXPECT_EQ(bad.login, imap::error::auth_failed);

  auto temp = run({send(kGreetingSaslIr), command(), send("$TAG NO [UNAVAILABLE] Temporary authentication failure.\r\n"),
                   drain()});
  EXPECT_EQ(temp.login, imap::error::unavailable);
}

TEST_F(ImapConnection, ByeDuringLoginIsUnavailable) {
  auto r = run({send(kGreetingSaslIr), command(), send("* BYE Server shutting down\r\n"), close()});
  EXPECT_EQ(r.login, imap::error::unavailable);
}

TEST_F(ImapConnection, DroppedMidLiteral) {
  auto r = run({send(kGreetingSaslIr), command(), send("* 1 FETCH (BODY[] {100}\r\nabc"), close()});
  EXPECT_EQ(r.login, imap::error::connection_lost);
}

TEST_F(ImapConnection, DroppedMidResponse) {
  auto r = run({send(kGreetingSaslIr), command(), send("$TAG OK [CAPAB"), close()});
  EXPECT_EQ(r.login, imap::error::connection_lost);
  auto g = run({send("* OK [CAPABILITY IMAP4rev1"), close()});
  EXPECT_EQ(g.connect, imap::error::connection_lost);
}

TEST_F(ImapConnection, CommandDeadline) {
  auto o = options();
  o.command_timeout = 200ms;
  auto r = run({send(kGreetingSaslIr), command(), drain()}, {}, o);
  EXPECT_EQ(r.login, imap::error::timeout);
}

TEST_F(ImapConnection, UnsendableCredentialsAreRefusedBeforeSending) {
  const std::pair<std::string, std::string> cases[] = {
      {"us\0er"s, "secret"}, {"user", "sec\0ret"s}, {"user\r\nA LOGOUT", "x"},
      {"user", "pass\nword"}, {"user", "pass\rword"}, {"", "secret"},
  };
  for (const auto& greeting : {kGreetingSaslIr, "* OK [CAPABILITY IMAP4rev1] ready\r\n"s}) {
    for (const auto& [user, password] : cases) {
      auto r = run({send(greeting), drain()}, plan{.user = user, .password = password});
      EXPECT_EQ(r.login, imap::error::unsendable_argument);
      EXPECT_EQ(server_->received(), "");
    }
  }
}

TEST_F(ImapConnection, IdIsSentQuotedWhenOffered) {
  auto r = run({send(kGreetingSaslIr), command(), send("* ID (\"name\" \"Dovecot\")\r\n$TAG OK ID completed.\r\n"),
                drain()},
               plan{.id = true, .id_fields = {{"name", "easd"}, {"x-originating-ip", "192.0.2.7"}}, .login = false});
  EXPECT_FALSE(r.id) << r.id.message();
  ASSERT_EQ(lines().size(), 1u);
  EXPECT_EQ(lines()[0], R"(e1 ID ("name" "easd" "x-originating-ip" "192.0.2.7"))");

  auto skipped = run({send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n"), drain()},
                     plan{.id = true, .id_fields = {{"name", "easd"}}, .login = false});
  EXPECT_FALSE(skipped.id);
  EXPECT_EQ(server_->received(), "");

  auto refused = run({send(kGreetingSaslIr), command(), send("$TAG BAD no\r\n"), drain()},
                     plan{.id = true, .id_fields = {{"name", "easd"}}, .login = false});
  EXPECT_EQ(refused.id, imap::error::command_failed);
}

TEST_F(ImapConnection, Starttls) {
  auto r = run({send("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n"), command(),
                send("$TAG OK Begin TLS negotiation now.\r\n"), starttls(), command(),
                send("* CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR\r\n$TAG OK\r\n"), command(), send("$TAG OK\r\n"),
                drain()},
               {}, options(imap::security::starttls));
  EXPECT_FALSE(r.connect) << r.connect.message();
  EXPECT_TRUE(r.tls);
  EXPECT_FALSE(r.login) << r.login.message();
  EXPECT_FALSE(r.caps.has("LOGINDISABLED"));  // the plaintext capabilities were discarded
  ASSERT_EQ(lines().size(), 3u);
  EXPECT_EQ(lines()[0], "e1 STARTTLS");
  EXPECT_EQ(lines()[1], "e2 CAPABILITY");
  EXPECT_EQ(lines()[2], "e3 AUTHENTICATE PLAIN " + kPlainUser1);
}

TEST_F(ImapConnection, StarttlsWithHostNameAndSni) {
  auto o = options(imap::security::starttls);
  o.host = "127.0.0.1";
  o.sni = "localhost";
  auto r = run({send("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n"), command(), send("$TAG OK go\r\n"), starttls(),
                command(), send("* CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR\r\n$TAG OK\r\n"), drain()},
               plan{.login = false}, o);
  EXPECT_FALSE(r.connect) << r.connect.message();
  EXPECT_TRUE(r.tls);
}

TEST_F(ImapConnection, StarttlsRequiredButNotOffered) {
  auto r = run({send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n"), drain()}, {},
               options(imap::security::starttls));
  EXPECT_EQ(r.connect, imap::error::tls_failed);
  EXPECT_EQ(server_->received(), "");
}

TEST_F(ImapConnection, StarttlsRefusedIsUnavailable) {
  auto r = run({send("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n"), command(), send("$TAG NO not today\r\n"), drain()},
               {}, options(imap::security::starttls));
  EXPECT_EQ(r.connect, imap::error::unavailable);
}

TEST_F(ImapConnection, StarttlsResponseInjectionIsRefused) {
  auto r = run({send("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n"), command(),
                send("$TAG OK Begin TLS\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n"), drain()},
               {}, options(imap::security::starttls));
  EXPECT_EQ(r.connect, imap::error::protocol_error);
}

TEST_F(ImapConnection, PreauthGreetingWhenStarttlsIsRequired) {
  auto r = run({send("* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] welcome\r\n"), drain()}, {},
               options(imap::security::starttls));
  EXPECT_EQ(r.connect, imap::error::tls_failed);
}

TEST_F(ImapConnection, ImplicitTls) {
  auto r = run({send(kGreetingSaslIr), command(), send("$TAG OK\r\n"), drain()}, {}, options(imap::security::tls), true);
  EXPECT_FALSE(r.connect) << r.connect.message();
  EXPECT_TRUE(r.tls);
  EXPECT_FALSE(r.login) << r.login.message();
}

TEST_F(ImapConnection, UntrustedCertificateIsRefused) {
  client_tls_ = std::make_unique<net::ssl::context>(net::ssl::context::tls_client);  // trusts nothing
  auto r = run({send(kGreetingSaslIr), drain()}, {}, options(imap::security::tls), true);
  EXPECT_EQ(r.connect, imap::error::tls_failed);
}

TEST_F(ImapConnection, CertificateNameMismatchIsRefused) {
  auto o = options(imap::security::tls);
  o.sni = "mail.example.org";
  auto r = run({send(kGreetingSaslIr), drain()}, {}, o, true);
  EXPECT_EQ(r.connect, imap::error::tls_failed);
  // ...unless verification is switched off.
  o.verify_certificate = false;
  client_tls_ = std::make_unique<net::ssl::context>(net::ssl::context::tls_client);
  auto unchecked = run({send(kGreetingSaslIr), drain()}, plan{.login = false}, o, true);
  EXPECT_FALSE(unchecked.connect) << unchecked.connect.message();
}

TEST_F(ImapConnection, ConnectionRefused) {
  auto o = options();
  {
    net::ip::tcp::acceptor probe(ctx_, {net::ip::make_address("127.0.0.1"), 0});
    o.port = probe.local_endpoint().port();
  }
  auto r = run_coroutine(ctx_, client(o, client_tls_.get(), {}));
  EXPECT_EQ(r.connect, imap::error::connect_failed);
}
