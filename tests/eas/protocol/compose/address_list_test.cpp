#include "eas/protocol/compose/address_list.hpp"

#include "eas/protocol/compose/error.hpp"

#include <gtest/gtest.h>

#include <string>

namespace easd::compose {
namespace {

using backend::mail_address;
using list = std::vector<mail_address>;

list parse(std::string_view s) {
  auto r = parse_address_list(s);
  EXPECT_TRUE(r) << s << ": " << (r ? "" : r.error().message());
  return r ? *r : list{};
}

error_code fails(std::string_view s, const address_limits& limits = {}) {
  auto r = parse_address_list(s, limits);
  EXPECT_FALSE(r) << s;
  return r ? error_code{} : r.error();
}

// RFC 5322 appendix A.1.1, A.1.2
TEST(AddressList, AppendixASimple) {
  EXPECT_EQ(parse("John Doe <jdoe@machine.example>"), (list{{"John Doe", "jdoe@machine.example"}}));
  EXPECT_EQ(parse("\"Joe Q. Public\" <john.q.public@example.com>"),
            (list{{"Joe Q. Public", "john.q.public@example.com"}}));
  EXPECT_EQ(parse("Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>"),
            (list{{"Mary Smith", "mary@x.test"}, {"", "jdoe@example.org"}, {"Who?", "one@y.test"}}));
  EXPECT_EQ(parse("<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>"),
            (list{{"", "boss@nil.test"}, {"Giant; \"Big\" Box", "sysservices@example.net"}}));
}

// RFC 5322 appendix A.1.3: groups are flattened, an empty group adds nobody.
TEST(AddressList, Groups) {
  EXPECT_EQ(parse("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;"),
            (list{{"Ed Jones", "c@a.test"}, {"", "joe@where.test"}, {"John", "jdoe@one.test"}}));
  EXPECT_TRUE(parse("Undisclosed recipients:;").empty());
  EXPECT_EQ(parse("team: a@x.test, b@y.test;, c@z.test"), (list{{"", "a@x.test"}, {"", "b@y.test"}, {"", "c@z.test"}}));
  EXPECT_EQ(fails("a: b: c@d.test;;"), compose_error::bad_address);          // no nested groups
  EXPECT_EQ(fails("team: a@x.test; c@z.test"), compose_error::bad_address);  // lists are comma-separated
}

// RFC 5322 appendix A.5: comments everywhere.
TEST(AddressList, Comments) {
  EXPECT_EQ(parse("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>"),
            (list{{"Pete", "pete@silly.test"}}));
  EXPECT_EQ(parse("A Group(Some people)\r\n     :Chris Jones <c@(Chris's host.)public.example>,\r\n"
                  "         joe@example.org,\r\n  John <jdoe@one.test> (my dear friend); (the end of the group)"),
            (list{{"Chris Jones", "c@public.example"}, {"", "joe@example.org"}, {"John", "jdoe@one.test"}}));
  // "addr (Name)": the comment is the only name there is.
  EXPECT_EQ(parse("jdoe@example.org (John Doe)"), (list{{"John Doe", "jdoe@example.org"}}));
}

// RFC 5322 appendix A.6: obsolete forms.
TEST(AddressList, Obsolete) {
  EXPECT_EQ(parse("\"Mary Smith: Personal Account\" <smith@home.example >"),
            (list{{"Mary Smith: Personal Account", "smith@home.example"}}));
  EXPECT_EQ(parse("John Doe <jdoe@machine(comment).  example>"), (list{{"John Doe", "jdoe@machine.example"}}));
  EXPECT_EQ(parse("Mary Smith\r\n  \r\n <mary@example.net>"), (list{{"Mary Smith", "mary@example.net"}}));
  EXPECT_EQ(parse("Joe Q. Public <john.q.public@example.com>"), (list{{"Joe Q. Public", "john.q.public@example.com"}}));
  EXPECT_EQ(parse("<@route.test,@other.test:ann@example.org>"), (list{{"", "ann@example.org"}}));
  EXPECT_EQ(parse(", a@b.test,,c@d.test ,"), (list{{"", "a@b.test"}, {"", "c@d.test"}}));
}

TEST(AddressList, EncodedAndUtf8Names) {
  EXPECT_EQ(parse("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>"),
            (list{{"André Pirard", "PIRARD@vm1.ulg.ac.be"}}));
  EXPECT_EQ(parse("=?UTF-8?B?SsO2cmc=?= =?UTF-8?Q?_M=C3=BCller?= <j@x.de>"), (list{{"Jörg Müller", "j@x.de"}}));
  EXPECT_EQ(parse("Jörg <jörg@bücher.example>"), (list{{"Jörg", "jörg@bücher.example"}}));
}

TEST(AddressList, QuotedLocalParts) {
  EXPECT_EQ(parse("\"john\"@example.com"), (list{{"", "john@example.com"}}));
  EXPECT_EQ(parse("\"john doe\"@example.com"), (list{{"", "\"john doe\"@example.com"}}));
  EXPECT_EQ(parse("<\"a\\\"b\"@example.com>"), (list{{"", "\"a\\\"b\"@example.com"}}));
  EXPECT_EQ(parse("user@[192.0.2.1]"), (list{{"", "user@[192.0.2.1]"}}));
}

TEST(AddressList, RefusesWhatIsNoAddress) {
  for (const char* bad : {"a@b@c.test",
                          "<>",
                          "a@",
                          "@b.test",
                          "a..b@c.test",
                          ".a@c.test",
                          "a@-b.test",
                          "a@b-.test",
                          "a@b..test",
                          "\"open@x.test",
                          "(open a@b.test",
                          "a@b.test)",
                          "plainword",
                          "Name <a@b.test",
                          "Name a@b.test>",
                          "a@b.test c@d.test",
                          "a\\b@c.test",
                          "a@b.test\r\nBcc: evil@x.test",
                          "<a@b.test> <c@d.test>",
                          "a@b_c.test",
                          "x@[1.2.3.4",
                          "Name <a@b.test> trailing"}) {
    EXPECT_EQ(fails(bad), compose_error::bad_address) << bad;
  }
  EXPECT_EQ(fails(std::string("a@b.test\0, c@d.test", 19)), compose_error::bad_address);
  EXPECT_EQ(fails("\xff\xfe@x.test"), compose_error::bad_address);  // not UTF-8
}

TEST(AddressList, Bounds) {
  EXPECT_EQ(fails(std::string(65, 'a') + "@x.test"), compose_error::bad_address);       // local part > 64
  EXPECT_EQ(fails("a@" + std::string(64, 'b') + ".test"), compose_error::bad_address);  // label > 63
  std::string domain;
  while (domain.size() < 260) domain += "abcdefghij.";
  EXPECT_EQ(fails("a@" + domain + "test"), compose_error::bad_address);  // > 254 in all
  std::string many;
  for (int i = 0; i < 11; ++i) many += "a" + std::to_string(i) + "@x.test,";
  EXPECT_EQ(fails(many, address_limits{64u << 10, 10, 16}), compose_error::too_many_recipients);
  EXPECT_EQ(fails(std::string(70000, ' ')), compose_error::too_large);
  EXPECT_EQ(fails(std::string(100, '(') + "x" + std::string(100, ')') + " a@b.test"), compose_error::bad_address);
  // Thousands of unclosed "=?" and quotes stay linear.
  std::string words;
  for (int i = 0; i < 5000; ++i) words += "=?utf-8?q?x ";
  EXPECT_EQ(fails(words), compose_error::bad_address);
  EXPECT_EQ(parse(words + "<a@b.test>").size(), 1u);
}

TEST(AddressList, ValidAddrSpec) {
  EXPECT_TRUE(is_valid_addr_spec("a@b"));
  EXPECT_TRUE(is_valid_addr_spec("first.last+tag@sub.example.org"));
  EXPECT_TRUE(is_valid_addr_spec("\"a b\"@example.org"));
  EXPECT_FALSE(is_valid_addr_spec("a b@example.org"));
  EXPECT_FALSE(is_valid_addr_spec("ab.example.org"));
  EXPECT_FALSE(is_valid_addr_spec("a@exa mple.org"));
  EXPECT_FALSE(is_valid_addr_spec("a@"));
}

TEST(AddressList, FormatsForHeaders) {
  EXPECT_EQ(format_mailbox({"", "a@b.test"}), "a@b.test");
  EXPECT_EQ(format_mailbox({"Ann Lee", "a@b.test"}), "Ann Lee <a@b.test>");
  EXPECT_EQ(format_mailbox({"Lee, Ann", "a@b.test"}), "\"Lee, Ann\" <a@b.test>");
  EXPECT_EQ(format_mailbox({"Jörg", "j@x.de"}), "=?UTF-8?B?SsO2cmc=?= <j@x.de>");
  // Whatever we format parses back to the same mailbox.
  const list mailboxes{{"Lee, \"Ann\" \\ x", "a@b.test"},
                       {"Jörg Müller-Lüdenscheidt von Übersee und Ähnlichem", "j@x.de"},
                       {"", "c@d.test"},
                       {"(not a comment)", "e@f.test"}};
  EXPECT_EQ(parse(format_mailboxes(mailboxes)), mailboxes);
}

}  // namespace
}  // namespace easd::compose
