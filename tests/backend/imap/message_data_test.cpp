#include "backend/imap/client/message_data.hpp"

#include "backend/imap/client/error.hpp"
#include "backend/imap/client/fetch.hpp"
#include "backend/imap/client/list.hpp"
#include "backend/imap/client/search.hpp"
#include "backend/imap/client/select.hpp"
#include "backend/imap/client/store.hpp"
#include "tests/backend/imap/parse_text.hpp"

#include <gtest/gtest.h>

namespace imap = easd::backend::imap;
using easd::test::parse_responses;
using easd::test::result_of;
using namespace std::string_literals;

namespace {

imap::message_data fetch_of(std::string_view text, imap::body_limits limits = {}) {
  auto r = parse_responses(text);
  EXPECT_EQ(r.size(), 1u);
  if (r.empty()) return {};
  auto m = imap::parse_fetch(r[0], limits);
  EXPECT_TRUE(m) << m.error().message();
  return m ? *m : imap::message_data{};
}

}  // namespace

TEST(ImapFetchParse, FlagsModseqAndSections) {
  auto m = fetch_of("* 3 FETCH (UID 17 FLAGS (\\Seen $Label1) MODSEQ (90061) RFC822.SIZE 2048 "
                    "INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" BODY[1.2]<100> {5}\r\nhello BINARY[1] ~{3}\r\na\0b "
                    "BODY[HEADER.FIELDS (FROM)] NIL)\r\n"s);
  EXPECT_EQ(m.seq, 3u);
  EXPECT_EQ(m.uid, 17u);
  ASSERT_TRUE(m.flags);
  EXPECT_EQ(*m.flags, (std::vector<std::string>{"\\Seen", "$Label1"}));
  EXPECT_EQ(m.modseq, 90061u);
  EXPECT_EQ(m.size, 2048u);
  EXPECT_EQ(m.internal_date, "17-Jul-1996 02:44:25 -0700");
  ASSERT_NE(m.section("body[1.2]"), nullptr);
  EXPECT_EQ(m.section("BODY[1.2]")->origin, 100u);
  EXPECT_EQ(m.section("BODY[1.2]")->bytes, "hello");
  ASSERT_NE(m.section("BINARY[1]"), nullptr);
  EXPECT_EQ(m.section("BINARY[1]")->bytes, std::string("a\0b", 3));
  ASSERT_NE(m.section("BODY[HEADER.FIELDS (FROM)]"), nullptr);
  EXPECT_TRUE(m.section("BODY[HEADER.FIELDS (FROM)]")->nil);
}

TEST(ImapFetchParse, Envelope) {
  auto m = fetch_of(
      "* 1 FETCH (UID 4 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700\" \"=?utf-8?q?Gr=C3=BC=C3=9Fe?=\" "
      "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) NIL NIL "
      "((NIL NIL \"imap\" \"cac.washington.edu\")(\"A\" NIL \"a\" \"x.test\")) "
      "((NIL NIL \"undisclosed\" NIL)(NIL NIL NIL NIL)) NIL \"<B27397-0100000@cac.washington.edu>\" "
      "\"<msg@x.test>\"))\r\n");
  ASSERT_TRUE(m.env);
  const auto& e = *m.env;
  EXPECT_EQ(e.date, "Wed, 17 Jul 1996 02:23:25 -0700");
  EXPECT_EQ(e.subject, "=?utf-8?q?Gr=C3=BC=C3=9Fe?=");  // RFC 2047 left raw
  ASSERT_EQ(e.from.size(), 1u);
  EXPECT_EQ(e.from[0].name, "Terry Gray");
  EXPECT_EQ(e.from[0].mailbox, "gray");
  EXPECT_EQ(e.from[0].host, "cac.washington.edu");
  EXPECT_TRUE(e.sender.empty());
  ASSERT_EQ(e.to.size(), 2u);
  EXPECT_FALSE(e.to[0].name);
  ASSERT_EQ(e.cc.size(), 2u);  // a group: start (host NIL) and end (all NIL)
  EXPECT_EQ(e.cc[0].mailbox, "undisclosed");
  EXPECT_FALSE(e.cc[0].host);
  EXPECT_EQ(e.in_reply_to, "<B27397-0100000@cac.washington.edu>");
  EXPECT_EQ(e.message_id, "<msg@x.test>");
}

TEST(ImapFetchParse, MalformedEnvelopeIsAnError) {
  auto r = parse_responses("* 1 FETCH (ENVELOPE (NIL NIL ((NIL NIL \"a\")) NIL NIL NIL NIL NIL NIL NIL))\r\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(imap::parse_fetch(r[0]).error(), imap::error::protocol_error);
}

TEST(ImapFetchParse, BodyStructureTreeAndPartNumbers) {
  // multipart/mixed( multipart/alternative(text/plain, text/html), message/rfc822(text/plain), image/png )
  auto m = fetch_of(
      "* 2 FETCH (UID 9 BODYSTRUCTURE ("
      "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 120 4 NIL NIL NIL NIL)"
      "(\"TEXT\" \"HTML\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 300 10 NIL NIL NIL NIL) \"ALTERNATIVE\" "
      "(\"BOUNDARY\" \"b2\") NIL NIL NIL)"
      "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 500 (NIL \"inner\" NIL NIL NIL NIL NIL NIL NIL NIL) "
      "(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 20 1 NIL NIL NIL NIL) 12 NIL NIL NIL NIL)"
      "(\"IMAGE\" \"PNG\" (\"NAME\" \"a.png\") \"<cid1>\" NIL \"BASE64\" 4000 NIL (\"attachment\" "
      "(\"FILENAME\" \"a.png\")) NIL NIL)"
      " \"MIXED\" (\"BOUNDARY\" \"b1\") NIL (\"en\" \"de\") NIL))\r\n");
  ASSERT_TRUE(m.body);
  const auto& b = *m.body;
  EXPECT_TRUE(b.multipart());
  EXPECT_EQ(b.subtype, "MIXED");
  EXPECT_EQ(b.part, "");
  ASSERT_NE(b.param("boundary"), nullptr);
  EXPECT_EQ(*b.param("boundary"), "b1");
  EXPECT_EQ(b.language, (std::vector<std::string>{"en", "de"}));
  ASSERT_EQ(b.children.size(), 3u);
  const auto& alt = b.children[0];
  EXPECT_EQ(alt.part, "1");
  ASSERT_EQ(alt.children.size(), 2u);
  EXPECT_EQ(alt.children[0].part, "1.1");
  EXPECT_TRUE(alt.children[0].is("text", "plain"));
  EXPECT_EQ(alt.children[0].encoding, "QUOTED-PRINTABLE");
  EXPECT_EQ(alt.children[0].lines, 4u);
  EXPECT_EQ(alt.children[1].part, "1.2");
  const auto& msg = b.children[1];
  EXPECT_EQ(msg.part, "2");
  ASSERT_TRUE(msg.message_envelope);
  EXPECT_EQ(msg.message_envelope->subject, "inner");
  ASSERT_EQ(msg.children.size(), 1u);
  EXPECT_EQ(msg.children[0].part, "2.1");
  EXPECT_EQ(msg.lines, 12u);
  const auto& png = b.children[2];
  EXPECT_EQ(png.part, "3");
  EXPECT_EQ(png.id, "<cid1>");
  EXPECT_EQ(png.size, 4000u);
  EXPECT_EQ(png.disposition, "attachment");
  ASSERT_EQ(png.disposition_params.size(), 1u);
  EXPECT_EQ(png.disposition_params[0].value, "a.png");
}

TEST(ImapFetchParse, SinglePartIsPartOne) {
  auto m = fetch_of("* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 3 1))\r\n");
  ASSERT_TRUE(m.body);
  EXPECT_EQ(m.body->part, "1");
  EXPECT_FALSE(m.body->multipart());
}

TEST(ImapFetchParse, BodyStructureIsBounded) {
  std::string nested = "* 1 FETCH (BODYSTRUCTURE ";
  const int depth = 10;
  for (int i = 0; i < depth; ++i) nested += "(";
  nested += "\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)";
  for (int i = 1; i < depth; ++i) nested += " \"MIXED\")";
  nested += ")\r\n";
  auto r = parse_responses(nested);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(imap::parse_fetch(r[0]));
  EXPECT_EQ(imap::parse_fetch(r[0], {.max_depth = 5}).error(), imap::error::nesting_too_deep);
  EXPECT_EQ(imap::parse_fetch(r[0], {.max_depth = 32, .max_parts = 4}).error(), imap::error::too_many_values);
}

TEST(ImapSelectParse, QresyncSelect) {
  auto r = result_of(
      "* OK [CLOSED] Previous mailbox closed.\r\n"
      "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
      "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.\r\n"
      "* 172 EXISTS\r\n"
      "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"
      "* OK [UIDNEXT 4392] Predicted next UID\r\n"
      "* OK [HIGHESTMODSEQ 715194045007] Highest\r\n"
      "* VANISHED (EARLIER) 41,43:116,118,120:211,214:540\r\n"
      "* 49 FETCH (UID 117 FLAGS (\\Seen \\Answered) MODSEQ (90060115194045000))\r\n"
      "e5 OK [READ-ONLY] Select completed.\r\n");
  auto s = imap::parse_select(r);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->exists, 172u);
  EXPECT_EQ(s->uidvalidity, 3857529045u);
  EXPECT_EQ(s->uidnext, 4392u);
  EXPECT_EQ(s->highestmodseq, 715194045007u);
  EXPECT_TRUE(s->readonly);
  EXPECT_EQ(s->flags.size(), 5u);
  EXPECT_EQ(s->permanentflags.size(), 6u);
  EXPECT_EQ(s->vanished.to_string(), "41,43:116,118,120:211,214:540");
  ASSERT_EQ(s->changed.size(), 1u);
  EXPECT_EQ(s->changed[0].uid, 117u);
  EXPECT_EQ(s->changed[0].modseq, 90060115194045000u);
}

TEST(ImapListParse, SpecialUseStatusAndModifiedUtf7) {
  auto r = result_of(
      "* LIST (\\HasNoChildren) \"/\" INBOX\r\n"
      "* STATUS INBOX (MESSAGES 2 UIDVALIDITY 77 UIDNEXT 3 HIGHESTMODSEQ 5)\r\n"
      "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"\r\n"
      "* LIST (\\Noselect \\HasChildren) \"/\" \"Entw&APw-rfe\"\r\n"
      "* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe/Alt\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n"
      "* LIST () NIL \"bad&-&AGE-\"\r\n"
      "e3 OK List completed.\r\n");
  auto l = imap::parse_list(r);
  ASSERT_TRUE(l) << l.error().message();
  ASSERT_EQ(l->size(), 5u);
  EXPECT_EQ((*l)[0].name, "INBOX");
  ASSERT_TRUE((*l)[0].counts);
  EXPECT_EQ((*l)[0].counts->messages, 2u);
  EXPECT_EQ((*l)[0].counts->uidvalidity, 77u);
  EXPECT_EQ((*l)[0].counts->highestmodseq, 5u);
  EXPECT_EQ((*l)[1].special_use(), "\\Sent");
  EXPECT_FALSE((*l)[1].counts);
  EXPECT_EQ((*l)[2].name, "Entwürfe");
  EXPECT_EQ((*l)[2].raw_name, "Entw&APw-rfe");
  EXPECT_FALSE((*l)[2].selectable());
  EXPECT_EQ((*l)[2].delimiter, '/');
  EXPECT_EQ((*l)[3].name, "Entwürfe/Alt");
  EXPECT_FALSE((*l)[4].delimiter);
  EXPECT_FALSE((*l)[4].name_decoded);
  EXPECT_EQ((*l)[4].name, "bad&-&AGE-");
}

TEST(ImapSearchParse, EsearchAndPlainSearch) {
  auto e = result_of("* ESEARCH (TAG \"e9\") UID ALL 1:3,7\r\n* ESEARCH (TAG \"e8\") UID ALL 99\r\ne9 OK\r\n");
  EXPECT_EQ(imap::parse_search(e, "e9")->to_string(), "1:3,7");
  auto none = result_of("* ESEARCH (TAG \"e9\") UID\r\ne9 OK\r\n");
  EXPECT_TRUE(imap::parse_search(none, "e9")->empty());
  auto plain = result_of("* SEARCH 5 2 3\r\ne9 OK\r\n");
  EXPECT_EQ(imap::parse_search(plain, "e9")->to_string(), "2:3,5");
  EXPECT_EQ(imap::parse_search(plain, "e9", 2).error(), imap::error::too_many_values);
}

TEST(ImapFetchParse, ChangesWithVanished) {
  auto r = result_of("* VANISHED (EARLIER) 300:310,405\r\n* 1 FETCH (UID 4 FLAGS () MODSEQ (20))\r\ne4 OK\r\n");
  auto c = imap::parse_flag_changes(r);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->vanished.to_string(), "300:310,405");
  ASSERT_EQ(c->messages.size(), 1u);
  EXPECT_TRUE(c->messages[0].flags->empty());
}

TEST(ImapCopyUid, PairsInOrder) {
  auto c = imap::parse_copy_uid("38505 304,319:320 3956:3958");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->uidvalidity, 38505u);
  auto p = c->pairs();
  ASSERT_TRUE(p);
  ASSERT_EQ(p->size(), 3u);
  EXPECT_EQ((*p)[1], (std::pair<std::uint32_t, std::uint32_t>(319, 3957)));
  EXPECT_FALSE(imap::parse_copy_uid("1 1:2 5")->pairs());
  EXPECT_FALSE(imap::parse_copy_uid("0 1 5"));
}
