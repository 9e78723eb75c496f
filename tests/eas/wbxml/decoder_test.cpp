#include "eas/wbxml/codec.hpp"

#include "eas/wbxml/code_pages.hpp"
#include "tests/eas/wbxml/test_util.hpp"

#include <gtest/gtest.h>

#include <string>

namespace easd::wbxml {
namespace {

using test::bytes;
using test::doc;
using test::make_bytes;

error decode_error(const bytes& in, const limits& lim = {}) {
  const auto r = decode(std::span<const std::uint8_t>(in), lim);
  if (r) {
    ADD_FAILURE() << "decoded although invalid: " << test::hex(in);
    return error{};
  }
  EXPECT_EQ(&r.error().category(), &error_category());
  return static_cast<error>(r.error().value());
}

element decode_ok(const bytes& in, const limits& lim = {}) {
  auto r = decode(std::span<const std::uint8_t>(in), lim);
  if (!r) {
    ADD_FAILURE() << "decode failed: " << r.error().message() << " for " << test::hex(in);
    return element{};
  }
  return std::move(*r);
}

// wbxml.md §1.4: <FolderSync xmlns="FolderHierarchy"><SyncKey>0</SyncKey></FolderSync>
TEST(WbxmlDecode, FolderSyncGolden) {
  const auto root = decode_ok(doc({0x00, 0x07, 0x56, 0x52, 0x03, 0x30, 0x00, 0x01, 0x01}));
  EXPECT_EQ(root.id(), (tag{7, 0x16}));
  EXPECT_EQ(root.qualified_name(), "FolderHierarchy:FolderSync");
  ASSERT_EQ(root.children().size(), 1u);
  EXPECT_EQ(root.children()[0].qualified_name(), "FolderHierarchy:SyncKey");
  EXPECT_EQ(root.children()[0].text(), "0");
  EXPECT_FALSE(root.children()[0].is_opaque());
  EXPECT_EQ(root.child_text("FolderHierarchy:SyncKey"), "0");
}

// Sync / Collections / Collection { SyncKey, CollectionId, Options { airsyncbase:BodyPreference { Type },
// MIMESupport } }: the page switches to AirSyncBase and back to AirSync inside Options.
TEST(WbxmlDecode, PageSwitchesAreState) {
  const auto root = decode_ok(doc({0x45, 0x5C, 0x4F, 0x4B, 0x03, '0', 0x00, 0x01, 0x52, 0x03, '1', 0x00, 0x01,
                                   0x57, 0x00, 0x11, 0x45, 0x46, 0x03, '2', 0x00, 0x01, 0x01, 0x00, 0x00,
                                   0x62, 0x03, '0', 0x00, 0x01, 0x01, 0x01, 0x01, 0x01}));
  element expected = element::named("AirSync:Sync");
  auto& collection = expected.add("AirSync:Collections").add("AirSync:Collection");
  collection.add("AirSync:SyncKey", "0");
  collection.add("AirSync:CollectionId", "1");
  auto& options = collection.add("AirSync:Options");
  options.add("AirSyncBase:BodyPreference").add("AirSyncBase:Type", "2");
  options.add("AirSync:MIMESupport", "0");
  EXPECT_EQ(root, expected);
}

TEST(WbxmlDecode, EmptyElementsAndEmptyRoot) {
  EXPECT_EQ(decode_ok(doc({0x05})), element::named("AirSync:Sync"));
  EXPECT_EQ(decode_ok(doc({0x45, 0x01})), element::named("AirSync:Sync")) << "content bit, no content";
  EXPECT_EQ(decode_ok(doc({0x45, 0x03, 0x00, 0x01})), element::named("AirSync:Sync")) << "empty STR_I";
  auto r = decode_ok(doc({0x45, 0x13, 0x01}));
  ASSERT_EQ(r.children().size(), 1u);
  EXPECT_TRUE(r.children()[0].empty());
  EXPECT_EQ(r.children()[0].qualified_name(), "AirSync:GetChanges");
}

TEST(WbxmlDecode, ConsecutiveSwitchPagesAndSwitchBeforeEnd) {
  const auto root = decode_ok(doc({0x00, 0x01, 0x00, 0x07, 0x56, 0x52, 0x03, 'k', 0x00, 0x00, 0x00, 0x01, 0x01}));
  EXPECT_EQ(root.qualified_name(), "FolderHierarchy:FolderSync");
  EXPECT_EQ(root.child_text("FolderHierarchy:SyncKey"), "k");
}

TEST(WbxmlDecode, TextPiecesAreConcatenated) {
  const auto root = decode_ok(doc({0x00, 0x07, 0x56, 0x52, 0x03, 'a', 'b', 0x00, 0x03, 'c', 0x00,
                                   0xC3, 0x02, 'd', 'e', 0x01, 0x01}));
  EXPECT_EQ(root.child_text("FolderHierarchy:SyncKey"), "abcde");
  EXPECT_FALSE(root.children()[0].is_opaque());
}

TEST(WbxmlDecode, OpaqueIsTextOutsideByteArrayElements) {
  // SyncKey is a string: OPAQUE accepted, kept as text (wbxml.md §1.3 robustness advice).
  const auto root = decode_ok(doc({0x00, 0x07, 0x56, 0x52, 0xC3, 0x03, 'x', 'y', 'z', 0x01, 0x01}));
  EXPECT_EQ(root.children()[0].text(), "xyz");
  EXPECT_FALSE(root.children()[0].is_opaque());
}

TEST(WbxmlDecode, OpaqueWithNulStaysOpaqueOutsideByteArrayElements) {
  const auto root = decode_ok(doc({0x00, 0x07, 0x56, 0x52, 0xC3, 0x03, 'x', 0x00, 'z', 0x01, 0x01}));
  EXPECT_EQ(root.children()[0].text(), std::string("x\0z", 3));
  EXPECT_TRUE(root.children()[0].is_opaque());
}

TEST(WbxmlDecode, ByteArrayElements) {
  // <SendMail><Mime>OPAQUE</Mime></SendMail> on page 21.
  auto root = decode_ok(doc({0x00, 0x15, 0x45, 0x50, 0xC3, 0x04, 'M', 0x00, 0xFF, '\n', 0x01, 0x01}));
  ASSERT_EQ(root.children().size(), 1u);
  EXPECT_TRUE(root.children()[0].is_opaque());
  EXPECT_EQ(root.children()[0].text(), std::string("M\0\xFF\n", 4));
  // STR_I in a byte-array element stays text.
  root = decode_ok(doc({0x00, 0x15, 0x45, 0x50, 0x03, 'M', 0x00, 0x01, 0x01}));
  EXPECT_FALSE(root.children()[0].is_opaque());
  EXPECT_EQ(root.children()[0].text(), "M");
  // Any OPAQUE piece makes the content opaque.
  root = decode_ok(doc({0x00, 0x15, 0x45, 0x50, 0x03, 'M', 0x00, 0xC3, 0x01, 'N', 0x01, 0x01}));
  EXPECT_TRUE(root.children()[0].is_opaque());
  EXPECT_EQ(root.children()[0].text(), "MN");
  // A zero-length OPAQUE is no content.
  root = decode_ok(doc({0x00, 0x15, 0x45, 0x50, 0xC3, 0x00, 0x01, 0x01}));
  EXPECT_TRUE(root.children()[0].empty());
}

TEST(WbxmlDecode, MultiByteLengths) {
  bytes in = doc({0x00, 0x15, 0x45, 0x50, 0xC3, 0x81, 0x48});  // 200 = 81 48 (wbxml.md §1)
  in.insert(in.end(), 200, 'q');
  in.push_back(0x01);
  in.push_back(0x01);
  const auto root = decode_ok(in);
  EXPECT_EQ(root.children()[0].text(), std::string(200, 'q'));
  // A non-minimal length (leading 0x80 groups) is still a valid mb_u_int32.
  const auto r2 = decode_ok(doc({0x00, 0x15, 0x45, 0x50, 0xC3, 0x80, 0x80, 0x01, 'z', 0x01, 0x01}));
  EXPECT_EQ(r2.children()[0].text(), "z");
}

TEST(WbxmlDecode, LegacyTokensDecode) {
  // 2.5 Options/Truncation (0/0x19) and a retired AirNotify page-3 tag.
  const auto root = decode_ok(doc({0x45, 0x57, 0x59, 0x03, '4', 0x00, 0x01, 0x00, 0x03, 0x05, 0x01, 0x01}));
  ASSERT_EQ(root.children().size(), 1u);
  const auto& options = root.children()[0];
  ASSERT_EQ(options.children().size(), 2u);
  EXPECT_EQ(options.children()[0].qualified_name(), "AirSync:Truncation");
  EXPECT_TRUE(is_legacy(options.children()[0].id()));
  EXPECT_EQ(options.children()[1].qualified_name(), "AirNotify:Notify");
}

TEST(WbxmlDecode, StringViewOverload) {
  const std::string in("\x03\x01\x6A\x00\x00\x07\x56\x52\x03\x30\x00\x01\x01", 13);
  const auto r = decode(std::string_view(in));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->qualified_name(), "FolderHierarchy:FolderSync");
}

// --- errors ---------------------------------------------------------------------------------------------

TEST(WbxmlDecodeErrors, Truncated) {
  EXPECT_EQ(decode_error({}), error::truncated);
  EXPECT_EQ(decode_error(make_bytes({0x03})), error::truncated);
  EXPECT_EQ(decode_error(make_bytes({0x03, 0x01, 0x6A})), error::truncated);
  EXPECT_EQ(decode_error(make_bytes({0x03, 0x81})), error::truncated) << "inside an mb_u_int32";
  EXPECT_EQ(decode_error(doc({0x00})), error::truncated) << "SWITCH_PAGE without page";
  EXPECT_EQ(decode_error(doc({0x45})), error::truncated) << "open element";
  EXPECT_EQ(decode_error(doc({0x45, 0x4B})), error::truncated);
  EXPECT_EQ(decode_error(doc({0x45, 0x4B, 0x03, 'a', 'b'})), error::truncated) << "STR_I without NUL";
  EXPECT_EQ(decode_error(doc({0x45, 0x4B, 0x03})), error::truncated);
  EXPECT_EQ(decode_error(doc({0x45, 0x4B, 0xC3})), error::truncated) << "OPAQUE without length";
  EXPECT_EQ(decode_error(doc({0x45, 0x4B, 0xC3, 0x85})), error::truncated);
  EXPECT_EQ(decode_error(doc({0x45, 0x4B, 0xC3, 0x05, 'a', 'b'})), error::truncated) << "short OPAQUE";
  // 0xFFFFFFFF is a valid length; the data is missing.
  EXPECT_EQ(decode_error(doc({0x45, 0x4B, 0xC3, 0x8F, 0xFF, 0xFF, 0xFF, 0x7F, 0x01, 0x01}), limits{.max_opaque_bytes = ~std::size_t{0}}),
            error::truncated);
}

TEST(WbxmlDecodeErrors, BadHeader) {
  EXPECT_EQ(decode_error(make_bytes({0x02, 0x01, 0x6A, 0x00, 0x05})), error::bad_header) << "WBXML 1.2";
  EXPECT_EQ(decode_error(make_bytes({0x01, 0x01, 0x6A, 0x00, 0x05})), error::bad_header);
  EXPECT_EQ(decode_error(make_bytes({0x03, 0x00, 0x6A, 0x00, 0x05})), error::bad_header) << "public id 0";
  EXPECT_EQ(decode_error(make_bytes({0x03, 0x02, 0x6A, 0x00, 0x05})), error::bad_header);
  EXPECT_EQ(decode_error(make_bytes({0x03, 0x80, 0x01, 0x6A, 0x00, 0x05})), error::bad_header) << "non-minimal 01";
  EXPECT_EQ(decode_error(make_bytes({0x03, 0x01, 0x04, 0x00, 0x05})), error::bad_header) << "ISO-8859-1";
  EXPECT_EQ(decode_error(make_bytes({0x03, 0x01, 0x87, 0x77, 0x00, 0x05})), error::bad_header) << "UTF-16 (1015)";
  EXPECT_EQ(decode_error(make_bytes({0x03, 0x01, 0x80, 0x6A, 0x00, 0x05})), error::bad_header);
  EXPECT_EQ(decode_error(make_bytes({0x03, 0x01, 0x6A, 0x80, 0x00, 0x05})), error::bad_header) << "non-minimal 0";
}

TEST(WbxmlDecodeErrors, StringTableIsRejectedBeforeItIsRead) {
  EXPECT_EQ(decode_error(make_bytes({0x03, 0x01, 0x6A, 0x05, 'a', 'b', 0x00, 'c', 0x00, 0x05})), error::string_table);
  // The declared table is far larger than the input: rejected on the length alone.
  EXPECT_EQ(decode_error(make_bytes({0x03, 0x01, 0x6A, 0x8F, 0xFF, 0xFF, 0xFF, 0x7F})), error::string_table);
  std::size_t offset = 0;
  const bytes in = make_bytes({0x03, 0x01, 0x6A, 0x05, 'a'});
  ASSERT_FALSE(decode(std::span<const std::uint8_t>(in), {}, offset));
  EXPECT_EQ(offset, 3u);
}

TEST(WbxmlDecodeErrors, ForbiddenGlobalTokens) {
  for (int b : {0x02, 0x04, 0x40, 0x41, 0x42, 0x43, 0x44, 0x80, 0x81, 0x82, 0x83, 0x84, 0xC0, 0xC1, 0xC2, 0xC4}) {
    EXPECT_EQ(decode_error(doc({0x45, b, 0x00, 0x00, 0x00, 0x01})), error::forbidden_token) << std::hex << b;
    EXPECT_EQ(decode_error(doc({b, 0x00, 0x00})), error::forbidden_token) << "before the root: " << std::hex << b;
  }
}

TEST(WbxmlDecodeErrors, AttributesAreForbidden) {
  EXPECT_EQ(decode_error(doc({0xC5, 0x01, 0x01})), error::forbidden_token) << "Sync with attributes and content";
  EXPECT_EQ(decode_error(doc({0x85, 0x01})), error::forbidden_token) << "Sync with attributes";
  EXPECT_EQ(decode_error(doc({0x45, 0xCB, 0x01, 0x01, 0x01})), error::forbidden_token);
}

TEST(WbxmlDecodeErrors, UnknownPage) {
  EXPECT_EQ(decode_error(doc({0x00, 0x1A, 0x05})), error::unknown_page) << "page 26";
  EXPECT_EQ(decode_error(doc({0x00, 0xFF, 0x05})), error::unknown_page);
  EXPECT_EQ(decode_error(doc({0x45, 0x00, 0x1A, 0x05, 0x01})), error::unknown_page);
  std::size_t offset = 0;
  const bytes in = doc({0x45, 0x00, 0x1A, 0x05, 0x01});
  ASSERT_FALSE(decode(std::span<const std::uint8_t>(in), {}, offset));
  EXPECT_EQ(offset, 6u) << "offset of the page byte";
}

TEST(WbxmlDecodeErrors, UnknownToken) {
  EXPECT_EQ(decode_error(doc({0x7F, 0x01})), error::unknown_token) << "AirSync 0x3F";
  EXPECT_EQ(decode_error(doc({0x3F})), error::unknown_token);
  EXPECT_EQ(decode_error(doc({0x00, 0x19, 0x0F})), error::unknown_token) << "Find 0x0F is unassigned";
  EXPECT_EQ(decode_error(doc({0x45, 0x00, 0x07, 0x19})), error::unknown_token) << "FolderHierarchy 0x19";
  EXPECT_EQ(decode_error(doc({0x00, 0x02, 0x04})), error::forbidden_token) << "token 4 is LITERAL on any page";
}

TEST(WbxmlDecodeErrors, Unbalanced) {
  EXPECT_EQ(decode_error(doc({0x01})), error::unbalanced) << "END first";
  EXPECT_EQ(decode_error(doc({0x45, 0x01, 0x01})), error::unbalanced) << "END after root";
  EXPECT_EQ(decode_error(doc({0x45, 0x01, 0x05})), error::unbalanced) << "second root";
  EXPECT_EQ(decode_error(doc({0x05, 0x05})), error::unbalanced) << "second root after empty root";
  EXPECT_EQ(decode_error(doc({0x03, 'a', 0x00, 0x05})), error::unbalanced) << "text before root";
  EXPECT_EQ(decode_error(doc({0x45, 0x01, 0x03, 'a', 0x00})), error::unbalanced) << "text after root";
  EXPECT_EQ(decode_error(doc({0x45, 0x01, 0xC3, 0x01, 'a'})), error::unbalanced) << "opaque after root";
  EXPECT_EQ(decode_error(doc({0x45, 0x01, 0x00, 0x01})), error::unbalanced) << "SWITCH_PAGE after root";
}

TEST(WbxmlDecodeErrors, MixedContent) {
  EXPECT_EQ(decode_error(doc({0x45, 0x03, 'a', 0x00, 0x4B, 0x01, 0x01})), error::mixed_content) << "text then child";
  EXPECT_EQ(decode_error(doc({0x45, 0x0B, 0x03, 'a', 0x00, 0x01})), error::mixed_content) << "child then text";
  EXPECT_EQ(decode_error(doc({0x45, 0x0B, 0xC3, 0x01, 'a', 0x01})), error::mixed_content) << "child then opaque";
}

TEST(WbxmlDecodeErrors, EmptyDocument) {
  EXPECT_EQ(decode_error(doc({})), error::empty_document);
  EXPECT_EQ(decode_error(doc({0x00, 0x07})), error::empty_document) << "only a SWITCH_PAGE";
}

TEST(WbxmlDecodeErrors, BadInteger) {
  EXPECT_EQ(decode_error(doc({0x45, 0xC3, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x01})), error::bad_integer) << "6 bytes";
  EXPECT_EQ(decode_error(doc({0x45, 0xC3, 0x90, 0x80, 0x80, 0x80, 0x00, 0x01})), error::bad_integer) << "2^32";
  EXPECT_EQ(decode_error(make_bytes({0x03, 0x81, 0x81, 0x81, 0x81, 0x81, 0x01})), error::bad_integer) << "header";
}

// --- limits -------------------------------------------------------------------------------------------

bytes nested(std::size_t depth) {
  bytes out{0x03, 0x01, 0x6A, 0x00};
  out.insert(out.end(), depth, 0x45);
  out.insert(out.end(), depth, 0x01);
  return out;
}

TEST(WbxmlDecodeLimits, Depth) {
  EXPECT_TRUE(decode(std::span<const std::uint8_t>(nested(64))));
  EXPECT_EQ(decode_error(nested(65)), error::depth_exceeded);
  EXPECT_TRUE(decode(std::span<const std::uint8_t>(nested(3)), limits{.max_depth = 3}));
  EXPECT_EQ(decode_error(nested(4), limits{.max_depth = 3}), error::depth_exceeded);
  // An empty tag counts as a level too.
  EXPECT_EQ(decode_error(doc({0x45, 0x45, 0x05, 0x01, 0x01}), limits{.max_depth = 2}), error::depth_exceeded);
}

TEST(WbxmlDecodeLimits, Elements) {
  const bytes four = doc({0x45, 0x0B, 0x0C, 0x0D, 0x01});
  EXPECT_TRUE(decode(std::span<const std::uint8_t>(four), limits{.max_elements = 4}));
  EXPECT_EQ(decode_error(four, limits{.max_elements = 3}), error::too_many_elements);
}

TEST(WbxmlDecodeLimits, DecodedBytes) {
  const bytes in = doc({0x45, 0x4B, 0x03, 'a', 'b', 'c', 0x00, 0x01, 0x4C, 0xC3, 0x02, 'd', 'e', 0x01, 0x01});
  EXPECT_TRUE(decode(std::span<const std::uint8_t>(in), limits{.max_decoded_bytes = 5}));
  EXPECT_EQ(decode_error(in, limits{.max_decoded_bytes = 4}), error::too_large);
}

TEST(WbxmlDecodeLimits, OpaqueBytes) {
  const bytes in = doc({0x45, 0x4B, 0xC3, 0x05, '1', '2', '3', '4', '5', 0x01, 0x01});
  EXPECT_TRUE(decode(std::span<const std::uint8_t>(in), limits{.max_opaque_bytes = 5}));
  EXPECT_EQ(decode_error(in, limits{.max_opaque_bytes = 4}), error::opaque_too_large);
  // The declared length is checked before the (missing) data.
  EXPECT_EQ(decode_error(doc({0x45, 0xC3, 0x8F, 0xFF, 0xFF, 0xFF, 0x7F})), error::opaque_too_large);
}

// --- hostile inputs (ARCHITECTURE.md §1): each rejected with its error, fast ------------------------------

// "Well under a millisecond" is measured in bench/wbxml_bench.cpp; here a generous bound keeps the test
// meaningful on a loaded CI machine (a quadratic or recursive decoder would take seconds).
constexpr double generous_ms = 50.0;

TEST(WbxmlDecodeHostile, EntityThatAbortsLibwbxml) {
  const bytes in = test::hostile_entity_abort();
  ASSERT_EQ(in.size(), 12u);
  error e{};
  const double ms = test::elapsed_ms([&] { e = decode_error(in); });
  EXPECT_EQ(e, error::forbidden_token);
  EXPECT_LT(ms, generous_ms);
  std::size_t offset = 0;
  ASSERT_FALSE(decode(std::span<const std::uint8_t>(in), {}, offset));
  EXPECT_EQ(offset, 5u);
}

TEST(WbxmlDecodeHostile, HundredThousandNestedTags) {
  const bytes in = test::hostile_nesting(100'000);
  error e{};
  const double ms = test::elapsed_ms([&] { e = decode_error(in); });
  EXPECT_EQ(e, error::depth_exceeded);
  EXPECT_LT(ms, generous_ms);
}

TEST(WbxmlDecodeHostile, StringTableAmplifier) {
  const bytes in = test::hostile_string_table();
  EXPECT_GT(in.size(), 70'000u);
  error e{};
  const double ms = test::elapsed_ms([&] { e = decode_error(in); });
  EXPECT_EQ(e, error::string_table);
  EXPECT_LT(ms, generous_ms);
}

TEST(WbxmlDecodeHostile, ManySiblingsHitTheElementLimitNotTheStack) {
  bytes in{0x03, 0x01, 0x6A, 0x00, 0x45};
  in.insert(in.end(), 300'000, 0x0B);
  in.push_back(0x01);
  error e{};
  const double ms = test::elapsed_ms([&] { e = decode_error(in); });
  EXPECT_EQ(e, error::too_many_elements);
  EXPECT_LT(ms, 1000.0);
}

TEST(WbxmlErrors, CategoryAndMessages) {
  const auto ec = make_error_code(error::depth_exceeded);
  EXPECT_STREQ(ec.category().name(), "easd.wbxml");
  for (int v = static_cast<int>(error::truncated); v <= static_cast<int>(error::bad_xml); ++v) {
    const auto m = make_error_code(static_cast<error>(v)).message();
    EXPECT_FALSE(m.empty());
    EXPECT_NE(m, "unknown wbxml error") << v;
  }
  const boost::system::error_code implicit = error::truncated;  // is_error_code_enum
  EXPECT_EQ(implicit, make_error_code(error::truncated));
}

}  // namespace
}  // namespace easd::wbxml
