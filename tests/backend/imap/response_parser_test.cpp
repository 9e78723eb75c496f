#include "backend/imap/client/response_parser.hpp"

#include "backend/imap/client/capabilities.hpp"
#include "backend/imap/client/error.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace imap = easd::backend::imap;
using namespace std::string_literals;  // "..."s keeps embedded NUL bytes

namespace {

struct parsed {
  std::vector<imap::response> responses;
  easd::error_code ec;
  std::size_t consumed = 0;
};

// Feeds `in` in pieces of `piece` bytes (0: all at once), taking every response as it completes.
parsed parse(std::string_view in, std::size_t piece = 0, imap::parser_limits limits = {}) {
  imap::response_parser p(limits);
  parsed out;
  std::size_t pos = 0;
  while (pos < in.size()) {
    std::size_t n = piece == 0 ? in.size() - pos : std::min(piece, in.size() - pos);
    std::string_view chunk = in.substr(pos, n);
    while (!chunk.empty()) {
      auto r = p.feed(chunk);
      if (!r) {
        out.ec = r.error();
        return out;
      }
      chunk.remove_prefix(*r);
      out.consumed += *r;
      if (p.ready()) out.responses.push_back(p.take());
    }
    pos += n;
  }
  return out;
}

// A canonical text form, to compare whole-buffer and fragmented parses.
std::string describe(const imap::response& r) {
  std::string s = std::to_string(static_cast<int>(r.kind)) + "|" + r.tag + "|" +
                  std::to_string(static_cast<int>(r.status)) + "|" + r.code + "|" + r.code_args + "|" + r.text;
  for (const auto& v : r.data) {
    s += "|" + std::to_string(static_cast<int>(v.kind)) + (v.literal ? "L" : "") + (v.binary ? "B" : "") + ":" +
         std::to_string(v.end) + ":" + v.text;
  }
  return s;
}

const std::string kSample =
    "* OK [CAPABILITY IMAP4rev1 SASL-IR ID LITERAL+ AUTH=PLAIN] Dovecot (Debian) ready.\r\n"
    "* ID (\"name\" \"Dovecot\" \"x-q\" \"a\\\"b\\\\c\")\r\n"
    "* 12 FETCH (UID 7 FLAGS (\\Seen $Junk) BODY[HEADER.FIELDS (FROM TO)] {14}\r\nFrom: a\r\nTo: b "
    "BINARY[1] ~{3}\r\na\0b INTERNALDATE NIL)\r\n"
    "+ \r\n"
    "e1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"
    "e2 OK done\r\n"s;

}  // namespace

TEST(ImapResponseParser, GreetingWithCapabilityCode) {
  auto p = parse("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n");
  ASSERT_FALSE(p.ec);
  ASSERT_EQ(p.responses.size(), 1u);
  const auto& r = p.responses[0];
  EXPECT_EQ(r.kind, imap::response_kind::untagged);
  EXPECT_EQ(r.status, imap::status::ok);
  EXPECT_EQ(r.code, "CAPABILITY");
  EXPECT_EQ(r.text, "ready");
  auto caps = imap::capabilities::from_text(r.code_args);
  EXPECT_TRUE(caps.has("starttls"));
  EXPECT_TRUE(caps.has("LOGINDISABLED"));
  EXPECT_FALSE(caps.has("AUTH=PLAIN"));
}

TEST(ImapResponseParser, StatusResponses) {
  auto p = parse(
      "a1 NO [UNAVAILABLE] Temporary authentication failure.\r\n"
      "* BYE shutting down\r\n"
      "* PREAUTH\r\n"
      "x.2 bad\r\n"
      "* OK [ALERT] text with \"quotes\" (and parens\r\n");
  ASSERT_FALSE(p.ec) << p.ec.message();
  ASSERT_EQ(p.responses.size(), 5u);
  EXPECT_EQ(p.responses[0].kind, imap::response_kind::tagged);
  EXPECT_EQ(p.responses[0].tag, "a1");
  EXPECT_EQ(p.responses[0].status, imap::status::no);
  EXPECT_EQ(p.responses[0].code, "UNAVAILABLE");
  EXPECT_EQ(p.responses[1].status, imap::status::bye);
  EXPECT_EQ(p.responses[1].text, "shutting down");
  EXPECT_EQ(p.responses[2].status, imap::status::preauth);
  EXPECT_EQ(p.responses[3].status, imap::status::bad);
  EXPECT_EQ(p.responses[4].code, "ALERT");
  EXPECT_EQ(p.responses[4].text, "text with \"quotes\" (and parens");
}

TEST(ImapResponseParser, Continuations) {
  auto p = parse("+ \r\n+\r\n+ OK go ahead\r\n+ dGVzdA==\r\n");
  ASSERT_FALSE(p.ec);
  ASSERT_EQ(p.responses.size(), 4u);
  for (const auto& r : p.responses) EXPECT_EQ(r.kind, imap::response_kind::continuation);
  EXPECT_EQ(p.responses[0].text, "");
  EXPECT_EQ(p.responses[2].text, "OK go ahead");
  EXPECT_EQ(p.responses[3].text, "dGVzdA==");
}

TEST(ImapResponseParser, DataResponsesAsFlatTree) {
  auto p = parse(kSample);
  ASSERT_FALSE(p.ec) << p.ec.message();
  ASSERT_EQ(p.responses.size(), 6u);

  const auto& id = p.responses[1];
  ASSERT_TRUE(imap::is_data(id, "id"));
  ASSERT_EQ(id.data.size(), 6u);
  EXPECT_EQ(id.data[1].kind, imap::value_kind::list);
  EXPECT_EQ(id.data[1].end, 6u);
  EXPECT_EQ(id.data[5].text, "a\"b\\c");

  const auto& fetch = p.responses[2];
  ASSERT_GE(fetch.data.size(), 3u);
  EXPECT_EQ(imap::to_number(fetch.data[0]), 12u);
  EXPECT_EQ(fetch.data[1].text, "FETCH");
  ASSERT_EQ(fetch.data[2].kind, imap::value_kind::list);
  // Walk the list's top level without recursion.
  std::vector<std::string> names;
  for (std::size_t i = 3; i < fetch.data[2].end; i = imap::next_sibling(fetch.data, i)) {
    names.push_back(fetch.data[i].kind == imap::value_kind::list ? "()" : fetch.data[i].text);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"UID", "7", "FLAGS", "()", "BODY[HEADER.FIELDS (FROM TO)]",
                                             "From: a\r\nTo: b", "BINARY[1]", std::string("a\0b", 3),
                                             "INTERNALDATE", ""}));
  EXPECT_EQ(fetch.data.back().kind, imap::value_kind::nil);
  const auto& body = fetch.data[10];
  EXPECT_TRUE(body.literal);
  EXPECT_FALSE(body.binary);
  const auto& bin = fetch.data[12];
  EXPECT_TRUE(bin.binary);

  EXPECT_EQ(p.responses[3].kind, imap::response_kind::continuation);
  EXPECT_EQ(p.responses[4].code, "AUTHENTICATIONFAILED");
  EXPECT_EQ(p.responses[5].tag, "e2");
}

TEST(ImapResponseParser, ByteByByteEqualsWholeBuffer) {
  auto whole = parse(kSample);
  ASSERT_FALSE(whole.ec);
  for (std::size_t piece : {1u, 2u, 3u, 7u, 64u}) {
    auto frag = parse(kSample, piece);
    ASSERT_FALSE(frag.ec) << piece;
    ASSERT_EQ(frag.responses.size(), whole.responses.size()) << piece;
    for (std::size_t i = 0; i < whole.responses.size(); ++i) {
      EXPECT_EQ(describe(frag.responses[i]), describe(whole.responses[i])) << piece << " " << i;
    }
  }
}

TEST(ImapResponseParser, StopsAtEachResponseBoundary) {
  imap::response_parser p;
  std::string_view in = "* 1 EXISTS\r\n* 2 EXISTS\r\n";
  auto r = p.feed(in);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 12u);
  ASSERT_TRUE(p.ready());
  EXPECT_EQ(*p.feed(in.substr(12)), 0u);  // nothing consumed until take()
  EXPECT_EQ(p.take().data[0].text, "1");
  EXPECT_TRUE(p.idle());
  EXPECT_EQ(*p.feed(in.substr(12)), 12u);
  EXPECT_EQ(p.take().data[0].text, "2");
}

TEST(ImapResponseParser, LiteralVariants) {
  auto p = parse("* X {0}\r\n {3+}\r\nabc ~{2}\r\n\0\0 \"\"\r\n"s);
  ASSERT_FALSE(p.ec) << p.ec.message();
  ASSERT_EQ(p.responses.size(), 1u);
  const auto& d = p.responses[0].data;
  ASSERT_EQ(d.size(), 5u);
  EXPECT_EQ(d[1].text, "");
  EXPECT_TRUE(d[1].literal);
  EXPECT_EQ(d[2].text, "abc");
  EXPECT_EQ(d[3].text, std::string(2, '\0'));
  EXPECT_TRUE(d[3].binary);
  EXPECT_EQ(d[4].kind, imap::value_kind::string);
  EXPECT_FALSE(d[4].literal);
  // A "~" that does not start literal8 is an ordinary atom character.
  auto q = parse("* X ~abc\r\n");
  ASSERT_FALSE(q.ec);
  EXPECT_EQ(q.responses[0].data[1].text, "~abc");
}

TEST(ImapResponseParser, LineLimit) {
  imap::parser_limits l;
  l.max_line_bytes = 32;
  EXPECT_FALSE(parse("* OK short enough\r\n", 0, l).ec);
  EXPECT_EQ(parse("* OK " + std::string(100, 'x') + "\r\n", 1, l).ec, imap::error::line_too_long);
  // A line that never ends is refused once it passes the limit, not buffered.
  auto p = parse(std::string(33, 'a'), 0, l);
  EXPECT_EQ(p.ec, imap::error::line_too_long);
  // The limit applies per line: text after a literal starts a new one.
  EXPECT_FALSE(parse("* X {20}\r\n" + std::string(20, 'y') + " " + std::string(25, 'z') + "\r\n", 0, l).ec);
}

TEST(ImapResponseParser, LiteralLimitRefusedBeforeTheBody) {
  imap::parser_limits l;
  l.max_literal_bytes = 1000;
  EXPECT_FALSE(parse("* X {1000}\r\n" + std::string(1000, 'a') + "\r\n", 0, l).ec);
  // Refused on the size alone: the body is never awaited nor allocated.
  EXPECT_EQ(parse("* X {1001}\r\n", 0, l).ec, imap::error::literal_too_large);
  EXPECT_EQ(parse("* X {99999999999999999999999999}\r\n", 1, l).ec, imap::error::literal_too_large);
}

TEST(ImapResponseParser, ResponseLimit) {
  imap::parser_limits l;
  l.max_response_bytes = 100;
  EXPECT_EQ(parse("* X {60}\r\n" + std::string(60, 'a') + " {60}\r\n" + std::string(60, 'b') + "\r\n", 0, l).ec,
            imap::error::response_too_large);
  EXPECT_EQ(parse("* X " + std::string(200, 'a') + "\r\n", 5, l).ec, imap::error::response_too_large);
}

TEST(ImapResponseParser, NestingDepthBoundedWithoutRecursion) {
  imap::parser_limits l;
  l.max_depth = 8;
  EXPECT_FALSE(parse("* X " + std::string(8, '(') + std::string(8, ')') + "\r\n", 0, l).ec);
  EXPECT_EQ(parse("* X " + std::string(9, '(') + std::string(9, ')') + "\r\n", 0, l).ec, imap::error::nesting_too_deep);
  // A hostile depth far beyond any stack's capacity is refused at the limit.
  imap::parser_limits big;
  big.max_line_bytes = 4 * 1024 * 1024;
  EXPECT_EQ(parse("* X " + std::string(1'000'000, '('), 0, big).ec, imap::error::nesting_too_deep);
}

TEST(ImapResponseParser, ValueCountLimit) {
  imap::parser_limits l;
  l.max_values = 10;
  EXPECT_FALSE(parse("* SEARCH 1 2 3 4 5 6 7 8 9\r\n", 0, l).ec);
  EXPECT_EQ(parse("* SEARCH 1 2 3 4 5 6 7 8 9 10\r\n", 0, l).ec, imap::error::too_many_values);
}

TEST(ImapResponseParser, GarbageIsAProtocolError) {
  const std::string cases[] = {
      "\r\n"s,                       // empty line
      "* OK bare newline\n"s,        // LF without CR
      "* OK text\rX\n"s,             // CR not followed by LF
      "*OK\r\n"s,                    // no space after *
      "* \r\n"s,                     // no data
      "* X )\r\n"s,                  // unbalanced close
      "* X (a b\r\n"s,               // unclosed list
      "* X \"open\r\n"s,             // unterminated quoted string
      "* X \"bad \\x escape\"\r\n"s, // only \" and \\ may be escaped
      "* X {5\r\n"s,                 // unterminated literal size
      "* X {}\r\n"s,                 // empty literal size
      "* X {3}abc\r\n"s,             // literal size not followed by CRLF
      "* X {3}\r\na\0c\r\n"s,        // NUL outside literal8
      "* X a\x01z\r\n"s,             // control character in an atom
      "* OK nul\0 in text\r\n"s,
      "e1 MAYBE done\r\n"s,          // tagged response without OK/NO/BAD
      "e1 BYE done\r\n"s,            // BYE is untagged only
      "(tag OK\r\n"s,                // not a tag character
      "* OK [] empty code\r\n"s,
      "* OK [CODE\r\n"s,             // unterminated code
  };
  for (const auto& in : cases) {
    auto p = parse(in);
    EXPECT_TRUE(imap::is_protocol_error(p.ec)) << "input: " << in;
    auto f = parse(in, 1);
    EXPECT_EQ(f.ec, p.ec) << "fragmented input: " << in;
  }
}

TEST(ImapResponseParser, ErrorsAreSticky) {
  imap::response_parser p;
  EXPECT_FALSE(p.feed("* X )"));
  auto again = p.feed("* OK fine\r\n");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), imap::error::protocol_error);
}

TEST(ImapCapabilities, FromResponseAndText) {
  auto p = parse("* CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN\r\n");
  ASSERT_EQ(p.responses.size(), 1u);
  auto c = imap::capabilities::from_response(p.responses[0]);
  EXPECT_TRUE(c.has("literal+"));
  EXPECT_TRUE(c.has("AUTH=plain"));
  EXPECT_FALSE(c.has("IDLE"));
  EXPECT_EQ(imap::capabilities::from_text("  A  B ").names(), (std::vector<std::string>{"A", "B"}));
}
