#include "eas/core/base64.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace easd {
namespace {

// What the HTTP layer uses for Basic credentials and the binary query.
constexpr base64_decode_options lenient_http{.allow_missing_padding = true, .allow_nonzero_pad_bits = true};
// What the WBXML XML view uses for opaque="base64" content.
constexpr base64_decode_options xml_text{.allow_whitespace = true};

std::optional<std::string> decode(std::string_view in, const base64_decode_options& o = {}) {
  return decode_base64(in, in.size(), o);
}

std::string all_bytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s += static_cast<char>(i);
  return s;
}

TEST(Base64, Rfc4648Vectors) {
  // RFC 4648 section 10.
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(encode_base64(plain), encoded);
    for (const auto& o : {base64_decode_options{}, lenient_http, xml_text}) {
      EXPECT_EQ(decode(encoded, o), std::optional<std::string>(plain)) << encoded;
    }
  }
}

TEST(Base64, RoundTripsEveryByteAndLength) {
  const std::string bytes = all_bytes();
  for (std::size_t n = 0; n <= bytes.size(); ++n) {
    const std::string in = bytes.substr(bytes.size() - n);
    const std::string encoded = encode_base64(in);
    EXPECT_EQ(encoded.size(), (n + 2) / 3 * 4);
    EXPECT_EQ(decode_base64(encoded, n), std::optional<std::string>(in)) << n;
  }
  EXPECT_EQ(encode_base64(std::string("\xfb\xff\xbf", 3)), "+/+/");
}

TEST(Base64, DefaultIsStrict) {
  for (std::string_view bad : {"Zg", "Zm8", "Zg=", "Zm8==", "Z", "Zm9vY", "Zm9vY===", "Zg===", "===="}) {
    EXPECT_FALSE(decode(bad)) << bad << ": length or padding";
  }
  for (std::string_view bad : {"Zh==", "Zm9=", "Zm+="}) {
    EXPECT_FALSE(decode(bad)) << bad << ": non-zero bits after the last byte";
  }
  for (std::string_view bad : {"Zm 9v", "Zm9v\n", "Zg=\t=", " Zm9v"}) {
    EXPECT_FALSE(decode(bad)) << bad << ": whitespace";
  }
}

TEST(Base64, RejectedByEveryVariant) {
  for (const auto& o : {base64_decode_options{}, lenient_http, xml_text}) {
    for (std::string_view bad : {"!!!!", "Zm9v!", "Zg=A", "Zg==Zm8=", "Zm=9v", "YTpiY-_", "YTpiYw%3D%3D",
                                 "Zg===", "Zm9vY", "=", "==", "===="}) {
      EXPECT_FALSE(decode(bad, o)) << bad;
    }
    // Bytes outside ASCII are not part of the alphabet, whatever their value.
    EXPECT_FALSE(decode(std::string("Zm9\xc3\xa9", 5), o));
    EXPECT_FALSE(decode(std::string("Zm9\0", 4), o));
  }
}

TEST(Base64, MissingPadding) {
  EXPECT_EQ(decode("YTpiYw", lenient_http), "a:bc");
  EXPECT_EQ(decode("Zm8", lenient_http), "fo");
  EXPECT_EQ(decode("Zg", lenient_http), "f");
  // Padding that is present must still complete the group.
  EXPECT_FALSE(decode("Zg=", lenient_http));
  EXPECT_FALSE(decode("Zm8==", lenient_http));
  EXPECT_FALSE(decode("Zg", xml_text));
}

TEST(Base64, NonZeroPadBits) {
  EXPECT_EQ(decode("Zh==", lenient_http), "f");
  EXPECT_EQ(decode("Zh", lenient_http), "f");
  EXPECT_EQ(decode("Zm9=", lenient_http), "fo");
  EXPECT_FALSE(decode("Zh==", xml_text));
}

TEST(Base64, Whitespace) {
  EXPECT_EQ(decode("  Zm9v\r\n  YmFy\n", xml_text), "foobar");
  EXPECT_EQ(decode("Zg= =\t", xml_text), "f");
  EXPECT_EQ(decode(" \n\t ", xml_text), "");
  EXPECT_FALSE(decode("Zm9v\fYmFy", xml_text)) << "only SP, HT, CR and LF are skipped";
  EXPECT_FALSE(decode("Zm9v YmFy", lenient_http));
}

TEST(Base64, MaxDecodedIsExact) {
  EXPECT_EQ(decode_base64("Zm9vYmFy", 6), "foobar");
  EXPECT_FALSE(decode_base64("Zm9vYmFy", 5));
  EXPECT_EQ(decode_base64("Zm9vYg==", 4), "foob");
  EXPECT_FALSE(decode_base64("Zm9vYg==", 3));
  EXPECT_EQ(decode_base64("Zm9vYg", 4, lenient_http), "foob");
  EXPECT_FALSE(decode_base64("Zm9vYg", 3, lenient_http));
  EXPECT_EQ(decode_base64("", 0), "");
  EXPECT_FALSE(decode_base64("Zg==", 0));
  // Whitespace does not count towards the decoded size.
  EXPECT_EQ(decode_base64("Zm9v  \n  YmFy", 6, xml_text), "foobar");
}

TEST(Base64, Alphabet) {
  EXPECT_TRUE(is_base64_alphabet(""));
  EXPECT_TRUE(is_base64_alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="));
  EXPECT_TRUE(is_base64_alphabet("=A="));  // placement is the decoder's business
  for (std::string_view bad : {"-", "_", " ", "%3D", "\xc3\xa9", "\n"}) EXPECT_FALSE(is_base64_alphabet(bad)) << bad;
  EXPECT_FALSE(is_base64_alphabet(std::string_view("A\0", 2)));
}

}  // namespace
}  // namespace easd
