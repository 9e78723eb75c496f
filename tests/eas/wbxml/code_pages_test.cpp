#include "eas/wbxml/code_pages.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

namespace easd::wbxml {
namespace {

TEST(CodePages, TableIsSortedWithoutDuplicateTokens) {
  std::set<std::pair<int, int>> seen;
  const tag_info* prev = nullptr;
  for (const auto& e : all_tags()) {
    EXPECT_LT(e.page, page_count) << e.name;
    EXPECT_GE(e.token, 0x05) << e.name;
    EXPECT_LE(e.token, 0x3F) << e.name;
    EXPECT_TRUE(seen.emplace(e.page, e.token).second) << "duplicate " << int(e.page) << "/" << int(e.token);
    if (prev != nullptr) {
      EXPECT_TRUE(prev->page < e.page || (prev->page == e.page && prev->token < e.token)) << e.name;
    }
    prev = &e;
  }
}

TEST(CodePages, NamesAreUniqueWithinEachPage) {
  std::set<std::pair<int, std::string_view>> seen;
  for (const auto& e : all_tags()) {
    EXPECT_FALSE(e.name.empty());
    EXPECT_TRUE(seen.emplace(e.page, e.name).second) << page_name(e.page) << ":" << e.name;
  }
}

TEST(CodePages, EveryPageHasTagsAndItsNamespace) {
  std::map<int, int> per_page;
  for (const auto& e : all_tags()) ++per_page[e.page];
  EXPECT_EQ(per_page.size(), page_count);
  const char* expected[] = {"AirSync",        "Contacts",         "Email",           "AirNotify",
                            "Calendar",       "Move",             "GetItemEstimate", "FolderHierarchy",
                            "MeetingResponse", "Tasks",           "ResolveRecipients", "ValidateCert",
                            "Contacts2",      "Ping",             "Provision",       "Search",
                            "GAL",            "AirSyncBase",      "Settings",        "DocumentLibrary",
                            "ItemOperations", "ComposeMail",      "Email2",          "Notes",
                            "RightsManagement", "Find"};
  for (std::uint8_t p = 0; p < page_count; ++p) {
    EXPECT_EQ(page_name(p), expected[p]);
    EXPECT_EQ(find_page(expected[p]), p);
    EXPECT_EQ(find_page(std::string(expected[p]) + ":"), p) << "libwbxml-style namespace";
  }
  EXPECT_EQ(page_name(26), "");
  EXPECT_EQ(page_name(255), "");
  EXPECT_EQ(find_page("Gal"), 16);
  EXPECT_EQ(find_page("Nope"), std::nullopt);
  EXPECT_EQ(find_page(""), std::nullopt);
}

// wbxml.md §3 lists 586 spec tags, §6 67 legacy ones; the 16.1 Find page has 22 (MS-ASWBXML 2.1.2.1.26).
TEST(CodePages, CountsMatchTheProtocolDigest) {
  int spec = 0;
  int legacy = 0;
  int find = 0;
  for (const auto& e : all_tags()) {
    (e.legacy() ? legacy : spec)++;
    if (e.page == 25) ++find;
  }
  EXPECT_EQ(spec, 586);
  EXPECT_EQ(legacy, 67);
  EXPECT_EQ(find, 22);
}

// Exactly the byte-array elements of wbxml.md §1.3 (MS-ASDTYPE 2.7.1).
TEST(CodePages, OpaqueFlagMarksExactlyTheByteArrayElements) {
  const std::set<std::string> expected{"Email2:ConversationId",  "Email2:ConversationIndex",
                                       "Search:ConversationId",  "ItemOperations:ConversationId",
                                       "ComposeMail:Mime",       "AirSyncBase:Content",
                                       "ResolveRecipients:Data", "GAL:Data"};
  std::set<std::string> flagged;
  for (const auto& e : all_tags()) {
    if (e.byte_array()) flagged.insert(std::string(page_name(e.page)) + ":" + std::string(e.name));
    EXPECT_EQ(is_opaque_element(e.id()), e.byte_array());
  }
  EXPECT_EQ(flagged, expected);
  EXPECT_FALSE(is_opaque_element(*find_tag("AirSyncBase:Data")));
  EXPECT_FALSE(is_opaque_element(*find_tag("ItemOperations:Data")));
  EXPECT_FALSE(is_opaque_element(tag{30, 5}));
}

TEST(CodePages, LookupByNameAndByTokenAgree) {
  for (const auto& e : all_tags()) {
    const std::string qualified = std::string(page_name(e.page)) + ":" + std::string(e.name);
    const auto t = find_tag(qualified);
    ASSERT_TRUE(t) << qualified;
    EXPECT_EQ(*t, e.id());
    EXPECT_EQ(find_tag(e.page, e.name), e.id());
    EXPECT_EQ(tag_name(e.id()), e.name);
    EXPECT_EQ(find_info(e.id()), &e);
    EXPECT_TRUE(is_known(e.id()));
    EXPECT_EQ(is_legacy(e.id()), e.legacy());
  }
}

TEST(CodePages, GoldenEntries) {
  EXPECT_EQ(find_tag("AirSync:Sync"), (tag{0, 0x05}));
  EXPECT_EQ(find_tag("FolderHierarchy:SyncKey"), (tag{7, 0x12}));
  EXPECT_EQ(find_tag("FolderHierarchy:FolderSync"), (tag{7, 0x16}));
  EXPECT_EQ(find_tag("Email:ReplyTo"), (tag{2, 0x19}));
  EXPECT_EQ(find_tag("Email:Status"), (tag{2, 0x3B}));
  EXPECT_EQ(find_tag("Calendar:Timezone"), (tag{4, 0x05}));
  EXPECT_EQ(find_tag("Provision:RequireStorageCardEncryption"), (tag{14, 0x10}));
  EXPECT_EQ(find_tag("Provision:AccountOnlyRemoteWipe"), (tag{14, 0x3B}));
  EXPECT_EQ(find_tag("Settings:RightsManagementInformation"), (tag{18, 0x2B}));
  EXPECT_EQ(find_tag("ComposeMail:Mime"), (tag{21, 0x10}));
  EXPECT_EQ(find_tag("ComposeMail:Email"), (tag{21, 0x18}));
  EXPECT_EQ(find_tag("MeetingResponse:ProposedEndTime"), (tag{8, 0x11}));
  EXPECT_EQ(find_tag("Find:Picture"), (tag{25, 0x22}));
  EXPECT_EQ(find_tag("GAL:Data"), (tag{16, 0x12}));
  EXPECT_EQ(find_tag("Gal:Data"), (tag{16, 0x12}));
  EXPECT_EQ(find_tag("AirNotify:Notify"), (tag{3, 0x05}));
  EXPECT_EQ(find_tag("AirSync:Truncation"), (tag{0, 0x19}));
}

TEST(CodePages, UnknownNamesAndTokens) {
  EXPECT_EQ(find_tag("AirSync:Nope"), std::nullopt);
  EXPECT_EQ(find_tag("Nope:Sync"), std::nullopt);
  EXPECT_EQ(find_tag("Sync"), std::nullopt);
  EXPECT_EQ(find_tag(""), std::nullopt);
  EXPECT_EQ(find_tag("AirSync:"), std::nullopt);
  EXPECT_EQ(find_tag("airsync:Sync"), std::nullopt) << "namespaces are case-sensitive";
  EXPECT_EQ(tag_name(tag{0, 0x40}), "");  // beyond the 6-bit token space
  EXPECT_EQ(tag_name(tag{0, 0x04}), "");
  EXPECT_EQ(tag_name(tag{0, 0x3F}), "");
  EXPECT_EQ(tag_name(tag{26, 0x05}), "");
  EXPECT_FALSE(is_known(tag{25, 0x0F}));
  EXPECT_EQ(find_info(tag{255, 255}), nullptr);
}

TEST(CodePages, VersionRanges) {
  const auto v = [](std::string_view n) { return *find_tag(n); };
  using pv = protocol_version;
  EXPECT_TRUE(defined_in(v("AirSync:Sync"), pv::v2_5));
  EXPECT_TRUE(defined_in(v("AirSync:Sync"), pv::v16_1));
  EXPECT_FALSE(defined_in(v("AirSync:Wait"), pv::v12_0));
  EXPECT_TRUE(defined_in(v("AirSync:Wait"), pv::v12_1));
  EXPECT_TRUE(defined_in(v("Email:Location"), pv::v14_1));
  EXPECT_FALSE(defined_in(v("Email:Location"), pv::v16_0));
  EXPECT_FALSE(defined_in(v("AirSyncBase:Location"), pv::v14_1));
  EXPECT_TRUE(defined_in(v("AirSyncBase:Location"), pv::v16_0));
  EXPECT_FALSE(defined_in(v("Find:Find"), pv::v16_0));
  EXPECT_TRUE(defined_in(v("Find:Find"), pv::v16_1));
  // wbxml.md §5: the RS table omits 16.1 for these two; the element pages list it.
  EXPECT_TRUE(defined_in(v("Provision:MaxDevicePasswordFailedAttempts"), pv::v16_1));
  EXPECT_TRUE(defined_in(v("Provision:MaxCalendarAgeFilter"), pv::v16_1));
  EXPECT_TRUE(defined_in(v("AirSync:Truncation"), pv::v2_5));
  EXPECT_FALSE(defined_in(v("AirSync:Truncation"), pv::v12_0));
  EXPECT_FALSE(defined_in(tag{26, 5}, pv::v16_1));
}

TEST(CodePages, CompileTimeTags) {
  constexpr tag sync = tag_of("AirSync:Sync");
  static_assert(sync == tag{0, 0x05});
  static_assert(tag_of("FolderHierarchy:SyncKey") == tag{7, 0x12});
  static_assert(tag_of("Gal:Picture") == tag{16, 0x10});
  // tag_of("AirSync:Snyc") does not compile: consteval evaluation reaches the throw.
  static_assert(!detail::constexpr_find_tag("AirSync:Snyc"));
  EXPECT_EQ(sync, *find_tag("AirSync:Sync"));
}

}  // namespace
}  // namespace easd::wbxml
