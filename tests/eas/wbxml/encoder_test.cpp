#include "eas/wbxml/codec.hpp"

#include "eas/wbxml/code_pages.hpp"
#include "tests/eas/wbxml/test_util.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace easd::wbxml {
namespace {

using test::bytes;
using test::doc;

element roundtrip(const element& e) {
  const auto encoded = encode(e);
  auto r = decode(std::span<const std::uint8_t>(encoded));
  if (!r) {
    ADD_FAILURE() << r.error().message() << " for " << test::hex(encoded);
    return element{};
  }
  return std::move(*r);
}

TEST(WbxmlEncode, FolderSyncGolden) {
  element root = element::named("FolderHierarchy:FolderSync");
  root.add("FolderHierarchy:SyncKey", "0");
  EXPECT_EQ(test::hex(encode(root)), "03 01 6A 00 00 07 56 52 03 30 00 01 01");  // wbxml.md §1.4
  EXPECT_EQ(encode_to_string(root), std::string("\x03\x01\x6A\x00\x00\x07\x56\x52\x03\x30\x00\x01\x01", 13));
}

TEST(WbxmlEncode, SwitchPageOnlyWhenThePageChanges) {
  element root = element::named("AirSync:Sync");
  auto& collection = root.add("AirSync:Collections").add("AirSync:Collection");
  collection.add("AirSync:SyncKey", "0");
  collection.add("AirSync:CollectionId", "1");
  auto& options = collection.add("AirSync:Options");
  options.add("AirSyncBase:BodyPreference").add("AirSyncBase:Type", "2");
  options.add("AirSync:MIMESupport", "0");
  EXPECT_EQ(encode(root), doc({0x45, 0x5C, 0x4F, 0x4B, 0x03, '0', 0x00, 0x01, 0x52, 0x03, '1', 0x00, 0x01, 0x57,
                               0x00, 0x11, 0x45, 0x46, 0x03, '2', 0x00, 0x01, 0x01, 0x00, 0x00, 0x62, 0x03, '0',
                               0x00, 0x01, 0x01, 0x01, 0x01, 0x01}));
}

TEST(WbxmlEncode, EmptyElementHasNoContentBit) {
  element root = element::named("AirSync:Sync");
  root.add("AirSync:GetChanges");
  root.add("AirSync:SyncKey", "");
  EXPECT_EQ(encode(root), doc({0x45, 0x13, 0x0B, 0x01}));
  EXPECT_EQ(encode(element::named("Ping:Ping")), doc({0x00, 0x0D, 0x05}));
}

TEST(WbxmlEncode, TextIsStrIVerbatim) {
  element root = element::named("Email:Subject", "Grüße \xF0\x9F\x98\x80 <&>");
  bytes expected = doc({0x00, 0x02, 0x54, 0x03});
  for (char c : root.text()) expected.push_back(static_cast<std::uint8_t>(c));
  expected.push_back(0x00);
  expected.push_back(0x01);
  EXPECT_EQ(encode(root), expected);
}

TEST(WbxmlEncode, OpaqueForByteArrayElements) {
  element root = element::named("ComposeMail:SendMail");
  element mime = element::named("ComposeMail:Mime");
  mime.set_opaque(std::string(200, 'm'));
  root.add(std::move(mime));
  bytes expected = doc({0x00, 0x15, 0x45, 0x50, 0xC3, 0x81, 0x48});  // 200 = 81 48
  expected.insert(expected.end(), 200, 'm');
  expected.push_back(0x01);
  expected.push_back(0x01);
  EXPECT_EQ(encode(root), expected);
}

TEST(WbxmlEncode, OpaqueLengthsUseMultiByteIntegers) {
  element e = element::named("AirSyncBase:Content");
  e.set_opaque(std::string(70'000, 'x'));
  const auto out = encode(e);
  ASSERT_GT(out.size(), 10u);
  EXPECT_EQ(test::hex(bytes(out.begin(), out.begin() + 10)), "03 01 6A 00 00 11 5F C3 84 A2");
  EXPECT_EQ(out[10], 0x70);
  EXPECT_EQ(out.size(), 4u + 2u + 1u + 1u + 3u + 70'000u + 1u);
  EXPECT_EQ(roundtrip(e), e);
}

TEST(WbxmlEncode, TextInByteArrayElementIsStrIUnlessItHasNul) {
  EXPECT_EQ(encode(element::named("ComposeMail:Mime", "abc")),
            doc({0x00, 0x15, 0x50, 0x03, 'a', 'b', 'c', 0x00, 0x01}));
  EXPECT_EQ(encode(element::named("ComposeMail:Mime", std::string("a\0c", 3))),
            doc({0x00, 0x15, 0x50, 0xC3, 0x03, 'a', 0x00, 'c', 0x01}));
}

TEST(WbxmlEncode, OpaqueOutsideByteArrayElementsIsStrI) {
  // Thunderbird's decoder breaks on OPAQUE: only byte arrays get it (wbxml.md §1.3, client README).
  element data = element::named("AirSyncBase:Data");
  data.set_opaque("MIME body");
  bytes expected = doc({0x00, 0x11, 0x4B, 0x03});
  for (char c : std::string("MIME body")) expected.push_back(static_cast<std::uint8_t>(c));
  expected.push_back(0x00);
  expected.push_back(0x01);
  EXPECT_EQ(encode(data), expected);
}

TEST(WbxmlEncode, OpaqueWithNulOutsideByteArrayElementsStaysOpaque) {
  element data = element::named("AirSyncBase:Data");
  data.set_opaque(std::string("a\0b", 3));
  EXPECT_EQ(encode(data), doc({0x00, 0x11, 0x4B, 0xC3, 0x03, 'a', 0x00, 'b', 0x01}));
  EXPECT_EQ(roundtrip(data), data);
}

TEST(WbxmlEncode, ProgrammingErrorsThrow) {
  EXPECT_THROW(encode(element::named("AirSyncBase:Data", std::string("a\0b", 3))), std::invalid_argument)
      << "NUL in text of a string element";
  EXPECT_THROW(encode(element(tag{0, 0x3F})), std::invalid_argument) << "token not in the table";
  EXPECT_THROW(encode(element(tag{26, 0x05})), std::invalid_argument) << "page not in the table";
  element mixed = element::named("AirSync:Sync", "text");
  mixed.add("AirSync:SyncKey", "1");
  EXPECT_THROW(encode(mixed), std::invalid_argument) << "text and children";
}

TEST(WbxmlEncode, EmptyOpaqueIsAnEmptyElement) {
  element e = element::named("ComposeMail:Mime");
  e.set_opaque("");
  EXPECT_EQ(encode(e), doc({0x00, 0x15, 0x10}));
}

TEST(WbxmlEncode, RoundTripsKeepTheTree) {
  element root = element::named("Search:Search");
  auto& store = root.add("Search:Store");
  store.add("Search:Name", "GAL");
  store.add("Search:Query", "  spaced\ttext\r\n");
  auto& props = store.add("Search:Properties");
  element data = element::named("GAL:Data");
  data.set_opaque(std::string("\x89PNG\0\0", 6));
  props.add("GAL:Picture").add(std::move(data));
  props.add("Email:Subject", "s");
  props.add("Search:ConversationId").set_opaque("\x01\x02");
  EXPECT_EQ(roundtrip(root), root);
}

TEST(WbxmlEncode, DeepTreesDoNotRecurse) {
  element root = element::named("AirSync:Sync");
  element* cur = &root;
  for (int i = 0; i < 10'000; ++i) cur = &cur->add("AirSync:Collection");
  const auto out = encode(root);
  EXPECT_EQ(out.size(), 4u + 10'001u + 10'000u);  // the innermost element is empty: no END
  EXPECT_EQ(decode(std::span<const std::uint8_t>(out), limits{.max_depth = 20'000}).value(), root);
}

}  // namespace
}  // namespace easd::wbxml
