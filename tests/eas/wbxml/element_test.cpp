#include "eas/wbxml/element.hpp"

#include "eas/wbxml/code_pages.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace easd::wbxml {
namespace {

TEST(WbxmlElement, NamedAndQualifiedName) {
  const element e = element::named("FolderHierarchy:SyncKey", "7");
  EXPECT_EQ(e.id(), (tag{7, 0x12}));
  EXPECT_EQ(e.qualified_name(), "FolderHierarchy:SyncKey");
  EXPECT_EQ(e.text(), "7");
  EXPECT_FALSE(e.is_opaque());
  EXPECT_FALSE(e.empty());
  EXPECT_TRUE(element::named("AirSync:GetChanges").empty());
  EXPECT_EQ(element::named("Gal:Data").qualified_name(), "GAL:Data");
}

TEST(WbxmlElement, UnknownNamesAreProgrammingErrors) {
  EXPECT_THROW(element::named("AirSync:Snyc"), std::invalid_argument);
  EXPECT_THROW(element::named("Sync"), std::invalid_argument);
  element root = element::named("AirSync:Sync");
  EXPECT_THROW(root.add("Nope:Sync"), std::invalid_argument);
  EXPECT_THROW((void)root.child("AirSync:Snyc"), std::invalid_argument);
}

TEST(WbxmlElement, QualifiedNameOfTagsOutsideTheTable) {
  EXPECT_EQ(element(tag{0, 0x3F}).qualified_name(), "AirSync:0x3F");
  EXPECT_EQ(element(tag{30, 0x05}).qualified_name(), "page30:0x05");
}

TEST(WbxmlElement, BuildAndQuery) {
  element root = element::named("AirSync:Sync");
  auto& collection = root.add("AirSync:Collections").add("AirSync:Collection");
  collection.add("AirSync:SyncKey", "0");
  collection.add("AirSync:CollectionId", "1");
  collection.add("AirSync:CollectionId", "2");
  collection.add(element(tag_of("AirSync:GetChanges")));
  EXPECT_EQ(root.children().size(), 1u);
  const auto* c = root.child("AirSync:Collections")->child(tag_of("AirSync:Collection"));
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->child_text("AirSync:CollectionId"), "1") << "first match";
  EXPECT_EQ(c->child_text("AirSync:WindowSize"), std::nullopt);
  EXPECT_EQ(c->child_text("AirSync:GetChanges"), "");
  EXPECT_EQ(c->child(tag{0, 0x15}), nullptr);
}

TEST(WbxmlElement, ContentKinds) {
  element e = element::named("ComposeMail:Mime");
  e.set_opaque(std::string("\0\1", 2));
  EXPECT_TRUE(e.is_opaque());
  EXPECT_EQ(e.text().size(), 2u);
  e.set_text("plain");
  EXPECT_FALSE(e.is_opaque());
  element empty_opaque = element::named("ComposeMail:Mime");
  empty_opaque.set_opaque("");
  EXPECT_FALSE(empty_opaque.empty()) << "marked opaque, as element.hpp documents";
}

TEST(WbxmlElement, EqualityIsDeep) {
  element a = element::named("Ping:Ping");
  a.add("Ping:Folders").add("Ping:Folder").add("Ping:Id", "1");
  element b = a;
  EXPECT_EQ(a, b);
  b.children()[0].children()[0].children()[0].set_text("2");
  EXPECT_NE(a, b);
  element c = a;
  c.children()[0].children()[0].children()[0].set_opaque("1");
  EXPECT_NE(a, c) << "the opaque flag is part of the value";
}

}  // namespace
}  // namespace easd::wbxml
