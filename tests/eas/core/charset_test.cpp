#include "eas/core/charset.hpp"

#include "eas/core/utf8.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace easd::charset {
namespace {

std::string hex_bytes(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string conv(std::string_view bytes, std::string_view cs, std::size_t max_out = 1u << 20) {
  std::string out = to_utf8(bytes, cs, max_out);
  EXPECT_TRUE(utf8::is_valid(out)) << cs;
  return out;
}

TEST(Charset, Utf8PassesThroughAndIsRepaired) {
  EXPECT_EQ(conv("Gr\xC3\xBC\xC3\x9F" "e", "utf-8"), "Grüße");
  EXPECT_EQ(conv("Gr\xC3\xBC\xC3\x9F" "e", "UTF8"), "Grüße");
  // Labelled UTF-8 that is broken keeps its good sequences; each bad byte becomes U+FFFD.
  EXPECT_EQ(conv("a\xC3(b\xFF", "utf-8"), "a\uFFFD(b\uFFFD");
  EXPECT_EQ(conv("\xED\xA0\x80", "utf-8"), "\uFFFD\uFFFD\uFFFD");  // a surrogate
}

TEST(Charset, Latin1AndAsciiMeanWindows1252) {
  EXPECT_EQ(conv("caf\xE9", "iso-8859-1"), "café");
  EXPECT_EQ(conv("caf\xE9", "ISO_8859-1"), "café");
  EXPECT_EQ(conv("\x93quoted\x94 \x80", "iso-8859-1"), "\u201Cquoted\u201D \u20AC");
  EXPECT_EQ(conv("\x93x\x94", "us-ascii"), "\u201Cx\u201D");
  EXPECT_EQ(conv("\x81\x8D\x8F\x90\x9D", "windows-1252"), "\u0081\u008D\u008F\u0090\u009D");
  EXPECT_EQ(conv("\x96", "latin1"), "\u2013");
  EXPECT_EQ(conv("x", "\"ISO-8859-1\""), "x");
}

TEST(Charset, UnlabelledIsUtf8IfValidElseWindows1252) {
  EXPECT_EQ(conv("\xC3\xA9t\xC3\xA9", ""), "été");
  EXPECT_EQ(conv("\xE9t\xE9", ""), "été");
  EXPECT_EQ(conv("\xE9t\xE9", "x-unknown-charset"), "été");
  EXPECT_EQ(conv("\xC3\xA9", "no such charset!"), "é");
  EXPECT_EQ(conv("", "utf-8"), "");
}

TEST(Charset, SingleByteCharsets) {
  EXPECT_EQ(conv(hex_bytes("f0d2c9d7c5d4"), "koi8-r"), "Привет");
  EXPECT_EQ(conv(hex_bytes("cff0e8e2e5f2"), "windows-1251"), "Привет");
  EXPECT_EQ(conv("\xB1\xE6", "iso-8859-2"), "ąć");
  EXPECT_EQ(conv("\xA4", "iso-8859-15"), "€");
}

TEST(Charset, EastAsianCharsets) {
  EXPECT_EQ(conv(hex_bytes("93fa967b"), "shift_jis"), "日本");
  EXPECT_EQ(conv(hex_bytes("93fa967b"), "x-sjis"), "日本");
  EXPECT_EQ(conv("\x87\x40", "Shift_JIS"), "①");  // a windows-31j extension
  EXPECT_EQ(conv(hex_bytes("c6fccbdc"), "euc-jp"), "日本");
  EXPECT_EQ(conv(hex_bytes("1b2442467c4b5c1b2842"), "iso-2022-jp"), "日本");
  EXPECT_EQ(conv("\x1b(I12\x1b(B", "iso-2022-jp"), "ｱｲ");  // half-width katakana
  EXPECT_EQ(conv(hex_bytes("c4e3bac3cac0bde7"), "gb2312"), "你好世界");
  EXPECT_EQ(conv(hex_bytes("c4e3bac3"), "GBK"), "你好");
  EXPECT_EQ(conv(hex_bytes("a4a4a4e5"), "big5"), "中文");
  EXPECT_EQ(conv(hex_bytes("bec8b3e7"), "ks_c_5601-1987"), "안녕");
  EXPECT_EQ(conv(hex_bytes("bec8b3e7"), "euc-kr"), "안녕");
}

TEST(Charset, Utf16) {
  EXPECT_EQ(conv(hex_bytes("6800e900ac20"), "utf-16le"), "hé€");
  EXPECT_EQ(conv(hex_bytes("fffe6800e900"), "utf-16"), "hé");
  EXPECT_EQ(conv(hex_bytes("0068d8"), "utf-16be"), "h\uFFFD");  // a truncated final unit
}

TEST(Charset, InvalidBytesBecomeReplacementCharacters) {
  // 0x80 is not a Shift_JIS lead byte, 0x82 at the end is a truncated sequence.
  const std::string out = conv("a\x80" "b\x82", "shift_jis");
  EXPECT_EQ(out.substr(0, 1), "a");
  EXPECT_NE(out.find('b'), std::string::npos);
  EXPECT_NE(out.find("\uFFFD"), std::string::npos);
  EXPECT_EQ(conv("\xFF\xFF", "gb2312").find("\uFFFD"), 0u);
  EXPECT_NE(conv("\x1b$B\xFF\xFF\x1b(B ok", "iso-2022-jp").find("ok"), std::string::npos);
  EXPECT_EQ(conv("\xD8\x00", "utf-16be"), "\uFFFD");  // a lone surrogate
}

TEST(Charset, OutputIsBoundedAtACharacterBoundary) {
  const std::string many(1000, '\xE9');
  for (const char* cs : {"iso-8859-1", "", "iso-8859-2", "koi8-r"}) {
    const std::string out = conv(many, cs, 101);
    EXPECT_LE(out.size(), 101u) << cs;
    EXPECT_GE(out.size(), 98u) << cs;
  }
  const std::string utf8_text = "\xC3\xA9\xC3\xA9\xC3\xA9";
  EXPECT_EQ(conv(utf8_text, "utf-8", 5), "éé");
  EXPECT_EQ(conv(utf8_text, "", 3), "é");
  EXPECT_EQ(conv("abc", "utf-8", 0), "");
  EXPECT_EQ(conv(std::string(100000, '\x82'), "shift_jis", 1000).size() <= 1000, true);
}

TEST(Charset, LargeInputGoesThroughIconvInChunks) {
  std::string in;
  for (int i = 0; i < 20000; ++i) in += "\x93\xfa\x96\x7b";
  const std::string out = conv(in, "shift_jis", 1u << 30);
  EXPECT_EQ(out.size(), 20000u * 6);
}

TEST(Charset, HostileLabelsAreNotPassedToIconvAsOptions) {
  EXPECT_EQ(conv("caf\xE9", "utf-8//TRANSLIT"), "café");  // unknown label: guessed
  EXPECT_EQ(canonical_name("utf-8//IGNORE"), "");
  EXPECT_EQ(conv("x", std::string(500, 'a')), "x");
}

TEST(Charset, CanonicalName) {
  EXPECT_EQ(canonical_name("UTF-8"), "utf-8");
  EXPECT_EQ(canonical_name("latin1"), "windows-1252");
  EXPECT_EQ(canonical_name("us-ascii"), "windows-1252");
  EXPECT_EQ(canonical_name("ks_c_5601-1987"), "cp949");
  EXPECT_EQ(canonical_name("gb2312"), "gb18030");
  EXPECT_EQ(canonical_name("x-sjis"), "cp932");
  EXPECT_EQ(canonical_name("KOI8-R"), "koi8-r");
  EXPECT_EQ(canonical_name("utf-8*en"), "utf-8");
  EXPECT_EQ(canonical_name("IBM037"), "ibm037");  // not in the table, known to iconv
  EXPECT_EQ(canonical_name("x-nonsense"), "");
  EXPECT_EQ(canonical_name(""), "");
}

TEST(Charset, WindowsCodePage) {
  EXPECT_EQ(windows_code_page("utf-8"), 65001u);
  EXPECT_EQ(windows_code_page("US-ASCII"), 20127u);
  EXPECT_EQ(windows_code_page("iso-8859-1"), 28591u);
  EXPECT_EQ(windows_code_page("windows-1252"), 1252u);
  EXPECT_EQ(windows_code_page("iso-8859-2"), 28592u);
  EXPECT_EQ(windows_code_page("koi8-r"), 20866u);
  EXPECT_EQ(windows_code_page("shift_jis"), 932u);
  EXPECT_EQ(windows_code_page("euc-jp"), 51932u);
  EXPECT_EQ(windows_code_page("iso-2022-jp"), 50220u);
  EXPECT_EQ(windows_code_page("gb2312"), 936u);
  EXPECT_EQ(windows_code_page("gbk"), 936u);
  EXPECT_EQ(windows_code_page("big5"), 950u);
  EXPECT_EQ(windows_code_page("euc-kr"), 51949u);
  EXPECT_EQ(windows_code_page("ks_c_5601-1987"), 949u);
  EXPECT_EQ(windows_code_page("windows-1251"), 1251u);
  EXPECT_EQ(windows_code_page("iso-8859-15"), 28605u);
  EXPECT_EQ(windows_code_page("utf-16"), 1200u);
  EXPECT_EQ(windows_code_page("something-else"), 65001u);
  EXPECT_EQ(windows_code_page(""), 65001u);
}

TEST(Charset, ThreadsConvertIndependently) {
  // iconv descriptors carry shift state; each thread must use its own.
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &failures] {
      for (int i = 0; i < 2000; ++i) {
        if (to_utf8(hex_bytes("1b2442467c4b5c1b2842"), "iso-2022-jp") != "日本") ++failures[t];
        if (to_utf8(hex_bytes("f0d2c9d7c5d4"), "koi8-r") != "Привет") ++failures[t];
        if (to_utf8(hex_bytes("93fa967b"), t % 2 ? "shift_jis" : "cp932") != "日本") ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

TEST(Charset, Utf7) {
  EXPECT_EQ(conv("Hi Mom -+Jjo--!", "utf-7"), "Hi Mom -\u263A-!");
}

TEST(Charset, AppendUtf8) {
  std::string s;
  append_utf8(s, 'A');
  append_utf8(s, 0xE9);
  append_utf8(s, 0x20AC);
  append_utf8(s, 0x1F600);
  append_utf8(s, 0xD800);
  append_utf8(s, 0x110000);
  EXPECT_EQ(s, "Aé€😀\uFFFD\uFFFD");
  EXPECT_EQ(windows_1252_code_point(0x80), 0x20ACu);
  EXPECT_EQ(windows_1252_code_point(0x41), 0x41u);
  EXPECT_EQ(windows_1252_code_point(0xE9), 0xE9u);
}

}  // namespace
}  // namespace easd::charset
