#include "eas/core/html_text.hpp"

#include "eas/core/utf8.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace easd::mime {
namespace {

std::string text(std::string_view html, std::size_t max_out = 16u << 20) {
  std::string out = html_to_text(html, max_out);
  EXPECT_TRUE(utf8::is_valid(out)) << html;
  return out;
}

TEST(HtmlText, PlainAndWhitespace) {
  EXPECT_EQ(text("Hello"), "Hello");
  EXPECT_EQ(text("  Hello \n\t  world  "), "Hello world");
  EXPECT_EQ(text("<b>bold</b> and <i>it</i>alic"), "bold and italic");
  EXPECT_EQ(text(""), "");
}

TEST(HtmlText, ScriptStyleHeadAndCommentsAreDropped) {
  EXPECT_EQ(text("<html><head><title>T</title><style>p { color: red }</style>"
                 "<script>if (a < b) { document.write('<p>x</p>'); }</script></head>"
                 "<body><p>Visible</p><!-- hidden <p>comment</p> --></body></html>"),
            "Visible");
  EXPECT_EQ(text("a<SCRIPT type=\"x\">x</script >b"), "ab");
  EXPECT_EQ(text("a<style>x</styles>y</style>b"), "ab");
  EXPECT_EQ(text("<!DOCTYPE html><!--[if mso]><xml>o</xml><![endif]-->Hi"), "Hi");
  EXPECT_EQ(text("<?xml version=\"1.0\"?>Hi"), "Hi");
}

TEST(HtmlText, Entities) {
  EXPECT_EQ(text("Fish &amp; chips &lt;3 &gt; &quot;q&quot; &apos;a&apos;"), "Fish & chips <3 > \"q\" 'a'");
  EXPECT_EQ(text("&copy; 2026 &reg; &trade; &hellip; &mdash; &ndash; &euro;5 &pound; &yen; &bull; &middot;"),
            "© 2026 ® ™ … — – €5 £ ¥ • ·");
  EXPECT_EQ(text("&lsquo;x&rsquo; &ldquo;y&rdquo;"), "‘x’ “y”");
  EXPECT_EQ(text("&#233;&#xE9;&#XE9;&#x1F600;"), "ééé😀");
  EXPECT_EQ(text("&#150; &#x93;q&#148;"), "– “q”");  // windows-1252 meaning
  EXPECT_EQ(text("&#0;&#xD800;&#x110000;&#99999999999;"), "\uFFFD\uFFFD\uFFFD\uFFFD");
  EXPECT_EQ(text("&amp &lt;x &copy 1"), "& <x © 1");  // legacy names without ';'
  EXPECT_EQ(text("&nosuch; &ampx; & &# &#x; AT&T"), "&nosuch; &ampx; & &# &#x; AT&T");
  EXPECT_EQ(text("a&nbsp;&nbsp;b"), "a  b");
  EXPECT_EQ(text("<a href=\"?a=1&amp;b=2\">link</a>"), "link");
}

TEST(HtmlText, BlocksAndBreaks) {
  EXPECT_EQ(text("line one<br>line two<br/>line three<BR />end"), "line one\nline two\nline three\nend");
  EXPECT_EQ(text("<p>First paragraph.</p><p>Second paragraph.</p>"), "First paragraph.\n\nSecond paragraph.");
  EXPECT_EQ(text("<div>a</div><div>b</div>"), "a\nb");
  EXPECT_EQ(text("<div><div><div>nested</div></div></div>after"), "nested\nafter");
  EXPECT_EQ(text("a<br><br>b"), "a\n\nb");
  EXPECT_EQ(text("<h1>Title</h1>Body"), "Title\n\nBody");
  EXPECT_EQ(text("<p>\n  spaced\n  text\n</p>"), "spaced text");
  EXPECT_EQ(text("<br><br><p>lead</p><br>"), "lead");
}

TEST(HtmlText, Lists) {
  EXPECT_EQ(text("<p>Items:</p><ul><li>one</li><li>two</li>\n<li> three </li></ul><p>done</p>"),
            "Items:\n\n- one\n- two\n- three\n\ndone");
  EXPECT_EQ(text("<ol><li>a<li>b</ol>"), "- a\n- b");
  // Outlook wraps item text in paragraphs; the text stays on the item's line.
  EXPECT_EQ(text("<ul><li><p class=MsoNormal>one</p></li><li><p>two</p></li></ul>"), "- one\n\n- two");
  EXPECT_EQ(text("<ul><li></li><li> </li></ul>after"), "after");
  EXPECT_EQ(text("<ul><li>outer<ul><li>inner</li></ul></li></ul>"), "- outer\n- inner");
  EXPECT_EQ(text("<li>a<br>b</li>"), "- a\nb");
}

TEST(HtmlText, Tables) {
  EXPECT_EQ(text("<table><tr><th>Name</th><th>Qty</th></tr><tr><td>Apple</td><td>3</td></tr></table>"),
            "Name\tQty\nApple\t3");
  EXPECT_EQ(text("<table><tr><td><div>cell</div></td></tr></table>x"), "cell\nx");
}

TEST(HtmlText, Pre) {
  EXPECT_EQ(text("<pre>  code\n    indented</pre>after"), "code\n    indented\nafter");
}

TEST(HtmlText, MarkupThatIsNotATag) {
  EXPECT_EQ(text("a < b and c > d"), "a < b and c > d");
  EXPECT_EQ(text("1 <2"), "1 <2");
  EXPECT_EQ(text("x</>y</ junk>z"), "xyz");
  EXPECT_EQ(text("<a title=\"a > b\">t</a>"), "t");
  EXPECT_EQ(text("<img alt='x>y' src=x>after"), "after");
}

TEST(HtmlText, UnterminatedConstructsEndTheText) {
  EXPECT_EQ(text("visible<!-- never closed <p>hidden"), "visible");
  EXPECT_EQ(text("visible<div class=\"open"), "visible");
  EXPECT_EQ(text("visible<script>alert(1)"), "visible");
  EXPECT_EQ(text("visible<span"), "visible");
  EXPECT_EQ(text("visible<"), "visible<");
}

TEST(HtmlText, InvalidUtf8AndControlsAreCleaned) {
  EXPECT_EQ(text("caf\xE9 ok"), "caf\uFFFD ok");
  EXPECT_EQ(text("a\x01" "b\x7F" "c"), "abc");
  EXPECT_EQ(text("Gr\xC3\xBC\xC3\x9F" "e"), "Grüße");
}

TEST(HtmlText, PathologicalInputIsLinearAndBounded) {
  const std::string lt(10u << 20, '<');
  EXPECT_EQ(text(lt, 100).size(), 100u);
  EXPECT_EQ(text(lt).size(), lt.size());
  std::string opens;
  for (int i = 0; i < 500000; ++i) opens += "<a ";
  EXPECT_EQ(text(opens), "");
  std::string comments;
  for (int i = 0; i < 500000; ++i) comments += "<!--x";
  EXPECT_EQ(text(comments), "");
  std::string ends;
  for (int i = 0; i < 500000; ++i) ends += "</scrip";
  EXPECT_EQ(text("<script>" + ends), "");
  std::string refs;
  for (int i = 0; i < 500000; ++i) refs += "&#x";
  EXPECT_EQ(text(refs).size(), refs.size());
  std::string breaks;
  for (int i = 0; i < 100000; ++i) breaks += "x<br>";
  EXPECT_LE(text(breaks, 1000).size(), 1000u);
}

TEST(HtmlText, OutputCutAtCharacterBoundary) {
  EXPECT_EQ(text("ééé", 5), "éé");
  EXPECT_EQ(text("&euro;&euro;", 4), "€");
}

TEST(HtmlText, PreviewText) {
  EXPECT_EQ(preview_text("  Hello\n\n  world \t again  ", 255), "Hello world again");
  EXPECT_EQ(preview_text("ééééé", 3), "ééé");  // characters, not bytes
  EXPECT_EQ(preview_text("ab cd", 3), "ab");   // no trailing space
  EXPECT_EQ(preview_text("ab cd", 4), "ab c");
  EXPECT_EQ(preview_text("\xE2\x80\x8C\xCD\x8F\xC2\xA0 Sale\xC2\xA0now", 255), "Sale now");  // padding hacks
  EXPECT_EQ(preview_text("x\xFFy", 255), "x\uFFFDy");
  EXPECT_EQ(preview_text("", 10), "");
  EXPECT_EQ(preview_text("abc", 0), "");
  const std::string long_text(1000, 'a');
  EXPECT_EQ(preview_text(long_text, 255).size(), 255u);
}

}  // namespace
}  // namespace easd::mime
