#include "eas/wbxml/codec.hpp"

#include "eas/wbxml/code_pages.hpp"
#include "tests/eas/wbxml/corpus.hpp"
#include "tests/eas/wbxml/test_util.hpp"

#include <gtest/gtest.h>

namespace easd::wbxml {
namespace {

error xml_error(std::string_view xml, const limits& lim = {}) {
  const auto r = from_xml(xml, lim);
  if (r) {
    ADD_FAILURE() << "parsed although invalid: " << xml;
    return error{};
  }
  return static_cast<error>(r.error().value());
}

TEST(WbxmlXml, RendersFolderSync) {
  element root = element::named("FolderHierarchy:FolderSync");
  root.add("FolderHierarchy:SyncKey", "0");
  EXPECT_EQ(to_xml(root),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
            "<FolderSync xmlns=\"FolderHierarchy\">\n"
            "  <SyncKey>0</SyncKey>\n"
            "</FolderSync>\n");
}

TEST(WbxmlXml, RendersNamespacesWherePagesChange) {
  element root = element::named("AirSync:Sync");
  auto& options = root.add("AirSync:Options");
  options.add("AirSyncBase:BodyPreference").add("AirSyncBase:Type", "2");
  options.add("AirSync:MIMESupport");
  element conv = element::named("Email2:ConversationId");
  conv.set_opaque("\xAA\xBB\xCC");
  root.add(std::move(conv));
  EXPECT_EQ(to_xml(root),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
            "<Sync xmlns=\"AirSync\">\n"
            "  <Options>\n"
            "    <BodyPreference xmlns=\"AirSyncBase\">\n"
            "      <Type>2</Type>\n"
            "    </BodyPreference>\n"
            "    <MIMESupport/>\n"
            "  </Options>\n"
            "  <ConversationId xmlns=\"Email2\" opaque=\"base64\">qrvM</ConversationId>\n"
            "</Sync>\n");
}

TEST(WbxmlXml, EscapesTextAndFallsBackToBase64) {
  EXPECT_EQ(to_xml(element::named("Email:Subject", "a<b>&c\r\n\"q\"")),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
            "<Subject xmlns=\"Email\">a&lt;b&gt;&amp;c&#13;\n\"q\"</Subject>\n");
  // Control characters and invalid UTF-8 cannot appear in XML 1.0 at all.
  EXPECT_EQ(to_xml(element::named("Email:Subject", "\x01")),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Subject xmlns=\"Email\" encoding=\"base64\">AQ==</Subject>\n");
  EXPECT_NE(to_xml(element::named("Email:Subject", "\xC3\x28")).find("encoding=\"base64\""), std::string::npos);
  EXPECT_NE(to_xml(element::named("Email:Subject", "\xED\xA0\x80")).find("encoding=\"base64\""), std::string::npos)
      << "UTF-8 encoded surrogate";
  EXPECT_NE(to_xml(element::named("Email:Subject", "\xC0\xAF")).find("encoding=\"base64\""), std::string::npos)
      << "overlong";
  EXPECT_EQ(to_xml(element::named("Email:Subject", "\xE2\x82\xAC\xF0\x9F\x98\x80")).find("base64"), std::string::npos);
}

TEST(WbxmlXml, ParsesDefaultAndPrefixedNamespaces) {
  const auto a = from_xml(R"(<Sync xmlns="AirSync"><Options><BodyPreference xmlns="AirSyncBase"><Type>2</Type></BodyPreference></Options></Sync>)");
  const auto b = from_xml(R"(<?xml version="1.0"?>
<airsync:Sync xmlns:airsync="AirSync" xmlns:asb="AirSyncBase">
  <airsync:Options>
    <asb:BodyPreference><asb:Type>2</asb:Type></asb:BodyPreference>
  </airsync:Options>
</airsync:Sync>)");
  ASSERT_TRUE(a) << a.error().message();
  ASSERT_TRUE(b) << b.error().message();
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(a->children()[0].children()[0].children()[0].text(), "2");
}

TEST(WbxmlXml, AcceptsLibwbxmlNamespacesAndDoctype) {
  const auto r = from_xml(R"(<?xml version="1.0"?>
<!DOCTYPE ActiveSync PUBLIC "-//MICROSOFT//DTD ActiveSync//EN" "http://www.microsoft.com/">
<FolderSync xmlns="FolderHierarchy:">
<SyncKey>0</SyncKey>
</FolderSync>)");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(test::hex(encode(*r)), "03 01 6A 00 00 07 56 52 03 30 00 01 01");
}

TEST(WbxmlXml, ContentEncodings) {
  const auto r = from_xml(R"(<SendMail xmlns="ComposeMail"><ClientId encoding="base64">AGE=</ClientId><Mime opaque="base64">
    TUlN
    RQ==
  </Mime><SaveInSentItems></SaveInSentItems><AccountId>  spaced  </AccountId></SendMail>)");
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->children().size(), 4u);
  EXPECT_EQ(r->children()[0].text(), std::string("\0a", 2));
  EXPECT_FALSE(r->children()[0].is_opaque());
  EXPECT_EQ(r->children()[1].text(), "MIME");
  EXPECT_TRUE(r->children()[1].is_opaque());
  EXPECT_TRUE(r->children()[2].empty());
  EXPECT_EQ(r->children()[3].text(), "  spaced  ");
}

TEST(WbxmlXml, Errors) {
  EXPECT_EQ(xml_error("<Sync xmlns=\"AirSync\">"), error::bad_xml) << "unclosed";
  EXPECT_EQ(xml_error("not xml"), error::bad_xml);
  EXPECT_EQ(xml_error(""), error::bad_xml);
  EXPECT_EQ(xml_error("<Sync xmlns=\"AirSync\"/><Sync xmlns=\"AirSync\"/>"), error::bad_xml) << "two roots";
  EXPECT_EQ(xml_error("<Sync/>"), error::unknown_page) << "no namespace";
  EXPECT_EQ(xml_error("<Sync xmlns=\"AirSink\"/>"), error::unknown_page);
  EXPECT_EQ(xml_error("<Snyc xmlns=\"AirSync\"/>"), error::unknown_token);
  EXPECT_EQ(xml_error("<Sync xmlns=\"AirSync\">x<SyncKey/></Sync>"), error::mixed_content);
  EXPECT_EQ(xml_error("<Sync xmlns=\"AirSync\"><SyncKey/>x</Sync>"), error::mixed_content);
  EXPECT_EQ(xml_error("<Sync xmlns=\"AirSync\" foo=\"1\"/>"), error::bad_xml) << "unknown attribute";
  EXPECT_EQ(xml_error("<Sync xmlns=\"AirSync\" opaque=\"hex\"/>"), error::bad_xml);
  EXPECT_EQ(xml_error("<Mime xmlns=\"ComposeMail\" opaque=\"base64\">!!!!</Mime>"), error::bad_xml) << "bad base64";
  EXPECT_EQ(xml_error("<Mime xmlns=\"ComposeMail\" opaque=\"base64\">QQ=</Mime>"), error::bad_xml);
  EXPECT_EQ(xml_error("<Sync xmlns=\"AirSync\" opaque=\"base64\"><SyncKey/></Sync>"), error::bad_xml);
}

TEST(WbxmlXml, RejectsDtdsAndEntities) {
  EXPECT_EQ(xml_error(R"(<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Subject xmlns="Email">&lol2;</Subject>)"),
            error::bad_xml);
  EXPECT_EQ(xml_error(R"(<!DOCTYPE x [<!ATTLIST Subject opaque CDATA "base64">]><Subject xmlns="Email">QQ==</Subject>)"),
            error::bad_xml);
  EXPECT_EQ(xml_error(R"(<!DOCTYPE x SYSTEM "file:///etc/passwd"><Subject xmlns="Email">&ext;</Subject>)"),
            error::bad_xml) << "undefined entity";
}

TEST(WbxmlXml, Limits) {
  const std::string three = R"(<Sync xmlns="AirSync"><Collections><Collection/></Collections></Sync>)";
  EXPECT_TRUE(from_xml(three, limits{.max_depth = 3}));
  EXPECT_EQ(xml_error(three, limits{.max_depth = 2}), error::depth_exceeded);
  EXPECT_EQ(xml_error(three, limits{.max_elements = 2}), error::too_many_elements);
  EXPECT_EQ(xml_error(R"(<Subject xmlns="Email">12345</Subject>)", limits{.max_decoded_bytes = 4}), error::too_large);
  EXPECT_EQ(xml_error(three, limits{.max_xml_bytes = 10}), error::too_large);
  EXPECT_EQ(xml_error(R"(<Mime xmlns="ComposeMail" opaque="base64">QUJD</Mime>)", limits{.max_opaque_bytes = 2}),
            error::opaque_too_large);
  std::string deep;
  for (int i = 0; i < 100'000; ++i) deep += "<Sync xmlns=\"AirSync\">";
  EXPECT_EQ(xml_error(deep), error::depth_exceeded);
}

TEST(WbxmlXml, CorpusRoundTripsThroughXml) {
  for (const auto& d : test::command_corpus()) {
    const element tree = test::parse_corpus_document(d);
    const auto again = from_xml(to_xml(tree));
    ASSERT_TRUE(again) << d.name << ": " << again.error().message();
    EXPECT_EQ(*again, tree) << d.name;
  }
}

TEST(WbxmlXml, OddContentRoundTripsThroughXml) {
  element root = element::named("AirSync:Sync");
  root.add("AirSync:SyncKey", "\r\n\t ");
  root.add("AirSync:ClientId", std::string("bin\0ary\xFF", 8));
  root.add("AirSync:ServerId", "\x7F\xC2\x80\xEF\xBF\xBD");
  element opaque_nul = element::named("AirSync:Class");
  opaque_nul.set_opaque(std::string("\0", 1));
  root.add(std::move(opaque_nul));
  root.add("AirSync:Status", "]]>&amp;");
  const auto again = from_xml(to_xml(root));
  ASSERT_TRUE(again) << again.error().message() << "\n" << to_xml(root);
  EXPECT_EQ(*again, root) << to_xml(root);
}

}  // namespace
}  // namespace easd::wbxml
