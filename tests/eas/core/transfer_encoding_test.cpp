#include "eas/core/transfer_encoding.hpp"

#include <gtest/gtest.h>

#include <string>

namespace easd::mime {
namespace {

TEST(TransferEncoding, Base64) {
  EXPECT_EQ(decode_base64_lenient("SGVsbG8sIHdvcmxkIQ=="), "Hello, world!");
  EXPECT_EQ(decode_base64_lenient("SGVs\r\nbG8s\r\nIHdv\r\ncmxk\r\nIQ==\r\n"), "Hello, world!");
  EXPECT_EQ(decode_base64_lenient("SGVsbG8"), "Hello");  // no padding
  EXPECT_EQ(decode_base64_lenient("SGVsbG8="), "Hello");
  EXPECT_EQ(decode_base64_lenient(""), "");
}

TEST(TransferEncoding, Base64IsLenient) {
  EXPECT_EQ(decode_base64_lenient("SG!V*s bG\t8"), "Hello");       // junk is skipped
  EXPECT_EQ(decode_base64_lenient("SGk=\r\n--boundary--\r\n"), "Hi");  // stops at the padding
  EXPECT_EQ(decode_base64_lenient("SGk=garbage"), "Hi");
  EXPECT_EQ(decode_base64_lenient("SGkx2"), "Hi1");  // a lone final symbol carries no byte
  EXPECT_EQ(decode_base64_lenient("===="), "");
  EXPECT_EQ(decode_base64_lenient("AAECAwQF").size(), 6u);
  EXPECT_EQ(decode_base64_lenient("/+/+"), "\xFF\xEF\xFE");
}

TEST(TransferEncoding, Base64Bounded) {
  const std::string big(4000, 'A');
  EXPECT_EQ(decode_base64_lenient(big, 10).size(), 10u);
  EXPECT_EQ(decode_base64_lenient("SGVsbG8", 4), "Hell");
}

TEST(TransferEncoding, QuotedPrintable) {
  EXPECT_EQ(decode_quoted_printable("caf=C3=A9"), "caf\xC3\xA9");
  EXPECT_EQ(decode_quoted_printable("caf=c3=a9"), "caf\xC3\xA9");  // lower-case hex
  EXPECT_EQ(decode_quoted_printable("soft=\r\nbreak"), "softbreak");
  EXPECT_EQ(decode_quoted_printable("soft=\nbreak"), "softbreak");
  EXPECT_EQ(decode_quoted_printable("soft=  \r\nbreak"), "softbreak");  // transport padding
  EXPECT_EQ(decode_quoted_printable("line one\r\nline two"), "line one\r\nline two");
  EXPECT_EQ(decode_quoted_printable("a_b"), "a_b");  // '_' is only special in headers
  EXPECT_EQ(decode_quoted_printable("end="), "end");
}

TEST(TransferEncoding, QuotedPrintableIsLenient) {
  EXPECT_EQ(decode_quoted_printable("100=% sure"), "100=% sure");
  EXPECT_EQ(decode_quoted_printable("=G1=1"), "=G1=1");
  EXPECT_EQ(decode_quoted_printable("x=4"), "x=4");
  EXPECT_EQ(decode_quoted_printable("trailing   \r\nspace\t\nend  "), "trailing\r\nspace\nend");
  EXPECT_EQ(decode_quoted_printable("keep  inner  spaces"), "keep  inner  spaces");
  EXPECT_EQ(decode_quoted_printable("a =\r\nb"), "a b");
}

TEST(TransferEncoding, QuotedPrintableBounded) {
  EXPECT_EQ(decode_quoted_printable(std::string(100, 'x'), 7).size(), 7u);
}

TEST(TransferEncoding, ByName) {
  EXPECT_EQ(decode_transfer("SGk=", "BASE64"), "Hi");
  EXPECT_EQ(decode_transfer("=41", " Quoted-Printable "), "A");
  EXPECT_EQ(decode_transfer("=41", "7bit"), "=41");
  EXPECT_EQ(decode_transfer("=41", ""), "=41");
  EXPECT_EQ(decode_transfer("abcdef", "binary", 3), "abc");
}

}  // namespace
}  // namespace easd::mime
