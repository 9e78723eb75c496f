#include "backend/imap/client/mutf7.hpp"

#include "backend/imap/client/error.hpp"

#include <gtest/gtest.h>

namespace imap = easd::backend::imap;

TEST(ImapModifiedUtf7, DecodesRfcExamples) {
  // RFC 3501 §5.1.3: "~peter/mail/台北/日本語"
  EXPECT_EQ(*imap::decode_mutf7("~peter/mail/&U,BTFw-/&ZeVnLIqe-"), "~peter/mail/台北/日本語");
  EXPECT_EQ(*imap::decode_mutf7("Entw&APw-rfe"), "Entwürfe");
  EXPECT_EQ(*imap::decode_mutf7("A&-B"), "A&B");
  EXPECT_EQ(*imap::decode_mutf7("INBOX"), "INBOX");
  EXPECT_EQ(*imap::decode_mutf7(""), "");
  EXPECT_EQ(*imap::decode_mutf7("&2D3eAA-"), "\xF0\x9F\x98\x80");  // U+1F600 as a surrogate pair
}

TEST(ImapModifiedUtf7, EncodesAndRoundTrips) {
  for (const char* s : {"Entwürfe", "~peter/mail/台北/日本語", "A&B", "&", "Gelöschte Elemente", "\xF0\x9F\x98\x80 x",
                        "Корзина", "x&ü&"}) {
    auto e = imap::encode_mutf7(s);
    ASSERT_TRUE(e) << s;
    auto d = imap::decode_mutf7(*e);
    ASSERT_TRUE(d) << *e;
    EXPECT_EQ(*d, s);
  }
  EXPECT_EQ(*imap::encode_mutf7("~peter/mail/台北/日本語"), "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
  EXPECT_EQ(*imap::encode_mutf7("A&B"), "A&-B");
}

TEST(ImapModifiedUtf7, RejectsMalformed) {
  for (const char* bad : {
           "&",           // unterminated
           "&U,BTFw",     // unterminated run
           "&AGE-",       // "a" must be sent as itself
           "&ZeVnLIqe-&U,BTFw-",  // two runs back to back
           "&2D3-",       // lone high surrogate (and partial)
           "&3gA-",       // lone low surrogate
           "&U,BTF-",     // leftover bits not zero / partial unit
           "&Ab-",        // 12 bits: partial UTF-16 unit
           "&AAA-",       // U+0000
           "a\tb",        // control
           "\xc3\xa4",    // 8-bit
           "&U!-",        // not base64
       }) {
    EXPECT_EQ(imap::decode_mutf7(bad).error(), imap::error::protocol_error) << bad;
  }
  EXPECT_EQ(imap::decode_mutf7(std::string(5000, 'a')).error(), imap::error::too_many_values);
}

TEST(ImapModifiedUtf7, EncoderRejectsInvalidUtf8) {
  for (const char* bad : {"\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "a\nb", "\xff"}) {
    EXPECT_EQ(imap::encode_mutf7(bad).error(), imap::error::unsendable_argument);
  }
}
